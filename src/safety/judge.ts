// Judges one simple command (after unwrapping) and the data flow of a
// pipeline. Per-program rules live in rules/*.ts; this file holds what applies
// to every command: redirections, text piped into shells, and the policy for
// programs nobody listed.
import type { Analysis, Cmd, Word } from "./analyze.ts";
import { programName, staticOutput } from "./analyze.ts";
import { unwrap } from "./normalize.ts";
import {
  INTERPRETERS, SHELLS, classifyPath, isAuthorizedKeys, isBlockDevice, isCriticalSystemFile, isHarmlessDevice,
  isHistoryFile, isLogFile, isNetworkDevice, isSecretPath, isShellStartupFile, normalizePath,
} from "./paths.ts";
import { PROGRAMS, READ_ONLY } from "./rules/programs.ts";
import { judgeInterpreterCode } from "./rules/exec.ts";

// ---- small helpers shared by the rule files ---------------------------------

/** Short option letter present (`-rf` has r), or one of the long spellings (`--force`, `--force=x`). */
export function hasOpt(cmd: Cmd, short: string, ...long: string[]): boolean {
  for (const w of cmd.args) {
    const t = w.text;
    if (t === "--") break;
    if (t.startsWith("--")) {
      const name = t.includes("=") ? t.slice(0, t.indexOf("=")) : t;
      if (long.includes(name)) return true;
    } else if (short && t.startsWith("-") && t.length > 1 && /^-[A-Za-z0-9]+$/.test(t)) {
      for (const ch of short) if (t.includes(ch)) return true;
    }
  }
  return false;
}

/** Value of an option: `-o x`, `-ox`, `--out x`, `--out=x`. */
export function optValue(cmd: Cmd, short: string[], long: string[]): Word | undefined {
  const args = cmd.args;
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === "--") break;
    for (const l of long) {
      if (t === l) return args[i + 1];
      if (t.startsWith(l + "=")) return { ...args[i]!, text: t.slice(l.length + 1) };
    }
    for (const s of short) {
      if (t === s) return args[i + 1];
      if (t.startsWith(s) && !t.startsWith("--") && t.length > s.length) return { ...args[i]!, text: t.slice(s.length) };
    }
  }
  return undefined;
}

