#!/bin/sh
# shellcheck shell=dash
#
# Installs cmdai, the local natural-language-to-shell-command helper:
#
#   curl -fsSL https://github.com/cmdai/cmdai/releases/latest/download/install.sh | sh
#   curl -fsSL https://github.com/cmdai/cmdai/releases/latest/download/install.sh | sh -s -- --shell-setup
#
# Options:
#   --version V     install version V (default: the latest release, or this installer's own)
#   --sha256 HASH   the archive's SHA-256, from a source you trust; nothing is fetched to check it
#                   (needs --version; set CMDAI_ARCHIVE to the format the hash is for)
#   --shell-setup   add the init line to your shell's rc file (once; the file is backed up first)
#   --with-model    then download the default model (cmdai model pull, ~1.1 GB)
#   --uninstall     remove cmdai, its completions and the rc line --shell-setup added
#   -h, --help      show this help
#
# Environment:
#   CMDAI_INSTALL_DIR   where the binary goes (default: ~/.local/bin); never needs sudo
#   CMDAI_DOWNLOAD_URL  a mirror: a folder holding one release's archives. It only supplies
#                       bytes; they are checked against checksums that do not come from it
#   CMDAI_RELEASES_URL  where releases are published, and so where checksums come from
#                       (default: https://github.com/<CMDAI_REPO>/releases); must be https
#   CMDAI_ARCHIVE       gz or xz: the archive format (default: xz when it can be unpacked here)
#
# What the archive is checked against (SHA-256), the first that applies:
#   1. --sha256 HASH;
#   2. the checksums baked into this file: `bun run release` writes the release's
#      version and checksums into the install.sh it publishes with that release
#      (the one .../releases/latest/download/install.sh serves), so it needs
#      nothing but the archive, from GitHub or any mirror, even offline;
#   3. otherwise (the generic install.sh of the repository, where they are empty,
#      or --version of another release): that release's SHA256SUMS, downloaded from
#      CMDAI_RELEASES_URL, never from the mirror. If only a mirror is reachable,
#      this stops with an error: use 1 or 2.
# The archive is then unpacked and run (`cmdai --version`) in a temporary
# folder; only then is the binary moved into place, in one rename. Any failure
# before that leaves the machine as it was.

set -u

# The GitHub repository releases come from. scripts/release.ts stamps it from
# package.json's "repository" field; a test checks they agree.
CMDAI_REPO="cmdai/cmdai"

# The release this installer belongs to and its archives' checksums, written
# here by scripts/release.ts (scripts/release/installer.ts) in the install.sh
# published with each release; empty in the generic one.
baked_version=""
baked_sums=''

