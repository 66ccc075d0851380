// The one place the accuracy harness calls cmdai's library: request → prompt →
// backend → parse → safety check. When the library's entry point changes
// (one `generate(request, options)` function), only `answer()` changes.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Backend, GenerateRequest, Generation } from "../../src/backend/types.ts";
import type { MachineContext } from "../../src/context/probe.ts";
import { generate } from "../../src/generate/generate.ts";
import { loadChecker, rank, type Level, type Risk } from "../../src/safety/index.ts";
import type { Task } from "./dataset.ts";

/** `shifted` answers with the second command of the task 10 rows on: a wrong answer, to measure how often the judge accepts one (the paper's precision protocol). */
export type OracleKind = "gold" | "alternative" | "none" | "shifted";

export interface Answer {
  /** The command cmdai would print; undefined when none was produced or it was blocked. */
  cmd?: string;
  /** What the backend returned, parsed; set even when blocked. */
  proposed?: string;
  blocked: boolean;
  /** Not blocked, but the safety check rated it high or critical (the user would see a warning). */
  warned: boolean;
  risk?: Risk;
  rules: string[];
  error?: string;
  /** Backend time (prompt + generation) plus the safety check, ms; excludes waiting for a free slot. */
  latencyMs: number;
  tokens: { prompt: number; generated: number };
}

// The machines the tasks were written for (the upstream images), described the
// way cmdai's probe would describe them there.
const ubuntu: MachineContext = { os: "Linux", distro: "Ubuntu 24.04 LTS", arch: "x86_64", userland: "GNU", tools: ["jq", "tree", "apt"] };
const alpine: MachineContext = { os: "Linux", distro: "Alpine Linux v3.20", arch: "x86_64", userland: "busybox", tools: ["apk"] };
export const machineFor = (task: Task): MachineContext => (task.shell === "sh" ? alpine : ubuntu);

export interface Generator {
  answer(task: Task): Promise<Answer>;
  readonly model: string;
  readonly loadMs: number;
  dispose(): Promise<void>;
}

/** Wraps a backend: every task goes through cmdai's pipeline, then the safety check at `level`. */
export async function pipelineGenerator(backend: Backend, level: Level = "moderate"): Promise<Generator> {
  await loadChecker(); // loaded once, before the clock of the first task starts
  return {
    model: backend.model,
    loadMs: backend.loadMs,
    dispose: () => backend.dispose(),
    async answer(task) {
      const shell = task.shell === "sh" ? "sh" : "bash";
      const started = performance.now();
      try {
        // The library's own entry point: the same prompt, parsing and safety check as `cmdai`.
        const outcome = await generate({ request: task.nl, shell, cwd: "/", level, machine: machineFor(task) }, backend);
        const latencyMs = outcome.timings.prompt + outcome.timings.generate + outcome.timings.check;
        return {
          ...(outcome.blocked ? {} : { cmd: outcome.cmd }),
          proposed: outcome.cmd,
          blocked: outcome.blocked,
          warned: !outcome.blocked && rank(outcome.risk) >= rank("high"),
          risk: outcome.risk,
          rules: outcome.findings.map((f) => f.rule),
          latencyMs: latencyMs || performance.now() - started,
          tokens: outcome.tokens,
        };
      } catch (e) {
        return {
          blocked: false,
          warned: false,
          rules: [],
          error: (e as Error).message,
          latencyMs: performance.now() - started,
          tokens: { prompt: 0, generated: 0 },
        };
      }
    },
  };
}

/**
 * A backend that answers from the data set instead of a model, with the JSON
 * text a model would write: `gold` the first verified command, `alternative` the
 * second, `none` the command `true`. It finds the task by the request line of
 * the prompt, so the prompt is built exactly as for a model.
 */
export class OracleBackend implements Backend {
  readonly model: string;
  readonly loadMs = 0;
  private byRequest: Map<string, Task>;

  constructor(
    readonly kind: OracleKind,
    tasks: Task[],
  ) {
    this.model = `oracle:${kind}`;
    this.byRequest = new Map(tasks.map((t) => [t.nl, t]));
    this.tasks = tasks;
  }
  private tasks: Task[];

  async generate(request: GenerateRequest): Promise<Generation> {
    const line = request.prompt.user.split("\n").find((l) => l.startsWith("Request: "));
    const task = line ? this.byRequest.get(line.slice("Request: ".length)) : undefined;
    if (!task) throw new Error(`oracle: no task for the prompt ${JSON.stringify(request.prompt.user)}`);
    const shifted = this.tasks[(this.tasks.indexOf(task) + 10) % this.tasks.length]!;
    const cmd = {
      gold: task.cmd,
      alternative: task.alternatives[0] ?? task.cmd,
      none: "true",
      shifted: shifted.alternatives[0] ?? shifted.cmd,
    }[this.kind];
    return { text: JSON.stringify({ cmd }), timings: { prompt: 0, generate: 0 }, tokens: { prompt: 0, generated: 0 } };
  }

  async dispose() {}
}

export interface BackendChoice {
  oracle?: OracleKind;
  /** A GGUF path or a catalogue name. */
  model?: string;
  remote?: "openai" | "ollama";
  threads?: number;
}

/** Opens the backend the flags ask for. Throws one-line errors meant for the user. */
export async function openBackend(choice: BackendChoice, tasks: Task[]): Promise<Backend> {
  if (choice.oracle) return new OracleBackend(choice.oracle, tasks);
  if (choice.remote) return openRemote(choice.remote, choice.model);
  const { resolveSettings, modelPath } = await import("../../src/config/config.ts");
  const { settings } = resolveSettings(choice.model ? { model: choice.model } : {});
  const { path } = modelPath(settings);
  if (!existsSync(path)) throw new Error(`no model file at ${path} (pass --model PATH to a GGUF file, or pull the model first)`);
  const { LlamaBackend } = await import("../../src/backend/llama.ts");
  return LlamaBackend.load({ modelPath: path, threads: choice.threads ?? settings.threads, sequences: 1 });
}

/**
 * The remote backends are built separately; this lights up once
 * src/backend/openai.ts or ollama.ts exists, using the first exported class
 * with a static `load` or `create`, given `{ model }`.
 */
async function openRemote(kind: "openai" | "ollama", model: string | undefined): Promise<Backend> {
  const file = join(import.meta.dir, "..", "..", "src", "backend", `${kind}.ts`);
  if (!existsSync(file)) throw new Error(`--backend ${kind} is not available yet in this build (no src/backend/${kind}.ts)`);
  const mod = (await import(file)) as Record<string, unknown>;
  for (const value of Object.values(mod)) {
    const factory = value as { load?: (o: object) => Promise<Backend>; create?: (o: object) => Promise<Backend> } | undefined;
    if (typeof value !== "function" || !factory) continue;
    const open = factory.load ?? factory.create;
    if (typeof open === "function") return open.call(value, model ? { model } : {});
  }
  throw new Error(`--backend ${kind}: src/backend/${kind}.ts exports no backend with a static load() or create() the harness knows`);
}
