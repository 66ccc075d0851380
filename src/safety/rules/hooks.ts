// Programs that run a command given in an option: judge the command they
// carry. `git -c core.pager=CMD`, `ssh -o ProxyCommand=CMD`, `tar
// --checkpoint-action=exec=CMD`, `rsync -e CMD`, `rg --pre CMD`, `parallel`,
// `at`/`batch`, and `alias name='CMD'` (the alias runs later as CMD).
import { hasOpt, operands } from "../argv.ts";
import type { Cmd, Word } from "../command.ts";
import { describeSource, stdinText } from "../flow.ts";
import type { Judgement } from "../judgement.ts";
import { normalizePath } from "../paths.ts";
import { subCommand } from "../unwrap.ts";

/** git config keys whose value is a command git runs. */
const GIT_COMMAND_KEYS =
  /^(core\.(pager|sshcommand|editor|fsmonitor|askpass|gitproxy|hookspath)|sequence\.editor|diff\.external|diff\..*\.(command|textconv)|credential\.helper|credential\..*\.helper|alias\..*|gpg\.program|gpg\..*\.program|pager\..*|filter\..*\.(clean|smudge|process)|uploadpack\.packobjectshook|remote\..*\.(uploadpack|receivepack|proxy)|merge\..*\.driver|difftool\..*\.cmd|mergetool\..*\.cmd|http\.proxy|protocol\.ext\.allow|url\..*\.insteadof)$/i;

/** A script word anchored on the option that carries it. */
function scriptWord(w: Word, text: string): Word {
  return {
    ...w,
    text,
    exactBase: w.exactBase !== undefined && w.text.endsWith(text) ? w.exactBase + (w.text.length - text.length) : undefined,
  };
}

function judgeScript(cmd: Cmd, w: Word, j: Judgement) {
  if (w.dynamic) return j.reportWord("exec.eval-dynamic", w);
  j.nested(w.text, w, w.exactBase, { asRoot: cmd.asRoot });
}

/** The values of `-x V`, `-xV`, `--long V`, `--long=V` among the words. */
function values(args: Word[], short: string[], long: string[]): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === "--") break;
    for (const l of long) {
      if (t === l && args[i + 1]) out.push(args[i + 1]!);
      else if (t.startsWith(l + "=")) out.push(scriptWord(args[i]!, t.slice(l.length + 1)));
    }
    for (const s of short) {
      if (t === s && args[i + 1]) out.push(args[i + 1]!);
      else if (t.startsWith(s) && t.length > s.length && !t.startsWith("--")) out.push(scriptWord(args[i]!, t.slice(s.length)));
    }
  }
  return out;
}

export function git(cmd: Cmd, j: Judgement) {
  // Subcommands that run a command: submodule foreach, rebase --exec, bisect run, filter-branch filters.
  const t = cmd.args.map((w) => w.text);
  const fe = t.indexOf("foreach");
  if (t.includes("submodule") && fe >= 0 && cmd.args[fe + 1]) {
    const rest = cmd.args.slice(fe + 1).filter((w) => !/^--(recursive|quiet)$/.test(w.text));
    if (rest[0])
      judgeScript(
        cmd,
        rest.length === 1
          ? rest[0]
          : { ...rest[0], text: rest.map((w) => w.text).join(" "), end: rest[rest.length - 1]!.end, exactBase: undefined },
        j,
      );
  }
  for (const v of values(
    cmd.args,
    ["-x"],
    [
      "--exec",
      "--tree-filter",
      "--index-filter",
      "--msg-filter",
      "--env-filter",
      "--commit-filter",
      "--parent-filter",
      "--tag-name-filter",
    ],
  ))
    judgeScript(cmd, v, j);
  const run = t.indexOf("run");
  if (t.includes("bisect") && run >= 0 && cmd.args[run + 1]) {
    const sub = subCommand(cmd, cmd.args.slice(run + 1));
    if (sub) j.judge(sub);
  }
  // `git config [--global] KEY VALUE`: a command-valued key runs VALUE later.
  const cfg = cmd.args.findIndex((w) => w.text === "config");
  if (cfg >= 0) {
    const rest = cmd.args.slice(cfg + 1).filter((w) => !w.text.startsWith("-"));
    if (rest.length >= 2 && GIT_COMMAND_KEYS.test(rest[0]!.text))
      judgeScript(cmd, scriptWord(rest[1]!, rest[1]!.text.replace(/^!/, "")), j);
  }
  for (const v of values(cmd.args, ["-c"], ["--config-env"])) {
    const eq = v.text.indexOf("=");
    if (eq <= 0 || !GIT_COMMAND_KEYS.test(v.text.slice(0, eq))) continue;
    judgeScript(cmd, scriptWord(v, v.text.slice(eq + 1).replace(/^!/, "")), j);
  }
}

