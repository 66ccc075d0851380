import type { Llama, LlamaChatSession, LlamaContext, LlamaGrammar, LlamaModel } from "node-llama-cpp";
import { basename } from "node:path";
import { statSync } from "node:fs";
import { CmdaiError, ExitCode } from "../cli/errors.ts";
import { checkGguf } from "./gguf-check.ts";
import { prepareNatives } from "./natives.ts";
import type { Backend, GenerateRequest, Generation } from "./types.ts";

export interface LlamaOptions {
  modelPath: string;
  /** 0 = automatic: physical cores, or 1 for tiny models. */
  threads?: number;
  /** Requests served at once; more wait their turn. */
  sequences?: number;
  contextSize?: number;
  /** Where llama.cpp's log lines go (they are never printed by default). */
  log?: (line: string) => void;
}

// Below this size a model is a test model: one thread is faster than two
// (measured: 0.28 s vs 0.55 s), as thread sync costs more than the math.
const tinyModelBytes = 64 * 1024 * 1024;

let modulePromise: Promise<typeof import("node-llama-cpp")> | undefined;
let llamaPromise: Promise<Llama> | undefined;

/** node-llama-cpp, imported only after its native files are in place. */
function importLlamaCpp() {
  modulePromise ??= prepareNatives().then(() => import("node-llama-cpp"));
  return modulePromise;
}

/** One llama.cpp runtime per process, loaded lazily. */
async function loadRuntime(log: (line: string) => void): Promise<Llama> {
  llamaPromise ??= importLlamaCpp().then(({ getLlama, LlamaLogLevel }) =>
    getLlama({
      gpu: "auto",
      build: "never",
      skipDownload: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.error,
      logger: (_level, message) => log(message.trimEnd()),
    }),
  );
  return llamaPromise;
}

async function knownArchitectures(): Promise<Set<string>> {
  // A const enum in the typings, a plain object at run time.
  const mod = (await importLlamaCpp()) as unknown as { GgufArchitectureType: Record<string, string> };
  return new Set(Object.values(mod.GgufArchitectureType));
}

interface Slot {
  session: LlamaChatSession;
  sequence: ReturnType<LlamaContext["getSequence"]>;
}

export class LlamaBackend implements Backend {
  readonly model: string;
  private free: Slot[];
  private waiting: ((slot: Slot) => void)[] = [];
  private grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    private llama: Llama,
    private loaded: LlamaModel,
    private context: LlamaContext,
    slots: Slot[],
    readonly loadMs: number,
    readonly threads: number,
    modelPath: string,
  ) {
    this.free = slots;
    this.model = basename(modelPath).replace(/\.gguf$/i, "");
  }

  static async load(options: LlamaOptions): Promise<LlamaBackend> {
    const started = performance.now();
    const log = options.log ?? (() => {});
    const logged: string[] = [];
    const collect = (line: string) => {
      logged.push(line);
      log(line);
    };
    // Start the runtime (native library load) while the file is checked.
    const runtime = loadRuntime(collect);
    runtime.catch(() => {}); // awaited below; not an unhandled rejection if the check fails first
    checkGguf(options.modelPath, await knownArchitectures());
    const llama = await runtime;
    const size = statSync(options.modelPath).size;
    const threads = options.threads || (size < tinyModelBytes ? 1 : Math.max(1, llama.cpuMathCores));
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath });
    } catch (e) {
      const detail = logged.at(-1) ?? (e as Error).message;
      throw new CmdaiError(`cannot load model ${options.modelPath}: ${detail}`, ExitCode.modelLoad, e);
    }
    const sequences = Math.max(1, options.sequences ?? 1);
    let context: LlamaContext;
    try {
      context = await model.createContext({
        contextSize: options.contextSize ?? 2048,
        sequences,
        threads,
        batchSize: 512,
      });
    } catch (e) {
      await model.dispose();
      throw new CmdaiError(`cannot create a context for ${options.modelPath}: ${(e as Error).message}`, ExitCode.modelLoad, e);
    }
    const { LlamaChatSession } = await importLlamaCpp();
    const slots: Slot[] = [];
    for (let i = 0; i < sequences; i++) {
      const sequence = context.getSequence();
      slots.push({ sequence, session: new LlamaChatSession({ contextSequence: sequence }) });
    }
    return new LlamaBackend(llama, model, context, slots, performance.now() - started, threads, options.modelPath);
  }

  private acquire(): Promise<Slot> {
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot) {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }

  private grammar(schema: object): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let g = this.grammars.get(key);
    if (!g) {
      g = this.llama.createGrammarForJsonSchema(schema as never);
      this.grammars.set(key, g);
    }
    return g;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const grammar = await this.grammar(request.schema);
    const slot = await this.acquire();
    try {
      const { session, sequence } = slot;
      // Same system prompt every time: the library keeps the matching token
      // prefix in the KV cache, so only the new user message is evaluated.
      session.setChatHistory([{ type: "system", text: request.prompt.system }]);
      const before = sequence.tokenMeter.getState();
      const started = performance.now();
      let firstToken = 0;
      const text = await session.prompt(request.prompt.user, {
        grammar,
        temperature: 0,
        maxTokens: request.maxTokens,
        signal: request.signal,
        stopOnAbortSignal: false,
        onTextChunk: () => {
          firstToken ||= performance.now();
        },
      });
      const done = performance.now();
      const after = sequence.tokenMeter.getState();
      firstToken ||= done;
      return {
        text,
        timings: { prompt: firstToken - started, generate: done - firstToken },
        tokens: {
          prompt: after.usedInputTokens - before.usedInputTokens,
          generated: after.usedOutputTokens - before.usedOutputTokens,
        },
      };
    } finally {
      this.release(slot);
    }
  }

  async dispose() {
    await this.context.dispose();
    await this.loaded.dispose();
  }
}