/** Words that are not options, skipping the values of `valued` options. */
export function operands(cmd: Cmd, valued: string[] = []): Word[] {
  const out: Word[] = [];
  let dashdash = false;
  for (let i = 0; i < cmd.args.length; i++) {
    const w = cmd.args[i]!;
    if (dashdash) {
      out.push(w);
      continue;
    }
    if (w.text === "--") {
      dashdash = true;
      continue;
    }
    if (w.text.startsWith("-") && w.text !== "-" && !w.tree) {
      if (valued.includes(w.text)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

export const spanOf = (cmd: Cmd) => ({ start: cmd.start, end: cmd.end });

/** A command built from words of another (`find -exec`, `xargs`), unwrapped and judged like any other. */
export function subCommand(parent: Cmd, argv: Word[], a: Analysis): Cmd | undefined {
  if (argv.length === 0) return undefined;
  const u = unwrap(argv, a);
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

// ---- per-command judgement -----------------------------------------------------

export function judgeCommand(cmd: Cmd, a: Analysis) {
  for (const r of cmd.redirects) judgeRedirect(cmd, r, a);
  if (cmd.compound) return;
  if (cmd.name === "") {
    if (cmd.argv.length === 0) return;
    // The program name comes from a variable or substitution we cannot evaluate.
    const destructive = cmd.args.some((w) => {
      const { cls } = classifyPath(w.text, cmd.cwd);
      return cls === "root" || cls === "home" || cls === "system";
    });
    a.reportWord(destructive ? "exec.dynamic-command-destructive" : "exec.dynamic-command", cmd.argv[0]!);
    return;
  }
  // Fork bombs: a function that calls itself in a pipeline or in the background.
  if (cmd.functions.includes(cmd.name) && (cmd.background || (cmd.pipe && cmd.pipe.stages.length > 1)))
    a.report("exec.fork-bomb", cmd.start, cmd.end);

  const handler = PROGRAMS[cmd.name] ?? (/^mkfs\./.test(cmd.name) ? PROGRAMS.mkfs : undefined);
  if (handler) {
    handler(cmd, a);
    return;
  }
  if (READ_ONLY.has(cmd.name)) return;
  unknownProgram(cmd, a);
}

/**
 * Programs not listed anywhere. In cases.jsonl "safe" means "reads or creates
 * nothing harmful" and "moderate" means "changes things": most unlisted
 * programs a model writes are ordinary tools run on ordinary files (builds,
 * formatters, viewers), and grading them all moderate would bury real
 * warnings. So an unknown program is safe on its own, but not when it is
 * given a disk device, or run as root (then we cannot vouch for what it
 * changes: moderate). Dangerous arguments are still caught by the generic
 * checks (redirections, substitutions, pipes into shells).
 */
function unknownProgram(cmd: Cmd, a: Analysis) {
  const device = cmd.args.find((w) => isBlockDevice(normalizePath(w.text.replace(/^[a-z]+=/, ""))));
  if (device) a.reportWord("disk.unknown-device", device);
  else if (cmd.asRoot) a.report("priv.as-root", cmd.start, cmd.end);
}

// ---- writes: redirections, tee, cp targets -----------------------------------

const WRITE_OPS = new Set([">", ">|", ">>", "&>", "&>>", ">&", "<>"]);
/** Commands that write nothing when used as `CMD > file`: the file ends up empty. */
const TRUNCATORS = new Set([":", "true", "false"]);

export type WriteMode = "overwrite" | "append" | "truncate";

function judgeRedirect(cmd: Cmd, r: { op: string; target: Word | null; start: number; end: number }, a: Analysis) {
  const t = r.target;
  if (!t) return;
  if (r.op === "<" || r.op === "<&" || r.op === "<<<") {
    if (isNetworkDevice(t.text) && SHELLS.has(cmd.name)) a.report("net.reverse-shell", r.start, r.end);
    return;
  }
  if (!WRITE_OPS.has(r.op)) return;
  if ((r.op === ">&" || r.op === "<>") && /^(\d+|-)$/.test(t.text)) return;
  const append = r.op === ">>" || r.op === "&>>";
  let mode: WriteMode = append ? "append" : "overwrite";
  const empties =
    cmd.bare ||
    TRUNCATORS.has(cmd.name) ||
    (cmd.name === "cat" && cmd.args.length === 1 && cmd.args[0]!.text === "/dev/null") ||
    (cmd.name === "echo" && cmd.args.length === 1 && cmd.args[0]!.text === "-n") ||
    (cmd.name === "printf" && cmd.args.length === 1 && cmd.args[0]!.text === "");
  if (empties && !append) mode = "truncate";
  judgeWrite(cmd, t, mode, a, { start: r.start, end: r.end });
  if (mode === "overwrite") overwriteOfInput(cmd, t, a, r);
  if (!append && /^\/dev\/(zero|u?random)$/.test(cmd.args.find((w) => w.text.startsWith("/dev/"))?.text ?? "") && (cmd.name === "cat" || cmd.name === "pv"))
    if (!isBlockDevice(normalizePath(t.text))) a.report("fs.fill-disk", cmd.start, r.end);
  if (cmd.name === "yes" && !isHarmlessDevice(normalizePath(t.text))) a.report("fs.fill-disk", cmd.start, r.end);
}

/** Any write to a path: redirections, tee, cp/mv/install/dd targets. */
export function judgeWrite(cmd: Cmd, t: Word, mode: WriteMode, a: Analysis, span: { start: number; end: number } = t) {
  const path = normalizePath(t.text, cmd.cwd);
  if (isHarmlessDevice(path)) return;
  if (isNetworkDevice(path)) {
    if (SHELLS.has(cmd.name) || cmd.compound) a.report("net.reverse-shell", span.start, span.end);
    return;
  }
  if (isBlockDevice(path)) return a.report("disk.write-device", span.start, span.end);
  if (path === "/proc/sysrq-trigger") return a.report("sys.sysrq", span.start, span.end);
  if (/^\/(proc\/sys|sys)\//.test(path)) return a.report("sys.kernel-change", span.start, span.end);
  if (isCriticalSystemFile(path)) return a.report("fs.write-critical-file", span.start, span.end);
  if (isAuthorizedKeys(path)) return a.report("fs.authorized-keys", span.start, span.end);
  if (isShellStartupFile(path))
    return a.report(mode === "append" ? "fs.append-startup-file" : "fs.clobber-startup-file", span.start, span.end);
  if (isHistoryFile(path)) return mode === "append" ? undefined : a.report("fs.truncate-log", span.start, span.end);
  if (/^\/etc\//.test(path)) return a.report("fs.write-system-file", span.start, span.end);
  if (/^\/(usr\/local|usr\/share|usr\/include|lib\/modules)\//.test(path)) return a.report("fs.write-system-file", span.start, span.end);
  if (/^\/(usr|bin|sbin|lib|lib64|lib32|System)\//.test(path)) {
    // Into a directory: installs a new file. Onto a named file: replaces a program or library.
    const intoDir = /\/$/.test(t.text) || /^\/(usr\/)?(s?bin|lib\w*)$/.test(path);
    return a.report(intoDir ? "fs.write-system-file" : "fs.write-system-binary", span.start, span.end);
  }
  if (mode === "truncate") {
    if (isLogFile(path)) return a.report("fs.truncate-log", span.start, span.end);
    return a.report("fs.truncate", span.start, span.end);
  }
  if (mode === "overwrite" && isSecretPath(path)) return a.report("fs.truncate", span.start, span.end);
}

/** Programs whose operands are not input files. */
const NO_INPUT = new Set(["echo", "printf", "touch", "mkdir", "test", "[", "true", ":", "date", "seq", "yes", "ls", "find", "curl", "wget"]);

/** `sort f > f`: the shell truncates f before the command reads it. */
function overwriteOfInput(cmd: Cmd, t: Word, a: Analysis, r: { start: number; end: number }) {
  if (t.dynamic || isHarmlessDevice(t.text)) return;
  const target = normalizePath(t.text, cmd.cwd);
  const stages = cmd.pipe?.stages ?? [cmd];
  const upto = cmd.pipe ? cmd.pipe.index : 0;
  for (let i = 0; i <= upto; i++) {
    const s = stages[i]!;
    if (s.compound || NO_INPUT.has(s.name)) continue;
    const ops = s.args.filter((w) => w !== t && !w.text.startsWith("-") && !w.dynamic);
    // sed/awk/grep take a script or pattern first; comparing it to the target is harmless.
    if (ops.some((w) => normalizePath(w.text, cmd.cwd) === target)) {
      a.report("fs.overwrite-input", s.start, r.end);
      return;
    }
  }
}

// ---- pipelines: what flows into what -------------------------------------------

export interface Source {
  remote?: { url: string; insecure: boolean };
  decoded: boolean;
  secret: boolean;
  /** Text the producers print, when knowable. */
  text: string | null;
  /** Lines printed by echo/printf among the producers (for crontab). */
  printed: string[];
  listsCrontab: boolean;
  producers: Cmd[];
}

const DECODERS: Record<string, (c: Cmd) => boolean> = {
  base64: (c) => hasOpt(c, "dD", "--decode"),
  base32: (c) => hasOpt(c, "d", "--decode"),
  basenc: (c) => hasOpt(c, "d", "--decode"),
  xxd: (c) => hasOpt(c, "r", "--revert"),
  rev: () => true,
  uudecode: () => true,
  openssl: (c) => c.args.some((w) => /^(enc|base64|aes|des)/.test(w.text)) && hasOpt(c, "d"),
  tr: (c) => c.args.some((w) => /n-za-m|N-ZA-M|[0-9]-/.test(w.text)),
};

/** curl/wget/nc… that print downloaded content on stdout. */
export function remoteFetch(c: Cmd): { url: string; insecure: boolean } | undefined {
  const urlWord = c.args.find((w) => /^[a-z][a-z0-9+.-]*:\/\//i.test(w.text) || /^\d{1,3}(\.\d{1,3}){3}([:/]|$)/.test(w.text));
  const host = (u: string) => u.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split(/[/:?#]/)[0] ?? "";
  const mk = (u: string, extraInsecure = false) => ({
    url: u,
    insecure: extraInsecure || /^(http|ftp|tftp):\/\//i.test(u) || /^\d{1,3}(\.\d{1,3}){3}$/.test(host(u)) || !/^[a-z]+:\/\//i.test(u),
  });
  switch (c.name) {
    case "curl":
      if (!urlWord) return;
      if (hasOpt(c, "oO", "--output", "--remote-name", "--remote-name-all", "--output-dir")) {
        const o = optValue(c, ["-o"], ["--output"]);
        if (!o || o.text !== "-") return;
      }
      return mk(urlWord.text, hasOpt(c, "k", "--insecure"));
    case "wget": {
      const o = optValue(c, ["-O"], ["--output-document"]);
      const q = c.args.find((w) => /^-[a-zA-Z]*O-$/.test(w.text));
      if (!urlWord || (!q && o?.text !== "-")) return;
      return mk(urlWord.text, hasOpt(c, "", "--no-check-certificate"));
    }
    case "fetch":
    case "http":
    case "https":
    case "xh":
    case "aria2c":
    case "lwp-request":
    case "GET":
      return urlWord ? mk(urlWord.text) : undefined;
    case "nc":
    case "ncat":
    case "netcat":
    case "telnet":
    case "socat": {
      const hostWord = operands(c, ["-p", "-w", "-e", "-c", "-s"]).find((w) => /[a-z0-9]/i.test(w.text));
      return hostWord ? { url: hostWord.text, insecure: true } : undefined;
    }
  }
  return undefined;
}

function printsSecret(c: Cmd): boolean {
  if (["env", "printenv", "set", "export", "declare"].includes(c.name) && operands(c).length === 0) return true;
  if (c.name === "gpg" && hasOpt(c, "", "--export-secret-keys", "--export-secret-subkeys")) return true;
  const readers = ["cat", "head", "tail", "base64", "xxd", "tar", "zip", "gzip", "less", "more", "tac", "od", "strings", "cut", "grep"];
  return readers.includes(c.name) && c.args.some((w) => isSecretPath(normalizePath(w.text, c.cwd)));
}

/** What the first `upto` stages print, as far as it can be known. */
export function describeSource(stages: Cmd[], upto: number): Source {
  const producers: Cmd[] = [];
  for (let i = 0; i < upto; i++) {
    const s = stages[i]!;
    if (s.compound) producers.push(...(s.inner ?? []));
    else producers.push(s);
  }
  const src: Source = { decoded: false, secret: false, text: null, printed: [], listsCrontab: false, producers };
  for (const p of producers) {
    src.remote ??= remoteFetch(p);
    if (DECODERS[p.name]?.(p)) src.decoded = true;
    if (p.name === "printf" && /\\x[0-9a-f]{2}|\\[0-7]{3}/i.test(p.args[0]?.text ?? "")) src.decoded = true;
    if (printsSecret(p)) src.secret = true;
    if (p.name === "crontab" && hasOpt(p, "l")) src.listsCrontab = true;
    // `cat <(crontab -l) <(echo …)`: look inside process substitutions too.
    for (const w of p.args) for (const s of w.subs) for (const q of s) if (q.name === "crontab" && hasOpt(q, "l")) src.listsCrontab = true;
    for (const w of p.args) for (const s of w.subs) for (const q of s) if (q.name === "echo" || q.name === "printf") {
      const t = staticOutput([q]);
      if (t !== null) src.printed.push(t);
    }
    if (p.name === "echo" || p.name === "printf") {
      const t = staticOutput([p]);
      if (t !== null) src.printed.push(t);
    }
  }
  const simple = stages.slice(0, upto).every((s) => !s.compound);
  src.text = simple ? staticOutput(stages, upto) : null;
  return src;
}

/** A shell or interpreter that will read its program from stdin. */
export function readsProgramFromStdin(c: Cmd): "shell" | "interpreter" | undefined {
  if (SHELLS.has(c.name)) {
    if (hasOpt(c, "c")) return;
    const ops = operands(c, ["-o", "-O", "+O"]);
    if (ops.length === 0 || ops[0]!.text === "-" || ops[0]!.text === "/dev/stdin" || hasOpt(c, "s")) return "shell";
    return;
  }
  if ((c.name === "source" || c.name === ".") && c.args[0]?.text === "/dev/stdin") return "shell";
  if (INTERPRETERS.has(c.name) || /^python[\d.]*$/.test(c.name)) {
    if (hasOpt(c, "cem", "--eval", "--module")) return;
    // `-m module`, `-mjson.tool`, `-c code`, `-e code`, `-r code`: the program is not stdin.
    if (c.args.some((w) => /^-[mcer]/.test(w.text) && !w.text.startsWith("--"))) return;
    const ops = operands(c);
    if (ops.length === 0 || ops[0]!.text === "-") return "interpreter";
  }
  return;
}

/**
 * Judges a script whose text comes from somewhere else: piped in, or produced
 * by `$(…)`/`<(…)`. `unknownOk` is for `eval "$(tool init)"`, where running a
 * local program's output is normal.
 */
export function judgeScriptSource(
  src: Source,
  kind: "shell" | "interpreter",
  consumer: Cmd,
  a: Analysis,
  span: { start: number; end: number },
  unknownOk = false,
) {
  if (src.remote) {
    a.report(src.remote.insecure ? "exec.remote-code-insecure" : "exec.remote-code", span.start, span.end, src.remote.url);
    return;
  }
  if (src.decoded) a.report("exec.obfuscated", span.start, span.end);
  if (src.text !== null) {
    if (kind === "shell") a.nested(src.text, span, undefined, { asRoot: consumer.asRoot });
    else judgeInterpreterCode(consumer.name, src.text, span, a, consumer);
    return;
  }
  if (!src.decoded && !unknownOk) a.report("exec.stdin-script", span.start, span.end);
}

const NETWORK_SENDERS = new Set(["nc", "ncat", "netcat", "telnet", "socat", "curl", "wget", "openssl"]);

export function judgePipeline(stages: Cmd[], a: Analysis) {
  for (let j = 1; j < stages.length; j++) {
    const c = stages[j]!;
    const span = { start: stages[0]!.start, end: c.end };
    const kind = readsProgramFromStdin(c);
    if (kind) {
      // A shell between two network tools, or one feeding its output to the network: reverse shell.
      if (kind === "shell" && stages.slice(j + 1).some((s) => ["nc", "ncat", "netcat", "telnet", "socat", "openssl"].includes(s.name))) {
        a.report("net.reverse-shell", span.start, stages[stages.length - 1]!.end);
        continue;
      }
      judgeScriptSource(describeSource(stages, j), kind, c, a, span);
      continue;
    }
    if (NETWORK_SENDERS.has(c.name)) {
      const src = describeSource(stages, j);
      const sendsStdin =
        c.name !== "curl" && c.name !== "wget"
          ? true
          : c.args.some((w) => /^@-$|=@-$|^-$/.test(w.text)) || c.args.some((w) => w.text === "-T" || w.text === "--upload-file");
      if (src.secret && sendsStdin) a.report("net.exfiltrate-secret", span.start, span.end);
    }
  }
}