export function ssh(cmd: Cmd, j: Judgement) {
  for (const v of values(cmd.args, ["-o"], [])) {
    const m = /^(ProxyCommand|LocalCommand|KnownHostsCommand|Match\s+exec)\s*[= ]\s*(.*)$/is.exec(v.text);
    if (m && m[2] !== "none") judgeScript(cmd, scriptWord(v, m[2]!), j);
  }
  if (cmd.name === "ssh") remoteCommand(cmd, j);
}

/**
 * ssh's options end at the host; the remote shell runs the rest joined with spaces
 * (`ssh h sudo sh -c "'rm -rf /'"` runs `sudo sh -c 'rm -rf /'`). With no command, or a
 * remote shell reading stdin (`ssh h bash -s`), what is fed on stdin is the script.
 */
function remoteCommand(cmd: Cmd, j: Judgement) {
  const args = cmd.args;
  let i = 0;
  while (i < args.length && args[i]!.text.startsWith("-") && args[i]!.text !== "--") {
    const t = args[i]!.text;
    i += /^-[46AaCfGgKkMNnqsTtVvXxYy]*[BbcDEeFIiJLlmOoPpQRSWw]$/.test(t) ? 2 : 1;
  }
  if (args[i]?.text === "--") i++;
  const host = args[i];
  if (!host) return;
  const script = args.slice(i + 1);
  if (script[0]?.text === "--") script.shift();
  if (script.length) {
    const w: Word = {
      ...script[0]!,
      text: script.map((x) => x.text).join(" "),
      end: script[script.length - 1]!.end,
      exactBase: script.length === 1 ? script[0]!.exactBase : undefined,
    };
    if (!w.dynamic) j.nested(w.text, w, w.exactBase);
  }
  const remote = script.map((x) => x.text).join(" ");
  if (script.length && !/^(sudo\s+(-\S+\s+)*)?(ba|z|da|k)?sh(\s+-[a-z]*s[a-z]*)?(\s+-)?$/.test(remote.trim())) return;
  const text = stdinText(cmd);
  if (text !== null) j.nested(text, cmd.stdinWord ?? cmd, cmd.stdinWord?.exactBase, { asRoot: cmd.asRoot });
  else if (cmd.stdinText !== undefined || (cmd.pipe && cmd.pipe.index > 0) || cmd.redirects.some((r) => r.op === "<"))
    j.reportWord("exec.stdin-script", cmd);
}

export function tar(cmd: Cmd, j: Judgement) {
  for (const v of values(
    cmd.args,
    ["-I", "-F"],
    ["--checkpoint-action", "--to-command", "--use-compress-program", "--info-script", "--new-volume-script", "--rsh-command"],
  )) {
    const text = v.text.replace(/^(exec|sleep|ttyout|echo|bell|dot|totals)=/, "");
    if (/^(sleep|ttyout|echo|bell|dot|totals)(=|$)/.test(v.text)) continue;
    judgeScript(cmd, scriptWord(v, text), j);
  }
}

export function rsync(cmd: Cmd, j: Judgement) {
  for (const v of values(cmd.args, ["-e"], ["--rsh", "--rsync-path"])) judgeScript(cmd, v, j);
}

