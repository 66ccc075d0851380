// Files, permissions and disks: rm, find, xargs, mv, cp, rsync, chmod/chown,
// dd, mkfs and partition tools.
import { hasOpt, operands, optValue } from "../argv.ts";
import type { RuleId } from "../catalogue.ts";
import type { Cmd, Word } from "../command.ts";
import { describeSource } from "../flow.ts";
import { listing } from "../listing.ts";
import { staticOutput } from "../static-text.ts";
import type { Judgement } from "../judgement.ts";
import { subCommand } from "../unwrap.ts";
import { judgeWrite } from "./write.ts";
import {
  EVERYTHING,
  HOME,
  SHELLS,
  UNKNOWN_NONEMPTY,
  classifyPath,
  isBlockDevice,
  isCriticalSystemFile,
  isHistoryFile,
  isPersonalData,
  isPureGlob,
  isSecretPath,
  isSensitiveFile,
  isSystemLog,
  normalizePath,
} from "../paths.ts";

// ---- deleting ------------------------------------------------------------------

/** The rule for deleting one target. `recursive` covers -r and "every file below" (find). */
export function deleteRule(w: Word, recursive: boolean, cwd: string | undefined): RuleId {
  if (w.tree) {
    const { cls, path } = classifyPath(w.tree.base, cwd);
    const n = w.tree.narrowed;
    switch (cls) {
      case "root":
        return n ? "fs.delete-system-path" : "fs.delete-root";
      case "home":
        return n ? "fs.delete-home-path" : "fs.delete-home";
      case "system":
        return "fs.delete-system";
      case "system-path":
        return "fs.delete-system-path";
      case "home-path":
        // `find ~/Pictures -mtime +30 -delete`: a filter still reaches many of the user's own files.
        return n
          ? isPersonalData(path)
            ? "fs.delete-personal"
            : "fs.delete"
          : isSecretPath(path)
            ? "fs.delete-secret"
            : "fs.delete-home-path";
      case "cwd-all":
        return n ? "fs.delete" : "fs.delete-cwd-all";
      case "absolute":
        return n ? "fs.delete" : "fs.delete-absolute";
      case "var-prefix":
        return n ? "fs.delete" : "fs.delete-var-prefix";
      default:
        return "fs.delete";
    }
  }
  const { cls, path } = classifyPath(w.text, cwd);
  const isGit = /(^|\/)\.git(\/(refs|objects|HEAD|index|packed-refs|logs)(\/.*)?)?$/.test(path);
  switch (cls) {
    case "root":
      return "fs.delete-root";
    case "home":
      return recursive || w.glob ? "fs.delete-home" : "fs.delete-home-path";
    case "system":
      return "fs.delete-system";
    case "system-path":
      if (isCriticalSystemFile(path)) return "fs.delete-system";
      return !recursive && /^\/var\/(log|cache|tmp)\//.test(path) ? "fs.delete" : "fs.delete-system-path";
    case "home-path":
      if (isSecretPath(path)) return "fs.delete-secret";
      if (isGit && recursive) return "fs.delete-git";
      // `~/Documents/*`: every file of a home folder, not one file.
      if (recursive || (w.glob && isPureGlob(path.slice(path.lastIndexOf("/") + 1)))) return "fs.delete-home-path";
      // `~/Documents/*.pdf`: every file of a kind in a folder of the user's own work.
      return w.glob && isPersonalData(path) ? "fs.delete-personal" : "fs.delete";
    case "cwd-all":
      return path === ".." || path === "." || recursive || w.glob || /(^|\/)\*$/.test(path) ? "fs.delete-cwd-all" : "fs.delete";
    case "var-prefix":
      return "fs.delete-var-prefix";
    case "absolute":
      return recursive ? "fs.delete-absolute" : isSecretPath(path) ? "fs.delete-secret" : "fs.delete";
    case "relative":
      if (isGit && recursive) return "fs.delete-git";
      // `rm -rf ../other-project`: a folder beside or above the project, not in it.
      if (recursive && /^\.\.(\/|$)/.test(path)) return "fs.delete-absolute";
      return isSecretPath(path) ? "fs.delete-secret" : "fs.delete";
    default:
      return "fs.delete";
  }
}

/** Reports each target worse than a plain delete, or one plain delete for the command. */
export function reportDeletes(cmd: Cmd, targets: Word[], recursive: boolean, j: Judgement) {
  if (targets.length === 0) return;
  let plain = false;
  const seen = new Set<string>();
  for (const t of targets) {
    const r = deleteRule(t, recursive || !!t.tree, cmd.cwd);
    if (r === "fs.delete") plain = true;
    else if (!seen.has(r)) {
      seen.add(r);
      j.reportWord(r, t.tree ? cmd : t);
    }
  }
  if (plain && seen.size === 0) j.report("fs.delete", cmd.start, cmd.end);
}

