// Messages for the user: one "cmdai: ..." line each, on stderr.
import { createConsola, type ConsolaReporter, type LogObject } from "consola/core";
import { writeErr } from "./io.ts";
import { useColor } from "./terminal.ts";

// Every message goes to stderr as one short "cmdai: ..." line: stdout carries
// only the product (a command, or JSON), and the shell scripts show the first
// stderr line verbatim.
// Colour is decided at the first message (cli/terminal.ts), not at load: most runs print none.
const paint = (code: string, text: string) => (useColor(2) ? `\x1b[${code}m${text}\x1b[0m` : text);

const prefixes: Record<string, [string, string]> = {
  error: ["31", "error: "],
  fatal: ["31", "error: "],
  warn: ["33", "warning: "],
};
const prefix = (type: string) => {
  const p = prefixes[type];
  return p ? paint(...p) : "";
};

export const stderrReporter: ConsolaReporter = {
  log(obj: LogObject) {
    const text = obj.args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" ");
    writeErr(`cmdai: ${prefix(obj.type)}${text}\n`);
  },
};

export const logger = createConsola({
  reporters: [stderrReporter],
  // Info and above by default; --verbose lowers it to debug.
  level: 3,
});

export function setVerbose(verbose: boolean) {
  logger.level = verbose ? 4 : 3;
}
