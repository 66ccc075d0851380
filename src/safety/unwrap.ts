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
    valued: ["-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-p", "--prompt", "-r", "--role", "-t", "--type", "-U", "--other-user", "-T", "--command-timeout", "-h", "--host", "-R", "--chroot"],
    stop: ["-l", "--list", "-v", "--validate", "-k", "--reset-timestamp", "-K", "--remove-timestamp", "-V", "--version", "-e", "--edit"],
    root: true,
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
  catchsegv: { valued: [] },
  proxychains: { valued: ["-f"] },
  proxychains4: { valued: ["-f"] },
  torsocks: { valued: [] },
  firejail: { valued: [] },
};

const isAssignment = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(s);

function basename(w: Word): string {
  return w.text.replace(/\/+$/, "").split("/").pop() ?? "";
}

/**
 * Peels wrappers off the front of argv. Returns the wrapped command's words and
 * whether it runs as root. Options carrying a script (`su -c`, `flock -c`,
 * `env -S`, `watch CMD`) become `sh -c SCRIPT` so the shell rules see the script.
 */
export function unwrap(words: Word[]): { argv: Word[]; asRoot: boolean } {
  let argv = words;
  let asRoot = false;
  for (let guard = 0; guard < 16 && argv.length > 0; guard++) {
    const name = basename(argv[0]!);
    if (name === "su" || name === "sudo" && argv.length === 1) {
      // `su -c 'cmd' user` runs cmd through a shell; bare `su`/`su -` is a root shell (judged as su).
      const c = argv.findIndex((w, i) => i > 0 && (w.text === "-c" || w.text === "--command"));
      if (c > 0 && argv[c + 1]) return { argv: shC(argv[0]!, argv[c + 1]!), asRoot: true };
      return { argv, asRoot: true };
    }
    if (name === "watch") {
      let i = 1;
      while (i < argv.length && argv[i]!.text.startsWith("-")) i += /^-(n|d|q)$|^--(interval|differences)$/.test(argv[i]!.text) && argv[i]!.text !== "-d" ? 2 : 1;
      const rest = argv.slice(i);
      if (rest.length === 0) return { argv, asRoot };
      if (rest.length === 1) return { argv: shC(argv[0]!, rest[0]!), asRoot };
      argv = rest;
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
    if (script) return { argv: shC(argv[0]!, script), asRoot: asRoot || !!spec.root };
    if (stop) break;
    i += spec.positional ?? 0;
    if (spec.assignments) while (i < argv.length && isAssignment(argv[i]!.text)) i++;
    if (i >= argv.length) {
      // `env` alone prints the environment; `sudo -i` alone opens a root shell.
      if (spec.root) asRoot = true;
      break;
    }
    if (spec.root) asRoot = true;
    argv = argv.slice(i);
  }
  return { argv, asRoot };
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
    redirects: [],
    stdinText: undefined,
  };
}
