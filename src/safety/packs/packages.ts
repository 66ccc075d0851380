// Package registries and installed packages, beyond rules/system.ts.
import { rule } from "./rule.ts";
import type { Pack } from "./types.ts";

const PKG_VALUED = ["-o", "-c", "-t", "--target-release", "--root", "--installroot", "--releasever", "--setopt", "--repo"];

/** Packages whose removal leaves a system that cannot boot, log in, run a shell or reinstall anything. */
export const CORE_PACKAGES =
  "libc6|libc-bin|glibc|glibc-common|musl|coreutils|busybox|bash|dash|systemd|systemd-sysv|init|sysvinit-core|util-linux|login|passwd|shadow-utils|base-files|base-passwd|filesystem|dpkg|apt|rpm|dnf|yum|pacman|zypper|apk-tools|kmod|udev|mount|linux|linux-image.*|linux-generic|kernel|kernel-core|grub.*|libpam.*|pam|perl-base|sed|grep|tar|findutils|sudo|python3|python3-minimal|libsystemd0|zlib1g|ncurses-base|debianutils|initramfs-tools|dracut";

/** A core package name, or an apt/dnf pattern that takes one in (`libc6*`, `^systemd`). */
const CORE_GLOB = `\\^?(${CORE_PACKAGES})(\\*|\\.\\*|:\\w+)?\\$?`;