main() {
    opt_version=""
    opt_sha256=""
    opt_shell_setup=0
    opt_with_model=0
    opt_uninstall=0
    parse_args "$@"

    [ -n "${HOME:-}" ] || err "HOME is not set"
    install_dir=${CMDAI_INSTALL_DIR:-$HOME/.local/bin}
    install_dir=${install_dir%/}
    data_home=${XDG_DATA_HOME:-$HOME/.local/share}
    config_home=${XDG_CONFIG_HOME:-$HOME/.config}

    if [ "$opt_uninstall" = 1 ]; then
        uninstall
        return
    fi

    # Everything that can be checked is checked before anything is downloaded.
    need_cmd uname
    need_cmd mktemp
    need_cmd tar
    need_cmd gzip
    need_cmd grep
    need_cmd sed
    detect_target
    pick_downloader
    pick_hasher
    check_install_dir
    login_shell=${SHELL:-}
    login_shell=${login_shell##*/}
    if [ "$opt_shell_setup" = 1 ]; then
        plan_shell_setup
    fi
    pick_formats

    releases_url=${CMDAI_RELEASES_URL:-https://github.com/$CMDAI_REPO/releases}
    releases_url=${releases_url%/}
    case $releases_url in
        https://*) ;;
        http://127.0.0.1[:/]* | http://localhost[:/]* | http://\[::1\][:/]*) ;;
        *) err "CMDAI_RELEASES_URL must be an https URL (the checksums come from it), got '$releases_url'" ;;
    esac
    mirror_url=""
    if [ -n "${CMDAI_DOWNLOAD_URL:-}" ]; then
        mirror_url=${CMDAI_DOWNLOAD_URL%/}
        case $mirror_url in
            https://* | http://*) ;;
            *) err "CMDAI_DOWNLOAD_URL must be an http(s) URL, got '$mirror_url'" ;;
        esac
    fi

    tmp=$(mktemp -d 2>/dev/null || mktemp -d -t cmdai) || err "cannot create a temporary folder"
    new_file=""
    trap 'rm -rf "$tmp"; [ -z "$new_file" ] || rm -f "$new_file"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    trusted_sums
    select_artifact
    download_archive
    verify_checksum "$tmp/$artifact" "$expected_sha"

    mkdir "$tmp/x" || err "cannot create $tmp/x"
    unpack "$tmp/$artifact" "$tmp/x"
    pkg="$tmp/x/cmdai-$version-$target"
    [ -f "$pkg/cmdai" ] || err "the archive holds no cmdai-$version-$target/cmdai"

    install_binary "$pkg/cmdai"
    install_completions "$pkg/completions"
    if [ "$opt_shell_setup" = 1 ]; then
        shell_setup
    fi
    summary
    if [ "$opt_with_model" = 1 ]; then
        say ""
        say "Downloading the default model (cmdai model pull)..."
        "$install_dir/cmdai" model pull </dev/null ||
            err "the model download failed (exit $?); cmdai itself is installed: run 'cmdai model pull' to retry"
    fi
}

usage() {
    cat <<'EOF'
Installs cmdai, the local natural-language-to-shell-command helper.

Usage: install.sh [--version V] [--sha256 HASH] [--shell-setup] [--with-model] [--uninstall]

  --version V     install version V (default: the latest release, or this installer's own)
  --sha256 HASH   the archive's SHA-256, from a source you trust (needs --version;
                  set CMDAI_ARCHIVE to gz or xz, the format the hash is for)
  --shell-setup   add the init line to your shell's rc file (once; the file is backed up first)
  --with-model    then download the default model (cmdai model pull, ~1.1 GB)
  --uninstall     remove cmdai, its completions and the rc line --shell-setup added

Environment: CMDAI_INSTALL_DIR (default ~/.local/bin), CMDAI_DOWNLOAD_URL (a mirror:
a folder with one release's archives), CMDAI_RELEASES_URL (where releases and their
checksums are published), CMDAI_ARCHIVE (gz or xz).

Archives are checked against --sha256, else the checksums baked into the install.sh
published with each release, else the release's SHA256SUMS from CMDAI_RELEASES_URL
(never from the mirror).
EOF
}

parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
            --version)
                [ $# -ge 2 ] || err "--version needs a value, like --version 0.1.0"
                opt_version=$2
                shift
                ;;
            --version=*) opt_version=${1#--version=} ;;
            --sha256)
                [ $# -ge 2 ] || err "--sha256 needs a value: the archive's SHA-256, 64 hex digits"
                opt_sha256=$2
                shift
                ;;
            --sha256=*) opt_sha256=${1#--sha256=} ;;
            --shell-setup) opt_shell_setup=1 ;;
            --with-model) opt_with_model=1 ;;
            --uninstall) opt_uninstall=1 ;;
            -h | --help)
                usage
                exit 0
                ;;
            *) err "unknown option '$1' (see --help)" ;;
        esac
        shift
    done
    opt_version=${opt_version#v}
    case $opt_version in
        *[!0-9A-Za-z.+-]*) err "--version: '$opt_version' is not a version" ;;
    esac
    if [ -n "$opt_sha256" ]; then
        opt_sha256=$(printf '%s' "$opt_sha256" | tr 'A-F' 'a-f')
        case $opt_sha256 in
            *[!0-9a-f]*) err "--sha256: '$opt_sha256' is not a SHA-256 (64 hex digits)" ;;
        esac
        [ ${#opt_sha256} = 64 ] || err "--sha256: '$opt_sha256' is not a SHA-256 (64 hex digits)"
        [ -n "$opt_version" ] || [ -n "$baked_version" ] || err "--sha256 needs --version V: the version the hash is for"
    fi
}

detect_target() {
    _uname_s=$(uname -s) || err "uname failed"
    _uname_m=$(uname -m) || err "uname failed"
    case $_uname_s in
        Linux) _os=linux ;;
        Darwin) _os=darwin ;;
        *) unsupported "$_uname_s $_uname_m" ;;
    esac
    case $_uname_m in
        x86_64 | amd64 | x64) _cpu=x64 ;;
        aarch64 | arm64) _cpu=arm64 ;;
        *) unsupported "$_uname_s $_uname_m" ;;
    esac
    # An x64 shell on Apple silicon runs under Rosetta: the native build is better.
    if [ "$_os" = darwin ] && [ "$_cpu" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null)" = 1 ]; then
        _cpu=arm64
    fi
    if [ "$_os" = linux ]; then
        if ls /lib/ld-musl-* >/dev/null 2>&1 || ldd --version 2>&1 | grep -qi musl; then
            unsupported "Linux $_cpu with musl libc (the builds need glibc)"
        fi
    fi
    target="$_os-$_cpu"
}

