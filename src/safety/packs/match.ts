// Matching a data rule against a command's words. Pure functions over strings,
// compiled once per rule when the packs load.
import { DRY_RUN, type DataRule, type When } from "./types.ts";

export interface Compiled {
  rule: DataRule;
  test(words: readonly string[]): boolean;
}

const anchored = (src: string) => new RegExp(`^(?:${src})$`);

/** An option spelling present among the words (before `--`). */
export function hasFlag(words: readonly string[], spec: string): boolean {
  for (const t of words) {
    if (t === "--") return false;
    if (t === spec) return true;
    if (spec.endsWith("=")) {
      if (t.startsWith(spec)) return true;
      continue;
    }
    if (t.startsWith(spec + "=")) return true;
    // `-r` inside a cluster of short options: `-rf`, `-af`.
    if (spec.length === 2 && spec[0] === "-" && /^-[A-Za-z]{2,6}$/.test(t) && t.includes(spec[1]!)) return true;
  }
  return false;
}

export function isDryRun(words: readonly string[]): boolean {
  for (const t of words) {
    if (t === "--") return false;
    for (const d of DRY_RUN) if (t === d || (t.startsWith(d + "=") && t !== d + "=none" && t !== d + "=false")) return true;
  }
  return false;
}

/** Words that are not options, skipping the values of `valued` options. */
export function positionals(words: readonly string[], valued: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let rest = false;
  for (let i = 0; i < words.length; i++) {
    const t = words[i]!;
    if (rest || t === "-" || !t.startsWith("-")) out.push(t);
    else if (t === "--") rest = true;
    else if (valued.has(t)) i++;
  }
  return out;
}

/** The value of an option: `-C x`, `-Cx`, `--dir x`, `--dir=x`. */
function optionValues(words: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const t = words[i]!;
    if (t === "--") break;
    for (const n of names) {
      if (t === n && i + 1 < words.length) out.push(words[i + 1]!);
      else if (n.startsWith("--") && t.startsWith(n + "=")) out.push(t.slice(n.length + 1));
      else if (!n.startsWith("--") && n.length === 2 && t.startsWith(n) && t.length > 2 && !t.startsWith("--")) out.push(t.slice(2));
      // `-ou 0`: a cluster of short flags ending with the option takes the next word.
      else if (!n.startsWith("--") && n.length === 2 && /^-[A-Za-z]{2,}$/.test(t) && t.endsWith(n[1]!) && i + 1 < words.length)
        out.push(words[i + 1]!);
    }
  }
  return out;
}

export function compile(rule: DataRule): Compiled {
  const w: When = rule.when;
  const valued = new Set(w.valued ?? []);
  const sub = (w.sub ?? []).map(anchored);
  const operand = w.operand ? anchored(w.operand) : undefined;
  const word = w.word ? anchored(w.word) : undefined;
  const option = w.option ? { names: w.option.names, value: anchored(w.option.value) } : undefined;
  return {
    rule,
    test(words) {
      if (isDryRun(words) || words.includes("--help") || words.includes("--version")) return false;
      if (w.unless?.some((u) => hasFlag(words, u))) return false;
      if (w.flags && !w.flags.every((g) => g.some((f) => hasFlag(words, f)))) return false;
      if (sub.length || operand || w.noOperand) {
        const pos = positionals(words, valued);
        for (let i = 0; i < sub.length; i++) if (!sub[i]!.test(pos[i] ?? "")) return false;
        if (operand && !pos.slice(sub.length).some((p) => operand.test(p))) return false;
        if (w.noOperand && pos.length > sub.length) return false;
      }
      if (word && !words.some((t) => word.test(t))) return false;
      if (option && !optionValues(words, option.names).some((v) => option.value.test(v))) return false;
      return true;
    },
  };
}

/** Splits an example command into words: whitespace, single and double quotes. Enough for examples. */
export function exampleWords(cmd: string): string[] {
  const out: string[] = [];
  // `$(…)` and `$VAR` are values the checker cannot know: the marker the walk uses for them.
  for (const m of cmd.matchAll(/(\$\([^)]*\)|\$\w+)|'([^']*)'|"((?:\\.|[^"])*)"|(\S+)/g))
    out.push(m[1] ? "\uE000" : (m[2] ?? m[3] ?? m[4]!));
  while (out[0] === "sudo" || (out[0] && /^[A-Za-z_]\w*=/.test(out[0]))) out.shift();
  return out;
}