export const packages: Pack = {
  name: "packages",
  description: "package managers: installing, removing and publishing packages",
  rules: [
    rule(
      "packages.remove-core",
      "critical",
      "removes, without asking, a package the system cannot boot, log in or run commands without",
      {
        program: ["apt", "apt-get", "aptitude", "dnf", "yum", "microdnf", "zypper", "xbps-remove", "pkg", "emerge"],
        valued: PKG_VALUED,
        sub: ["remove|purge|autoremove|erase|uninstall|rm|del|delete|-C|--unmerge|--depclean"],
        operand: CORE_GLOB,
        flags: [["-y", "--yes", "--assume-yes", "--assumeyes", "-n", "--non-interactive", "--no-confirm", "--noconfirm", "-qq"]],
      },
      [
        "sudo apt-get remove -y python3",
        "sudo dnf remove -y systemd",
        "apt-get purge -y libc6",
        "sudo apt remove --allow-remove-essential -y coreutils",
        "sudo yum remove -y bash",
        "sudo zypper -n rm glibc",
        "sudo apt-get -y purge 'libc6*'",
      ],
      ["sudo apt-get remove -y htop", "sudo apt remove systemd", "sudo apt install -y python3", "apt-get remove -y --dry-run libc6"],
      "remove it without -y and read the list of what goes with it",
    ),
    rule(
      "packages.remove-core-noprompt",
      "critical",
      "removes a package the system cannot boot, log in or run commands without (this tool never asks)",
      {
        program: ["rpm", "dpkg", "apk", "pacman", "yay", "paru"],
        valued: ["--root", "--dbpath", "--admindir", "--instdir", "-X", "--repository"],
        flags: [
          ["-e", "--erase", "-r", "--remove", "-P", "--purge", "del", "-R"],
          ["-e", "--erase", "-r", "--remove", "-P", "--purge", "del", "--noconfirm"],
        ],
        operand: CORE_GLOB,
        unless: ["-q", "--query", "-Q", "--list", "--status", "--listfiles"],
      },
      [
        "sudo rpm -e --nodeps glibc",
        "sudo pacman -Rdd --noconfirm glibc",
        "sudo dpkg -r libc6",
        "apk del busybox",
        "sudo dpkg --purge bash",
      ],
      ["pacman -Qi glibc", "rpm -q glibc", "sudo pacman -S glibc", "sudo pacman -Rns htop", "sudo pacman -Rns linux", "dpkg -l bash"],
    ),
    rule(
      "packages.remove-core-asked",
      "high",
      "removes a package the system cannot boot or run commands without (the tool asks first)",
      {
        program: ["pacman", "yay", "paru"],
        valued: ["--root", "--dbpath"],
        flags: [["-R", "--remove"]],
        operand: CORE_GLOB,
        unless: ["-Q", "--query"],
      },
      ["sudo pacman -Rns linux", "sudo pacman -R systemd"],
      ["sudo pacman -Rns htop", "pacman -Qi linux"],
    ),
    rule(
      "packages.remove-option",
      "moderate",
      "removes system packages",
      {
        program: ["pacman", "yay", "paru", "rpm"],
        valued: ["--root", "--dbpath"],
        flags: [["-R", "--remove", "-e", "--erase"]],
        unless: ["-q", "--query", "-Q"],
      },
      ["sudo pacman -Rns htop", "sudo rpm -e cowsay", "yay -R some-aur-pkg"],
      ["pacman -Qi glibc", "rpm -qa", "sudo pacman -Syu", "rpm -qR bash"],
    ),
    rule(
      "packages.dpkg-remove",
      "moderate",
      "removes system packages",
      { program: ["dpkg"], valued: ["--root", "--admindir", "--instdir"], flags: [["-r", "--remove", "-P", "--purge"]] },
      ["sudo dpkg -r cowsay", "sudo dpkg --purge old-kernel-tools"],
      ["dpkg -l", "dpkg -L bash", "dpkg -i x.deb"],
    ),
    rule(
      "packages.unpublish",
      "high",
      "removes a published package or version that others may depend on",
      { program: ["npm", "pnpm", "yarn", "bun", "cargo", "gem", "twine", "poetry"], word: "unpublish|yank|deprecate" },
      ["npm unpublish pkg --force", "pnpm unpublish pkg@1.0.0", "yarn npm unpublish", "gem yank x -v 1.0", "npm deprecate pkg@1 'gone'"],
      ["npm publish --dry-run", "npm view pkg", "npm pkg delete scripts.build"],
    ),
    rule(
      "packages.publish-build",
      "moderate",
      "publishes artifacts to a package repository; a published version cannot simply be taken back",
      {
        program: [
          "mvn",
          "mvnw",
          "./mvnw",
          "gradle",
          "gradlew",
          "./gradlew",
          "sbt",
          "lein",
          "dotnet",
          "nuget",
          "poetry",
          "hatch",
          "flit",
          "uv",
        ],
        word: "deploy|publish|release:perform|publishToMavenCentral|publishAllPublicationsToMavenRepository|push",
      },
      ["mvn deploy", "./gradlew publish", "mvn release:perform", "dotnet nuget push pkg.nupkg", "hatch publish"],
      ["mvn package", "./gradlew build", "dotnet build"],
    ),
    rule(
      "packages.uninstall-global",
      "high",
      "uninstalls a globally installed package or tool that other programs may use",
      {
        program: ["npm", "pnpm", "yarn", "bun"],
        word: "uninstall|remove|rm|un|r|unlink",
        flags: [["-g", "--global", "global", "--location=global"]],
      },
      ["npm uninstall -g npm", "pnpm remove -g typescript", "yarn global remove create-react-app", "bun rm -g x"],
      ["npm uninstall lodash", "npm ls -g"],
    ),
    rule(
      "packages.uninstall-python",
      "high",
      "uninstalls Python packages (without asking, with -y)",
      {
        program: ["pip", "pip3", "pipx", "conda", "mamba", "micromamba", "uv"],
        word: "uninstall|remove|uninstall-all",
        unless: ["--help", "-h"],
      },
      [
        "pip uninstall -y requests",
        "pip3 uninstall setuptools",
        "pipx uninstall-all",
        "conda remove --all -n base -y",
        "conda env remove -n prod",
        "uv pip uninstall numpy",
      ],
      ["pip list", "pip show requests", "conda env list"],
    ),
    rule(
      "packages.uninstall-tool",
      "high",
      "uninstalls an installed application or its data",
      {
        program: ["brew", "gem", "snap", "flatpak", "choco", "winget", "scoop", "rustup", "nvm", "pyenv", "sdk"],
        word: "uninstall|remove|rm|purge|zap|--zap",
        unless: ["--help", "-n", "--dry-run"],
      },
      [
        "brew uninstall --force --zap docker",
        "gem uninstall rails -a -x",
        "snap remove --purge firefox",
        "flatpak uninstall --all -y",
        "rustup toolchain remove stable",
      ],
      ["brew list", "brew info git"],
    ),
    rule(
      "packages.remove-lockstep",
      "moderate",
      "removes a dependency from the project",
      { program: ["npm", "pnpm", "yarn", "bun", "cargo", "poetry"], sub: ["uninstall|remove|rm|un|r"] },
      ["npm uninstall lodash", "yarn remove react", "cargo remove serde", "poetry remove flask"],
      ["npm install lodash"],
    ),
    rule(
      "packages.registry-change",
      "high",
      "points the package manager at another registry or turns off its checks",
      {
        program: ["npm", "pnpm", "yarn", "pip", "pip3"],
        sub: ["config", "set"],
        word: "registry|strict-ssl|global\\.index-url|global\\.trusted-host|index-url|trusted-host|ignore-scripts=false",
      },
      [
        "npm config set registry http://198.51.100.3/",
        "npm config set strict-ssl false",
        "pip config set global.index-url http://x.dev/simple",
      ],
      ["npm config get registry", "npm config list"],
    ),
  ],
};