unsupported() {
    err "unsupported platform: $1. cmdai ships builds for linux-x64, linux-arm64 (glibc), darwin-arm64 and darwin-x64; nothing was installed"
}

pick_downloader() {
    if check_cmd curl; then
        downloader=curl
    elif check_cmd wget; then
        downloader=wget
    else
        err "need curl or wget to download cmdai; nothing was installed"
    fi
}

# download URL FILE [progress|try]: a progress bar on a terminal; `try` shows no
# error off a terminal (the caller has another file to try). Returns the
# downloader's status (curl 22 and wget 8: the server answered with an error).
download() {
    if [ "$downloader" = curl ]; then
        set -- "$1" "$2" "${3:-}" --fail --location --retry 2 --connect-timeout 20
        case $1 in https://*) set -- "$@" --proto '=https' --tlsv1.2 ;; esac
        if [ -n "$3" ] && [ -t 2 ]; then
            set -- "$@" --progress-bar
        elif [ "$3" = try ]; then
            set -- "$@" --silent
        else
            set -- "$@" --silent --show-error
        fi
        _url=$1
        _out=$2
        shift 3
        curl "$@" --output "$_out" "$_url"
    else
        set -- "$1" "$2" --quiet --tries=3 --timeout=20
        case $1 in
            https://*) if wget --version 2>/dev/null | grep -q 'GNU Wget'; then set -- "$@" --https-only --secure-protocol=TLSv1_2; fi ;;
        esac
        _url=$1
        _out=$2
        shift 2
        wget "$@" --output-document="$_out" "$_url"
    fi
}

pick_hasher() {
    if check_cmd sha256sum; then
        hasher="sha256sum"
    elif check_cmd shasum; then
        hasher="shasum -a 256"
    else
        err "need sha256sum or shasum to verify the download; nothing was installed"
    fi
}

# Decides which release is installed ($version, empty for "the latest") and
# writes the checksums its archives are checked against to $tmp/SHA256SUMS;
# $sums_source names them in messages. Nothing here comes from the mirror.
trusted_sums() {
    if [ -n "$opt_sha256" ]; then
        version=${opt_version:-$baked_version}
        sums_source="--sha256"
        return 0
    fi
    if [ -n "$baked_version" ] && { [ -z "$opt_version" ] || [ "$opt_version" = "$baked_version" ]; }; then
        version=$baked_version
        printf '%s\n' "$baked_sums" >"$tmp/SHA256SUMS" || err "cannot write $tmp/SHA256SUMS"
        sums_source="the checksums in this installer"
        return 0
    fi
    version=$opt_version
    if [ -n "$version" ]; then
        _sums_url="$releases_url/download/v$version/SHA256SUMS"
    else
        _sums_url="$releases_url/latest/download/SHA256SUMS"
    fi
    _status=0
    download "$_sums_url" "$tmp/SHA256SUMS" || _status=$?
    if [ "$_status" != 0 ]; then
        if [ -n "$version" ] && { [ "$_status" = 22 ] || [ "$_status" = 8 ]; }; then
            err "cannot download $_sums_url (is v$version a cmdai release?); nothing was installed"
        fi
        err "cannot download $_sums_url, which the archive is checked against (a mirror's own SHA256SUMS is not trusted). Where only a mirror is reachable, run the install.sh published with the release (its checksums are baked in), or pass --version V --sha256 HASH; nothing was installed"
    fi
    sums_source=$_sums_url
}

