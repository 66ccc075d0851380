import type { CommandDef } from "citty";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { versionLine } from "../core/build-info.ts";
import { writeErr, writeOut } from "./io.ts";
import { forStream } from "./terminal.ts";

// Subcommands load lazily: `cmdai --help` and the shell key binding must not
// pay for modules they do not use.
const subCommands: Record<string, () => Promise<{ default: CommandDef<any> }>> = {
  check: () => import("./commands/check.ts"),
  config: () => import("./commands/config.ts"),
  init: () => import("./commands/init.ts"),
  model: () => import("./commands/model/index.ts"),
  serve: () => import("./commands/serve.ts"),
  server: () => import("./commands/server/index.ts"),
};

export const subCommandNames = Object.keys(subCommands);

// Flags of the generate command that take a value, so that in
// `cmdai --model m.gguf list files` the word `m.gguf` is not taken for a subcommand.
const valueFlags = new Set(["--model", "-m", "--backend", "--shell", "--level", "--threads", "--fix", "--status", "--max-chars"]);

export const rootHelp = `cmdai: turn a request into a shell command, locally and offline

Usage:
  cmdai [options] [--] <request...>    print a command for the request
  cmdai [options] -                     read the request from stdin
  cmdai check [--json] [--level L] <command>
  cmdai init zsh|bash|fish [--key KEY] print the shell integration
  cmdai model list|pull|rm|verify|path  manage local models
  cmdai config                          show settings and where each came from
  cmdai server status|stop              the resident server that keeps the model loaded
  cmdai serve [--keep-alive D]          run that server in the foreground

Options:
  -m, --model PATH|NAME  GGUF file or catalogue name (env CMDAI_MODEL); with a
                         remote backend, the server's model
      --backend NAME     local, openai or ollama (env CMDAI_BACKEND; default local)
      --shell SHELL      bash, zsh, fish or sh (default: from $SHELL)
      --level LEVEL      strict, moderate or permissive (env CMDAI_LEVEL)
      --threads N        CPU threads (default: idle physical cores; env CMDAI_THREADS)
      --json             print one JSON object
      --explain          also ask the model for a one-line explanation
      --fix CMD          propose a fix for a failed command (--status N)
      --max-chars N      longest command accepted (default 300, at most 1000)
      --no-input         never prompt (used by the shell integration)
      --verbose          more detail on errors
  -h, --help             show this help
  -V, --version          show version

Environment: CMDAI_SERVER=0 generates in this process (no resident server);
CMDAI_KEEP_ALIVE=10m keeps the model loaded that long after a request.
Remote: OPENAI_BASE_URL (or OPENAI_API_BASE), OPENAI_API_KEY, OLLAMA_HOST;
CMDAI_TIMEOUT=120 limits a whole request, in seconds.

Exit codes: 0 ok, 1 blocked by the safety level, 2 usage, 3 no model,
4 model cannot be used, 5 no usable command, 6 network, 69 the model server
cannot be used, 73 server folder not private, 74 file not readable or
writable, 75 the model server timed out or failed (try again), 77 the
server refused the API key, 130 cancelled.

Set up a shell:  eval "$(cmdai init zsh)"   (then type a request and press Ctrl-G)
`;

/** Splits argv into a subcommand (if the first word names one) and its args. */
export function route(argv: string[]): { sub?: string; args: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      if (valueFlags.has(arg)) i++;
      continue;
    }
    if (arg in subCommands) return { sub: arg, args: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    break;
  }
  return { args: argv };
}

export async function main(argv: string[]): Promise<number> {
  // `cmdai help` and `cmdai version` alone are what they say, not requests.
  if (argv.length === 1 && (argv[0] === "help" || argv[0] === "version")) argv = [`--${argv[0]}`];
  const { sub, args } = route(argv);
  const verbose = args.includes("--verbose");
  try {
    if (!sub) {
      const before = args.indexOf("--") === -1 ? args : args.slice(0, args.indexOf("--"));
      if (before.includes("--version") || before.includes("-V")) {
        writeOut(versionLine() + "\n");
        return ExitCode.ok;
      }
      if (before.includes("--help") || before.includes("-h")) {
        writeOut(rootHelp);
        return ExitCode.ok;
      }
    }
    // `cmdai init <shell>` runs in every new shell: its usual form skips the
    // argument parser (citty) altogether.
    if (sub === "init" && args.length === 1 && !args[0]!.startsWith("-"))
      return await (await import("./commands/init.ts")).printInit(args[0]);
    const { parseFlags, rejectUnknownFlags } = await import("./args.ts");
    if (!sub) {
      // The request: what every key press runs, so without citty (see commands/generate.ts).
      const { default: generate, generateArgs } = await import("./commands/generate.ts");
      rejectUnknownFlags(args, generateArgs);
      return await generate.run({ args: parseFlags(args, generateArgs) as never, rawArgs: args, cmd: generate as never });
    }
    const { runCommand, renderUsage } = await import("citty");
    const command = (await subCommands[sub]!()).default;
    // Nested subcommands (`model pull`) check their own flags.
    if (!command.subCommands) rejectUnknownFlags(args, (await resolveArgs(command)) ?? {});
    if (sub && (args.includes("--help") || args.includes("-h"))) {
      // `cmdai model pull --help` shows pull's usage, not model's.
      const nested = await resolveNested(command, args);
      let usage = await (nested ? renderUsage(nested, command) : renderUsage(command));
      usage = forStream(1, usage);
      writeOut(usage.replace(/(USAGE(?:\x1b\[[0-9;]*m)* (?:\x1b\[[0-9;]*m)*)/, "$1cmdai ") + "\n");
      return ExitCode.ok;
    }
    const { result } = await runCommand(command, { rawArgs: args });
    return typeof result === "number" ? result : ExitCode.ok;
  } catch (error) {
    // The command to point --help at: `cmdai model pull` (model is the one with subcommands).
    const word = sub === "model" ? args.find((a) => !a.startsWith("-")) : undefined;
    return await report(error, verbose, ["cmdai", sub, word].filter(Boolean).join(" "));
  }
}

async function resolveNested(command: CommandDef<any>, args: string[]): Promise<CommandDef<any> | undefined> {
  const subs = typeof command.subCommands === "function" ? await command.subCommands() : await command.subCommands;
  const word = args.find((a) => !a.startsWith("-"));
  const entry = subs && word ? subs[word] : undefined;
  if (!entry) return undefined;
  return typeof entry === "function" ? await entry() : await entry;
}

async function resolveArgs(command: CommandDef<any>) {
  const a = command.args;
  return typeof a === "function" ? await a() : await a;
}

/** One line for the user; the stack only with --verbose. */
export async function report(error: unknown, verbose: boolean, command = "cmdai"): Promise<number> {
  const { logger } = await import("./logger.ts");
  // The parser's and the file system's errors are the user's to fix, not bugs.
  if (!(error instanceof CmdaiError)) error = (await import("./user-errors.ts")).userError(error, command) ?? error;
  if (error instanceof CmdaiError) {
    logger.error(error.message);
    if (verbose && error.cause) logger.error(String((error.cause as Error).stack ?? error.cause));
    return error.exitCode;
  }
  const e = error as Error;
  logger.error(`internal error: ${e?.message ?? String(error)}${verbose ? "" : " (run with --verbose for details)"}`);
  if (verbose && e?.stack) writeErr(e.stack + "\n");
  return 70;
}
