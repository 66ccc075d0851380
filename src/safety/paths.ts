// What a path argument points at, after the expansions we can know.
// Pure functions over strings; the markers below stand for expansions whose
// value is not known when the command is checked.

/** An expansion with an unknown value that may be empty (`$DIR`, `$(cmd)`). */
export const UNKNOWN = "\uE000";
/** An expansion with an unknown but non-empty value (`${DIR:?}`, `$((…))`). */
export const UNKNOWN_NONEMPTY = "\uE001";
/** The home directory (`~`, `$HOME`, `${HOME}`). */
export const HOME = "\uE002";
/** "Every item of a listing" (`$(docker ps -aq)`, `ls | xargs …`). */
export const EVERYTHING = "\uE003";

export const hasUnknown = (s: string) => s.includes(UNKNOWN) || s.includes(UNKNOWN_NONEMPTY) || s.includes(EVERYTHING);

/** Readable form of an evaluated word, for messages. */
export function display(s: string): string {
  return s.replaceAll(HOME, "~").replaceAll(UNKNOWN, "$?").replaceAll(UNKNOWN_NONEMPTY, "$?").replaceAll(EVERYTHING, "*");
}

export type PathClass =
  | "root" // `/`, `/*`: the whole filesystem
  | "home" // `~`, `~/*`, `/home/*`, `/root`: a whole home directory
  | "system" // a top-level system directory or everything in it: `/etc`, `/usr/bin/*`
  | "system-path" // something below a system directory: `/var/lib/docker`, `/usr/bin/python3`
  | "home-path" // something below the home directory: `~/Documents`
  | "cwd-all" // everything in the current directory: `.`, `*`, `./*`, `..`
  | "tmp" // below /tmp or /var/tmp
  | "relative" // any other relative path: `build`, `./node_modules`
  | "absolute" // any other absolute path: `/mnt/data/x`, `/srv/app`
  | "var-prefix" // `$DIR/…` with DIR possibly empty: becomes an absolute path (ShellCheck SC2115)
  | "dynamic"; // the value is not known

/** Top-level directories whose loss (or loss of everything in them) wrecks the system. */
const SYSTEM_DIRS = new Set([
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/usr",
  "/usr/bin",
  "/usr/sbin",
  "/usr/lib",
  "/usr/lib64",
  "/usr/libexec",
  "/usr/share",
  "/usr/include",
  "/etc",
  "/boot",
  "/dev",
  "/proc",
  "/sys",
  "/var",
  "/var/lib",
  "/var/cache",
  "/run",
  "/opt",
  "/srv",
  "/snap",
  "/efi",
  "/lib/modules",
  "/usr/lib/modules",
  "/var/lib/dpkg",
  "/var/lib/rpm",
  "/var/lib/pacman",
  "/boot/efi",
  // macOS
  "/System",
  "/System/Library",
  "/System/Applications",
  "/usr/standalone",
  "/Library",
  "/Applications",
  "/private",
  "/private/etc",
  "/private/var",
  "/Volumes",
  "/cores",
]);
const HOME_PARENTS = new Set(["/home", "/Users"]);
const TMP_DIRS = ["/tmp", "/var/tmp", "/private/tmp", "/dev/shm"];

/** A path segment that only matches "everything": `*`, `.*`, `*.*`, `?*`, `{*,.*}`. */
export const isPureGlob = (seg: string) => /^[.*?{},[\]!]*$/.test(seg) && /[*?]/.test(seg);

/** Collapses `//`, `/./`, `a/..`, a trailing `/`; keeps globs. `~` marks home. */
export function normalizePath(text: string, cwd?: string): string {
  let t = text.replaceAll(HOME, "~");
  // Above the home directory is the folder of every user's home.
  t = t.replace(/^~\/\.\.(?=\/|$)/, "/home");
  if (cwd !== undefined && !t.startsWith("/") && !t.startsWith("~") && !t.startsWith(UNKNOWN)) t = `${cwd.replaceAll(HOME, "~")}/${t}`;
  const abs = t.startsWith("/");
  const segs: string[] = [];
  for (const seg of t.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && segs.length > 0 && segs[segs.length - 1] !== ".." && segs[segs.length - 1] !== "~") {
      segs.pop();
      continue;
    }
    if (seg === ".." && abs && segs.length === 0) continue; // `/..` is `/`
    segs.push(seg);
  }
  const joined = segs.join("/");
  if (abs) return "/" + joined;
  return joined === "" ? "." : joined;
}