# Lists the archives for this machine, in order of preference, as
# "sha256:file" words in $candidates, and settles $version.
select_artifact() {
    candidates=""
    if [ -n "$opt_sha256" ]; then
        for _fmt in $formats; do candidates="$candidates $opt_sha256:cmdai-$version-$target.tar.$_fmt"; done
        return 0
    fi
    for _fmt in $formats; do
        if [ -n "$version" ]; then
            _ver_re=$(printf '%s' "$version" | sed 's/[.+]/\\&/g')
        else
            _ver_re='[0-9][0-9A-Za-z.+-]*'
        fi
        _line=$(grep -E "^[0-9a-f]{64} [ *]cmdai-$_ver_re-$target\\.tar\\.$_fmt\$" "$tmp/SHA256SUMS" | head -n 1)
        if [ -n "$_line" ]; then
            _file=${_line#* }
            _file=${_file#[ *]}
            candidates="$candidates ${_line%% *}:$_file"
            if [ -z "$version" ]; then
                version=${_file#cmdai-}
                version=${version%-"$target".tar.*}
            fi
        fi
    done
    [ -z "$candidates" ] || return 0
    if [ -n "$version" ]; then
        err "no cmdai $version build for $target (.tar.${formats% *}) in $sums_source; nothing was installed"
    fi
    err "no cmdai build for $target (.tar.${formats% *}) in $sums_source; nothing was installed"
}

# Downloads the first candidate the server has: from the mirror when one is
# set, else from the release's own folder. Sets $artifact and $expected_sha.
download_archive() {
    if [ -n "$mirror_url" ]; then
        base_url=$mirror_url
    else
        base_url="$releases_url/download/v$version"
    fi
    # shellcheck disable=SC2086 # one word per candidate
    set -- $candidates
    while [ $# -gt 0 ]; do
        expected_sha=${1%%:*}
        artifact=${1#*:}
        shift
        say "Downloading cmdai $version for $target ($artifact)"
        if [ $# -eq 0 ]; then
            download "$base_url/$artifact" "$tmp/$artifact" progress ||
                err "cannot download $base_url/$artifact${mirror_url:+ (the mirror must hold the release the checksums name, cmdai $version; --version picks another)}; nothing was installed"
        elif download "$base_url/$artifact" "$tmp/$artifact" try; then
            return 0
        else
            say "Not found or not reachable: $base_url/$artifact; trying the next format"
        fi
    done
}

verify_checksum() {
    # shellcheck disable=SC2086 # hasher is a command and its options
    _got=$($hasher "$1") || err "$hasher failed on $1"
    _got=${_got%% *}
    if [ "$_got" != "$2" ]; then
        err "checksum mismatch for ${1##*/} from $base_url: want $2 ($sums_source), got $_got. The download is damaged or was changed; nothing was installed"
    fi
    say "Checked: the SHA-256 of $artifact matches $sums_source"
}

# xz archives are a third smaller; gzip is everywhere. Use xz when this machine
# can unpack it: an xz binary, or a libarchive tar (macOS, BSD).
pick_formats() {
    case ${CMDAI_ARCHIVE:-} in
        gz) formats="gz" ;;
        xz) formats="xz" ;;
        "")
            if check_cmd xz || tar --version 2>/dev/null | grep -q bsdtar; then formats="xz gz"; else formats="gz"; fi
            ;;
        *) err "CMDAI_ARCHIVE must be gz or xz, got '$CMDAI_ARCHIVE'" ;;
    esac
}

unpack() {
    case $1 in
        *.tar.gz) gzip -dc "$1" | (cd "$2" && tar -xf -) ;;
        *.tar.xz)
            if check_cmd xz; then
                xz -dc "$1" | (cd "$2" && tar -xf -)
            else
                tar -xJf "$1" -C "$2"
            fi
            ;;
    esac || err "cannot unpack ${1##*/}"
}

