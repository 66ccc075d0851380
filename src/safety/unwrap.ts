// Wrapper programs run another command; the rules judge that command.
// `sudo -u root env X=1 nice -n 5 rm -rf /` is judged as `rm -rf /` as root.
// Each wrapper's options that take a value are listed so the value is not
// mistaken for the wrapped program.
import { programName } from "./argv.ts";
import type { Cmd, Word } from "./command.ts";

interface WrapperSpec {
  /** Options followed by a separate value (`-u root`). Long forms may also use `--opt=value`. */
  valued: string[];
  /** Options that make the wrapper do something else (lookups, listings): stop unwrapping. */
  stop?: string[];
  /** Runs as another user (root unless shown otherwise). */
  root?: boolean;
  /** Positional words to skip after the options (timeout's DURATION, chroot's DIR). */
  positional?: number;
  /** Leading NAME=VALUE words are environment settings (env). */
  assignments?: boolean;
}

/** Wrappers, the options that take a value, and the options that end the wrapping. */
export const WRAPPERS: Record<string, WrapperSpec> = {
  sudo: {
    valued: [
      "-u",
      "--user",
      "-g",
      "--group",
      "-C",
      "--close-from",
      "-D",
      "--chdir",
      "-p",
      "--prompt",
      "-r",
      "--role",
      "-t",
      "--type",
      "-U",
      "--other-user",
      "-T",
      "--command-timeout",
      "-h",
      "--host",
      "-R",
      "--chroot",
    ],
    // `-k` with a command runs it (without the cached credentials); alone it only forgets them.
    stop: ["-l", "--list", "-v", "--validate", "-K", "--remove-timestamp", "-V", "--version", "-e", "--edit"],
    root: true,
    assignments: true,
  },
  doas: { valued: ["-u", "-C"], root: true },
  run0: { valued: ["-u", "--user", "-g", "--group", "-D", "--chdir"], root: true },
  pkexec: { valued: ["--user"], root: true },
  env: { valued: ["-u", "--unset", "-C", "--chdir", "-P", "-S", "--split-string"], assignments: true },
  command: { valued: [], stop: ["-v", "-V"] },
  builtin: { valued: [] },
  exec: { valued: ["-a"] },
  nohup: { valued: [] },
  nice: { valued: ["-n", "--adjustment"] },
  time: { valued: ["-f", "--format", "-o", "--output"] },
  timeout: { valued: ["-s", "--signal", "-k", "--kill-after"], positional: 1 },
  stdbuf: { valued: ["-i", "--input", "-o", "--output", "-e", "--error"] },
  ionice: { valued: ["-c", "--class", "-n", "--classdata"], stop: ["-p", "--pid"] },
  chrt: { valued: [], positional: 1, stop: ["-p", "--pid"] },
  taskset: { valued: [], positional: 1, stop: ["-p", "--pid"] },
  setsid: { valued: [] },
  unbuffer: { valued: [] },
  caffeinate: { valued: ["-t", "-w"] },
  chroot: { valued: ["--userspec", "--groups"], positional: 1, root: true },
  strace: { valued: ["-o", "-e", "-s", "-u"], stop: ["-p"] },
  ltrace: { valued: ["-o", "-e", "-s", "-u"], stop: ["-p"] },
  noglob: { valued: [] },
  nocorrect: { valued: [] },
  runuser: { valued: ["-u", "--user", "-g", "--group", "-G"], root: true },
  flock: { valued: ["-w", "--timeout", "-E", "--conflict-exit-code"], positional: 1 },
  busybox: { valued: [] },
  toybox: { valued: [] },
  valgrind: { valued: [] },
  "ld.so": { valued: ["--library-path", "--preload", "--audit"] },
  "ld-linux-x86-64.so.2": { valued: ["--library-path", "--preload", "--audit"] },
  catchsegv: { valued: [] },
  proxychains: { valued: ["-f"] },
  proxychains4: { valued: ["-f"] },
  torsocks: { valued: [] },
  firejail: { valued: [] },
  "systemd-run": {
    valued: [
      "-u",
      "--unit",
      "-p",
      "--property",
      "-M",
      "--machine",
      "--description",
      "--slice",
      "-E",
      "--setenv",
      "--on-active",
      "--on-boot",
      "--on-startup",
      "--on-unit-active",
      "--on-unit-inactive",
      "--on-calendar",
      "--on-clock-change",
      "--timer-property",
      "--path-property",
      "--socket-property",
      "-H",
      "--host",
      "--uid",
      "--gid",
      "--nice",
      "--working-directory",
      "-D",
      "--service-type",
      "--expand-environment",
    ],
    stop: ["-h", "--help", "--version"],
    root: true,
  },
  repeat: { valued: [], positional: 1 },
  unshare: { valued: ["-S", "--setuid", "-G", "--setgid", "-R", "--root", "-w", "--wd"] },
  nsenter: { valued: ["-t", "--target", "-S", "--setuid", "-G", "--setgid", "-r", "--root", "-w", "--wd"], root: true },
  "xvfb-run": { valued: ["-n", "--server-num", "-s", "--server-args", "-f", "--auth-file", "-e", "--error-file"] },
  chronic: { valued: [] },
  daemonize: { valued: ["-a", "-c", "-e", "-E", "-o", "-p", "-l", "-u"] },
  "start-stop-daemon": { valued: [] },
  cpulimit: { valued: ["-l", "--limit", "-p", "--pid", "-e", "--exe"] },
  prlimit: { valued: ["-p", "--pid"] },
  sg: { valued: [] },
  "dbus-launch": { valued: [] },
};