export function rm(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "", "--help", "--version")) return;
  const log = operands(cmd).find((t) => isSystemLog(normalizePath(t.text, cmd.cwd)) && !/\/\*?$/.test(t.text));
  if (log && !hasOpt(cmd, "rR", "--recursive")) return j.reportWord("fs.wipe-system-log", log);
  if (hasOpt(cmd, "", "--no-preserve-root")) j.report("fs.no-preserve-root", cmd.start, cmd.end);
  const recursive = cmd.name === "rm" ? hasOpt(cmd, "rR", "--recursive") : true;
  const history = operands(cmd).find((t) => isHistoryFile(normalizePath(t.text, cmd.cwd)));
  if (history) j.reportWord("history.disable", history);
  reportDeletes(cmd, operands(cmd), recursive, j);
}

export function unlink(cmd: Cmd, j: Judgement) {
  reportDeletes(cmd, operands(cmd), false, j);
}

export function shred(cmd: Cmd, j: Judgement) {
  const targets = operands(cmd, ["-n", "--iterations", "-s", "--size", "--random-source"]);
  for (const t of targets) if (isBlockDevice(normalizePath(t.text))) return j.reportWord("disk.write-device", t);
  for (const t of targets) if (isSystemLog(normalizePath(t.text, cmd.cwd))) return j.reportWord("fs.wipe-system-log", t);
  for (const t of targets) if (isHistoryFile(normalizePath(t.text, cmd.cwd))) j.reportWord("history.disable", t);
  reportDeletes(cmd, targets, false, j);
}

/** The find test at k leaves files out rather than picking them: `-not -name x`, `! -path p`, `-path ./.git -prune -o`. */
function excludes(expr: readonly Word[], k: number): boolean {
  if (/^(-not|!)$/.test(expr[k - 1]?.text ?? "")) return true;
  const next = expr.slice(k + 2, k + 6).map((w) => w.text);
  return next.includes("-prune") && next.includes("-o");
}

/** Tests that narrow what find matches (as opposed to -type f, which still means "all files"). */
const isNarrowing = (t: string) =>
  FIND_NARROWING.has(t) || /^-(newer\w*|[amcB](time|min)|i?(name|path|regex))$/.test(t) || /^-(exec|execdir|ok|okdir)$/.test(t);
const FIND_NARROWING = new Set([
  "-name",
  "-iname",
  "-path",
  "-ipath",
  "-wholename",
  "-iwholename",
  "-regex",
  "-iregex",
  "-newer",
  "-mtime",
  "-mmin",
  "-atime",
  "-amin",
  "-ctime",
  "-cmin",
  "-size",
  "-empty",
  "-user",
  "-group",
  "-perm",
  "-inum",
  "-samefile",
  "-links",
  "-lname",
  "-ilname",
  "-uid",
  "-gid",
  "-nouser",
  "-nogroup",
  "-newermt",
  "-used",
]);
const FIND_EXEC = new Set(["-exec", "-execdir", "-ok", "-okdir"]);

export function find(cmd: Cmd, j: Judgement) {
  const args = cmd.args;
  let i = 0;
  // Leading options -H -L -P -D x -Ox come before the start points.
  while (i < args.length && /^-([HLP]|O\d|D)$/.test(args[i]!.text)) i += args[i]!.text === "-D" ? 2 : 1;
  const starts: Word[] = [];
  while (i < args.length && !/^[-(!),]/.test(args[i]!.text)) starts.push(args[i++]!);
  if (starts.length === 0) starts.push({ ...cmd.argv[0]!, text: "." });
  const expr = args.slice(i);
  // Words inside `-exec … ;` belong to the program find runs (`-exec echo -delete \;` deletes nothing).
  const own: Word[] = [];
  for (let k = 0; k < expr.length; k++) {
    if (FIND_EXEC.has(expr[k]!.text)) {
      while (k < expr.length && !/^(;|\\;|\+)$/.test(expr[k]!.text)) k++;
      continue;
    }
    own.push(expr[k]!);
  }
  // -fprint/-fprintf/-fls write (and truncate) the named file.
  for (let k = 0; k < own.length; k++)
    if (/^-(fprint0?|fprintf|fls)$/.test(own[k]!.text) && own[k + 1]) judgeWrite(cmd, own[k + 1]!, "overwrite", j);
  // `-name '*'` matches everything: not a filter.
  const narrowed = expr.some(
    (w, k) =>
      isNarrowing(w.text) &&
      !/^-(exec|execdir|ok|okdir)$/.test(w.text) &&
      // `-not -name proc`, `! -path './.git/*'`, `-path ./.git -prune -o`: leaving a few out still takes the rest.
      !excludes(expr, k) &&
      !(/^-i?(name|path|wholename)$/.test(w.text) && isPureGlob(expr[k + 1]?.text ?? "")),
  );
  const treeWords = starts.map((s): Word => ({ ...s, text: s.text, tree: { base: s.text, narrowed } }));
  if (own.some((w) => w.text === "-delete")) reportDeletes(cmd, treeWords, true, j);
  for (let k = 0; k < expr.length; k++) {
    if (!FIND_EXEC.has(expr[k]!.text)) continue;
    const inner: Word[] = [];
    let m = k + 1;
    for (; m < expr.length && !/^(;|\\;|\+)$/.test(expr[m]!.text); m++) inner.push(expr[m]!);
    k = m;
    for (const tw of treeWords) {
      // `{}` is each found file; `{}.bak` is a companion of it (a narrower set).
      // `f=@{}` or `{}.bak` name each found file inside another word: the files below the start point.
      const argv = inner.map((w) =>
        w.text === "{}"
          ? { ...tw, start: w.start, end: w.end }
          : w.text.includes("{}")
            ? {
                ...tw,
                text: w.text.replaceAll("{}", `${tw.text.replace(/\/+$/, "")}/*`),
                start: w.start,
                end: w.end,
                tree: { base: tw.tree!.base, narrowed: true },
              }
            : w,
      );
      const sub = subCommand(cmd, argv);
      if (sub) j.judge(sub);
    }
  }
}