# The nearest existing folder of the install path must be writable: checked
# before downloading, and without creating anything.
check_install_dir() {
    _dir=$install_dir
    while [ ! -e "$_dir" ]; do
        _dir=$(dirname "$_dir")
    done
    existing_parent=$_dir
    if [ ! -d "$_dir" ]; then
        err "$_dir is not a folder; set CMDAI_INSTALL_DIR to a folder you own"
    fi
    if [ ! -w "$_dir" ] || [ ! -x "$_dir" ]; then
        err "no write access to $_dir; set CMDAI_INSTALL_DIR to a folder you own (this installer never uses sudo); nothing was installed"
    fi
    if [ -e "$install_dir/cmdai" ] && [ ! -f "$install_dir/cmdai" ]; then
        err "$install_dir/cmdai exists and is not a file; nothing was installed"
    fi
}

# The new binary is copied next to the old one and run there (not in the
# temporary folder, which may be mounted noexec); only if it answers
# --version with the expected version does it replace the old one, in one rename.
install_binary() {
    old_version=""
    if [ -f "$install_dir/cmdai" ]; then
        old_version=$("$install_dir/cmdai" --version </dev/null 2>/dev/null) || old_version="an unknown version"
    fi
    mkdir -p "$install_dir" || err "cannot create $install_dir"
    new_file="$install_dir/.cmdai.new.$$"
    if ! cp "$1" "$new_file" || ! chmod 755 "$new_file"; then
        undo_install_dir
        err "cannot write $install_dir/cmdai (disk full?); nothing was installed"
    fi
    if ! new_version=$("$new_file" --version </dev/null 2>&1); then
        undo_install_dir
        err "the downloaded cmdai does not run on this machine: $new_version; nothing was installed"
    fi
    case $new_version in
        "cmdai $version "*) ;;
        *)
            undo_install_dir
            err "the downloaded binary reports '$new_version', expected cmdai $version; nothing was installed"
            ;;
    esac
    if ! mv -f "$new_file" "$install_dir/cmdai"; then
        undo_install_dir
        err "cannot replace $install_dir/cmdai"
    fi
    new_file=""
}

# Removes the half-installed file and any folders this run created.
undo_install_dir() {
    rm -f "$new_file"
    new_file=""
    _d=$install_dir
    while [ "$_d" != "$existing_parent" ] && [ "$_d" != / ] && [ "$_d" != . ]; do
        rmdir "$_d" 2>/dev/null || break
        _d=$(dirname "$_d")
    done
}

# Completion files go where each shell looks for a user's own, for the shells
# that are installed.
completion_paths() {
    bash_completion="$data_home/bash-completion/completions/cmdai"
    zsh_completion_dir="$data_home/zsh/site-functions"
    zsh_completion="$zsh_completion_dir/_cmdai"
    fish_completion="$config_home/fish/completions/cmdai.fish"
}

install_completions() {
    completion_paths
    installed_completions=""
    if check_cmd bash && [ -f "$1/cmdai.bash" ]; then
        put_file "$1/cmdai.bash" "$bash_completion" && installed_completions="$installed_completions bash"
    fi
    if check_cmd zsh && [ -f "$1/_cmdai" ]; then
        put_file "$1/_cmdai" "$zsh_completion" && installed_completions="$installed_completions zsh"
    fi
    if check_cmd fish && [ -f "$1/cmdai.fish" ]; then
        put_file "$1/cmdai.fish" "$fish_completion" && installed_completions="$installed_completions fish"
    fi
}

