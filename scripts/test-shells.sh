#!/bin/sh
# shellcheck shell=dash
#
# Fetches other releases of the shells the integration supports, so that the
# tmux tests (test/integration/shell) run against them too: zsh 5.8 and bash 5.1 from
# Debian bullseye, fish 4.0 from trixie. Each is unpacked in DIR/<shell>-<version>/
# with a launcher in DIR/bin-<shell>-<version>/<shell>, which the tests pick up.
#
# apt fetches them from this machine's Debian mirror and checks signatures as
# usual, but with its own source list, lists and cache under DIR: the system's
# apt configuration and packages are left alone, and nothing is installed.
# Shells already there are kept. Exits 1 if any shell could not be had.
#
# Usage: scripts/test-shells.sh [DIR]   (default: .shells in the repo)

set -u

# shell, suite, upstream version, packages to unpack.
SHELLS="zsh bullseye 5.8 zsh zsh-common
bash bullseye 5.1 bash
fish trixie 4.0 fish fish-common libc6"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

main() {
    root=$(cd "$(dirname "$0")/.." && pwd) || exit 1
    dir=${1:-$root/.shells}
    dir=$(mkdir -p "$dir" && cd "$dir" && pwd) || err "cannot create ${1:-.shells}"
    state=$dir/.apt
    failed=""
    updated=0
    while read -r name suite version pkgs; do
        launcher=$dir/bin-$name-$version/$name
        if ! works "$name" "$version" "$launcher"; then
            if [ "$updated" = 0 ]; then
                apt_update
                updated=1
            fi
            if ! fetch "$name" "$suite" "$version" "$pkgs" || ! works "$name" "$version" "$launcher"; then
                say "could not set up $name $version from $suite"
                # No half-made launcher for the tests to pick up.
                rm -rf "$dir/$name-$version" "$dir/$name-$version.tmp" "$dir/bin-$name-$version"
                failed="$failed $name-$version"
                continue
            fi
        fi
        say "$name $version: $launcher"
    done <<EOF
$SHELLS
EOF
    rm -rf "$state"
    [ -z "$failed" ] || err "missing:$failed"
}

# A private apt: the machine's mirror (read from its own sources), other suites.
apt_update() {
    mirror=$(awk '$1 == "URIs:" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
    [ -n "$mirror" ] || err "no Debian mirror in /etc/apt/sources.list.d/debian.sources"
    rm -rf "$state"
    mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs" || err "cannot create $state"
    printf 'deb [signed-by=%s] %s %s main\n' "$KEYRING" "$mirror" bullseye "$KEYRING" "$mirror" trixie >"$state/sources.list"
    # A failed suite shows up below as its shell's failure.
    apt_get update -qq || true
}

apt_get() {
    apt-get -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::Etc::PreferencesParts=/dev/null -o Dir::State::Lists="$state/lists" \
        -o Dir::State::status=/dev/null -o Dir::Cache="$state/cache" -o Acquire::Languages=none \
        -o APT::Sandbox::User="$(id -un)" "$@" </dev/null
}

# Downloads and unpacks the packages, then makes the launcher.
fetch() {
    name=$1 suite=$2 version=$3 list=""
    for p in $4; do list="$list $p/$suite"; done
    dest=$dir/$name-$version
    tmp=$dest.tmp
    rm -rf "$tmp" "$state/debs"/*
    # shellcheck disable=SC2086 # one word per package
    (cd "$state/debs" && apt_get download -qq $list) || return 1
    got=$(dpkg-deb -f "$state/debs/${name}_"*.deb Version) || return 1
    got=${got#*:}
    case $got in "$version" | "$version"[.-]*) ;; *)
        say "$suite has $name $got, not $version"
        return 1
        ;;
    esac
    for deb in "$state/debs"/*.deb; do
        dpkg-deb -x "$deb" "$tmp" || return 1
    done
    "launch_$name" "$tmp" "$dest" "$version" || return 1
    rm -rf "$dest" "$dir/bin-$name-$version"
    mv "$tmp" "$dest" && mv "$dest/.launcher" "$dir/bin-$name-$version"
}

launch_bash() {
    mkdir "$1/.launcher" && ln -s "$2/bin/bash" "$1/.launcher/bash"
}

# zsh ignores MODULE_PATH from the environment and looks for its modules and
# functions where the system's zsh would. Its launcher starts it with ZDOTDIR
# pointing at a .zshenv that fixes both, then hands over to the user's ZDOTDIR
# (so `zsh -f` finds no modules).
launch_zsh() {
    mkdir "$1/.launcher" || return 1
    modules=$(cd "$1" && echo usr/lib/*/zsh/*/zsh) && modules=${modules%/zsh}
    cat >"$1/.launcher/.zshenv" <<EOF
module_path=('$2/$modules')
fpath=("\${(@)fpath/#\/usr\/share\/zsh\/functions/$2/usr/share/zsh/functions}")
if [[ -n \${__test_shells_zdotdir+x} ]]; then ZDOTDIR=\$__test_shells_zdotdir; else unset ZDOTDIR; fi
unset __test_shells_zdotdir
[[ -r \${ZDOTDIR:-\$HOME}/.zshenv ]] && source "\${ZDOTDIR:-\$HOME}/.zshenv"
EOF
    cat >"$1/.launcher/zsh" <<EOF
#!/bin/sh
[ -n "\${ZDOTDIR+x}" ] && export __test_shells_zdotdir="\$ZDOTDIR"
ZDOTDIR='$dir/bin-zsh-$3' exec '$2/bin/zsh' "\$@"
EOF
    chmod +x "$1/.launcher/zsh"
}

# trixie's fish needs glibc 2.39 (bookworm has 2.36): point its ELF interpreter
# and library path at trixie's libc, unpacked beside it. Running it through the
# loader instead would make fish see the loader as its own path, and then use
# the system's fish 3 functions; as a real executable in <root>/usr/bin it finds
# <root>/usr/share/fish (and wants <root>/usr/etc/fish beside it).
launch_fish() {
    (cd "$state/debs" && apt_get download -qq patchelf/bullseye) || return 1
    dpkg-deb -x "$state/debs"/patchelf_*.deb "$state/patchelf" || return 1
    lib=$(cd "$1" && echo usr/lib/*/libc.so.6) && lib=${lib%/libc.so.6}
    ld=$(cd "$1" && echo "$lib"/ld-linux*)
    "$state/patchelf/usr/bin/patchelf" --set-interpreter "$2/$ld" \
        --set-rpath "$2/$lib" "$1/usr/bin/fish" || return 1
    ln -s ../etc "$1/usr/etc" && mkdir "$1/.launcher" && ln -s "$2/usr/bin/fish" "$1/.launcher/fish"
}

# The launcher runs, reports the version, and (zsh) loads its modules.
works() {
    [ -x "$3" ] || return 1
    case $("$3" --version 2>/dev/null) in *" $2"*) ;; *) return 1 ;; esac
    [ "$1" != zsh ] || "$3" -c 'zmodload zsh/zle zsh/zselect zsh/datetime' 2>/dev/null
}

say() { printf 'test-shells: %s\n' "$*"; }
err() {
    say "$*" >&2
    exit 1
}

main "$@" || exit 1
