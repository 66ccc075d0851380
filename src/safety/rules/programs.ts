// Which rule function judges which program. Programs in READ_ONLY only read
// or print and need no rule; programs in neither list fall under the
// unknown-program policy in judge.ts.
import type { Cmd } from "../command.ts";
import { describeSource } from "../flow.ts";
import type { Judgement } from "../judgement.ts";
import * as dev from "./dev.ts";
import * as exec from "./exec.ts";
import * as fs from "./fs.ts";
import * as hooks from "./hooks.ts";
import * as sys from "./system.ts";

type Handler = (cmd: Cmd, j: Judgement) => void;

const each = (names: string[], h: Handler): Record<string, Handler> => Object.fromEntries(names.map((n) => [n, h]));

export const PROGRAMS: Record<string, Handler> = {
  // files
  rm: fs.rm,
  unlink: fs.unlink,
  shred: fs.shred,
  srm: fs.rm,
  rimraf: fs.rm,
  find: fs.find,
  gfind: fs.find,
  xargs: fs.xargs,
  mv: fs.mv,
  cp: fs.cp,
  install: fs.cp,
  rsync: fs.rsync,
  truncate: fs.truncate,
  tee: fs.tee,
  ln: fs.ln,
  chmod: fs.chmod,
  chown: fs.chmod,
  chgrp: fs.chmod,
  dd: fs.dd,
  ...each(["sed", "gsed"], fs.sed),
  ...each(["vi", "vim", "nvim", "nano", "emacs", "ed", "pico", "micro", "joe", "mcedit", "kak", "helix", "hx"], fs.editor),
  cd: fs.cd,
  ...each(["mkfs", "wipefs", "mkswap", "blkdiscard", "mke2fs", "mkdosfs", "badblocks", "zpool", "mdadm", "nvme", "hdparm", "flashrom"], (c, j) => {
    // These are destructive only in their writing modes.
    if (c.name === "badblocks" && !c.args.some((w) => /^-\w*w/.test(w.text))) return;
    if (c.name === "zpool" && !/^(destroy|create|labelclear)$/.test(c.args[0]?.text ?? "")) return;
    if (c.name === "mdadm" && !c.args.some((w) => /^--(zero-superblock|create)$/.test(w.text))) return;
    if (c.name === "nvme" && !/^(format|sanitize)$/.test(c.args[0]?.text ?? "")) return;
    if (c.name === "hdparm" && !c.args.some((w) => /^--(security-erase|trim-sector-ranges|write-sector)/.test(w.text))) return;
    if (c.name === "flashrom" && !c.args.some((w) => /^(-w|--write|-E|--erase)$/.test(w.text))) return;
    fs.formatTool(c, j);
  }),
  ...each(["fdisk", "gdisk", "cfdisk", "sfdisk", "sgdisk", "parted", "cgdisk"], fs.partitionTool),
  diskutil: fs.diskutil,
  cryptsetup: fs.cryptsetup,
  // running code
  ...each(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "rbash"], exec.shell),
  eval: exec.evalBuiltin,
  source: exec.source,
  ".": exec.source,
  ...each(["python", "python2", "python3", "pypy", "pypy3", "perl", "ruby", "node", "nodejs", "php", "lua", "Rscript", "deno", "bun", "osascript"], exec.interpreter),
  ...each(["awk", "gawk", "mawk", "nawk"], exec.awk),
  ...each(["nc", "ncat", "netcat", "socat"], exec.netcat),
  ...each(["curl", "wget", "http", "https", "xh"], exec.upload),
  ...each(["scp", "sftp"], exec.scp),
  ssh: exec.ssh,
  // processes, power, services, network
  kill: sys.kill,
  ...each(["pkill", "killall", "killall5", "skill"], sys.pkill),
  ...each(["shutdown", "reboot", "poweroff", "halt"], sys.power),
  init: sys.init,
  telinit: sys.init,
  systemctl: sys.systemctl,
  service: sys.service,
  "rc-service": sys.service,
  ...each(["iptables", "ip6tables", "iptables-legacy", "iptables-nft"], sys.iptables),
  nft: sys.nft,
  ufw: sys.ufw,
  ip: sys.ipTool,
  ifconfig: sys.ifconfig,
  ifdown: sys.ifdown,
  nmcli: sys.nmcli,
  setenforce: sys.setenforce,
  "aa-teardown": (c, j) => j.report("sys.selinux-off", c.start, c.end),
  ...each(["sysctl", "modprobe", "rmmod", "insmod"], sys.kernelChange),
  // users
  passwd: sys.passwd,
  chpasswd: (c, j) => {
    const src = c.pipe && c.pipe.index > 0 ? describeSource(c.pipe.stages, c.pipe.index) : undefined;
    const text = c.stdinText ?? src?.text ?? null;
    if (text !== null && /(^|\n)\s*root:/.test(text)) return j.report("priv.root-password-known", c.start, c.end);
    sys.usermod(c, j);
  },
  ...each(["usermod", "useradd", "userdel", "deluser", "adduser", "gpasswd", "groupadd", "groupdel", "vipw"], sys.usermod),
  // `echo 'x ALL=(ALL) NOPASSWD: ALL' | sudo EDITOR='tee -a' visudo`: sudo rules fed to visudo.
  visudo: (c, j) => {
    const src = c.pipe && c.pipe.index > 0 ? describeSource(c.pipe.stages, c.pipe.index) : undefined;
    const text = c.stdinText ?? src?.text ?? (src?.printed.length ? src.printed.join("\n") : null);
    if (text && /\bALL\b/.test(text)) return j.report("fs.write-critical-file", c.start, c.end);
    sys.usermod(c, j);
  },
  su: sys.su,
  sudo: sys.sudoAlone,
  doas: sys.sudoAlone,
  // packages
  ...each(["apt", "apt-get", "aptitude", "dpkg", "rpm", "dnf", "yum", "zypper", "pacman", "apk", "snap", "flatpak", "port", "emerge", "xbps-install", "pkg", "yay", "paru"], sys.packageManager),
  ...each(["pip", "pip3", "pipx", "npm", "pnpm", "yarn", "cargo", "gem", "twine", "poetry", "uv", "go", "brew", "composer"], sys.languagePackages),
  // history, logs, cron
  history: sys.history,
  journalctl: sys.journalctl,
  crontab: sys.crontab,
  // dev and ops
  git: dev.git,
  ...each(["docker", "podman", "docker-compose", "podman-compose", "nerdctl"], dev.docker),
  kubectl: dev.kubectl,
  oc: dev.kubectl,
  helm: dev.helm,
  terraform: dev.terraform,
  tofu: dev.terraform,
  aws: dev.aws,
  ...each(["gcloud", "az", "doctl"], dev.gcloud),
  ...each(["psql", "mysql", "mariadb", "sqlite3", "duckdb", "mongosh", "mongo", "cqlsh", "clickhouse", "clickhouse-client", "sqlcmd", "cockroach", "snowsql", "spark-sql", "hive", "beeline", "trino", "presto", "cypher-shell", "bq"], dev.dbClient),
  ...each(["wipe", "nwipe", "scrub"], fs.rm),
  fd: fs.fd,
  fdfind: fs.fd,
  "redis-cli": dev.redis,
  ...each(["dropdb", "mysqladmin"], dev.dropdb),
  yes: () => {},
  // zsh's TCP module: a connection a shell can be wired to (`zsh >&$REPLY`), the zsh reverse shell.
  ztcp: (c, j) => {
    if (!c.args.some((w) => /^-[lcLa]/.test(w.text)) && c.args.length >= 2) j.report("net.reverse-shell", c.start, c.end);
  },
};

