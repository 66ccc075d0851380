// Errors that are not cmdai's own but still the user's to fix, as one
// `cmdai: error: ...` line with the right exit code: the argument parser's
// (citty) and the file system's (permissions, read-only or full disks).

import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { fsError } from "../core/fs-errors.ts";
import { cacheDir, configDir } from "../config/paths.ts";
import { stripAnsi } from "./terminal.ts";

/** What to do about a path that could not be read or written. */
function hint(path: string | undefined, code: string): string {
  if (code === "ENOSPC" || code === "EDQUOT") return "free some space and try again";
  const home = process.env.HOME || homedir();
  const noHome = !home || !existsSync(home) ? ` (HOME is ${home ? `${home}, which does not exist` : "not set"})` : "";
  // The path itself, something inside it, or a parent that could not be made on the way to it.
  const under = (dir: string) =>
    path !== undefined && (path === dir || path.startsWith(dir + "/") || dir.startsWith(path.replace(/\/$/, "") + "/"));
  if (path && process.env.CMDAI_MODEL_DIR && under(process.env.CMDAI_MODEL_DIR))
    return `make that folder writable, or set CMDAI_MODEL_DIR to one you own${noHome}`;
  if (under(cacheDir())) return `make that folder writable, or set XDG_CACHE_HOME (models alone: CMDAI_MODEL_DIR) to one you own${noHome}`;
  if (under(configDir())) return `check its permissions, or set XDG_CONFIG_HOME to another folder${noHome}`;
  return `check its permissions${noHome}`;
}

/** citty's message, in cmdai's words (no colour, lower case, a pointer to --help). */
function cittyError(e: Error & { code?: string }, command: string): CmdaiError {
  const text = stripAnsi(e.message);
  const help = `see: ${command} --help`;
  const unknown = /^Unknown command (.+)$/.exec(text);
  if (unknown) {
    const parent = command.endsWith(` ${unknown[1]}`) ? command.slice(0, -unknown[1]!.length - 1) : command;
    return new CmdaiError(`unknown command "${unknown[1]}" (see: ${parent} --help)`, ExitCode.usage);
  }
  const missing = /^Missing required (?:positional )?argument: (.+)$/.exec(text);
  if (missing) return new CmdaiError(`missing argument ${missing[1]} (${help})`, ExitCode.usage);
  return new CmdaiError(`${text.charAt(0).toLowerCase()}${text.slice(1).replace(/\.$/, "")} (${help})`, ExitCode.usage);
}

/** The user's error for `error`, or undefined when it is a bug (or already a CmdaiError). */
export function userError(error: unknown, command = "cmdai"): CmdaiError | undefined {
  if (error instanceof CmdaiError) return error;
  const e = error as Error;
  if (e?.name === "CLIError") return cittyError(e, command);
  return fsError(error, hint);
}
