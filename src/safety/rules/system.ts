// Processes, power, services, firewall and network, users, packages, history, cron.
import { hasOpt, operands } from "../argv.ts";
import type { Cmd } from "../command.ts";
import { describeSource } from "../flow.ts";
import type { Judgement } from "../judgement.ts";

// ---- processes ----------------------------------------------------------------

export function kill(cmd: Cmd, j: Judgement) {
  if (cmd.args.some((w) => /^(-l|-L|--list|--table)$/.test(w.text))) return;
  const args = cmd.args.map((w) => w.text);
  if (args.some((t) => /^-(0|s\s*0|-signal=0|SIG0)$/.test(t)) || (args[0] === "-s" && args[1] === "0")) return;
  const targets = operands(cmd, ["-s", "-n", "--signal"]).map((w) => w.text);
  const after = args.includes("--") ? args.slice(args.indexOf("--") + 1) : [];
  if (targets.includes("1")) return j.report("sys.kill-init", cmd.start, cmd.end);
  // `kill -9 $(ps -e -o pid=)`, `ps aux | awk '{print $2}' | xargs kill`: the pids of every process (or one user's).
  const listed = [
    ...cmd.args.filter((w) => w.subs.length > 0).map((w) => processSet(w.subs[w.subs.length - 1]!)),
    cmd.pipe && cmd.pipe.index > 0 ? processSet(cmd.pipe.stages.slice(0, cmd.pipe.index)) : undefined,
  ];
  if (listed.includes("all")) return j.report("sys.kill-all", cmd.start, cmd.end);
  if (listed.includes("user")) return j.report("sys.kill-user", cmd.start, cmd.end);
  if (targets.includes("-1") || after.includes("-1") || (args.includes("-1") && args.length > 1 && args[args.length - 1] === "-1"))
    return j.report("sys.kill-all", cmd.start, cmd.end);
  if (targets.length > 0 || args.length > 0) j.report("sys.kill", cmd.start, cmd.end);
}

export function pkill(cmd: Cmd, j: Judgement) {
  if (cmd.name === "killall5") return j.report("sys.kill-all", cmd.start, cmd.end);
  if (hasOpt(cmd, "lL", "--list")) return;
  const ops = operands(cmd, ["-u", "-U", "-g", "-G", "-t", "-s", "--signal", "-P", "-F", "-n"]);
  if (ops.some((w) => /^(init|systemd|launchd)$/.test(w.text))) return j.report("sys.kill-init", cmd.start, cmd.end);
  if (ops.some((w) => CRITICAL_SERVICES.test(w.text))) return j.report("sys.stop-critical-service", cmd.start, cmd.end);
  if (ops.length > 0 || hasOpt(cmd, "u", "--user")) j.report("sys.kill", cmd.start, cmd.end);
}

/** Stages after a listing that only pick columns or drop the header: the set listed stays the same. */
function passesThrough(c: Cmd): boolean {
  const t = c.args.map((w) => w.text);
  if (c.name === "awk" || c.name === "gawk" || c.name === "mawk")
    return t.length === 1 && /^\s*(NR\s*>\s*1\s*)?\{\s*print\s+\$\d+\s*;?\s*\}\s*$/.test(t[0]!);
  if (c.name === "cut" || c.name === "tr" || c.name === "sort" || c.name === "uniq") return true;
  if (c.name === "tail") return t.join(" ") === "-n +2" || t.join(" ") === "+2";
  if (c.name === "sed") return t.length === 1 && /^1d$/.test(t[0]!);
  if (c.name === "grep") return t.includes("-v") && t.some((x) => /^(grep|PID|"?PID"?)$/.test(x));
  return false;
}