/** What `… | xargs CMD` appends to CMD: derived from the stage before it. */
function xargsItems(cmd: Cmd): Word {
  const at = cmd.argv[0]!;
  const mk = (text: string, extra: Partial<Word> = {}): Word => ({ ...at, text, dynamic: true, glob: false, ...extra });
  const prev = cmd.pipe && cmd.pipe.index > 0 ? cmd.pipe.stages[cmd.pipe.index - 1] : undefined;
  if (!prev) return mk(UNKNOWN_NONEMPTY);
  if (prev.name === "find") {
    const args = prev.args;
    const starts = [];
    for (const w of args) {
      if (/^[-(!),]/.test(w.text)) break;
      starts.push(w.text);
    }
    // An -exec in the find that feeds xargs filters what is printed (`-exec grep -l …`).
    const narrowed = args.some((w, k) => isNarrowing(w.text) && !excludes(args, k));
    return mk(starts[0] ?? ".", { tree: { base: starts[0] ?? ".", narrowed }, dynamic: false });
  }
  if (prev.name === "ls" && !prev.args.some((w) => /[*?]/.test(w.text) && !/^\*$/.test(w.text))) {
    const dir = operands(prev)[0]?.text ?? ".";
    return mk(`${dir}/*`, { glob: true, dynamic: false });
  }
  // `docker ps -aq`, `docker volume ls -q`, `kubectl get pods -o name`: every item of a listing.
  if (/^(docker|podman|kubectl)$/.test(prev.name) && prev.args.some((w) => /^(-\w*q|--quiet|-o|name|ls|ps|images)$/.test(w.text)))
    return mk(EVERYTHING);
  // `ls -d /* | xargs rm -rf`, `lsblk -dpno NAME | xargs wipefs -a`: what the listing stands for.
  const l = listing(cmd.pipe!.stages.slice(0, cmd.pipe!.index));
  if (l) return mk(l.text, { glob: /[*?]/.test(l.text), dynamic: false, ...(l.tree ? { tree: l.tree } : {}) });
  return mk(UNKNOWN_NONEMPTY);
}

/** The items xargs reads when they can be known: a here-string, or text the earlier stages print. */
function knownXargsInput(cmd: Cmd, nul: boolean, delim: string | undefined): string[] | undefined {
  const argFile = optValue(cmd, ["-a"], ["--arg-file"]);
  let text: string | null | undefined =
    argFile?.procSub && argFile.subs.length ? staticOutput(argFile.subs[argFile.subs.length - 1]!) : cmd.stdinText;
  if (text === undefined && cmd.pipe && cmd.pipe.index > 0) {
    const src = describeSource(cmd.pipe.stages, cmd.pipe.index);
    text = src.text ?? (src.printed.length ? src.printed.join("") : null);
  }
  if (typeof text !== "string") return undefined;
  const items = nul ? text.split("\0") : delim !== undefined ? text.split(delim) : text.split(/\s+/);
  const out = items.map((s) => (nul || delim !== undefined ? s.replace(/\n$/, "") : s)).filter((s) => s !== "");
  return out.length ? out.slice(0, 32) : undefined;
}