/** Folders of the home directory that hold a person's own work: documents, photos, code. */
const PERSONAL_DIRS =
  /^~\/(documents|desktop|pictures|photos|music|videos|movies|projects|code|src|work|repos|git|dev|dropbox|onedrive|google drive|icloud drive|notes|obsidian|books|thesis)(\/|$)/i;

/** `~/Documents/*.pdf`, `~/projects/app`: below a folder that holds the user's own work. */
export function isPersonalData(path: string): boolean {
  return PERSONAL_DIRS.test(path);
}

export function classifyPath(text: string, cwd?: string): { cls: PathClass; path: string } {
  // `$(dirname "$0")/../../../../../..`: enough `..` after an unknown folder reach `/` from anywhere.
  if (/^[\uE000\uE001][^/]*(\/\.\.){5,}\/?$/.test(text)) return { cls: "root", path: "/" };
  // `$DIR/*` where DIR may be empty: the shell would see `/*`.
  if (text.startsWith(UNKNOWN) && text.length > 1 && text[1] === "/") {
    const rest = normalizePath(text.slice(1));
    if (!hasUnknown(rest)) return { cls: "var-prefix", path: rest };
  }
  if (text === "") return { cls: "dynamic", path: text };
  const path = normalizePath(text, cwd);
  const home = path === "~" || path.startsWith("~/") || /^~[A-Za-z_][\w.-]*(\/|$)/.test(path);
  if (home) {
    const rest = path
      .replace(/^~[^/]*\/?/, "")
      .split("/")
      .filter(Boolean);
    if (rest.every((s) => isPureGlob(s))) return { cls: "home", path };
    if (rest.some((s) => hasUnknown(s)) && rest.length === 1) return { cls: "home-path", path };
    return { cls: "home-path", path };
  }
  if (hasUnknown(path.replace(/\/[^/]*$/, "")) || path === UNKNOWN || path === UNKNOWN_NONEMPTY) return { cls: "dynamic", path };
  if (path.startsWith("/")) {
    const segs = path.split("/").filter(Boolean);
    // `/`, `/*`, `/*/*`, `/**/*`: every file on the system.
    if (segs.every((s) => isPureGlob(s))) return { cls: "root", path };
    const parent = "/" + segs.slice(0, -1).join("/");
    const last = segs[segs.length - 1]!;
    const base = isPureGlob(last) ? parent : path;
    if (HOME_PARENTS.has(base) || base === "/root" || base === "/var/root") return { cls: "home", path };
    if (segs.length === 2 && HOME_PARENTS.has("/" + segs[0]) && !hasUnknown(last)) return { cls: "home", path };
    // `/home/$USER`, `/Users/$(whoami)`: some user's whole home.
    if (segs.length === 2 && HOME_PARENTS.has("/" + segs[0]) && (last === UNKNOWN || last === UNKNOWN_NONEMPTY))
      return { cls: "home", path };
    if (SYSTEM_DIRS.has(base)) return { cls: "system", path };
    if (TMP_DIRS.some((d) => path === d || path.startsWith(d + "/"))) return { cls: "tmp", path };
    if (HOME_PARENTS.has("/" + segs[0]) || segs[0] === "root") return { cls: "home-path", path };
    if (SYSTEM_DIRS.has("/" + segs[0])) return { cls: "system-path", path };
    return { cls: "absolute", path };
  }
  const segs = path.split("/");
  if (segs.every((s) => s === "." || s === ".." || isPureGlob(s))) return { cls: "cwd-all", path };
  if (hasUnknown(segs[0]!)) return { cls: "dynamic", path };
  return { cls: "relative", path };
}