/** ripgrep's options that take a value (so the value is not read as the pattern or a path). */
const RG_VALUED = [
  "-e",
  "--regexp",
  "-f",
  "--file",
  "-g",
  "--glob",
  "--iglob",
  "-t",
  "--type",
  "-T",
  "--type-not",
  "--type-add",
  "--type-clear",
  "--pre",
  "--pre-glob",
  "-m",
  "--max-count",
  "-A",
  "-B",
  "-C",
  "--after-context",
  "--before-context",
  "--context",
  "-j",
  "--threads",
  "-M",
  "--max-columns",
  "-d",
  "--max-depth",
  "--max-filesize",
  "-r",
  "--replace",
  "-E",
  "--encoding",
  "--sort",
  "--sortr",
  "--color",
  "--colors",
  "--path-separator",
  "--engine",
  "--ignore-file",
  "--hostname-bin",
  "--context-separator",
  "--field-match-separator",
];

/** `rg --pre PROG PATTERN PATHS`: rg runs PROG FILE for every file it searches below PATHS. */
export function ripgrep(cmd: Cmd, j: Judgement) {
  for (const v of values(cmd.args, [], ["--hostname-bin"])) judgeScript(cmd, v, j);
  const pre = values(cmd.args, [], ["--pre"]);
  if (pre.length === 0) return;
  const ops = operands(cmd, RG_VALUED);
  const paths = cmd.args.some((w) => /^(-e|--regexp|-f|--file)(=|$)|^-e./.test(w.text)) ? ops : ops.slice(1);
  const narrowed = cmd.args.some((w) => /^(--pre-glob|-g|--glob|--iglob|-t|--type)(=|$)/.test(w.text));
  const roots = paths.length ? paths : [{ ...cmd.argv[0]!, text: "." }];
  for (const p of pre) {
    // A value with spaces is meant as a command line (rg would look for a program of that name): judge it as one.
    if (p.dynamic || /\s/.test(p.text.trim())) {
      judgeScript(cmd, p, j);
      continue;
    }
    for (const root of roots) {
      const sub = subCommand(cmd, [p, { ...root, tree: { base: root.text, narrowed } }]);
      if (sub) j.judge(sub);
    }
  }
}

