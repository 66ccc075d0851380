// Reading a command's words: program name, options (`-rf`, `--force`,
// `--out=x`, `-ox`) and operands. Pure functions over argv.
import type { Cmd, Word } from "./command.ts";
import { UNKNOWN, UNKNOWN_NONEMPTY } from "./paths.ts";

/** `/usr/bin/rm` → `rm`, `python3.12` → `python3`. */
export function programName(w: Word): string {
  if (w.dynamic && (w.text.includes(UNKNOWN) || w.text.includes(UNKNOWN_NONEMPTY))) return "";
  const base = w.text.replace(/\/+$/, "").split("/").pop() ?? "";
  return base.replace(/^((?:python|pip|perl|ruby|php|node)\d?)\.\d+$/, "$1");
}

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
      // `-sSLo FILE`: a cluster of short flags ending with the option.
      if (s.length === 2 && /^-[A-Za-z]{2,}$/.test(t) && t.endsWith(s[1]!)) return args[i + 1];
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