const SCREEN_VALUED = new Set(["-S", "-c", "-e", "-h", "-p", "-t", "-T", "-Logfile", "-L", "-X", "-x", "-r", "-R"]);
const TMUX_NEW =
  /^(new|new-session|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run|display-popup|popup)$/;
const TMUX_VALUED = new Set([
  "-s",
  "-n",
  "-c",
  "-t",
  "-x",
  "-y",
  "-e",
  "-F",
  "-f",
  "-l",
  "-p",
  "-S",
  "-L",
  "-b",
  "-w",
  "-h",
  "-d",
  "-T",
  "-E",
  "-A",
]);
const CONTAINER_EXEC_VALUED = new Set([
  "-e",
  "--env",
  "-u",
  "--user",
  "-w",
  "--workdir",
  "--env-file",
  "--detach-keys",
  "-c",
  "--container",
  "-n",
  "--namespace",
  "--context",
  "--kubeconfig",
  "--pod-running-timeout",
]);

/**
 * Programs that carry a command in their arguments, each in its own way:
 * `screen -dm CMD`, `tmux new -d 'CMD'`, `script -c 'CMD'`, `docker exec C CMD`,
 * `kubectl exec POD -- CMD`. Returns the carried command's words, or undefined.
 */
function carried(name: string, argv: Word[]): Word[] | undefined {
  const t = (k: number) => argv[k]?.text ?? "";
  // `coproc NAME { cmd; }` reaches the parser as plain words: the command follows the brace.
  if (name === "coproc") {
    const at = /^[{(]$/.test(t(1)) ? 2 : /^[{(]$/.test(t(2)) ? 3 : 1;
    return argv.length > at ? argv.slice(at) : undefined;
  }
  // Keys typed into another session's shell: `tmux send-keys -t x 'CMD' Enter`, `screen -X stuff 'CMD\n'`.
  if (
    (name === "tmux" && argv.some((w) => /^(send-keys|send)$/.test(w.text))) ||
    (name === "screen" && argv.some((w) => w.text === "stuff"))
  ) {
    const at = argv.findIndex((w) => /^(send-keys|send|stuff)$/.test(w.text));
    const keys: Word[] = [];
    for (let k = at + 1; k < argv.length; k++) {
      if (argv[k]!.text.startsWith("-")) {
        if (/^-[tNc]$/.test(argv[k]!.text)) k++;
        continue;
      }
      if (/^(Enter|C-m|C-j|KPEnter|Space|Tab|Escape|C-[a-z])$/.test(argv[k]!.text)) continue;
      keys.push(argv[k]!);
    }
    if (keys.length === 0) return undefined;
    return shC(argv[0]!, {
      ...keys[0]!,
      text: keys
        .map((w) => w.text)
        .join(" ")
        .replace(/\\n|\r/g, "\n"),
      end: keys[keys.length - 1]!.end,
      exactBase: keys.length === 1 ? keys[0]!.exactBase : undefined,
    });
  }
  if (name === "screen") {
    let i = 1;
    let detached = false;
    while (i < argv.length && t(i).startsWith("-")) {
      const o = t(i);
      if (/^-[dDmS]+$/.test(o) && /[dm]/.test(o)) detached = true;
      if (o === "-ls" || o === "-list" || o === "-r" || o === "-x" || o === "-X" || o === "-wipe" || o === "-v") return undefined;
      i += SCREEN_VALUED.has(o) || (/^-[dDmS]+S$/.test(o) && o !== "-S") ? 2 : 1;
    }
    if (!detached && i >= argv.length) return undefined;
    const rest = argv.slice(i);
    return rest.length === 1 ? shC(argv[0]!, rest[0]!) : rest.length ? rest : undefined;
  }
  if (name === "tmux" || name === "byobu") {
    let i = 1;
    while (i < argv.length && t(i).startsWith("-")) i += /^-[LSf]$/.test(t(i)) ? 2 : 1;
    if (!TMUX_NEW.test(t(i))) return undefined;
    i++;
    while (i < argv.length && t(i).startsWith("-") && t(i) !== "--") i += TMUX_VALUED.has(t(i)) && !/^-[dhbEAP]$/.test(t(i)) ? 2 : 1;
    if (t(i) === "--") i++;
    const rest = argv.slice(i);
    return rest.length === 1 ? shC(argv[0]!, rest[0]!) : rest.length ? rest : undefined;
  }
  // Package runners run a package's program: `npx rimraf /` deletes like `rm -rf /`.
  if (/^(npx|bunx|pnpx)$/.test(name) || (/^(pnpm|yarn)$/.test(name) && t(1) === "dlx") || (name === "npm" && t(1) === "exec")) {
    let i = /^(pnpm|yarn|npm)$/.test(name) ? 2 : 1;
    while (i < argv.length && t(i).startsWith("-")) i += /^(-p|--package|-c|--call)$/.test(t(i)) ? 2 : 1;
    if (t(i) === "--") i++;
    return argv.length > i ? argv.slice(i) : undefined;
  }
  // Terminal windows and VMs that run a command: `xterm -e CMD`, `gnome-terminal -- CMD`, `multipass exec vm -- CMD`.
  if (/^(xterm|urxvt|konsole|alacritty|kitty|x-terminal-emulator|gnome-terminal|xfce4-terminal|terminator|tilix)$/.test(name)) {
    const at = argv.findIndex((w, k) => k > 0 && /^(-e|-x|--|--command|--execute)$/.test(w.text));
    if (at < 0) return undefined;
    const rest = argv.slice(at + 1);
    return rest.length === 1 ? shC(argv[0]!, rest[0]!) : rest.length ? rest : undefined;
  }
  if ((name === "vagrant" && t(1) === "ssh") || (name === "multipass" && t(1) === "exec")) {
    const c = argv.findIndex((w) => w.text === "-c" || w.text === "--command");
    if (c > 0 && argv[c + 1]) return shC(argv[0]!, argv[c + 1]!);
    const dd = argv.findIndex((w) => w.text === "--");
    return dd > 0 && argv.length > dd + 1 ? argv.slice(dd + 1) : undefined;
  }
  // Debuggers: `gdb -batch -ex run --args PROG ARGS`, `lldb -- PROG ARGS`.
  if (name === "gdb" || name === "lldb" || name === "cgdb") {
    const at = argv.findIndex((w, k) => k > 0 && (w.text === "--args" || (name === "lldb" && w.text === "--")));
    return at > 0 && argv.length > at + 1 ? argv.slice(at + 1) : undefined;
  }
  // `entr [-acdnprz] CMD ARGS` (on each change), `entr -s 'SCRIPT'`.
  if (name === "entr") {
    let i = 1;
    let script = false;
    while (i < argv.length && t(i).startsWith("-")) {
      if (/s/.test(t(i))) script = true;
      i++;
    }
    if (i >= argv.length) return undefined;
    return script ? shC(argv[0]!, argv[i]!) : argv.slice(i);
  }
  // `machinectl shell [USER@]MACHINE [PROG ARGS]`.
  if (name === "machinectl" && t(1) === "shell") {
    let i = 2;
    while (i < argv.length && t(i).startsWith("-")) i += /^(-E|--setenv|--uid|-M|--machine)$/.test(t(i)) ? 2 : 1;
    return argv.length > i + 1 ? argv.slice(i + 1) : undefined;
  }
  if (name === "script") {
    const c = argv.findIndex((w, k) => k > 0 && (/^-[a-zA-Z]*c$/.test(w.text) || w.text === "--command"));
    if (c > 0 && argv[c + 1]) return shC(argv[0]!, argv[c + 1]!);
    const eq = argv.find((w) => w.text.startsWith("--command="));
    if (eq) return shC(argv[0]!, { ...eq, text: eq.text.slice(10), exactBase: undefined });
    return undefined;
  }
  // `oc rsh POD CMD…`: a shell in the pod, or the command given.
  if (name === "oc" && t(1) === "rsh") {
    let i = 2;
    while (i < argv.length && t(i).startsWith("-")) i += /^(-c|--container|-n|--namespace|--shell|--timeout)$/.test(t(i)) ? 2 : 1;
    return argv.length > i + 1 ? argv.slice(i + 1) : undefined;
  }
  if (/^(docker|podman|nerdctl|kubectl|oc|lxc|incus|docker-compose|podman-compose)$/.test(name)) {
    let i = 1;
    while (i < argv.length && t(i).startsWith("-"))
      i += /^(-H|--host|--context|-c|--config|-n|--namespace|--kubeconfig|--connection)$/.test(t(i)) ? 2 : 1;
    if (t(i) === "container") i++;
    if (t(i) === "compose") {
      i++;
      while (i < argv.length && t(i).startsWith("-")) i += /^(-f|--file|-p|--project-name|--env-file|--profile)$/.test(t(i)) ? 2 : 1;
    }
    if (t(i) !== "exec") return undefined;
    i++;
    const dd = argv.findIndex((w, k) => k > i && w.text === "--");
    if (dd > 0) return argv.slice(dd + 1).length ? argv.slice(dd + 1) : undefined;
    while (i < argv.length && t(i).startsWith("-")) i += CONTAINER_EXEC_VALUED.has(t(i)) ? 2 : 1;
    const rest = argv.slice(i + 1);
    return rest.length ? rest : undefined;
  }
  return undefined;
}

const isAssignment = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(s);

function basename(w: Word): string {
  return w.text.replace(/\/+$/, "").split("/").pop() ?? "";
}

/**
 * Peels wrappers off the front of argv. Returns the wrapped command's words and
 * whether it runs as root. Options carrying a script (`su -c`, `flock -c`,
 * `env -S`, `watch CMD`) become `sh -c SCRIPT` so the shell rules see the script.
 */
/** Wrapper options that set the working directory of the wrapped command. */
const CHDIR = /^(-C|--chdir|-D|--working-directory|-w|--wd)$/;

export function unwrap(words: Word[]): { argv: Word[]; asRoot: boolean; env: [string, Word][]; cwd?: string } {
  let argv = words;
  let asRoot = false;
  let cwd: string | undefined;
  /** `env X=1 cmd`, `sudo X=1 cmd`: settings the wrapped command sees. */
  const env: [string, Word][] = [];
  for (let guard = 0; guard < 16 && argv.length > 0; guard++) {
    const name = basename(argv[0]!);
    if (name === "su" || (name === "sudo" && argv.length === 1) || name === "runuser" || name === "sg") {
      // `su -c 'cmd' user` runs cmd through a shell; bare `su`/`su -` is a root shell (judged as su).
      const c = argv.findIndex((w, i) => i > 0 && (w.text === "-c" || w.text === "--command"));
      if (c > 0 && argv[c + 1]) return { argv: shC(argv[0]!, argv[c + 1]!), asRoot: true, env };
      // `runuser -u USER -- CMD…` and `sg GROUP CMD` run the command directly.
      if (name === "runuser" && argv.some((w) => /^(-u|--user)(=|$)/.test(w.text))) {
        let i = 1;
        while (i < argv.length && argv[i]!.text.startsWith("-") && argv[i]!.text !== "--")
          i += /^(-u|--user|-g|--group|-G|--supp-group)$/.test(argv[i]!.text) ? 2 : 1;
        if (argv[i]?.text === "--") i++;
        if (i < argv.length) {
          argv = argv.slice(i);
          asRoot = true;
          continue;
        }
      }
      if (name === "sg" && argv.length > 2 && !argv[1]!.text.startsWith("-")) {
        argv = argv.length === 3 ? shC(argv[0]!, argv[2]!) : argv.slice(2);
        asRoot = true;
        continue;
      }
      return { argv, asRoot: true, env };
    }
    if (name === "watch") {
      let i = 1;
      while (i < argv.length && argv[i]!.text.startsWith("-"))
        i += /^-(n|d|q)$|^--(interval|differences)$/.test(argv[i]!.text) && argv[i]!.text !== "-d" ? 2 : 1;
      const rest = argv.slice(i);
      if (rest.length === 0) return { argv, asRoot, env };
      if (rest.length === 1) return { argv: shC(argv[0]!, rest[0]!), asRoot, env };
      argv = rest;
      continue;
    }
    // `repeat 2 { cmd }` (zsh) reaches the parser as words: the braces only group.
    if (argv[0]!.text === "{" && argv.length > 1) {
      argv = argv.slice(1, argv[argv.length - 1]!.text === "}" ? -1 : undefined);
      continue;
    }
    const inner = carried(name, argv);
    if (inner) {
      argv = inner;
      continue;
    }
    const spec = WRAPPERS[name];
    if (!spec) break;
    // `sudo` alone, `command -v x`, `sudo -l`: the wrapper is the program.
    let i = 1;
    let stop = false;
    let script: Word | undefined;
    while (i < argv.length) {
      const t = argv[i]!.text;
      if (t === "--") {
        i++;
        break;
      }
      if (spec.assignments && isAssignment(t)) {
        env.push([t.slice(0, t.indexOf("=")), { ...argv[i]!, text: t.slice(t.indexOf("=") + 1), exactBase: undefined }]);
        i++;
        continue;
      }
      if (!t.startsWith("-") || t === "-") break;
      const opt = t.includes("=") ? t.slice(0, t.indexOf("=")) : t;
      if (spec.stop?.includes(opt)) {
        stop = true;
        break;
      }
      if (name === "flock" && (opt === "-c" || opt === "--command")) {
        script = argv[i + 1];
        break;
      }
      if (name === "env" && (opt === "-S" || opt === "--split-string")) {
        script = t.includes("=") ? { ...argv[i]!, text: t.slice(t.indexOf("=") + 1) } : argv[i + 1];
        break;
      }
      // `env -C /`, `sudo -D /`, `systemd-run --working-directory=/`: the command runs there.
      if (CHDIR.test(opt) && spec.valued.includes(opt)) {
        const v = t.includes("=") ? t.slice(t.indexOf("=") + 1) : argv[i + 1]?.text;
        if (v !== undefined && !argv[i + 1]?.dynamic) cwd = v;
      }
      // `sudo -s`/`-i` with no command is a root shell; with one, it runs it through a shell.
      if (spec.valued.includes(opt) && !t.includes("=")) i += 2;
      else if (name === "sudo" && /^-[A-Za-z]*[ugCDprtUTh]$/.test(t) && t.length > 2 && !t.startsWith("--")) i += 2;
      else i++;
      if (name === "nice" && /^-\d+$/.test(t)) continue;
    }
    if (name === "flock") {
      // `flock FILE -c 'cmd'`: the option may follow the lock file.
      const c = argv.findIndex((w, k) => k > 0 && (w.text === "-c" || w.text === "--command"));
      if (c > 0 && argv[c + 1]) script = argv[c + 1];
    }
    if (script) return { argv: shC(argv[0]!, script), asRoot: asRoot || !!spec.root, env };
    if (stop) break;
    i += spec.positional ?? 0;
    if (spec.assignments)
      for (; i < argv.length && isAssignment(argv[i]!.text); i++) {
        const t = argv[i]!.text;
        env.push([t.slice(0, t.indexOf("=")), { ...argv[i]!, text: t.slice(t.indexOf("=") + 1), exactBase: undefined }]);
      }
    if (i >= argv.length) {
      // `env` alone prints the environment; `sudo -i` alone opens a root shell.
      if (spec.root) asRoot = true;
      break;
    }
    if (spec.root) asRoot = true;
    argv = argv.slice(i);
  }
  return { argv: bindShellArgs(argv), asRoot, env, cwd };
}

const SHELL_NAMES = /^(sh|bash|zsh|dash|ksh|mksh|ash|busybox-sh|rbash)$/;

/** A value as one single-quoted shell word (the home marker stays as it is). */
const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** The text a parameter passed to a script stands for: a tree word (`find … -exec sh -c '…' _ {} \;`) is a file below its base, or the base itself when nothing narrows the search. */
const paramText = (w: Word) => (w.tree ? (w.tree.narrowed ? `${w.tree.base.replace(/\/+$/, "")}/x` : w.tree.base) : w.text);

/**
 * `sh -c 'rm -rf "$1"' _ /`: the words after the script are `$0`, `$1`, …; put them into the
 * script so the rules see `rm -rf '/'`. Only a script we can read, with parameters given.
 */
function bindShellArgs(argv: Word[]): Word[] {
  if (!SHELL_NAMES.test(basename(argv[0] ?? ({ text: "" } as Word)))) return argv;
  // `bash /dev/stdin`, `sh -`: the script is read from stdin, as with no script at all.
  if (argv.length === 2 && /^(\/dev\/stdin|-)$/.test(argv[1]!.text)) return argv.slice(0, 1);
  const c = argv.findIndex((w, k) => k > 0 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.text));
  const script = c > 0 ? argv[c + 1] : undefined;
  const params = argv.slice(c + 2);
  if (!script || script.dynamic || params.length === 0 || !/\$/.test(script.text)) return argv;
  const values = params.map(paramText);
  const at = (k: number) => (values[k] !== undefined ? shellQuote(values[k]!) : "''");
  const all = values
    .slice(1)
    .map((v) => shellQuote(v))
    .join(" ");
  const text = script.text.replace(
    /"\$(?:\{([0-9@*])\}|([0-9@*]))"|\$(?:\{([0-9@*])\}|([0-9@*]))/g,
    (_m, a?: string, b?: string, c2?: string, d?: string) => {
      const p = (a ?? b ?? c2 ?? d)!;
      return p === "@" || p === "*" ? all : at(Number(p));
    },
  );
  if (text === script.text) return argv;
  return [...argv.slice(0, c + 1), { ...script, text, exactBase: undefined }];
}

/** A synthetic `sh -c SCRIPT` command anchored on the wrapper's words. */
function shC(at: Word, script: Word): Word[] {
  const mk = (text: string): Word => ({ text, start: at.start, end: at.end, quoted: false, glob: false, dynamic: false, subs: [] });
  return [mk("sh"), mk("-c"), script];
}

/** A command built from words of another (`find -exec`, `xargs`), unwrapped and judged like any other. */
export function subCommand(parent: Cmd, argv: Word[]): Cmd | undefined {
  if (argv.length === 0) return undefined;
  const u = unwrap(argv);
  if (u.argv.length === 0) return undefined;
  return {
    ...parent,
    argv: u.argv,
    args: u.argv.slice(1),
    name: programName(u.argv[0]!),
    asRoot: parent.asRoot || u.asRoot,
    cwd: u.cwd ?? parent.cwd,
    redirects: [],
    stdinText: undefined,
    env: u.env.length ? [...(parent.env ?? []), ...u.env.map(([name, value]) => ({ name, value }))] : parent.env,
  };
}