/** What `ps`/`pgrep` (then column picking) lists: every process, one user's, or something narrower. */
function processSet(stages: readonly Cmd[]): "all" | "user" | undefined {
  const src = stages[0];
  if (!src || !stages.slice(1).every(passesThrough)) return undefined;
  const t = src.args.map((w) => w.text);
  const byUser = t.some((x) => /^(-u|-U|--user|--uid|-G|--group)$/.test(x) || /^--user=/.test(x));
  if (src.name === "ps") {
    if (t.some((x) => /^(-p|--pid|-C|-t|--ppid|-q|--tty|--sid|-s)$/.test(x))) return undefined;
    if (byUser) return "user";
    return t.some((x) => /^-[a-zA-Z]*[eA]/.test(x) || /^[a-z]*x[a-z]*$/.test(x)) ? "all" : undefined;
  }
  if (src.name === "pgrep") {
    const pattern = operands(src, ["-u", "-U", "-G", "-g", "-P", "-s", "-t", "--signal", "-F"]);
    if (pattern.length === 0) return byUser ? "user" : undefined;
    return pattern.some((w) => /^(\.\*?|\^|\.\+|\^\.\*\$?)$/.test(w.text)) ? (byUser ? "user" : "all") : undefined;
  }
  return undefined;
}

// ---- inspection as root -----------------------------------------------------------

/** Programs that only inspect the machine, even as root (hardware, I/O and audit reports). */
const INSPECTORS = new Set([
  "lshw",
  "dmidecode",
  "hwinfo",
  "inxi",
  "iotop",
  "iftop",
  "nethogs",
  "fs_usage",
  "ausearch",
  "aureport",
  "xfs_info",
  "dumpe2fs",
  "sensors",
  "biosdecode",
  "vpddecode",
  "lsscsi",
  "lsinitramfs",
]);
/** Per program, the options that make it only show something (`tune2fs -l`, `e2fsck -n`). */
const SHOW_OPTIONS: Record<string, RegExp> = {
  auditctl: /^(-l|-s|--list|--status)$/,
  chage: /^(-l|--list)$/,
  tune2fs: /^-l$/,
  e2fsck: /^-n$/,
  fsck: /^-N$/,
  "fsck.ext4": /^-n$/,
  efibootmgr: /^(-v|--verbose)$/,
  mokutil: /^--(sb-state|list-enrolled|list-new|test-key|pk|kek|db|dbx)$/,
  partprobe: /^(-s|--summary|-d|--dry-run)$/,
  "firewall-cmd": /^--(state|get-[\w-]+|list-[\w-]+|query-[\w-]+|info-[\w-]+)$/,
  blockdev: /^--(get[\w-]*|report)$/,
};

/**
 * `sudo lshw`, `sudo tune2fs -l /dev/sda1`, `sudo e2fsck -n /dev/sda1`: reads only, so neither
 * "run as root" nor "given a disk" is worth a warning. Every option has to be a showing one.
 */
export function onlyInspects(cmd: Cmd): boolean {
  if (INSPECTORS.has(cmd.name)) return true;
  const show = SHOW_OPTIONS[cmd.name];
  if (!show) return false;
  const opts = cmd.args.filter((w) => w.text.startsWith("-"));
  return opts.length > 0 && opts.some((w) => show.test(w.text)) && opts.every((w) => show.test(w.text) || /^-[hfv]$/.test(w.text));
}

// ---- power and services ----------------------------------------------------------

export function power(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "c", "--help", "--show", "--cancel")) return;
  if (cmd.name === "shutdown" && cmd.args.some((w) => w.text === "-c")) return;
  j.report("sys.power", cmd.start, cmd.end);
}

export function init(cmd: Cmd, j: Judgement) {
  if (/^[06sS1]$/.test(cmd.args[0]?.text ?? "")) j.report("sys.power", cmd.start, cmd.end);
}

/** Services whose loss cuts remote access, networking or protection. */
const CRITICAL_SERVICES =
  /^(docker|docker\.socket|containerd|kubelet|crio|ssh|sshd|openssh-server|network|networking|NetworkManager|systemd-networkd|systemd-resolved|wpa_supplicant|dbus|systemd-logind|firewalld|ufw|nftables|iptables|apparmor|auditd|sshd\.socket|ssh\.socket|systemd-journald|polkit|gdm|lightdm|sddm)(\.service)?$/;
const FIREWALL_SERVICES = /^(firewalld|ufw|nftables|iptables|pf)(\.service)?$/;
const SECURITY_SERVICES = /^(apparmor|auditd|selinux)(\.service)?$/;