const BLOCK_DEVICE =
  /^\/dev\/(ada\d+([ps]\d+[a-h]?)?|da\d+([ps]\d+[a-h]?)?|nvd\d+(p\d+)?|nda\d+(p\d+)?|vtbd\d+(p\d+)?|wd\d+[a-p]?|sd\d+[a-p]?|rsd\d+[a-p]?|loop\d+(p\d+)?|nbd\d+(p\d+)?|zd\d+|rbd\d+|bcache\d+|sd[a-z]+\d*|hd[a-z]+\d*|vd[a-z]+\d*|xvd[a-z]+\d*|nvme\d+(n\d+)?(p\d+)?|mmcblk\d+(p\d+)?|r?disk\d+(s\d+)?|md\d+|dm-\d+|mapper\/.+|disk\/by-[^/]+\/.+|mem|kmem|port|root|zvol\/.+)$/;
const HARMLESS_DEVICE = /^\/dev\/(null|zero|full|u?random|stdin|stdout|stderr|tty\w*|pts\/.*|fd\/.*|ptmx|console|shm\/.*|mqueue\/.*|log)$/;

/** A disk, partition or raw memory device: writing it destroys data. */
export function isBlockDevice(path: string): boolean {
  if (HARMLESS_DEVICE.test(path) || path.startsWith("/dev/tcp/") || path.startsWith("/dev/udp/")) return false;
  return BLOCK_DEVICE.test(path) || /^\/dev\/(sd|nvme|hd|vd|mmcblk|disk)/.test(path);
}
export const isHarmlessDevice = (path: string) => HARMLESS_DEVICE.test(path);
export const isNetworkDevice = (path: string) => /^\/dev\/(tcp|udp)\//.test(path);

/** Files whose loss or corruption stops the system from booting or anyone from logging in. */
const CRITICAL_FILES =
  /^\/(etc\/(passwd|shadow|group|gshadow|sudoers|sudoers\.d(\/.*)?|fstab|crypttab|pam\.d(\/.*)?|ld\.so\.preload|inittab|security\/.*|login\.defs|nsswitch\.conf)|boot(\/.*)?|private\/etc\/(passwd|sudoers|master\.passwd|fstab))$/;
export const isCriticalSystemFile = (path: string) => CRITICAL_FILES.test(path);

/** Private keys, tokens and credential stores. Public keys (`.pub`) are not secret. */
export function isSecretPath(path: string): boolean {
  if (path.endsWith(".pub")) return false;
  return (
    /(^|\/)\.ssh\/(id_[a-z0-9_*?]+|identity|[^/]*\.pem|[^/]*_key|\*)$/.test(path) ||
    /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(path) ||
    /(^|\/)\.(aws\/credentials|aws\/config|netrc|git-credentials|pgpass|my\.cnf|npmrc|pypirc|vault-token|docker\/config\.json|kube\/config|config\/gcloud(\/.*)?|config\/gh\/hosts\.yml|gnupg(\/.*)?|password-store(\/.*)?|azure(\/.*)?)$/.test(
      path,
    ) ||
    /^\/etc\/(shadow|gshadow|sudoers)$/.test(path) ||
    // Browser cookie and password stores, host keys, registry and cloud tokens.
    /(^|\/)(Cookies|Login Data|cookies\.sqlite|logins\.json|key[34]\.db)$|(^|\/)Library\/Keychains(\/.*)?$|^\/etc\/ssh\/ssh_host_\w+_key$/.test(
      path,
    ) ||
    /(^|\/)\.(s3cfg|boto|cargo\/credentials(\.toml)?|gem\/credentials|terraform\.d\/credentials\.tfrc\.json|oci\/config|config\/hub)$/.test(
      path,
    ) ||
    /(^|\/)\.env(\.[\w-]+)?$/.test(path) ||
    /\.(pem|key|p12|pfx|keystore|jks|kdbx)$/.test(path) ||
    /(^|\/)\.ssh$/.test(path) ||
    /(^|\/)\.(aws|kube|docker|gnupg|password-store|azure|config\/gh|config\/gcloud)\/?$/.test(path)
  );
}

