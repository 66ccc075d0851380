// The safety engine's public API. Every command cmdai prints goes through
// `checker.check(cmd, { shell, level })` first.
//
// Finding offsets (`start`, `end`) are JavaScript string offsets into `cmd`
// (UTF-16 code units, end exclusive), so `cmd.slice(start, end)` is the risky part.
//
// Layout, bottom up (test/unit/safety/imports.test.ts keeps it free of import cycles):
//   types.ts, command.ts      public result types; the model of one simple command
//   paths.ts, argv.ts         path classes; options and operands of a command
//   static-text.ts, flow.ts   text known without running; what a pipeline feeds and downloads
//   catalogue.ts, packs/      the rules written as code (ids, risks, reasons) and the rules as data
//   judgement.ts              the findings of one judgement, and hooks for nested scripts
//   rules/*.ts                per-program rules (files, exec, system, dev tools, writes, hooks, exfil)
//   unwrap.ts, judge.ts       wrappers peeled off; the judge that applies the rules to a command
//   dialects.ts, walk.ts      fish/zsh/continuations; the walk over the syntax tree
//   parser.ts, checker.ts     tree-sitter loading; bad input, dialects, walk and verdict
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
