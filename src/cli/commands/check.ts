import { defineCommand } from "citty";
import { jsonArg, oneOf, shells, verboseArg, type Shell } from "../args.ts";
import { ExitCode, usageError } from "../../core/errors.ts";
import { logger, setVerbose } from "../logger.ts";
import type { Level } from "../../config/config.ts";
import type { CheckResult, Checker } from "../../safety/index.ts";
import { writeOut } from "../io.ts";

// `cmdai check` grades a command without running it. Its report is the
// product, so it goes to stdout: one line with the risk, then one short line
// per finding (with the safer alternative indented under it), or one JSON
// object with --json, or one object per input line with --jsonl.
export default defineCommand({
  meta: { name: "check", description: "Grade the risk of a shell command (nothing is run)" },
  args: {
    command: {
      type: "positional",
      required: false,
      description: "The command to check (quote it, or put it after --; - reads it from stdin)",
    },
    explain: { type: "boolean", description: "Name the pack and rule behind each finding" },
    level: { type: "string", description: "Safety level: strict, moderate or permissive (default: config, CMDAI_LEVEL, moderate)" },
    shell: { type: "string", description: "Syntax of the command: bash, zsh, fish or sh (default: bash)" },
    jsonl: { type: "boolean", description: 'Read one JSON string or {"cmd": …} per line on stdin; write one result per line' },
    ...jsonArg,
    ...verboseArg,
  },
  async run({ args }) {
    setVerbose(Boolean(args.verbose));
    const shell: Shell = oneOf(args.shell, shells, "--shell") ?? "bash";
    const { packsOff: packsOffOf, resolveSettings } = await import("../../config/config.ts");
    const { settings } = resolveSettings({ level: args.level }, (m) => logger.warn(m));
    const level = settings.level;
    const packsOff = packsOffOf(settings);
    const words = (args._ ?? []).map(String);
    if (args.jsonl) {
      if (words.length) throw usageError("--jsonl reads commands from stdin; give no command argument");
      return await checkLines(shell, level, packsOff);
    }
    // `cmdai check -` reads the whole command from stdin (a trailing newline is not part of it).
    const cmd = words.length === 1 && words[0] === "-" ? (await Bun.stdin.text()).replace(/\r?\n$/, "") : words.join(" ");
    if (cmd.trim() === "") throw usageError("nothing to check: give a command, e.g. cmdai check -- 'rm -rf ./build'");
    const { loadChecker } = await import("../../safety/index.ts");
    const result = (await loadChecker()).check(cmd, { shell, level, packsOff });
    writeOut(args.json ? JSON.stringify(toJson(result)) + "\n" : formatText(result, level, Boolean(args.explain)));
    return result.blocked ? ExitCode.blocked : ExitCode.ok;
  },
});

/** The result object of --json and --jsonl (also used by the generator's --json). */
export function toJson(r: CheckResult) {
  return {
    cmd: r.cmd,
    risk: r.risk,
    blocked: r.blocked,
    findings: r.findings.map((f) => ({
      rule: f.rule,
      pack: f.pack ?? "core",
      risk: f.risk,
      message: f.message,
      start: f.start,
      end: f.end,
      alternative: f.alternative ?? null,
    })),
  };
}

export function formatText(r: CheckResult, level: Level, explain = false): string {
  const verdict = r.blocked ? `blocked at level ${level}` : r.risk === "safe" ? "allowed" : `allowed at level ${level}`;
  const lines = [`${r.risk}: ${verdict}`];
  for (const f of r.findings) {
    const part = r.cmd.slice(f.start, f.end);
    const shown = part && part !== r.cmd ? ` [${part.length > 60 ? part.slice(0, 57) + "..." : part}]` : "";
    lines.push(`  ${f.risk.padEnd(8)} ${f.rule}: ${f.message}${shown}`);
    if (explain) {
      const pack = f.pack ?? "core";
      const off = pack === "core" ? "cannot be switched off" : `switch off with safety_packs_off = ["${pack}"]`;
      lines.push(`           pack ${pack}, rule ${f.rule} (${off})`);
    }
    if (f.alternative) lines.push(`           instead: ${f.alternative}`);
  }
  if (explain && r.findings.length === 0) lines.push("  no rule matched: nothing in this command is known to be risky");
  return lines.join("\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "?") + "\n";
}

async function checkLines(shell: Shell, level: Level, packsOff: string[]): Promise<number> {
  const { loadChecker } = await import("../../safety/index.ts");
  const checker: Checker = await loadChecker();
  let exit: number = ExitCode.ok;
  let lineNo = 0;
  const out: string[] = [];
  const flush = () => {
    if (out.length) writeOut(out.splice(0).join(""));
  };
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let pending = "";
  const handle = (line: string) => {
    lineNo++;
    if (line.trim() === "") return;
    let cmd: unknown;
    try {
      const v = JSON.parse(line) as unknown;
      cmd = typeof v === "string" ? v : v && typeof v === "object" ? (v as { cmd?: unknown }).cmd : undefined;
    } catch {
      cmd = undefined;
    }
    if (typeof cmd !== "string" || cmd.trim() === "") {
      out.push(JSON.stringify({ line: lineNo, error: 'expected a JSON string or {"cmd": "..."} with a non-empty command' }) + "\n");
      logger.error(`stdin line ${lineNo}: expected a JSON string or {"cmd": "..."}`);
      exit = ExitCode.usage;
      return;
    }
    const r = checker.check(cmd, { shell, level, packsOff });
    out.push(JSON.stringify(toJson(r)) + "\n");
    if (r.blocked && exit === ExitCode.ok) exit = ExitCode.blocked;
    if (out.length >= 256) flush();
  };
  for await (const chunk of Bun.stdin.stream()) {
    pending += decoder.decode(chunk as Uint8Array, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      handle(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  }
  pending += decoder.decode();
  if (pending) handle(pending);
  flush();
  return exit;
}