/** Files that every new shell reads, or that decide who can log in. */
export function isShellStartupFile(path: string): boolean {
  return /^~\/(\.(bashrc|bash_profile|bash_login|bash_logout|bash_aliases|aliases|zsh_aliases|profile|zshrc|zprofile|zshenv|zlogin|zlogout|kshrc|cshrc|tcshrc|inputrc|config\/fish\/config\.fish|config\/fish\/(conf\.d|functions)\/[^/]+\.fish|bashrc\.d\/[^/]+|zshrc\.d\/[^/]+|oh-my-zsh\/custom\/[^/]+\.zsh|ssh\/config|ssh\/rc|ssh\/environment|gitconfig|vimrc|tmux\.conf|npmrc|pypirc|netrc|xinitrc|xprofile|xsessionrc))$/.test(
    path,
  );
}
export const isAuthorizedKeys = (path: string) => /(^|\/)\.ssh\/authorized_keys2?$/.test(path);
export const isHistoryFile = (path: string) =>
  /(^|\/)(\.(bash|zsh|sh|python|node_repl|mysql|psql|sqlite|lesshst|irb)_?history|\.history|\.lesshst|fish_history|\.zhistory)$/.test(path);
/** System logs and login records: wiping them hides what happened. */
export const isSystemLog = (path: string) =>
  /^\/var\/log\/(?!.*\.(gz|xz|bz2|zst|old|\d+)$)/.test(path) || /^\/var\/(log|run|adm)\/(wtmp|btmp|utmp|lastlog|faillog)$/.test(path);

/** Files that decide name resolution, scheduled jobs, services, logins and start-up programs. */
const SENSITIVE_FILES =
  /^\/etc\/(hosts|crontab|anacrontab|cron\.(d|daily|hourly|weekly|monthly|allow|deny)(\/.*)?|systemd(\/.*)?|init\.d(\/.*)?|init(\/.*)?|rc\.local|rc\d\.d(\/.*)?|profile|profile\.d(\/.*)?|bash\.bashrc|bashrc|zshrc|zsh\/.*|zprofile|zshenv|environment|ssh\/sshd_config(\.d\/.*)?|ssh\/ssh_config|ld\.so\.conf(\.d\/.*)?|modules|modules-load\.d(\/.*)?|modprobe\.d(\/.*)?|sysctl\.conf|sysctl\.d(\/.*)?|udev\/rules\.d(\/.*)?|xdg\/autostart(\/.*)?|update-motd\.d(\/.*)?|apt\/sources\.list(\.d(\/.*)?)?|yum\.repos\.d(\/.*)?|hosts\.(allow|deny)|securetty|shells|doas\.conf|polkit-1(\/.*)?|selinux\/config|audit\/(auditd\.conf|audit\.rules|rules\.d\/.*))$|^\/(usr\/)?lib\/systemd\/.*|^\/var\/spool\/cron(\/.*)?$|^\/(System\/)?Library\/(LaunchAgents|LaunchDaemons|StartupItems)(\/.*)?$|^~\/(\.config\/(systemd|autostart)(\/.*)?|Library\/LaunchAgents(\/.*)?)$|^\uE002\/(\.config\/(systemd|autostart)(\/.*)?|Library\/LaunchAgents(\/.*)?)$/;
export const isSensitiveFile = (path: string) => SENSITIVE_FILES.test(path);

export const isLogFile = (path: string) => /\.log(\.\d+)?$/.test(path) || /^\/var\/log\//.test(path);

/** Shells and their stdin/`-c` conventions. */
export const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "busybox-sh", "rbash"]);
/** Interpreters that run a program from stdin when given no script (or `-`). */
export const INTERPRETERS = new Set([
  "python",
  "python2",
  "python3",
  "perl",
  "ruby",
  "node",
  "nodejs",
  "php",
  "lua",
  "Rscript",
  "deno",
  "bun",
  "osascript",
  "pwsh",
  "tclsh",
]);
