// What the items a pipeline prints stand for, when a loop runs its body once
// for each: `for f in $(find / -maxdepth 1)`, `find ~ | while read f`,
// `while read dev; do …; done < <(lsblk -dpno NAME)`. The loop variable then
// holds a value that stands for every item (a directory tree, a glob, a disk),
// so the body is judged on what it would really be given.
import { operands } from "./argv.ts";
import type { Cmd } from "./command.ts";
import { EVERYTHING, isPureGlob } from "./paths.ts";
import { staticOutput } from "./static-text.ts";

export interface Listing {
  /** The value one item stands for: a path, a glob (`*`, `/*`), a disk, or the "every item" marker. */
  text: string;
  /** Every file below this directory (find's output): judged like `find BASE -exec CMD {} \;`. */
  tree?: { base: string; narrowed: boolean };
  /** The items themselves, when the pipeline prints known text. */
  items?: string[];
}

/** Stages that pass items through unchanged in kind (they may drop some). */
const PASS = /^(sort|uniq|tac|cat|tee|shuf|nl)$/;
/** Stages that keep only some items. */
const NARROW = /^(grep|egrep|fgrep|rg|head|tail|sed|awk|gawk|cut|comm|join)$/;

/** find's tests that keep only some files (`-type f` still means "all files"). */
const FIND_NARROWING =
  /^-(i?name|i?path|i?wholename|i?regex|newer\w*|[amcB](time|min)|size|user|group|nouser|nogroup|perm|empty|links|inum|samefile|uid|gid|i?lname|exec|execdir|ok|okdir)$/;

/** Disk listings: each item is a block device, by path (`/dev/sda`) or, for lsblk without -p, by name (`sda`). */
function listedDisk(c: Cmd): string | undefined {
  if (c.name === "lsblk")
    return c.args.some((w) => /^(-[a-zA-Z]*p[a-zA-Z]*|--paths)$/.test(w.text) && !w.text.startsWith("--p=")) ? "/dev/sda" : "sda";
  if (c.name === "blkid") return "/dev/sda";
  if (/^(fdisk|sfdisk|parted)$/.test(c.name) && c.args.some((w) => /^(-l|--list|-s|print)$/.test(w.text))) return "/dev/sda";
  return undefined;
}

/** What the items printed by `stages` stand for, or undefined when nothing useful is known. */
export function listing(stages: Cmd[]): Listing | undefined {
  if (stages.length === 0 || stages.some((s) => s.compound)) return undefined;
  const known = staticOutput(stages);
  if (known !== null) {
    const items = known.split(/\s+/).filter((s) => s !== "");
    return items.length ? { text: items[0]!, items: items.slice(0, 8) } : undefined;
  }
  let narrowed = false;
  let k = stages.length - 1;
  for (; k > 0; k--) {
    const s = stages[k]!;
    if (NARROW.test(s.name)) narrowed = true;
    else if (!PASS.test(s.name) || (s.name === "cat" && operands(s).length > 0)) break;
  }
  const p = stages[k]!;
  if (p.name === "find" || p.name === "gfind") {
    const args = p.args;
    let i = 0;
    while (i < args.length && /^-([HLP]|O\d|D)$/.test(args[i]!.text)) i += args[i]!.text === "-D" ? 2 : 1;
    const starts: string[] = [];
    while (i < args.length && !/^[-(!),]/.test(args[i]!.text)) starts.push(args[i++]!.text);
    const base = starts[0] ?? ".";
    const expr = args.slice(i);
    narrowed ||= expr.some(
      (w, n) => FIND_NARROWING.test(w.text) && !(/^-i?(name|path|wholename)$/.test(w.text) && isPureGlob(expr[n + 1]?.text ?? "")),
    );
    return { text: base, tree: { base, narrowed } };
  }
  if (p.name === "ls" || p.name === "dir") {
    const ops = operands(p, ["-I", "--ignore", "-w", "--width", "--sort", "--format", "--color", "-T"]);
    const listsItself = p.args.some((w) => /^-[a-zA-Z]*d/.test(w.text) && !w.text.startsWith("--")) || ops.some((w) => w.glob);
    // `ls -d /*`, `ls /dev/sd*`: the operands are the items; `ls DIR`: the names inside DIR.
    if (listsItself && ops[0]) return { text: ops[0].text };
    return { text: "*" };
  }
  const disk = listedDisk(p);
  if (disk) return { text: disk };
  // `docker ps -aq`, `kubectl get pods -o name`: every item of a listing.
  if (/^(docker|podman|kubectl)$/.test(p.name) && p.args.some((w) => /^(-\w*q|--quiet|-o|name|ls|ps|images)$/.test(w.text)))
    return { text: EVERYTHING };
  // `gsutil ls`, `aws s3 ls`, `gcloud compute instances list`, `az group list`: every bucket, instance or group there is.
  const words = operands(p).map((w) => w.text);
  if (
    !narrowed &&
    ((p.name === "gsutil" && words[0] === "ls" && words.length === 1) ||
      (p.name === "aws" && words[0] === "s3" && words[1] === "ls" && words.length === 2) ||
      (/^(gcloud|az|doctl)$/.test(p.name) &&
        words.includes("list") &&
        // `--filter=…`, `--query "[?tags.env=='dev']…"`: a chosen few.
        !p.args.some((w, i) => /^--filter/.test(w.text) || (/^--query/.test(w.text) && /\?/.test(w.text + (p.args[i + 1]?.text ?? ""))))))
  )
    return { text: EVERYTHING };
  return undefined;
}

/** `read [-r] [-d DELIM] [-p PROMPT] … NAME…`: the variables a `while read` condition sets, and an array (`-a`). */
export function readTargets(condition: string): string[] | undefined {
  const m = /(?:^|[\s;&|])read\s+(.*)$/s.exec(condition);
  if (!m) return undefined;
  const toks = m[1]!.replace(/;?\s*$/, "").match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  const names: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (/^-[a-zA-Z]*[dpunNtia]$/.test(t)) {
      if (t.endsWith("a") && toks[i + 1]) names.push(toks[i + 1]!);
      i++;
      continue;
    }
    if (t.startsWith("-")) continue;
    if (/^[A-Za-z_]\w*$/.test(t)) names.push(t);
    else break;
  }
  return names.length ? names : ["REPLY"];
}