/** vi, vim, nvim, ex: `-c CMD`, `--cmd CMD` and `+CMD` run editor commands; `:!CMD` and `system()` reach the shell. */
export function vim(cmd: Cmd, j: Judgement) {
  const cmds = [
    ...values(cmd.args, ["-c"], ["--cmd"]),
    ...cmd.args.filter((w) => /^\+\D/.test(w.text)).map((w) => scriptWord(w, w.text.slice(1))),
  ];
  for (const c of cmds) {
    // Commands are separated by `|`, except that `:!CMD` takes the rest of the line.
    let rest = c.text;
    for (let guard = 0; rest && guard < 16; guard++) {
      const t = rest.replace(/^[\s:|]*(silent!?\s*)?/, "");
      const bang = /^(?:r(?:ead)?|w(?:rite)?|\d*,?\d*)\s*!(.*)$/s.exec(t);
      if (bang) {
        if (bang[1]!.trim()) judgeScript(cmd, scriptWord(c, bang[1]!), j);
        break;
      }
      const call = /^[^|]*?\b(?:system|systemlist|jobstart|termopen)\(\s*(['"])(.*?)\1/s.exec(t) ?? /^term(?:inal)?\s+()([^|]+)/.exec(t);
      if (call?.[2]?.trim()) judgeScript(cmd, scriptWord(c, call[2]), j);
      const bar = t.indexOf("|");
      if (bar < 0) break;
      rest = t.slice(bar + 1);
    }
  }
}

/** GNU sed: `e` alone runs the pattern space as a command; `s/…/…/e` runs the result of the substitution. */
export function sed(cmd: Cmd, j: Judgement) {
  const scripts = [
    ...values(cmd.args, ["-e"], ["--expression"]),
    ...(cmd.args.some((w) => /^(-e|--expression|-f|--file)(=|$)/.test(w.text)) ? [] : operands(cmd, ["-l", "--line-length"]).slice(0, 1)),
  ];
  const input = (): string | null => {
    if (typeof cmd.stdinText === "string") return cmd.stdinText;
    if (cmd.pipe && cmd.pipe.index > 0) return describeSource(cmd.pipe.stages, cmd.pipe.index).text;
    return null;
  };
  for (const s of scripts) {
    if (/(?:^|[;\n{}]|\d|\$)\s*e\s*(?:[;\n}]|$)/.test(s.text)) {
      const text = input();
      if (text === null) j.reportWord("exec.eval-dynamic", s);
      else j.nested(text, s, undefined, { asRoot: cmd.asRoot });
    }
    const sub = /(?:^|[;\n{}\s]|\d|\$)s(.)((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)\1([gpiIm\d]*)e/.exec(s.text);
    if (!sub) continue;
    const [, , pattern, replacement, flags] = sub as unknown as [string, string, string, string, string];
    const text = input();
    let result: string | undefined;
    if (text !== null) {
      try {
        const re = new RegExp(pattern.replace(/\\([(){}|+?])/g, "$1"), flags.includes("g") ? "g" : "");
        result = text
          .split("\n")
          .map((l) =>
            l.replace(
              re,
              replacement
                .replace(/\$/g, "$$$$")
                .replace(/&/g, "$$&")
                .replace(/\\(\d)/g, "$$$1"),
            ),
          )
          .join("\n");
      } catch {
        result = undefined;
      }
    }
    j.nested(result ?? replacement.replace(/\\\d|&/g, " "), s, undefined, { asRoot: cmd.asRoot });
  }
}

/** Environment variables whose value is a command some program runs (`LESSOPEN='|CMD %s' less f`, `GIT_SSH_COMMAND=CMD git …`). */
const ENV_COMMANDS =
  /^(LESSOPEN|LESSCLOSE|PAGER|MANPAGER|GIT_PAGER|SYSTEMD_PAGER|EDITOR|VISUAL|GIT_EDITOR|GIT_SEQUENCE_EDITOR|SUDO_EDITOR|KUBE_EDITOR|FCEDIT|GIT_SSH_COMMAND|GIT_SSH|GIT_ASKPASS|SSH_ASKPASS|GIT_EXTERNAL_DIFF|GIT_PROXY_COMMAND|RSYNC_RSH|PROMPT_COMMAND|BROWSER|TAR_RSH)$/;

export function envCommands(cmd: Cmd, j: Judgement) {
  for (const { name, value } of cmd.env ?? []) {
    if (!ENV_COMMANDS.test(name) || value.text.trim() === "") continue;
    const script = value.text.replace(/^\s*\|{1,2}-?/, "").replace(/%s/g, "file");
    judgeScript(cmd, scriptWord(value, script), j);
  }
}

/** Programs whose named option value is a command. */
export function optionCommand(short: string[], long: string[]) {
  return (cmd: Cmd, j: Judgement) => {
    for (const v of values(cmd.args, short, long)) judgeScript(cmd, v, j);
  };
}

/** `parallel CMD ::: A B`, `parallel ::: 'CMD1' 'CMD2'`, `parallel -j4 CMD {} ::: A`. */
export function parallel(cmd: Cmd, j: Judgement) {
  const args = cmd.args;
  // `--dry-run` prints the commands instead of running them.
  if (args.some((w) => /^(--dry-run|--dryrun)$/.test(w.text))) return;
  // Information only: version, help, citation, CPU counts.
  if (
    args.some((w) =>
      /^(--version|-V|--help|-h|--citation|--bibtex|--number-of-(cpus|cores|sockets|threads)|--max-line-length-allowed)$/.test(w.text),
    )
  )
    return;
  const sep = args.findIndex((w) => /^(:::|::::|:::\+|::::\+)$/.test(w.text));
  let i = 0;
  while (i < args.length && i !== sep && args[i]!.text.startsWith("-"))
    i +=
      /^(-j|-P|--jobs|-S|--sshlogin|--joblog|-a|--arg-file|--delay|--timeout|-N|-n|-L|--results|--tmpdir|-I|--colsep|-d|--delimiter|--env)$/.test(
        args[i]!.text,
      )
        ? 2
        : 1;
  const template = args.slice(i, sep >= 0 ? sep : undefined);
  // Without `:::`, parallel reads the inputs from stdin, one a line: `echo / | parallel rm -rf`.
  const piped = sep < 0 && !args.some((w) => /^(-a|--arg-file|::::)/.test(w.text)) ? stdinText(cmd) : null;
  const inputs =
    sep >= 0
      ? args
          .slice(sep + 1)
          .filter((w) => !/^:::/.test(w.text))
          .slice(0, 32)
      : piped !== null
        ? piped
            .split("\n")
            .filter((l) => l.trim() !== "")
            .slice(0, 32)
            .map((l): Word => ({ ...cmd.argv[0]!, text: l, dynamic: false, glob: false, subs: [], exactBase: undefined }))
        : [];
  if (template.length === 0) {
    // Each input is a whole command.
    for (const w of inputs) judgeScript(cmd, w, j);
    if (sep < 0) j.reportWord("exec.stdin-script", cmd);
    return;
  }
  const fill = (w: Word, item: Word): Word =>
    /\{\}|\{\.\}|\{\/\}|\{\d+\}/.test(w.text)
      ? { ...item, text: w.text.replace(/\{[./\d]*\}/g, item.text), start: w.start, end: w.end, exactBase: undefined }
      : w;
  const runs = inputs.length
    ? inputs.map((item) => (template.some((w) => /\{[./\d]*\}/.test(w.text)) ? template.map((w) => fill(w, item)) : [...template, item]))
    : [template];
  for (const argv of runs) {
    if (argv.length === 1) judgeScript(cmd, argv[0]!, j);
    else {
      const sub = subCommand(cmd, argv);
      if (sub) j.judge(sub);
    }
  }
}

/** xargs options and whether each takes a value: "sep" (always, maybe attached), "attached" (only attached). */
const XARGS_VALUED = /^(-[IJnLPdEsa]|--(max-args|max-lines|max-procs|delimiter|eof|max-chars|arg-file|process-slot-var))$/;
const XARGS_ATTACHED = /^-[ile]|^--(replace|eof)=?/;

/**
 * `echo / | xargs -I{} sh -c 'rm -rf {}'`, `xargs -i rm -rf {}`, `xargs --replace CMD`, BSD `xargs -J % CMD`:
 * with a replace string xargs reads whole lines and puts each where the string stands. The other forms are
 * judged with the files rules (rules/fs.ts).
 */
export function xargs(cmd: Cmd, j: Judgement) {
  const args = cmd.args;
  let i = 0;
  let replace: string | undefined;
  let nul = false;
  let delim: string | undefined;
  while (i < args.length && args[i]!.text.startsWith("-")) {
    const t = args[i]!.text;
    if (t === "--") {
      i++;
      break;
    }
    if (t === "-0" || t === "--null") nul = true;
    if (/^-[IJ]$/.test(t)) replace = args[i + 1]?.text;
    else if (/^-[IJ]./.test(t)) replace = t.slice(2);
    else if (/^-i/.test(t)) replace = t.slice(2) || "{}";
    else if (/^--replace/.test(t)) replace = t.includes("=") ? t.slice(t.indexOf("=") + 1) || "{}" : "{}";
    if (/^(-d|--delimiter)$/.test(t)) delim = args[i + 1]?.text.replace(/^\\n$/, "\n");
    i += XARGS_VALUED.test(t) ? 2 : 1;
    if (!XARGS_VALUED.test(t) && !XARGS_ATTACHED.test(t) && /^-[a-zA-Z]{2,}$/.test(t)) {
      // `-0rI{}`-style clusters are rare; a cluster ending in a valued letter takes the next word.
      if (/[IJnLPdEsa]$/.test(t)) i++;
    }
  }
  const inner = args.slice(i);
  if (!replace || inner.length === 0) return;
  const text = stdinText(cmd);
  const lines =
    text === null
      ? []
      : (nul ? text.split("\0") : delim !== undefined ? text.split(delim) : text.split("\n"))
          .map((l) => l.replace(/^[ \t]+/, "").replace(/\n$/, ""))
          .filter((l) => l !== "")
          .slice(0, 16);
  for (const line of lines) {
    const argv = inner.map((w) =>
      w.text.includes(replace!) ? { ...w, text: w.text.replaceAll(replace!, line), dynamic: false, exactBase: undefined } : w,
    );
    const sub = subCommand(cmd, argv);
    if (sub) j.judge(sub);
  }
}

/** `at`/`batch` read the job from stdin (here-string, heredoc) or `-f FILE`; piped jobs are judged with the pipeline. */
export function at(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "lcdrq", "--list") && !cmd.args.some((w) => /^-q$/.test(w.text))) return;
  // `echo 'rm -rf ~' > /tmp/j; at -f /tmp/j now`: a job file this command line wrote or downloaded.
  const file = values(cmd.args, ["-f"], [])[0];
  if (file) {
    const path = normalizePath(file.text, cmd.cwd);
    const text = cmd.written?.get(path);
    if (text !== undefined) j.nested(text, file, undefined, { asRoot: cmd.asRoot });
    const d = cmd.downloads?.get(path);
    if (d) j.report(d.insecure ? "exec.remote-code-insecure" : "exec.remote-code", cmd.start, cmd.end, `downloaded from ${d.url}`);
    return;
  }
  if (typeof cmd.stdinText === "string") j.nested(cmd.stdinText, cmd.stdinWord ?? cmd, cmd.stdinWord?.exactBase, { asRoot: cmd.asRoot });
  else if (cmd.stdinText === null) j.reportWord("exec.stdin-script", cmd);
}

/** `alias ls='rm -rf ~'`: the text runs whenever the alias is used. */
export function alias(cmd: Cmd, j: Judgement) {
  for (const w of cmd.args) {
    const eq = w.text.indexOf("=");
    if (eq <= 0) continue;
    judgeScript(cmd, scriptWord(w, w.text.slice(eq + 1)), j);
  }
  // fish: `alias name 'body'`
  if (cmd.args.length === 2 && !cmd.args[0]!.text.includes("=")) judgeScript(cmd, cmd.args[1]!, j);
}

/** `ansible HOSTS -a CMD` (the command, shell and raw modules), `salt TARGET cmd.run CMD`: run on many hosts. */
export function ansible(cmd: Cmd, j: Judgement) {
  const module = values(cmd.args, ["-m"], ["--module-name"])[0]?.text ?? "command";
  if (!/^(ansible\.builtin\.)?(command|shell|raw|script)$/.test(module)) return;
  for (const v of values(cmd.args, ["-a"], ["--args"])) judgeScript(cmd, v, j);
}

export function salt(cmd: Cmd, j: Judgement) {
  const i = cmd.args.findIndex((w) => /^cmd\.(run|shell|script|exec_code|run_all|run_stdout)$/.test(w.text));
  if (i >= 0 && cmd.args[i + 1]) judgeScript(cmd, cmd.args[i + 1]!, j);
}

/** pdsh, pssh, clush and friends: the words after the options are one command run on every host. */
export function parallelShell(valued: string[]) {
  return (cmd: Cmd, j: Judgement) => {
    const args = cmd.args;
    let i = 0;
    while (i < args.length && args[i]!.text.startsWith("-")) i += valued.includes(args[i]!.text) ? 2 : 1;
    const rest = args.slice(i);
    if (rest.length === 0) return;
    const w: Word =
      rest.length === 1
        ? rest[0]!
        : { ...rest[0]!, text: rest.map((x) => x.text).join(" "), end: rest[rest.length - 1]!.end, exactBase: undefined };
    judgeScript(cmd, w, j);
  };
}

/** Cloud CLIs that run a command on machines: `gcloud compute ssh --command`, `az vm run-command --scripts`, `aws ssm send-command`. */
export function cloudRun(cmd: Cmd, j: Judgement) {
  for (const v of values(cmd.args, [], ["--command", "--scripts"])) judgeScript(cmd, v, j);
  for (const v of values(cmd.args, [], ["--parameters"])) {
    const m = /commands=\[?(.*?)\]?$/s.exec(v.text);
    if (!m) continue;
    for (const c of m[1]!.matchAll(/"((?:\\.|[^"])*)"|'([^']*)'|([^,"'[\]]+)/g))
      judgeScript(cmd, scriptWord(v, (c[1] ?? c[2] ?? c[3]!).trim()), j);
  }
}