/** Programs that run a command given in an option; judged before the program's own rules. */
export const HOOKS: Record<string, Handler> = {
  git: hooks.git,
  ssh: hooks.ssh,
  scp: hooks.ssh,
  sftp: hooks.ssh,
  ...each(["tar", "gtar", "bsdtar"], hooks.tar),
  rsync: hooks.rsync,
  rg: hooks.ripgrep,
  ...each(["parallel", "sem"], hooks.parallel),
  ...each(["at", "batch"], hooks.at),
  alias: hooks.alias,
  ...each(["ansible", "ansible-console"], hooks.ansible),
  ...each(["salt", "salt-ssh", "salt-call"], hooks.salt),
  ...each(["pdsh", "pssh", "parallel-ssh", "clush", "dsh", "mussh"], hooks.parallelShell(["-w", "-x", "-g", "-h", "-H", "-l", "-p", "-t", "-O", "-o", "-e", "-f", "-R", "-X", "-m"])),
  ...each(["gcloud", "az", "aws"], hooks.cloudRun),
  zip: hooks.optionCommand(["-TT"], ["--unzip-command"]),
  man: hooks.optionCommand(["-P"], ["--pager"]),
  mysql: hooks.optionCommand([], ["--pager"]),
};

/** Programs that only read, print, or create harmless output by themselves. */
export const READ_ONLY = new Set([
  "ls", "ll", "la", "dir", "cat", "tac", "less", "more", "head", "tail", "grep", "egrep", "fgrep", "rg", "ag", "ack",
  "wc", "sort", "uniq", "cut", "paste", "join", "comm", "diff", "cmp", "tr", "sed", "column", "fold", "fmt", "nl",
  "od", "hexdump", "xxd", "strings", "file", "stat", "du", "df", "free", "uptime", "who", "w", "whoami", "id",
  "groups", "last", "lastlog", "date", "cal", "echo", "printf", "pwd", "env", "printenv", "which", "whereis",
  "type", "command", "man", "info", "help", "apropos", "whatis", "tldr", "ps", "pgrep", "top", "htop", "btop",
  "pstree", "lsof", "uname", "hostname", "hostnamectl", "lsblk", "blkid", "lscpu", "lsusb", "lspci", "lsmod",
  "dmesg", "mount", "findmnt", "ping", "traceroute", "tracepath", "mtr", "dig", "nslookup", "host", "whois",
  "netstat", "ss", "arp", "route", "jq", "yq", "base64", "base32", "md5sum", "sha1sum", "sha256sum", "sha512sum",
  "b2sum", "cksum", "test", "[", "[[", "true", "false", ":", "sleep", "wait", "basename", "dirname", "realpath",
  "readlink", "seq", "expr", "bc", "dc", "tput", "clear", "reset", "locale", "getent", "tree", "watch", "time",
  "mkdir", "touch", "tar", "zip", "unzip", "gzip", "gunzip", "zcat", "bzip2", "xz", "7z", "pv", "rev", "tee",
  "alias", "unalias", "export", "set", "unset", "read", "local", "declare", "readonly", "shift", "return", "exit",
  "break", "continue", "trap", "ulimit", "umask", "hash", "jobs", "fg", "bg", "disown", "pushd", "popd", "dirs",
  "let", "getopts", "fc", "bind", "complete", "compgen", "shopt", "vim", "vi", "nvim", "nano", "emacs", "code",
  "open", "xdg-open", "make", "cmake", "gcc", "g++", "clang", "rustc", "javac", "java", "go", "tsc", "vmstat",
  "iostat", "sar", "nproc", "getconf", "locate", "mlocate", "fd", "fzf", "bat", "exa", "eza", "zless", "zgrep",
  "iconv", "convert", "ffmpeg", "ffprobe", "identify", "pdftotext", "ssh-keygen", "ssh-add", "ssh-agent",
  "ssh-copy-id", "gpg", "openssl", "nmap", "curl", "wget", "rmdir", "mktemp", "split", "csplit", "shuf",
  "numfmt", "factor", "xargs", "envsubst", "systemd-analyze", "timedatectl", "localectl", "loginctl", "uptime",
  "fdupes", "ncdu", "sestatus", "getenforce", "aa-status", "lsattr", "getfacl", "vdir", "sum", "tty", "stty",
  "mesg", "script", "screen", "tmux", "groff", "nroff", "look", "units", "awk", "lvs", "vgs", "pvs", "lvdisplay", "vgdisplay",
  "pvdisplay", "lvscan", "vgscan", "pvscan", "dmsetup", "getcap", "lsattr", "smartctl", "tcpdump",
]);