export function systemctl(cmd: Cmd, j: Judgement) {
  const ops = operands(cmd, [
    "-H",
    "--host",
    "-M",
    "--machine",
    "-t",
    "--type",
    "-p",
    "--property",
    "-n",
    "--lines",
    "-o",
    "--output",
    "--state",
    "-s",
    "--signal",
    "--kill-whom",
    "--root",
  ]);
  const verb = ops[0]?.text ?? "";
  const units = ops.slice(1).map((w) => w.text);
  if (/^(poweroff|reboot|halt|kexec|suspend|hibernate|hybrid-sleep|rescue|emergency|isolate|default|soft-reboot)$/.test(verb))
    return j.report(verb === "isolate" ? "sys.service-change" : "sys.power", cmd.start, cmd.end);
  // Booting into rescue, emergency or power-off from now on: no services, no network, no remote login.
  if (verb === "set-default" && units.some((u) => /^(rescue|emergency|poweroff|halt|reboot|runlevel[016])(\.target)?$/.test(u)))
    return j.report("sys.power", cmd.start, cmd.end);
  if (
    !/^(stop|disable|mask|kill|restart|start|enable|reload|unmask|try-restart|reload-or-restart|set-default|daemon-reload|edit|revert|preset|link)$/.test(
      verb,
    )
  )
    return;
  if (/^(stop|disable|mask|kill)$/.test(verb)) {
    if (units.some((u) => FIREWALL_SERVICES.test(u))) return j.report("sys.firewall-off", cmd.start, cmd.end);
    if (units.some((u) => SECURITY_SERVICES.test(u))) return j.report("sys.selinux-off", cmd.start, cmd.end);
    if (units.some((u) => CRITICAL_SERVICES.test(u))) return j.report("sys.stop-critical-service", cmd.start, cmd.end);
  }
  j.report("sys.service-change", cmd.start, cmd.end);
}

/** `service NAME stop`, `rc-service NAME stop`. */
export function service(cmd: Cmd, j: Judgement) {
  const [unit, verb] = operands(cmd).map((w) => w.text);
  if (!unit || !verb || /^(status|--status-all)$/.test(verb) || unit === "--status-all") return;
  if (/^(stop)$/.test(verb) && FIREWALL_SERVICES.test(unit)) return j.report("sys.firewall-off", cmd.start, cmd.end);
  if (/^(stop)$/.test(verb) && CRITICAL_SERVICES.test(unit)) return j.report("sys.stop-critical-service", cmd.start, cmd.end);
  j.report("sys.service-change", cmd.start, cmd.end);
}

// ---- firewall and network ------------------------------------------------------

export function iptables(cmd: Cmd, j: Judgement) {
  const t = cmd.args.map((w) => w.text);
  if ((t.some((x) => /^(-F|--flush|-X|--delete-chain|-Z)$/.test(x)) && !t.includes("-t")) || t.some((x) => /^(-F|--flush)$/.test(x)))
    return j.report("sys.firewall-off", cmd.start, cmd.end);
  const p = t.findIndex((x) => x === "-P" || x === "--policy");
  if (p >= 0 && /^(DROP|REJECT)$/i.test(t[p + 2] ?? "") && /^(INPUT|OUTPUT)$/i.test(t[p + 1] ?? ""))
    return j.report("sys.firewall-off", cmd.start, cmd.end);
  // A default policy of ACCEPT on incoming or forwarded traffic opens everything the rules do not drop.
  if (p >= 0 && /^ACCEPT$/i.test(t[p + 2] ?? "") && /^(INPUT|FORWARD)$/i.test(t[p + 1] ?? ""))
    return j.report("sys.firewall-off", cmd.start, cmd.end);
  if (t.some((x) => /^(-L|--list|-S|--list-rules|-C|--check|-h|--help|--version)$/.test(x) || /^-[a-zA-Z]*L[a-zA-Z]*$/.test(x))) return;
  if (t.length === 0 || cmd.name.endsWith("-save")) return;
  // `-A INPUT -j DROP` with nothing to match on drops every packet, the remote session's too.
  const chain = t.findIndex((x) => /^(-A|--append|-I|--insert)$/.test(x));
  const target = t.findIndex((x) => x === "-j" || x === "--jump");
  if (
    chain >= 0 &&
    /^(INPUT|OUTPUT)$/i.test(t[chain + 1] ?? "") &&
    /^(DROP|REJECT)$/i.test(t[target + 1] ?? "") &&
    !t.some((x) =>
      /^(!|-s|--source|-d|--destination|-p|--protocol|-i|--in-interface|-o|--out-interface|-m|--match|--dport|--sport|--src-range|--dst-range)$/.test(
        x,
      ),
    )
  )
    return j.report("sys.firewall-off", cmd.start, cmd.end);
  j.report("sys.firewall-change", cmd.start, cmd.end);
}