/** A command line of another program's text, judged as a shell script (`\\'` and `''` unescaped by the caller). */
function judgeText(cmd: Cmd, at: Word, text: string, j: Judgement) {
  if (text.trim()) j.nested(text, at, undefined, { asRoot: cmd.asRoot });
}

/**
 * Database shells that reach the operating system: psql `\\! CMD`, `\\o |CMD`, `COPY … TO PROGRAM 'CMD'`;
 * mysql/mariadb `\\! CMD`, `system CMD`, `--pager=CMD`; sqlite3 `.shell CMD`, `.system CMD`.
 */
export function dbShell(cmd: Cmd, j: Judgement) {
  const texts: Word[] = [];
  const stdin = stdinText(cmd);
  const at = cmd.stdinWord ?? cmd.argv[0]!;
  if (stdin !== null) texts.push({ ...at, text: stdin, exactBase: undefined });
  if (cmd.name === "psql") texts.push(...values(cmd.args, ["-c"], ["--command"]));
  else if (cmd.name === "sqlite3") {
    texts.push(...values(cmd.args, ["-cmd"], []));
    texts.push(...operands(cmd, ["-cmd", "-separator", "-nullvalue", "-newline", "-init"]).slice(1));
  } else {
    texts.push(...values(cmd.args, ["-e"], ["--execute"]));
    for (const v of values(cmd.args, [], ["--pager"])) judgeScript(cmd, v, j);
  }
  for (const w of texts) {
    const t = w.text;
    const escapes =
      cmd.name === "psql"
        ? /(?:^|\n|;)\s*\\!\s*([^\n\\]*)|\\[og]\s*\|\s*([^\n\\]*)/g
        : cmd.name === "sqlite3"
          ? /(?:^|\n|;)\s*\.(?:shell|system)\s+([^\n]*)()/g
          : /(?:^|\n|;)\s*(?:\\!|system)\s+([^\n;]*)()/gi;
    for (const m of t.matchAll(escapes)) judgeText(cmd, w, (m[1] || m[2] || "").trim(), j);
    for (const m of t.matchAll(/\bPROGRAM\s+'((?:''|[^'])*)'/gi)) judgeText(cmd, w, m[1]!.replaceAll("''", "'"), j);
  }
}