put_file() {
    mkdir -p "$(dirname "$2")" 2>/dev/null && cp "$1" "$2" 2>/dev/null && return 0
    warn "could not write $2 (completions for that shell skipped)"
    return 1
}

# Prints $HOME/... instead of the expanded home folder, for lines in rc files.
home_expr() {
    # shellcheck disable=SC2016 # a literal $HOME, expanded when the rc file runs
    case $1 in
        "$HOME"/*) printf '$HOME/%s' "${1#"$HOME"/}" ;;
        *) printf '%s' "$1" ;;
    esac
}

on_path() {
    case ":${PATH:-}:" in *":$1:"*) return 0 ;; esac
    return 1
}

rc_file_for() {
    case $1 in
        zsh) printf '%s' "${ZDOTDIR:-$HOME}/.zshrc" ;;
        bash)
            if [ "$(uname -s)" = Darwin ]; then printf '%s' "$HOME/.bash_profile"; else printf '%s' "$HOME/.bashrc"; fi
            ;;
        fish) printf '%s' "$config_home/fish/config.fish" ;;
    esac
}

# The one line that sets cmdai up in shell $1: PATH when needed, zsh's
# completion folder, then the init.
init_line() {
    completion_paths
    _bin=$(home_expr "$install_dir")
    _line=""
    case $1 in
        zsh | bash)
            if ! on_path "$install_dir"; then _line="export PATH=\"$_bin:\$PATH\"; "; fi
            if [ "$1" = zsh ]; then _line="${_line}fpath=(\"$(home_expr "$zsh_completion_dir")\" \$fpath); "; fi
            _line="${_line}eval \"\$(cmdai init $1)\""
            ;;
        fish)
            if ! on_path "$install_dir"; then _line="fish_add_path -g \"$_bin\"; "; fi
            _line="${_line}cmdai init fish | source"
            ;;
    esac
    printf '%s' "$_line"
}

marker="# cmdai shell integration (added by install.sh; 'install.sh --uninstall' removes it)"

plan_shell_setup() {
    case $login_shell in
        zsh | bash | fish) ;;
        *) err "--shell-setup: your shell '${SHELL:-unset}' is not zsh, bash or fish; nothing was installed" ;;
    esac
    rc_file=$(rc_file_for "$login_shell")
    if [ -e "$rc_file" ]; then
        [ -w "$rc_file" ] || err "--shell-setup: cannot write $rc_file; nothing was installed"
    else
        _dir=$(dirname "$rc_file")
        while [ ! -e "$_dir" ]; do _dir=$(dirname "$_dir"); done
        [ -w "$_dir" ] || err "--shell-setup: cannot create $rc_file; nothing was installed"
    fi
}

shell_setup() {
    if [ -f "$rc_file" ] && grep -q "cmdai init $login_shell" "$rc_file"; then
        setup_note="$rc_file already sets cmdai up; left unchanged"
        return
    fi
    _line=$(init_line "$login_shell")
    if [ -f "$rc_file" ]; then
        backup="$rc_file.cmdai-backup-$(date +%Y%m%d%H%M%S)"
        cp -p "$rc_file" "$backup" || err "cannot back up $rc_file; it was not changed"
        setup_note="added the init line to $rc_file (backup: $backup)"
        # End the file's last line before appending.
        if [ -s "$rc_file" ] && [ -n "$(tail -c 1 "$rc_file")" ]; then printf '\n' >>"$rc_file"; fi
        printf '\n' >>"$rc_file"
    else
        mkdir -p "$(dirname "$rc_file")" || err "cannot create $(dirname "$rc_file")"
        setup_note="created $rc_file with the init line"
    fi
    printf '%s\n%s\n' "$marker" "$_line" >>"$rc_file" || err "cannot write $rc_file"
}

summary() {
    if [ -z "$old_version" ]; then
        say "Installed $new_version to $install_dir/cmdai"
    elif [ "$old_version" = "$new_version" ]; then
        say "Reinstalled $new_version in $install_dir/cmdai"
    else
        say "Replaced $old_version with $new_version in $install_dir/cmdai"
    fi
    if [ -n "$installed_completions" ]; then
        say "Completions for${installed_completions}"
    fi
    _found=$(command -v cmdai 2>/dev/null || true)
    if [ -n "$_found" ] && [ "$_found" != "$install_dir/cmdai" ] && on_path "$install_dir"; then
        warn "another cmdai comes first on your PATH: $_found"
    fi
    say ""
    if [ "$opt_shell_setup" = 1 ]; then
        say "Shell setup: $setup_note. Open a new terminal to use it."
    else
        case $login_shell in
            zsh | bash | fish)
                say "Add this line to $(rc_file_for "$login_shell") (or rerun with --shell-setup), then open a new terminal:"
                say ""
                say "  $(init_line "$login_shell")"
                ;;
            *)
                say "Add the line for your shell to its rc file, then open a new terminal:"
                for _sh in zsh bash fish; do say "  $_sh: $(init_line "$_sh")"; done
                ;;
        esac
    fi
    say ""
    say "Then type a request and press Ctrl-G, or run: cmdai \"list files\""
    if [ "$opt_with_model" != 1 ]; then
        say "The model (~1.1 GB) downloads on first use, or now with: cmdai model pull"
    fi
}

uninstall() {
    completion_paths
    _removed=""
    if [ -f "$install_dir/cmdai" ]; then
        rm -f "$install_dir/cmdai" || err "cannot remove $install_dir/cmdai"
        _removed=" $install_dir/cmdai"
    fi
    for _f in "$bash_completion" "$zsh_completion" "$fish_completion"; do
        if [ -f "$_f" ]; then rm -f "$_f" && _removed="$_removed $_f"; fi
    done
    for _sh in zsh bash fish; do
        _rc=$(rc_file_for "$_sh")
        if [ -f "$_rc" ] && grep -qxF "$marker" "$_rc"; then
            _backup="$_rc.cmdai-backup-$(date +%Y%m%d%H%M%S)"
            cp -p "$_rc" "$_backup" || err "cannot back up $_rc; it was not changed"
            # Drop the marker, the line after it, and the blank line before it.
            awk -v m="$marker" '
                skip { skip = 0; next }
                $0 == m { skip = 1; blank = 0; next }
                blank { print ""; blank = 0 }
                $0 == "" { blank = 1; next }
                { print }
                END { if (blank) print "" }
            ' "$_backup" >"$_rc.cmdai-tmp" || err "cannot write $_rc.cmdai-tmp; $_rc was not changed"
            # Rewrite in place (not mv), so a symlinked rc file stays a symlink.
            cat "$_rc.cmdai-tmp" >"$_rc" || err "cannot write $_rc (backup: $_backup)"
            rm -f "$_rc.cmdai-tmp"
            say "Removed the init line from $_rc (backup: $_backup)"
        elif [ -f "$_rc" ] && grep -q "cmdai init" "$_rc"; then
            say "Note: $_rc still runs 'cmdai init'; remove that line yourself"
        fi
    done
    if [ -z "$_removed" ]; then
        say "cmdai is not installed in $install_dir; nothing to remove"
    else
        say "Removed:$_removed"
    fi
    _cache=${XDG_CACHE_HOME:-$HOME/.cache}/cmdai
    if [ -d "$_cache" ]; then
        say "Models and caches are kept in $_cache ($(du -sh "$_cache" 2>/dev/null | cut -f1)); delete that folder to free the space"
    fi
    if [ -d "$config_home/cmdai" ]; then
        say "Settings are kept in $config_home/cmdai"
    fi
}

say() {
    printf '%s\n' "$1"
}

warn() {
    printf 'cmdai-install: warning: %s\n' "$1" >&2
}

err() {
    printf 'cmdai-install: error: %s\n' "$1" >&2
    exit 1
}

need_cmd() {
    check_cmd "$1" || err "need '$1' (command not found); nothing was installed"
}

check_cmd() {
    command -v "$1" >/dev/null 2>&1
}

# Braces: nothing runs until the whole script has arrived (curl | sh).
{
    main "$@" || exit 1
}
