// The safety engine's public API. Every command cmdai prints goes through
// `checker.check(cmd, { shell, level })` first.
//
// Finding offsets (`start`, `end`) are JavaScript string offsets into `cmd`
// (UTF-16 code units, end exclusive), so `cmd.slice(start, end)` is the risky part.
import type { Level } from "../config/config.ts";
import type { Checker } from "./types.ts";

export type { CheckOptions, CheckResult, CheckShell, Checker, Finding, Risk } from "./types.ts";
export { isBlocked, maxRisk, rank, risks } from "./types.ts";
export type { Level };

let checkerPromise: Promise<Checker> | undefined;

/** Loads the WASM parser once (the promise is cached) and returns the checker. */
export function loadChecker(): Promise<Checker> {
  checkerPromise ??= (async () => {
    const [{ loadParser }, { createChecker }] = await Promise.all([import("./parser.ts"), import("./checker.ts")]);
    return createChecker(await loadParser());
  })();
  checkerPromise.catch(() => (checkerPromise = undefined));
  return checkerPromise;
}
