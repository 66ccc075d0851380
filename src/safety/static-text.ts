// What a pipeline prints when it can be known without running anything
// (echo/printf of literals, heredocs, the decoders used to hide a payload),
// and the decoding of `$'…'` strings.
import type { Cmd } from "./command.ts";

/** Decodes the body of `$'…'`. */
export function decodeAnsiC(s: string): string {
  const simple: Record<string, string> = {
    n: "\n",
    t: "\t",
    r: "\r",
    a: "\x07",
    b: "\b",
    e: "\x1b",
    E: "\x1b",
    f: "\f",
    v: "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
  };
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/gs, (all, e: string) => {
    if (e[0] === "x" || e[0] === "u" || e[0] === "U") {
      const cp = parseInt(e.slice(1), 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    if (e[0] === "c" && e.length === 2) return String.fromCharCode(e.charCodeAt(1) & 0x1f);
    return simple[e] ?? all;
  });
}

/**
 * The text a pipeline prints, when it can be known without running anything:
 * echo/printf of literals, heredocs through cat, and the decoders people use to
 * hide a payload (base64 -d, rev, xxd -r -p).
 */
export function staticOutput(stages: Cmd[], upTo = stages.length): string | null {
  let input: string | null | undefined;
  for (let i = 0; i < upTo; i++) {
    const s = stages[i]!;
    if (s.stdinText !== undefined) input = s.stdinText;
    const args = s.args;
    const lit = args.every((a) => !a.dynamic || !/[\uE000\uE001\uE003]/.test(a.text));
    switch (s.name) {
      case "echo": {
        if (!lit) return null;
        let rest = args.map((a) => a.text);
        let newline = true;
        let escapes = false;
        while (rest[0] && /^-[neE]+$/.test(rest[0])) {
          if (rest[0].includes("n")) newline = false;
          if (rest[0].includes("e")) escapes = true;
          rest = rest.slice(1);
        }
        const out = rest.join(" ");
        // echo's octal escapes are `\0NNN` (`$'…'` has `\NNN`).
        const dec = (t: string) => decodeAnsiC(t.replace(/\\0([0-7]{1,3})/g, (_m, o: string) => `\\${o.padStart(3, "0")}`));
        input = (escapes ? dec(out) : out) + (newline ? "\n" : "");
        break;
      }
      case "python":
      case "python3":
      case "perl":
      case "ruby":
      case "node":
      case "awk":
      case "gawk":
      case "mawk": {
        // An inline program that only prints a literal: `python3 -c 'print("…")'`, `awk 'BEGIN{print "…"}'`.
        if (!lit) return null;
        const printed = literalPrint(
          s.name,
          args.map((a) => a.text),
        );
        if (printed === null) return null;
        input = printed;
        break;
      }
      case "sed": {
        // `sed 's/X/ /g'` on known text: literal substitutions only.
        if (!lit || input == null) return null;
        const scripts = args.filter((a, k) => !a.text.startsWith("-") || args[k - 1]?.text === "-e").map((a) => a.text);
        if (args.some((a) => /^-[^e]|^--/.test(a.text)) || scripts.length === 0) return null;
        let text: string = input;
        for (const sc of scripts) {
          const m = /^s(.)((?:(?!\1)[^\\.*[\]^$])*)\1((?:(?!\1)[^\\&])*)\1(g?)$/.exec(sc);
          if (!m || m[2] === "") return null;
          const [, , from, to, g] = m as unknown as [string, string, string, string, string];
          text = text
            .split("\n")
            .map((l) => (g ? l.split(from).join(to) : l.replace(from, () => to)))
            .join("\n");
        }
        input = text;
        break;
      }
      case "tr": {
        // `tr X ' '`, `tr -d '#'`: literal character sets (no ranges or classes).
        if (!lit || input == null) return null;
        const del = args[0]?.text === "-d";
        const sets = args.slice(del ? 1 : 0).map((a) => a.text);
        if (sets.some((t) => /[-\\[]/.test(t)) || sets.length !== (del ? 1 : 2)) return null;
        const [a, b] = sets as [string, string?];
        let text = "";
        for (const ch of input) {
          const k = a.indexOf(ch);
          text += k < 0 ? ch : del ? "" : (b![Math.min(k, b!.length - 1)] ?? "");
        }
        input = text;
        break;
      }
      case "cut": {
        // `cut -cN-`, `cut -cN-M`, `cut -c N-` on known text.
        if (!lit || input == null) return null;
        const spec =
          args.length === 1
            ? /^-c(\d+)-(\d*)$/.exec(args[0]!.text)
            : args[0]?.text === "-c"
              ? /^()(\d+)-(\d*)$/.exec(args[1]?.text ?? "")
              : null;
        if (!spec) return null;
        const from = Number(spec[spec.length - 2]);
        const to = spec[spec.length - 1] ? Number(spec[spec.length - 1]) : Infinity;
        input = input
          .split("\n")
          .map((l) => l.slice(from - 1, to))
          .join("\n");
        break;
      }
      case "string": {
        // fish: `string join SEP WORDS…`, `string repeat -n N STR`, `string replace A B STR`, …
        if (!lit) return null;
        const out = fishString(
          args.map((a) => a.text),
          input,
        );
        if (out === null) return null;
        input = out;
        break;
      }
      case "which":
      case "command":
      case "type": {
        // `$(which rm)`, `$(command -v rm)`, `$(type -P rm)`: the path of the program, the same program.
        const names = args.filter((a) => !a.text.startsWith("-"));
        const opts = args.filter((a) => a.text.startsWith("-")).map((a) => a.text);
        if (!lit || names.length !== 1 || /[/\s]/.test(names[0]!.text)) return null;
        if (s.name === "command" && !opts.includes("-v")) return null;
        if (s.name === "type" && !opts.some((o) => /^-[a-zA-Z]*[pP]/.test(o))) return null;
        input = `/usr/bin/${names[0]!.text}\n`;
        break;
      }
      case "printf": {
        if (!lit || args.length === 0) return null;
        input = formatPrintf(
          args[0]!.text,
          args.slice(1).map((a) => a.text),
        );
        break;
      }
      case "cat":
      case "tee":
      case "psub":
        if (args.some((a) => a.text !== "-" && !a.text.startsWith("-") && s.name === "cat")) return null;
        if (input == null) return null;
        break;
      case "yes":
        // Endless in reality; enough lines for what usually follows (`| head -1`).
        if (!lit) return null;
        input = ((args.map((a) => a.text).join(" ") || "y") + "\n").repeat(16);
        break;
      case "head":
      case "tail": {
        if (input == null || args.some((a) => !a.text.startsWith("-"))) return null;
        const nArg =
          args.find((a) => /^-(n)?\d+$/.test(a.text))?.text ??
          (args.findIndex((a) => a.text === "-n") >= 0 ? args[args.findIndex((a) => a.text === "-n") + 1]?.text : undefined);
        const n = Number((nArg ?? "10").replace(/^-n?/, ""));
        if (!Number.isFinite(n)) return null;
        const lines: string[] = input.replace(/\n$/, "").split("\n");
        input = (s.name === "head" ? lines.slice(0, n) : lines.slice(-n)).join("\n") + "\n";
        break;
      }
      case "rev":
        if (input == null) return null;
        input = input
          .split("\n")
          .map((l) => [...l].reverse().join(""))
          .join("\n");
        break;
      case "base64":
      case "base32":
        if (input == null || !args.some((a) => /^-(d|D|-decode)$|^-\w*d/.test(a.text))) return null;
        try {
          input = s.name === "base64" ? Buffer.from(input.replace(/\s+/g, ""), "base64").toString("utf8") : null;
        } catch {
          return null;
        }
        if (input === null) return null;
        break;
      case "xxd":
        if (input == null || !args.some((a) => a.text.includes("r"))) return null;
        input = Buffer.from(input.replace(/[^0-9a-fA-F]/g, ""), "hex").toString("utf8");
        break;
      default:
        return null;
    }
  }
  return input ?? null;
}

/** What `printf FORMAT ARGS…` prints (also `printf -v NAME …`, which assigns it). */
export function formatPrintf(fmt: string, args: string[]): string {
  let i = 0;
  const unesc = decodeAnsiC;
  const one = () =>
    unesc(fmt).replace(/%([-+ #0]*\d*(?:\.\d+)?)([sbdiouxXfgeEc%q])/g, (_m, _f, conv: string) => {
      if (conv === "%") return "%";
      const a = args[i++] ?? "";
      return conv === "b" ? decodeAnsiC(a) : a;
    });
  let out = one();
  // The format is reused while arguments remain, but only if it consumes some (`%"s` consumes none).
  while (i < args.length) {
    const before = i;
    const more = one();
    if (i === before) break;
    out += more;
  }
  return out;
}

/** What fish's `string SUBCOMMAND …` prints, for the subcommands that only reshape text; null for the rest. */
function fishString(argv: string[], input: string | null | undefined): string | null {
  const [sub, ...rest] = argv;
  const opts: string[] = [];
  let i = 0;
  const valued = /^(-n|--count|-m|--max|-c|--chars|-l|--length)$/;
  const vals = new Map<string, string>();
  for (; i < rest.length && rest[i]!.startsWith("-") && rest[i] !== "--"; i++) {
    const o = rest[i]!;
    const eq = /^(--\w+)=(.*)$/.exec(o) ?? /^(-[nmcl])(\d+)$/.exec(o);
    if (eq) vals.set(eq[1]!, eq[2]!);
    else if (valued.test(o)) vals.set(o, rest[++i] ?? "");
    else opts.push(o);
  }
  if (rest[i] === "--") i++;
  const words = rest.slice(i);
  const lines = (ws: string[]) => (ws.length ? ws : input != null ? input.replace(/\n$/, "").split("\n") : null);
  switch (sub) {
    case "join":
    case "join0": {
      const sep = sub === "join0" ? "\0" : words[0];
      const items = sub === "join0" ? words : words.slice(1);
      if (sep === undefined) return null;
      const l = lines(items);
      return l === null ? null : l.join(sep) + "\n";
    }
    case "repeat": {
      const n = Number(vals.get("-n") ?? vals.get("--count") ?? "1");
      if (!Number.isFinite(n) || n < 0 || n > 16) return null;
      const l = lines(words);
      if (l === null) return null;
      const noNewline = opts.some((o) => o === "-N" || o === "--no-newline");
      return l.map((x) => x.repeat(n) + (noNewline ? "" : "\n")).join("");
    }
    case "upper":
    case "lower":
    case "trim":
    case "collect": {
      const l = lines(words);
      if (l === null) return null;
      const f = (x: string) => (sub === "upper" ? x.toUpperCase() : sub === "lower" ? x.toLowerCase() : sub === "trim" ? x.trim() : x);
      return l.map(f).join("\n") + "\n";
    }
    case "replace": {
      if (words.length < 2 || opts.some((o) => /^(-r|--regex)$/.test(o))) return null;
      const [from, to] = words as [string, string];
      const l = lines(words.slice(2));
      if (l === null || from === "") return null;
      const all = opts.some((o) => /^(-a|--all)$/.test(o));
      return l.map((x) => (all ? x.split(from).join(to) : x.replace(from, () => to))).join("\n") + "\n";
    }
    default:
      return null;
  }
}

/** What an inline program prints when all it does is print one literal string; null otherwise. */
function literalPrint(lang: string, argv: string[]): string | null {
  const flag = /^(awk|gawk|mawk)$/.test(lang) ? undefined : lang === "perl" || lang === "ruby" || lang === "node" ? /^-[eE]$/ : /^-c$/;
  const at = flag ? argv.findIndex((a) => flag.test(a)) : 0;
  if (at < 0 || (flag ? argv.length !== at + 2 : argv.length !== 1)) return null;
  const code = (flag ? argv[at + 1]! : argv[0]!).trim();
  const dq = (s: string) => decodeAnsiC(s);
  let m: RegExpExecArray | null;
  if (/^python/.test(lang) && (m = /^print\(\s*(["'])((?:(?!\1)[^\\])*)\1\s*\)\s*;?$/.exec(code))) return `${m[2]}\n`;
  if (lang === "perl" && (m = /^print\s*\(?\s*(["'])((?:(?!\1)[^\\$@]|\\n)*)\1\s*\)?\s*;?$/.exec(code)))
    return m[1] === '"' ? dq(m[2]!) : m[2]!;
  if (lang === "ruby" && (m = /^puts\s*\(?\s*(["'])((?:(?!\1)[^\\#])*)\1\s*\)?\s*;?$/.exec(code))) return `${m[2]}\n`;
  if (lang === "node" && (m = /^console\.log\(\s*(["'`])((?:(?!\1)[^\\$])*)\1\s*\)\s*;?$/.exec(code))) return `${m[2]}\n`;
  if (/awk$/.test(lang) && (m = /^BEGIN\s*\{\s*print\s+"([^"\\]*)"\s*;?\s*\}$/.exec(code))) return `${m[1]}\n`;
  return null;
}