export function xargs(cmd: Cmd, j: Judgement) {
  const valued = [
    "-I",
    "-i",
    "-n",
    "-L",
    "-l",
    "-P",
    "-d",
    "-E",
    "-e",
    "-s",
    "-a",
    "--max-args",
    "--max-lines",
    "--max-procs",
    "--delimiter",
    "--arg-file",
    "--replace",
    "--max-chars",
    "--process-slot-var",
  ];
  let i = 0;
  let replace: string | undefined;
  const args = cmd.args;
  while (i < args.length && args[i]!.text.startsWith("-")) {
    const t = args[i]!.text;
    if (t === "--") {
      i++;
      break;
    }
    if (t === "-I") replace = args[i + 1]?.text;
    else if (t.startsWith("-I")) replace = t.slice(2);
    else if (t.startsWith("--replace")) replace = t.includes("=") ? t.slice(10) : "{}";
    else if (t === "-i") replace = "{}";
    i += valued.includes(t) ? 2 : 1;
  }
  const inner = args.slice(i);
  if (inner.length === 0) return;
  const delimWord = args.slice(0, i).findIndex((w) => w.text === "-d" || w.text === "--delimiter");
  const delim = delimWord >= 0 ? args[delimWord + 1]?.text.replace(/^\\n$/, "\n") : undefined;
  const known = knownXargsInput(cmd, hasOpt(cmd, "0", "--null"), delim);
  if (known) {
    // `echo / | xargs rm -rf` is `rm -rf /`: judge the command with the items it will get.
    const at = inner[inner.length - 1]!;
    const item = (text: string, w: Word = at): Word => ({
      ...w,
      text,
      dynamic: false,
      glob: /[*?]/.test(text),
      subs: [],
      exactBase: undefined,
    });
    const argvs = replace
      ? known.map((k) => inner.map((w) => (w.text.includes(replace!) ? item(w.text.replaceAll(replace!, k), w) : w)))
      : [[...inner, ...known.map((k) => item(k))]];
    for (const argv of argvs) {
      const sub = subCommand(cmd, argv);
      if (sub) j.judge(sub);
    }
    return;
  }
  const prevLs = cmd.pipe && cmd.pipe.index > 0 && cmd.pipe.stages[cmd.pipe.index - 1]!.name === "ls";
  // `ls DIR | xargs -I{} rm -rf DIR/{}`: the names ls prints are every entry (a glob), placed by the template.
  const items = replace && prevLs ? { ...cmd.argv[0]!, text: "*", glob: true, dynamic: false } : xargsItems(cmd);
  const argv = replace
    ? inner.map((w) =>
        w.text.includes(replace!)
          ? { ...items, start: w.start, end: w.end, text: w.text === replace ? items.text : w.text.replaceAll(replace!, items.text) }
          : w,
      )
    : [...inner, { ...items, start: inner[inner.length - 1]!.start, end: inner[inner.length - 1]!.end }];
  const sub = subCommand(cmd, argv);
  if (sub) j.judge(sub);
}

// ---- moving, copying, mirroring -------------------------------------------------

export function mv(cmd: Cmd, j: Judgement) {
  const ops = operands(cmd, ["-t", "--target-directory", "-S", "--suffix"]);
  if (ops.length < 2) return;
  const dest = ops[ops.length - 1]!;
  const destPath = normalizePath(dest.text, cmd.cwd);
  for (const src of ops.slice(0, -1)) {
    if (src.tree) {
      // Files found by find: only a whole unfiltered tree of a home or system directory is destroyed.
      const { cls } = classifyPath(src.tree.base, cmd.cwd);
      if (!src.tree.narrowed && (cls === "root" || cls === "home" || cls === "system")) return j.reportWord("fs.move-destroy", cmd);
      continue;
    }
    const { cls, path } = classifyPath(src.text, cmd.cwd);
    if (cls === "root" || cls === "home" || cls === "system") return j.reportWord("fs.move-destroy", src);
    // `mv /etc/passwd /etc/passwd.bak`: for the system the file is gone (no logins, no sudo, no boot).
    if (isCriticalSystemFile(path) && normalizePath(dest.text, cmd.cwd) !== path) return j.reportWord("fs.move-destroy", src);
    if (destPath === "/dev/null") return j.reportWord("fs.move-system-path", cmd);
    if (cls === "system-path" && !/^\/(var\/(log|tmp|cache)|opt|srv|usr\/local)\//.test(path))
      return j.reportWord("fs.move-system-path", src);
    if (cls === "home-path" && isSecretPath(path) && destPath !== path) continue;
  }
  judgeWrite(cmd, dest, "overwrite", j);
}

export function cp(cmd: Cmd, j: Judgement) {
  const ops = operands(cmd, ["-t", "--target-directory", "-S", "--suffix"]);
  if (ops.length < 2) return;
  const dest = ops[ops.length - 1]!;
  const fromNull = ops.slice(0, -1).some((w) => w.text === "/dev/null" || w.text === "/dev/zero");
  judgeWrite(cmd, dest, fromNull ? "truncate" : "overwrite", j);
  // `cp -r rootfs/* /`, `cp -a ./etc/ /etc`: a tree copied over the system replaces its files.
  if (cmd.name === "cp" && hasOpt(cmd, "rRa", "--recursive", "--archive")) overSystem(cmd, dest, j);
  // `install -m 4755 /bin/sh /tmp/x`: a setuid copy of a shell.
  const mode = cmd.name === "install" ? optValue(cmd, ["-m"], ["--mode"]) : undefined;
  if (
    mode &&
    (/^[46][0-7]{3}$/.test(mode.text) || /[ua]*[+=][rwx]*s/.test(mode.text)) &&
    ops.slice(0, -1).some((w) => SETUID_SENSITIVE.test(w.text))
  )
    j.reportWord("perm.setuid-shell", dest);
}

/**
 * A recursive copy onto the root, or of a folder's contents (`dir/`, `dir/.`, `dir/*`) onto a
 * top-level system directory. Named files copied into /usr/lib are an install, not this.
 */
function overSystem(cmd: Cmd, dest: Word, j: Judgement) {
  const { cls } = classifyPath(dest.text, cmd.cwd);
  const sources = operands(cmd).filter((w) => w !== dest);
  const contents = sources.some((w) => w.glob || /(^|\/)(\.|\*)?$/.test(w.text) || w.text.endsWith("/"));
  if (cls === "root" || (cls === "system" && contents)) j.reportWord("fs.copy-over-system", dest);
}

export function rsync(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "n", "--dry-run", "--list-only")) return;
  const ops = operands(cmd, [
    "-e",
    "--rsh",
    "--exclude",
    "--include",
    "--filter",
    "-f",
    "--files-from",
    "--chmod",
    "--chown",
    "--password-file",
    "--rsync-path",
    "--log-file",
    "--backup-dir",
    "--suffix",
    "--bwlimit",
    "--port",
    "--timeout",
    "--exclude-from",
    "--include-from",
    "-T",
    "--temp-dir",
    "--partial-dir",
    "--compare-dest",
    "--link-dest",
    "--copy-dest",
  ]);
  // `-rave "ssh -i key"`: a bundled -e takes the next word.
  const bundledE = cmd.args.findIndex((w) => /^-[a-zA-Z]*e$/.test(w.text));
  if (bundledE >= 0) ops.splice(0, ops.length, ...ops.filter((w) => w !== cmd.args[bundledE + 1]));
  const remote = ops.some((w) => /^[^/]*:/.test(w.text) && !/^\w+:\/\//.test(w.text));
  for (const w of ops.slice(0, -1)) {
    if (remote && isSecretPath(normalizePath(w.text, cmd.cwd))) return j.reportWord("net.copy-secret", w);
  }
  if (ops.length >= 2 && !remote && hasOpt(cmd, "ra", "--recursive", "--archive")) overSystem(cmd, ops[ops.length - 1]!, j);
  if (ops.length < 2 || !cmd.args.some((w) => /^--(delete|del$|remove-source-files)/.test(w.text))) return;
  const dest = ops[ops.length - 1]!;
  const { cls, path } = classifyPath(dest.text, cmd.cwd);
  if (cls === "root" || cls === "home" || cls === "system") return j.reportWord("fs.mirror-delete-critical", dest);
  // Onto another host, or onto the user's own documents: what is deleted there has no copy here.
  const remoteDest = /^[^/]*:/.test(dest.text) && !/^\w+:\/\//.test(dest.text);
  j.reportWord(remoteDest || isPersonalData(path) ? "fs.mirror-delete-remote" : "fs.mirror-delete", dest);
}