export function nft(cmd: Cmd, j: Judgement) {
  const t = cmd.args.map((w) => w.text).join(" ");
  if (/\bflush\s+ruleset\b|\bdelete\s+table\b|\bflush\s+table\b/.test(t)) return j.report("sys.firewall-off", cmd.start, cmd.end);
  if (/^\s*(-\w+\s+)*(list|describe|monitor)\b/.test(t) || t.trim() === "" || /(^|\s)-(c|-check)\b/.test(t)) return;
  j.report("sys.firewall-change", cmd.start, cmd.end);
}

export function ufw(cmd: Cmd, j: Judgement) {
  const verb = operands(cmd)[0]?.text ?? "";
  if (/^(disable|reset)$/.test(verb)) return j.report("sys.firewall-off", cmd.start, cmd.end);
  // Allowing all incoming or routed traffic by default opens every port.
  if (verb === "default" && cmd.args.some((w) => w.text === "allow") && !cmd.args.some((w) => w.text === "outgoing"))
    return j.report("sys.firewall-off", cmd.start, cmd.end);
  // Denying all outgoing traffic cuts the machine off (incoming is the usual default).
  if (
    verb === "default" &&
    cmd.args.some((w) => /^(deny|reject)$/.test(w.text)) &&
    cmd.args.some((w) => /^(outgoing|routed)$/.test(w.text))
  )
    return j.report("sys.firewall-off", cmd.start, cmd.end);
  if (/^(status|show|version|app|--version|--help)$/.test(verb) || verb === "") return;
  // `ufw allow from any` (no port, no app): every port open to everyone.
  const words = cmd.args.map((w) => w.text);
  if (
    verb === "allow" &&
    words.join(" ").match(/\bfrom any\b/) &&
    !words.some((x) => /^(port|proto|app)$/.test(x)) &&
    !words.some((x) => /^\d+(\/\w+)?$/.test(x))
  )
    return j.report("sys.firewall-off", cmd.start, cmd.end);
  j.report("sys.firewall-change", cmd.start, cmd.end);
}

export function ipTool(cmd: Cmd, j: Judgement) {
  const t = cmd.args.map((w) => w.text).filter((x) => !/^-(4|6|c|color|br|brief|s|d|j|p)$/.test(x));
  const obj = t[0] ?? "";
  const verb = t[1] ?? "";
  const text = t.join(" ");
  if (/^(l|li|lin|link)$/.test(obj) && /\bdown\b/.test(text) && /^(set|s)$/.test(verb))
    return j.report("sys.network-down", cmd.start, cmd.end);
  if (/^(r|ro|rou|route|a|ad|addr|address)$/.test(obj) && /^(flush|f|del|delete)$/.test(verb)) {
    if (/^(r|ro|rou|route)$/.test(obj) && /default|flush/.test(text)) return j.report("sys.network-down", cmd.start, cmd.end);
    if (/flush/.test(verb)) return j.report("sys.network-down", cmd.start, cmd.end);
  }
  // `ip route add blackhole default`, `… unreachable 0.0.0.0/0`: every destination dropped.
  if (
    /^(r|ro|rou|route)$/.test(obj) &&
    /^(add|a|replace|change)$/.test(verb) &&
    /\b(blackhole|unreachable|prohibit)\s+(default|0\.0\.0\.0\/0|::\/0)\b/.test(text)
  )
    return j.report("sys.network-down", cmd.start, cmd.end);
  if (/^(add|a|del|delete|d|set|s|change|replace|flush|f|append)$/.test(verb)) j.report("sys.kernel-change", cmd.start, cmd.end);
}

