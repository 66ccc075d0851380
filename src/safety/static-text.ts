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
        input = (escapes ? decodeAnsiC(out) : out) + (newline ? "\n" : "");
        break;
      }
      case "string": {
        // fish: `string join SEP WORDS…`
        if (!lit || args[0]?.text !== "join" || args.length < 2) return null;
        input =
          args
            .slice(2)
            .map((a) => a.text)
            .join(args[1]!.text) + "\n";
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