/** `make -f - <<< $'all:\\n\\trm -rf ~'`: the recipe lines of a makefile read from stdin. */
export function make(cmd: Cmd, j: Judgement) {
  const f = values(cmd.args, ["-f"], ["--file", "--makefile"])[0];
  if (!f || !/^(-|\/dev\/stdin)$/.test(f.text)) return;
  const text = stdinText(cmd);
  if (text === null) return j.reportWord("exec.stdin-script", cmd);
  for (const line of text.split("\n")) if (line.startsWith("\t")) judgeText(cmd, f, line.replace(/^\t[@+-]*/, ""), j);
}

/** expect: `spawn CMD` and Tcl's `exec CMD` in `-c SCRIPT` or a script on stdin. */
export function expect(cmd: Cmd, j: Judgement) {
  const texts = values(cmd.args, ["-c"], []);
  const stdin = stdinText(cmd);
  if (stdin !== null) texts.push({ ...(cmd.stdinWord ?? cmd.argv[0]!), text: stdin, exactBase: undefined });
  for (const w of texts) for (const m of w.text.matchAll(/(?:^|[\n;{[])\s*(?:spawn|exec)\s+([^\n;\]}]+)/g)) judgeText(cmd, w, m[1]!, j);
}

/** emacs `--eval '(shell-command "CMD")'`, `(delete-directory "DIR" t)`, `(delete-file "F")`. */
export function emacs(cmd: Cmd, j: Judgement) {
  const arg = (s: string) => (/^[\w~./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);
  for (const w of values(cmd.args, ["-eval", "--eval", "--execute"], [])) {
    for (const m of w.text.matchAll(
      /\((?:async-)?shell-command(?:-to-string)?\s+"((?:\\.|[^"\\])*)"|\(call-process-shell-command\s+"((?:\\.|[^"\\])*)"/g,
    ))
      judgeText(cmd, w, (m[1] ?? m[2] ?? "").replace(/\\(.)/g, "$1"), j);
    for (const m of w.text.matchAll(/\(delete-directory\s+"((?:\\.|[^"\\])*)"\s+t\b/g)) judgeText(cmd, w, `rm -rf ${arg(m[1]!)}`, j);
    for (const m of w.text.matchAll(/\(delete-file\s+"((?:\\.|[^"\\])*)"/g)) judgeText(cmd, w, `rm -f ${arg(m[1]!)}`, j);
  }
}

/** ed and ex read commands: `!CMD` runs a shell command (also `ed '!CMD'`, which reads its output). */
export function ed(cmd: Cmd, j: Judgement) {
  const stdin = stdinText(cmd);
  if (stdin !== null)
    for (const m of stdin.matchAll(/(?:^|\n)\s*(?:\d*,?\d*\s*(?:r|w)?\s*)!([^\n]*)/g))
      judgeText(cmd, cmd.stdinWord ?? cmd.argv[0]!, m[1]!, j);
  for (const w of operands(cmd, ["-p"])) if (w.text.startsWith("!")) judgeText(cmd, w, w.text.slice(1), j);
}

/** `cmake -E rm -rf DIR`, `cmake -E remove_directory DIR`, `cmake -E remove -f F`: cmake's portable file commands. */
export function cmake(cmd: Cmd, j: Judgement) {
  if (cmd.args[0]?.text !== "-E") return;
  const verb = cmd.args[1]?.text ?? "";
  const rest = cmd.args.slice(2);
  const mk = (text: string): Word => ({ ...cmd.argv[0]!, text, exactBase: undefined });
  const argv =
    verb === "rm"
      ? [mk("rm"), ...rest]
      : verb === "remove"
        ? [mk("rm"), ...rest]
        : verb === "remove_directory"
          ? [mk("rm"), mk("-rf"), ...rest]
          : undefined;
  if (!argv || argv.length < 2) return;
  const sub = subCommand(cmd, argv);
  if (sub) j.judge(sub);
}

/** `fc -s [OLD=NEW] [CMD]`, `fc -e - …`: re-run an earlier command from the history, not shown here. */
export function fc(cmd: Cmd, j: Judgement) {
  if (cmd.args.some((w) => w.text === "-s") || values(cmd.args, ["-e"], []).some((v) => v.text === "-"))
    j.reportWord("exec.eval-dynamic", cmd);
}

/** `trap 'CMD' EXIT`: the shell runs CMD on the signal or at exit. */
export function trap(cmd: Cmd, j: Judgement) {
  const args = cmd.args.filter((w) => w.text !== "--");
  if (args.length < 2 || /^-[lp]$/.test(args[0]!.text) || args[0]!.text === "-") return;
  judgeScript(cmd, args[0]!, j);
}

/** `complete -C CMD NAME` runs CMD to complete NAME; `bind -x '"KEY": CMD'` runs CMD on a key. */
export function completeBind(cmd: Cmd, j: Judgement) {
  if (cmd.name === "complete") for (const v of values(cmd.args, ["-C"], [])) judgeScript(cmd, v, j);
  if (cmd.name === "bind")
    for (const v of values(cmd.args, ["-x"], [])) {
      const m = /^\s*("(?:\\.|[^"])*"|\S+)\s*:\s*(.*)$/s.exec(v.text);
      if (m) judgeScript(cmd, scriptWord(v, m[2]!.replace(/^(["'])(.*)\1$/s, "$2")), j);
    }
}
