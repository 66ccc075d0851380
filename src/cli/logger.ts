import { createConsola, type ConsolaReporter, type LogObject } from "consola/core";

// Every message goes to stderr as one short "cmdai: ..." line: stdout carries
// only the product (a command, or JSON), and the shell scripts show the first
// stderr line verbatim.
const useColor = () =>
  !process.env.NO_COLOR && process.env.TERM !== "dumb" && (process.stderr.isTTY ?? false);

const paint = (code: string, text: string) => (useColor() ? `\x1b[${code}m${text}\x1b[0m` : text);

const prefix: Record<string, string> = {
  error: paint("31", "error: "),
  fatal: paint("31", "error: "),
  warn: paint("33", "warning: "),
};

export const stderrReporter: ConsolaReporter = {
  log(obj: LogObject) {
    const text = obj.args
      .map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a)))
      .join(" ");
    process.stderr.write(`cmdai: ${prefix[obj.type] ?? ""}${text}\n`);
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
