// The in-process backend: llama.cpp through node-llama-cpp, one loaded model with its context sequences, grammars and saved prompt state.
import type { ChatHistoryItem, Llama, LlamaChat, LlamaContext, LlamaGrammar, LlamaModel } from "node-llama-cpp";
import { basename } from "node:path";
import { loadavg } from "node:os";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { checkGguf } from "./gguf-check.ts";
import { prepareNatives } from "./natives.ts";
import { isWholeJson } from "../response/parse.ts";
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
  /** Folder for the saved system-prompt state; none = evaluate it every run. */
  promptCacheDir?: string;
}

// Below this size a model is a test model: one thread is faster than two
// (measured: 0.28 s vs 0.55 s), as thread sync costs more than the math.
const tinyModelBytes = 64 * 1024 * 1024;

/**
 * Threads for llama.cpp when the user did not choose: the physical cores that
 * are idle now. ggml's threads wait for each other at every step, so one
 * thread that shares its core with another busy process stalls them all:
 * measured on 2 cores with one busy, 2 threads took 21.6 s where 1 took 3.8 s.
 */
export function autoThreads(physicalCores: number, modelBytes: number, load1 = loadavg()[0] ?? 0): number {
  if (modelBytes < tinyModelBytes) return 1;
  const idle = Math.round(physicalCores - load1);
  return Math.min(physicalCores, Math.max(1, idle));
}

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
  chat: LlamaChat;
  sequence: ReturnType<LlamaContext["getSequence"]>;
  /** The system prompt whose tokens the sequence already holds. */
  primed?: string;
}

export class LlamaBackend implements Backend {
  readonly model: string;
  private free: Slot[];
  private waiting: ((slot: Slot) => void)[] = [];
  private constraints = new Map<string, Promise<{ grammar: LlamaGrammar; prefix: string }>>();