export function ifconfig(cmd: Cmd, j: Judgement) {
  if (cmd.args.some((w) => w.text === "down")) j.report("sys.network-down", cmd.start, cmd.end);
  else if (cmd.args.length > 1) j.report("sys.kernel-change", cmd.start, cmd.end);
}

export function ifdown(cmd: Cmd, j: Judgement) {
  j.report("sys.network-down", cmd.start, cmd.end);
}

export function nmcli(cmd: Cmd, j: Judgement) {
  const t = cmd.args.map((w) => w.text).join(" ");
  if (/\b(networking|radio\s+\w+)\s+off\b|\b(dev|device|d)\s+disconnect\b|\b(con|connection|c)\s+(down|delete)\b/.test(t))
    j.report("sys.network-down", cmd.start, cmd.end);
}

export function setenforce(cmd: Cmd, j: Judgement) {
  if (/^(0|permissive)$/i.test(cmd.args[0]?.text ?? "")) j.report("sys.selinux-off", cmd.start, cmd.end);
}

export function kernelChange(cmd: Cmd, j: Judgement) {
  if (cmd.name === "sysctl" && !hasOpt(cmd, "w", "--write", "--load", "--system") && !cmd.args.some((w) => w.text.includes("="))) return;
  if ((cmd.name === "modprobe" || cmd.name === "insmod" || cmd.name === "rmmod") && cmd.args.length === 0) return;
  if (cmd.name === "modprobe" && hasOpt(cmd, "nc", "--dry-run", "--show-depends", "--showconfig")) return;
  j.report("sys.kernel-change", cmd.start, cmd.end);
}

// ---- users --------------------------------------------------------------------

export function passwd(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "S", "--status")) return;
  const user = operands(cmd, ["-n", "-x", "-w", "-i", "-r", "-R", "-P"])[0]?.text;
  if (hasOpt(cmd, "dl", "--delete", "--lock")) {
    if (user === "root" || (!user && cmd.asRoot))
      return j.report(hasOpt(cmd, "d", "--delete") ? "priv.remove-password" : "priv.user-password", cmd.start, cmd.end);
    return j.report("priv.user-password", cmd.start, cmd.end);
  }
}

export function usermod(cmd: Cmd, j: Judgement) {
  const user = operands(cmd, ["-p", "--password", "-G", "--groups", "-g", "-s", "-d", "-l", "-u", "-c", "-e", "-f"]).pop()?.text;
  const pw = cmd.args.findIndex((w) => w.text === "-p" || w.text === "--password");
  if (pw >= 0 && (cmd.args[pw + 1]?.text ?? "") === "" && user === "root") return j.report("priv.remove-password", cmd.start, cmd.end);
  if (cmd.name === "userdel" || cmd.name === "deluser") return j.report("priv.user-delete", cmd.start, cmd.end);
  // `echo 'admin:admin' | chpasswd`: changes account passwords (root's is judged before this).
  if (cmd.name === "chpasswd") return j.report("priv.group-change", cmd.start, cmd.end);
  if (cmd.args.length > 0) j.report("priv.group-change", cmd.start, cmd.end);
}

export function su(cmd: Cmd, j: Judgement) {
  j.report("priv.root-shell", cmd.start, cmd.end);
}

/** `sudo` with no command, `sudo -l`, `sudo -i`, `sudo -e FILE`. */
export function sudoAlone(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "lvkKV", "--list", "--validate", "--version", "--reset-timestamp", "--help")) return;
  if (hasOpt(cmd, "e", "--edit")) return j.report("fs.write-system-file", cmd.start, cmd.end);
  // `sudo -i <<< 'CMD'`, `echo CMD | sudo -s`: the root shell runs what it reads.
  if (typeof cmd.stdinText === "string") {
    j.nested(cmd.stdinText, cmd.stdinWord ?? cmd, cmd.stdinWord?.exactBase, { asRoot: true });
    return j.report("priv.root-shell", cmd.start, cmd.end);
  }
  j.report("priv.root-shell", cmd.start, cmd.end);
}