export function truncate(cmd: Cmd, j: Judgement) {
  const size = optValue(cmd, ["-s"], ["--size"]);
  if (!size || !/^0[KMGkmg]?B?$/.test(size.text)) {
    if (size) for (const t of operands(cmd, ["-s", "--size", "-r", "--reference"])) judgeWrite(cmd, t, "overwrite", j);
    return;
  }
  for (const t of operands(cmd, ["-s", "--size", "-r", "--reference"])) judgeWrite(cmd, t, "truncate", j);
}

export function tee(cmd: Cmd, j: Judgement) {
  const append = hasOpt(cmd, "a", "--append");
  // What tee writes is what the pipeline feeds it: nothing at all empties the file.
  const prev = cmd.pipe && cmd.pipe.index > 0 ? cmd.pipe.stages[cmd.pipe.index - 1] : undefined;
  const src = cmd.pipe && cmd.pipe.index > 0 ? describeSource(cmd.pipe.stages, cmd.pipe.index) : undefined;
  const content = cmd.stdinText ?? src?.text ?? null;
  const empty =
    content === "" ||
    (prev?.name === "cat" && prev.args.length === 1 && prev.args[0]!.text === "/dev/null") ||
    (!!prev && /^(true|:|false)$/.test(prev.name));
  for (const t of operands(cmd, ["--output-error"]))
    judgeWrite(cmd, t, empty && !append ? "truncate" : append ? "append" : "overwrite", j, t, content);
}

export function ln(cmd: Cmd, j: Judgement) {
  const ops = operands(cmd, ["-t", "--target-directory", "-S", "--suffix"]);
  if (ops.length < 2 || !hasOpt(cmd, "f", "--force")) return;
  const target = ops[0]!;
  const link = ops[ops.length - 1]!;
  const linkPath = normalizePath(link.text, cmd.cwd);
  if (target.text === "/dev/null" && /hist/i.test(linkPath)) return j.reportWord("history.disable", cmd);
  if (target.text === "/dev/null" && isSystemLog(linkPath)) return j.reportWord("fs.wipe-system-log", cmd);
  judgeWrite(cmd, link, "overwrite", j);
}

// ---- permissions -------------------------------------------------------------

const SETUID_SENSITIVE =
  /(^|\/)(ba|da|z|k|c|tc|fi|mk)?sh$|(^|\/)(python[\d.]*|perl|ruby|node|php|lua|find|vim?|nano|less|more|awk|gawk|env|cp|mv|tar|zip|rsync|nmap|docker|tee|dd|chmod|chown|sudo|su|busybox)$/;

