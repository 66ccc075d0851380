// The library's one entry point for a request: the CLI, the benchmarks and the
// tests all call generate(). It knows no terminal: what to print, and how, is
// the caller's business. Whatever runs the model (in process, the resident
// server, a remote API) is a Backend, so the safety verdict is always made
// here, in the caller's process, the same way for every backend.

import type { Backend } from "../backend/types.ts";
import type { Level } from "../config/config.ts";
import type { MachineContext } from "../context/probe.ts";
import type { PromptInput } from "../prompt/prompt.ts";
import { loadChecker } from "../safety/index.ts";
import { runPipeline, type Outcome } from "./pipeline.ts";

export interface CommandRequest {
  request: string;
  shell: PromptInput["shell"];
  cwd: string;
  level: Level;
  /** Safety rule packs switched off (config `safety_packs_off`). */
  packsOff?: readonly string[];
  machine: MachineContext;
  explain?: boolean;
  fix?: PromptInput["fix"];
  /** Longest command accepted from the model, in characters. */
  maxChars?: number;
  signal?: AbortSignal;
}

export interface CommandResult extends Outcome {
  /** The model's short name, for --json. */
  model: string;
  /** Milliseconds: loading the model (0 when it was already loaded), prompt, generation, safety check. */
  timings: { load: number; prompt: number; generate: number; check: number };
}

/** Request → prompt → backend → parsed command → safety verdict at the given level. */
export async function generate(req: CommandRequest, backend: Backend): Promise<CommandResult> {
  // The parser's WASM compiles while the model generates (the JS thread is
  // idle then); one throwaway check, also meanwhile, pays for compiling the
  // rules' patterns and the parser's first run (3-8 ms), so the real check
  // takes well under a millisecond. Loaded before the model instead, the
  // parser raised peak RSS by ~130 MB.
  const checkerReady = loadChecker().then((checker) => {
    try {
      checker.check("ls -la ~ | grep -v x > /dev/null", { shell: req.shell, level: req.level, packsOff: req.packsOff });
    } catch {} // only a warm-up: the real check reports its own errors
    return checker;
  });
  checkerReady.catch(() => {}); // awaited by the check below
  const outcome = await runPipeline(
    {
      request: req.request,
      shell: req.shell,
      cwd: req.cwd,
      machine: req.machine,
      explain: req.explain,
      ...(req.fix ? { fix: req.fix } : {}),
      ...(req.maxChars ? { maxChars: req.maxChars } : {}),
      signal: req.signal,
    },
    backend,
    async (cmd) => (await checkerReady).check(cmd, { shell: req.shell, level: req.level, packsOff: req.packsOff }),
  );
  return { ...outcome, model: backend.model, timings: { load: backend.loadMs, ...outcome.timings } };
}