// ---- packages -------------------------------------------------------------------

/** Packages the system cannot work without (removing them breaks boot, login or the package manager). */
const ESSENTIAL_PACKAGES =
  /^(libc6|libc-bin|glibc|glibc-common|coreutils|bash|dash|sh|systemd|systemd-sysv|init|sudo|apt|dpkg|rpm|yum|dnf|pacman|zypper|util-linux|login|passwd|shadow|shadow-utils|base-files|base-passwd|perl-base|python3|python3-minimal|python|sed|grep|tar|gzip|findutils|e2fsprogs|mount|kmod|udev|libpam\S*|pam|openssh-server|linux-image\S*|linux-generic|kernel|kernel-core|grub\S*|initramfs-tools|dracut|filesystem|bash-completion|ncurses-base|libselinux\S*|libsystemd0|zlib1g|zlib|openssl|ca-certificates|debianutils|diffutils|hostname|procps|lsb-base|tzdata|networkmanager|network-manager|iproute2|ifupdown)$/;

export function packageManager(cmd: Cmd, j: Judgement) {
  // apt-get -s / --simulate / --just-print, dnf --assumeno, pacman -p: only show what would happen.
  if (
    (/^apt(-get)?$/.test(cmd.name) && hasOpt(cmd, "s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act")) ||
    hasOpt(cmd, "", "--assumeno", "--print")
  )
    return;
  const ops = operands(cmd, [
    "-o",
    "-c",
    "-t",
    "--target-release",
    "--root",
    "--dbpath",
    "--installroot",
    "--releasever",
    "--setopt",
    "-r",
    "--repo",
  ]);
  const verb = ops[0]?.text ?? "";
  const pkgs = ops.slice(1).map((w) => w.text.replace(/[:=].*$/, ""));
  const text = cmd.args.map((w) => w.text).join(" ");
  const forced =
    /--nodeps|--force-remove-essential|--force-all|--force-depends|-Rdd|--allow-remove-essential|--skip-broken|--noscripts/.test(text);
  const verbRemoves = /^(remove|purge|autoremove|erase|uninstall|rm|del)$/.test(verb);
  // rpm -e, dpkg --remove/-P, pacman -R: the action is an option and every operand is a package.
  const optionRemoves = /^(rpm|dpkg|pacman|yay|paru)$/.test(cmd.name) && /(^|\s)(-R\w*|-e|--erase|--remove|--purge|-r|-P)(\s|$)/.test(text);
  const removing = verbRemoves || optionRemoves;
  const targets = verbRemoves ? pkgs : optionRemoves ? ops.map((w) => w.text) : [];
  if (removing && targets.some((p) => ESSENTIAL_PACKAGES.test(p)))
    return j.report(forced ? "pkg.remove-essential-forced" : "pkg.remove-essential", cmd.start, cmd.end);
  if (forced && removing) return j.report("pkg.remove-essential", cmd.start, cmd.end);
  if (
    /^(install|reinstall|upgrade|dist-upgrade|full-upgrade|update|remove|purge|autoremove|erase|add|del|-S\w*|-U|-i|--install|downgrade|distro-sync|swap|in|rm|dup|patch|localinstall|groupinstall|-R\w*|-e|-P|-r)$/.test(
      verb,
    )
  ) {
    if (verb === "update" && /^(apt|apt-get|pacman|apk|zypper|brew)$/.test(cmd.name)) return;
    if (
      cmd.asRoot ||
      /^(apt|apt-get|aptitude|dpkg|rpm|dnf|yum|zypper|pacman|apk|snap|flatpak|port|emerge|xbps-install|pkg)$/.test(cmd.name)
    )
      j.report("pkg.system-change", cmd.start, cmd.end);
  }
}