export function chmod(cmd: Cmd, j: Judgement) {
  const isChmod = cmd.name === "chmod";
  const recursive = hasOpt(cmd, "R", "--recursive");
  const ops = operands(cmd, ["--reference", "--from"]);
  const mode = isChmod ? ops.shift() : ops.shift(); // chmod MODE files / chown OWNER files
  if (!mode) return;
  const modeText = mode.text;
  // setuid (u+s, +s, 4xxx, 6xxx); setgid alone on directories is ordinary (group inheritance).
  const setuid = isChmod && (/(^|,)[ua]*[+=][rwxXt]*s/.test(modeText) || /^[46][0-7]{3}$/.test(modeText));
  const worldWritable =
    isChmod && (/^[0-7]?[0-7][0-7][2367]$/.test(modeText) || (/(^|,)[ao]*\+[rwxX]*w/.test(modeText) && /(^|,)(a|o|)\+/.test(modeText)));
  let reported = false;
  for (const t of ops) {
    const rec = recursive || !!t.tree;
    const base = t.tree ? t.tree.base : t.text;
    const { cls, path } = classifyPath(base, cmd.cwd);
    // A setuid file in a temporary or hidden folder is a planted root shell.
    if (
      setuid &&
      (SETUID_SENSITIVE.test(path) || cls === "system" || cls === "system-path" || /^\/(tmp|var\/tmp|dev\/shm)\/|\/\.[^/]+$/.test(path))
    ) {
      j.reportWord("perm.setuid-shell", t);
      reported = true;
      continue;
    }
    let r: RuleId | undefined;
    if (t.tree?.narrowed) {
      // `find / -user bob -exec chown alice {} \;`: a filtered set of files.
      if ((cls === "root" || cls === "system" || cls === "system-path" || cls === "home") && (worldWritable || setuid))
        r = "perm.recursive-system-path";
      else r = worldWritable ? "perm.world-writable" : "perm.recursive";
    } else if (rec) {
      // For a home directory, only modes that lock the owner out or open it to everyone are high.
      // Modes that let every user read it expose the owner's keys, mail and documents.
      const exposes = /^0?[0-7]{2}[4-7]$/.test(modeText) || (/(^|,)[ao]*\+[rwxX]*r/.test(modeText) && /(^|,)(a|o|)\+/.test(modeText));
      const harsh = !isChmod || worldWritable || exposes || /^0?[0-5][0-7]{2}$/.test(modeText) || /(^|,)[ua]*-/.test(modeText);
      if (cls === "root" || cls === "system") r = "perm.recursive-system";
      else if (cls === "home") r = harsh ? "perm.recursive-home" : "perm.recursive";
      // World-writable system configuration or programs: any local user can make themselves root.
      else if (cls === "system-path" && worldWritable && /^\/(etc|bin|sbin|lib\w*|boot|usr\/(s?bin|lib\w*|libexec))(\/|$)/.test(path))
        r = "perm.recursive-system";
      else if (cls === "system-path") r = "perm.recursive-system-path";
      else if (cls === "home-path" && /^~\/?$|^~\/\.ssh/.test(path)) r = "perm.recursive-home";
      // `chmod -R 000 ~/projects`: the owner locked out of their own work.
      else if (cls === "home-path" && isPersonalData(path) && isChmod && /^0?0[0-7]{2}$|(^|,)[ua]*-[wx]*r/.test(modeText))
        r = "perm.recursive-home";
      else r = worldWritable ? "perm.world-writable" : "perm.recursive";
    } else {
      // shadow, sudoers, passwd open to every user: anyone can read hashes or make themselves root.
      if (
        isCriticalSystemFile(path) &&
        (worldWritable ||
          (isChmod &&
            ((/^[0-7]?[0-7][0-7][4-7]$/.test(modeText) && /shadow|sudoers/.test(path)) ||
              (/(^|,)[ao]*\+[rwxX]*[rw]/.test(modeText) && /(^|,)(a|o|)\+/.test(modeText)))))
      )
        r = "perm.critical-file";
      else if (cls === "root" || cls === "system" || isCriticalSystemFile(path)) r = "perm.system-file";
      else if (cls === "system-path" && /^\/(usr\/)?(s?bin|lib\w*)\//.test(path) && (worldWritable || setuid)) r = "perm.system-file";
      else if (cls === "system-path" && /^\/etc\//.test(path) && worldWritable) r = "perm.system-file";
      else if (cls === "home" && (worldWritable || modeText === "000")) r = "perm.recursive-home";
      else if (worldWritable) r = "perm.world-writable";
      else if (setuid) r = "perm.setuid";
    }
    if (r) {
      j.reportWord(r, t);
      reported = true;
    }
  }
  void reported;
}

// ---- disks --------------------------------------------------------------------

/** Programs that print disk device names. */
const DEVICE_LISTERS = /^(lsblk|blkid|findmnt|fdisk|sfdisk|parted|losetup|diskutil|readlink|realpath)$/;

export function dd(cmd: Cmd, j: Judgement) {
  const op = (k: string) => cmd.args.find((w) => w.text.startsWith(k + "="));
  const of = op("of");
  const iff = op("if");
  const ofPath = of ? normalizePath(of.text.slice(3), cmd.cwd) : undefined;
  const ifPath = iff ? normalizePath(iff.text.slice(3), cmd.cwd) : undefined;
  if (ofPath && isBlockDevice(ofPath)) return j.reportWord("disk.write-device", of!);
  // `find /dev -name 'sd?' -exec dd of={} …`: every file found below /dev is a device.
  if (of?.tree && /^\/dev(\/|$)/.test(normalizePath(of.tree.base))) return j.reportWord("disk.write-device", of);
  // `of=$(lsblk -dpno NAME | head -1)`, `of=/dev/$(…)`: a device picked at run time is still a device.
  if (of && (/^of=\/dev\/\uE000/.test(of.text) || of.subs.some((p) => p.some((c) => DEVICE_LISTERS.test(c.name)))))
    return j.reportWord("disk.write-device", of);
  // Without of= the disk is read to stdout (`dd if=/dev/sda count=1 | xxd`): a read, nothing written.
  if (ifPath && isBlockDevice(ifPath) && of) j.reportWord("disk.read-device", iff!);
  if (of && ofPath) {
    const word = { ...of, text: of.text.slice(3) };
    judgeWrite(cmd, word, "overwrite", j, of);
    if (ifPath && /^\/dev\/(zero|u?random)$/.test(ifPath) && !op("count") && !/^\/dev\//.test(ofPath))
      j.report("fs.fill-disk", cmd.start, cmd.end);
  }
}

/** Tools that format or wipe whatever device they are given. */
export function formatTool(cmd: Cmd, j: Judgement) {
  if (hasOpt(cmd, "", "--help", "--version", "-V")) return;
  // Without -a or -o, wipefs only lists the signatures it finds.
  if (cmd.name === "wipefs" && !hasOpt(cmd, "ao", "--all", "--offset")) return;
  // `find /dev -name 'sd?' -exec wipefs -a {} \;`: every file found below /dev is a device.
  const found = cmd.args.find((w) => w.tree && /^\/dev(\/|$)/.test(normalizePath(w.tree.base)));
  if (found) return j.reportWord("disk.format", cmd);
  // Only a device target is destroyed (`mkfs.ext4 disk.img` formats a file); a computed target may be one.
  const dev = cmd.args.find(
    (w) => isBlockDevice(normalizePath(w.text)) || /^\/dev\//.test(w.text) || (w.dynamic && !w.text.startsWith("-")),
  );
  if (dev) j.reportWord("disk.format", dev);
}

/** Partition editors: listing is safe, scripted changes wipe, interactive use is risky. */
export function partitionTool(cmd: Cmd, j: Judgement) {
  const dev = cmd.args.find((w) => isBlockDevice(normalizePath(w.text)));
  // parted's -s is --script (no questions asked), not a listing: judge its commands first.
  if (cmd.name === "parted" && cmd.args.some((w) => /^(mklabel|mktable|rm|mkpart|resizepart|mkfs)$/.test(w.text)))
    return j.reportWord("disk.format", dev ?? cmd);
  if (hasOpt(cmd, "lps", "--list", "--print", "--help", "--version", "--verify", "--dump", "--backup") && cmd.name !== "sgdisk") return;
  // sfdisk's -d is --dump (sgdisk's -d deletes a partition); -l, -J, -s and -V only show.
  if (
    cmd.name === "sfdisk" &&
    hasOpt(cmd, "dlJsV", "--dump", "--json", "--show-size", "--verify", "--list-free") &&
    !hasOpt(cmd, "", "--delete")
  )
    return;
  if (cmd.name === "sgdisk" || cmd.name === "sfdisk") {
    if (
      hasOpt(cmd, "ZzoGdn", "--zap-all", "--zap", "--clear", "--delete", "--new", "--mbrtogpt") ||
      (cmd.name === "sfdisk" && !hasOpt(cmd, "l", "--list", "--dump", "-d"))
    )
      j.reportWord("disk.format", dev ?? cmd);
    return;
  }
  if (cmd.name === "parted") {
    const words = cmd.args.map((w) => w.text);
    if (words.some((t) => /^(mklabel|mktable|rm|mkpart|resizepart|mkfs)$/.test(t))) return j.reportWord("disk.format", dev ?? cmd);
    if (words.some((t) => /^(print|-l|--list|unit)$/.test(t))) return;
  }
  // `fdisk /dev/sda <<< $'o\nw'`: a scripted new label or deletion, then write.
  const script = cmd.stdinText ?? (cmd.pipe && cmd.pipe.index > 0 ? describeSource(cmd.pipe.stages, cmd.pipe.index).text : null);
  if (dev && script && /(^|\n)\s*w\s*(\n|$)/.test(script) && /(^|\n)\s*[ogdGs]\s*(\n|$)/.test(script))
    return j.reportWord("disk.format", dev);
  if (dev) j.reportWord("disk.partition-edit", dev);
}

export function diskutil(cmd: Cmd, j: Judgement) {
  const verb = cmd.args[0]?.text ?? "";
  if (/^(erase|zero|randomDisk|secureErase|partitionDisk|reformat|apfs)/i.test(verb) && !/^apfs$/i.test(verb))
    j.reportWord("disk.format", cmd);
  else if (/^apfs$/i.test(verb) && /^(delete|erase)/i.test(cmd.args[1]?.text ?? "")) j.reportWord("disk.format", cmd);
}

export function cryptsetup(cmd: Cmd, j: Judgement) {
  if (cmd.args.some((w) => /^(luksFormat|erase|luksErase|reencrypt)$/.test(w.text))) j.reportWord("disk.format", cmd);
}

// ---- shells given a directory ----------------------------------------------------

export function cd(_cmd: Cmd, _j: Judgement) {
  // Tracked by the walker (`cd DIR && …`); changing directory itself is harmless.
}

export { HOME, SHELLS };

/** `sed -i` edits files in place: judged as writes to them. GNU sed's `e` command runs a shell command. */
export function sed(cmd: Cmd, j: Judgement) {
  const scripts = [
    ...cmd.args.filter((w, i) => /^(-e|--expression)$/.test(cmd.args[i - 1]?.text ?? "")),
    ...operands(cmd, ["-e", "-f", "--expression", "--file", "-l"]).slice(0, 1),
  ];
  for (const s of scripts) {
    const m = /(?:^|[;\n{}]|\d|\$|\/)\s*e\s+([^;\n}]+)/.exec(s.text);
    if (m) j.nested(m[1]!, s);
    else if (/s(.)(?:(?!\1).)*\1(?:(?!\1).)*\1[gpiIm\d]*e/.test(s.text)) j.reportWord("exec.eval-dynamic", s);
  }
  if (!cmd.args.some((w) => (/^-[a-zA-Z]*i/.test(w.text) && !w.text.startsWith("--")) || w.text.startsWith("--in-place"))) return;
  const scripted = cmd.args.some((w) => /^(-e|-f|--expression|--file)(=|$)/.test(w.text));
  const ops = operands(cmd, ["-e", "-f", "--expression", "--file", "-l", "--line-length"]);
  for (const t of scripted ? ops : ops.slice(1)) judgeWrite(cmd, t, "append", j);
}

/** Editors opened on account, password or start-up files. */
export function editor(cmd: Cmd, j: Judgement) {
  for (const t of operands(cmd, ["-c", "-u", "-S", "--cmd", "-T"])) {
    const path = normalizePath(t.text, cmd.cwd);
    if (isCriticalSystemFile(path)) return j.reportWord("fs.edit-critical-file", t);
    if (isSensitiveFile(path)) return j.reportWord("fs.write-sensitive-file", t);
  }
}

/** fd's `-x`/`--exec` (each result) and `-X`/`--exec-batch` (all results): like find's -exec below the search paths. */
export function fd(cmd: Cmd, j: Judgement) {
  const args = cmd.args;
  const at = args.findIndex((w) => /^(-x|--exec|-X|--exec-batch)$/.test(w.text));
  if (at < 0) return;
  const before = operands({ ...cmd, args: args.slice(0, at) }, [
    "-e",
    "--extension",
    "-t",
    "--type",
    "-d",
    "--max-depth",
    "--min-depth",
    "-E",
    "--exclude",
    "-S",
    "--size",
    "--changed-within",
    "--changed-before",
    "-o",
    "--owner",
    "-j",
    "--threads",
    "--base-directory",
    "-c",
    "--color",
  ]);
  let end = args.findIndex((w, k) => k > at && /^(;|\\;)$/.test(w.text));
  if (end < 0) end = args.length;
  const inner = args.slice(at + 1, end);
  const after = args.slice(end + 1).filter((w) => !w.text.startsWith("-"));
  const pattern = before[0]?.text ?? "";
  const roots = [...before.slice(1), ...after];
  if (roots.length === 0) roots.push({ ...cmd.argv[0]!, text: "." });
  // A pattern that matches everything (`.`, `''`, `^`) does not narrow the search.
  const narrowed =
    !/^(\.|\^|\.\*|)$/.test(pattern) ||
    args.some((w) => /^(-e|--extension|-E|--exclude|-S|--size|--changed-within|--changed-before)$/.test(w.text));
  for (const root of roots) {
    const tree: Word = { ...root, tree: { base: root.text, narrowed } };
    const argv = inner.some((w) => /\{[/.]*\}/.test(w.text))
      ? inner.map((w) => (/\{[/.]*\}/.test(w.text) ? { ...tree, start: w.start, end: w.end } : w))
      : [...inner, tree];
    const sub = subCommand(cmd, argv);
    if (sub) j.judge(sub);
  }
}