  private constructor(
    private llama: Llama,
    private loaded: LlamaModel,
    private context: LlamaContext,
    slots: Slot[],
    readonly loadMs: number,
    readonly threads: number,
    private options: LlamaOptions,
    private runtimeVersion: Promise<string>,
  ) {
    this.free = slots;
    this.model = basename(options.modelPath).replace(/\.gguf$/i, "");
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
    // Read now, while the model loads: the prompt cache's key needs it (~3 ms later).
    const version = importLlamaCpp().then((m) => m.getModuleVersion());
    version.catch(() => {});
    const { fileSize } = checkGguf(options.modelPath, await knownArchitectures());
    const llama = await runtime;
    const threads = options.threads || autoThreads(llama.cpuMathCores, fileSize);
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
    const { LlamaChat } = await importLlamaCpp();
    const slots: Slot[] = [];
    for (let i = 0; i < sequences; i++) {
      const sequence = context.getSequence();
      slots.push({ sequence, chat: new LlamaChat({ contextSequence: sequence }) });
    }
    return new LlamaBackend(llama, model, context, slots, performance.now() - started, threads, options, version);
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

  /** The grammar for a schema, and the text that pre-fills the answer (see answerConstraint). */
  private constraint(schema: object): Promise<{ grammar: LlamaGrammar; prefix: string }> {
    const key = JSON.stringify(schema);
    let c = this.constraints.get(key);
    if (!c) {
      const tail = answerConstraint(schema);
      c = tail
        ? this.llama.createGrammar({ grammar: tail.gbnf }).then((grammar) => ({ grammar, prefix: tail.prefix }))
        : this.llama.createGrammarForJsonSchema(schema as never).then((grammar) => ({ grammar, prefix: "" }));
      this.constraints.set(key, c);
    }
    return c;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const { grammar, prefix } = await this.constraint(request.schema);
    const slot = await this.acquire();
    try {
      const { chat, sequence } = slot;
      if (slot.primed !== request.prompt.system) await this.prime(slot, request.prompt.system);
      // The answer starts pre-filled with `{"cmd": "`, evaluated with the prompt
      // in one batch; the model only writes the command and the closing `"}`.
      // Same system prompt every time: the library keeps the matching token
      // prefix in the KV cache, so only the new user message is evaluated.
      const history: ChatHistoryItem[] = [
        { type: "system", text: request.prompt.system },
        { type: "user", text: request.prompt.user },
        { type: "model", response: prefix ? [prefix] : [] },
      ];
      const before = sequence.tokenMeter.getState();
      const started = performance.now();
      let firstToken = 0;
      // Stop once the object is whole: grammars may allow trailing whitespace,
      // and every such token is wasted time.
      const finished = new AbortController();
      const cancel = () => finished.abort(request.signal?.reason);
      request.signal?.addEventListener("abort", cancel, { once: true });
      let text = prefix;
      try {
        const res = await chat.generateResponse(history, {
          grammar,
          temperature: 0,
          maxTokens: request.maxTokens,
          signal: finished.signal,
          stopOnAbortSignal: true,
          onTextChunk: (chunk) => {
            firstToken ||= performance.now();
            text += chunk;
            if (isWholeJson(text)) finished.abort();
          },
        });
        text = prefix + res.response;
      } finally {
        request.signal?.removeEventListener("abort", cancel);
      }
      if (request.signal?.aborted) throw request.signal.reason ?? new Error("cancelled");
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

  /**
   * Puts the system prompt's evaluated state into the sequence: from the
   * prompt cache when a run before saved it, else evaluated now and saved.
   */
  private async prime(slot: Slot, system: string) {
    slot.primed = system;
    const dir = this.options.promptCacheDir;
    if (!dir) return;
    const { loadPromptState, promptCacheKey, savePromptState } = await import("./prompt-cache.ts");
    const key = promptCacheKey({
      modelPath: this.options.modelPath,
      system,
      runtime: `node-llama-cpp ${await this.runtimeVersion} ${this.llama.gpu || "cpu"}`,
      contextSize: this.context.contextSize,
    });
    if (slot.sequence.contextTokens.length === 0 && (await loadPromptState(dir, key, slot.sequence))) return;
    await slot.chat.loadChatAndCompleteUserMessage(
      [
        { type: "system", text: system },
        { type: "user", text: "" },
      ],
      { maxTokens: 0 },
    );
    await savePromptState(dir, key, slot.sequence);
  }

  /**
   * Drops every sequence's cached tokens, so the next request evaluates its
   * whole prompt again (benchmarks use it to measure a first request).
   */
  async forgetCache() {
    for (const slot of this.free) {
      await slot.sequence.clearHistory();
      slot.primed = undefined;
    }
  }

  /** The tokens the first free sequence holds: what the last request evaluated and generated. */
  lastTokens(): number[] {
    return [...(this.free[0]?.sequence.contextTokens ?? [])];
  }

  async dispose() {
    await this.context.dispose();
    await this.loaded.dispose();
  }
}

/**
 * For a schema of string properties (`{"cmd": string ≤ N, ...}`), the answer
 * is pre-filled up to the first string's opening quote, and a GBNF grammar
 * constrains the rest: exactly the same JSON the schema allows, without the
 * structural tokens (`{`, `"cmd"`, `:`, ` "`) that the model would otherwise
 * generate one by one, each forced through the grammar over the whole
 * vocabulary (measured: generation 280-390 ms instead of 510-740 ms for the
 * same 72-character answer). Other schemas get node-llama-cpp's own grammar.
 */
export function answerConstraint(schema: object): { prefix: string; gbnf: string } | undefined {
  type Prop = { type?: string; minLength?: number; maxLength?: number };
  const s = schema as { type?: string; properties?: Record<string, Prop>; required?: string[] };
  const props = s.properties ?? {};
  const keys = Object.keys(props);
  if (s.type !== "object" || keys.length === 0) return undefined;
  if (keys.some((k) => !/^[a-z_]+$/.test(k) || props[k]!.type !== "string" || !s.required?.includes(k))) return undefined;
  const chars = (k: string) => `char{${props[k]!.minLength ?? 0},${props[k]!.maxLength ?? 1000}}`;
  // Between values: `", "next": "`; at the end: `"}`.
  const rest = keys.slice(1).map((k) => String.raw`"\", \"${k}\": \"" ${chars(k)}`);
  const gbnf = [
    [`root ::=`, chars(keys[0]!), ...rest, String.raw`"\"" "}"`].join(" "),
    String.raw`char ::= [^"\\\x7F\x00-\x1F] | "\\" ["\\/bfnrt] | "\\u" [0-9a-fA-F]{4}`,
  ].join("\n");
  return { prefix: `{"${keys[0]}": "`, gbnf };
}