/** pip, npm, cargo, gem: user-level installs are safe; publishing is not reversible. */
export function languagePackages(cmd: Cmd, j: Judgement) {
  const ops = operands(cmd);
  const verb = ops[0]?.text ?? "";
  if (cmd.args.some((w) => w.text === "--break-system-packages")) return j.report("pkg.break-system", cmd.start, cmd.end);
  if (/^(publish|push|upload)$/.test(verb) || (cmd.name === "twine" && verb === "upload"))
    return j.report("pkg.publish", cmd.start, cmd.end);
  if (/^(unpublish|yank|deprecate)$/.test(verb)) return j.report("pkg.unpublish", cmd.start, cmd.end);
  if (cmd.asRoot && /^(install|i|add|uninstall|remove|rm|update|upgrade)$/.test(verb)) j.report("pkg.system-change", cmd.start, cmd.end);
}

// ---- history, logs, cron ----------------------------------------------------------

export function history(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "cdw", "--clear") && cmd.args.some((w) => /^-[a-z]*[cd]/.test(w.text))) j.report("history.disable", cmd.start, cmd.end);
}

export function journalctl(cmd: Cmd, j: Judgement) {
  if (cmd.args.some((w) => /^--(vacuum-\w+|flush|rotate)(=|$)/.test(w.text) && w.text.startsWith("--vacuum")))
    j.report("history.purge-logs", cmd.start, cmd.end);
  if (cmd.args.some((w, i) => vacuumsAll(w.text, cmd.args[i + 1]?.text))) j.report("fs.wipe-system-log", cmd.start, cmd.end);
}

/** `--vacuum-size=1`, `--vacuum-time=1s`, `--vacuum-files=1`: keeps (almost) no journal at all. */
function vacuumsAll(opt: string, next: string | undefined): boolean {
  const m = /^--vacuum-(size|time|files)(?:=(.*))?$/.exec(opt);
  if (!m) return false;
  const v = (m[2] ?? next ?? "").trim();
  const n = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(v);
  if (!n) return false;
  const num = Number(n[1]);
  const unit = n[2]!.toLowerCase();
  if (m[1] === "files") return num <= 1;
  if (m[1] === "size") {
    const scale: Record<string, number> = { "": 1, b: 1, k: 1e3, kb: 1e3, kib: 1e3, m: 1e6, mb: 1e6, mib: 1e6, g: 1e9, gb: 1e9, gib: 1e9 };
    return unit in scale && num * scale[unit]! < 20e6;
  }
  // Time: anything under an hour keeps next to nothing.
  return /^(|s|sec|second|seconds|ms|msec|us|usec|m|min|minute|minutes)$/.test(n[2]!);
}

export function crontab(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "r", "--remove")) return j.report("cron.remove-all", cmd.start, cmd.end);
  if (hasOpt(cmd, "le", "--list", "--edit")) return;
  const file = operands(cmd, ["-u"])[0];
  const fromStdin = !file || file.text === "-";
  // Installing a prepared file is deliberate; piping a one-liner over the crontab is the classic mistake.
  if (!fromStdin) return j.reportWord("cron.add", cmd);
  // Content comes from the pipeline before us, or a heredoc.
  const stages = cmd.pipe?.stages ?? [cmd];
  const src = cmd.pipe && cmd.pipe.index > 0 ? describeSource(stages, cmd.pipe.index) : undefined;
  const text = cmd.stdinText ?? src?.text ?? (src ? src.printed.join("\n") : null);
  let remote = !!src?.remote || !!src?.decoded;
  if (text) {
    for (const line of text.split("\n")) {
      const job = line.trim().replace(/^(@\w+|(\S+\s+){5})/, "");
      if (!job || line.trim().startsWith("#")) continue;
      const added = j.nested(job, cmd.pipe ? { start: stages[0]!.start, end: cmd.end } : cmd);
      if (added.some((f) => f.rule.startsWith("exec.") || f.risk === "critical" || f.risk === "high")) remote = true;
      // A job that runs a program from a temporary or hidden folder is hiding it.
      if (/^\S*(\/tmp\/|\/var\/tmp\/|\/dev\/shm\/|\/\.[^/\s]+\/)/.test(job)) remote = true;
    }
  }
  const span = cmd.pipe ? { start: stages[0]!.start, end: cmd.end } : cmd;
  if (remote) return j.reportWord("cron.remote-job", span);
  j.reportWord(src?.listsCrontab ? "cron.add" : "cron.replace", span);
}
