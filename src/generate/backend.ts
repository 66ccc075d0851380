import { join } from "node:path";
import type { Backend, GenerateRequest, Generation } from "../backend/types.ts";
import type { Settings } from "../config/config.ts";
import { cacheDir } from "../config/paths.ts";
import type { RemoteTarget } from "../config/remote.ts";

// Which backend runs the model for a request: a remote server (`backend =
// "openai" | "ollama"`), the resident server (the default, started on
// demand), or llama.cpp in this process (`server = false`, CMDAI_SERVER=0, or
// when the server cannot be used). The remote path imports neither
// node-llama-cpp nor the resident server's client.

export interface OpenOptions {
  settings: Pick<Settings, "server" | "threads" | "keep_alive">;
  /** The remote server, when the backend is not local (config/remote.ts). */
  remote?: RemoteTarget;
  /** Debug lines (--verbose), e.g. the remote request's body (never a credential). */
  debug?: (line: string) => void;
  /** The GGUF file (local backends only). */
  modelFile: string;
  /** llama.cpp's log lines (debug output). */
  log?: (line: string) => void;
  /** One short line for the user when the server could not be used or was replaced. */
  note?: (message: string) => void;
  /** The server's socket (default: the per-user one). */
  socket?: string;
}

export async function openBackend(opts: OpenOptions): Promise<Backend> {
  if (opts.remote?.backend === "openai") {
    const { OpenAIBackend } = await import("../backend/remote/openai.ts");
    return new OpenAIBackend({ target: opts.remote, debug: opts.debug });
  }
  if (opts.remote?.backend === "ollama") {
    const { OllamaBackend } = await import("../backend/remote/ollama.ts");
    return new OllamaBackend({ target: opts.remote, debug: opts.debug });
  }
  const inProcess = async () => {
    const { LlamaBackend } = await import("../backend/llama.ts");
    return LlamaBackend.load({
      modelPath: opts.modelFile,
      threads: opts.settings.threads,
      log: opts.log,
      promptCacheDir: join(cacheDir(), "prompts"),
    });
  };
  if (!opts.settings.server) return inProcess();
  const [{ ServerBackend, ServerUnavailable }, { socketPath }] = await Promise.all([
    import("../server/client.ts"),
    import("../server/paths.ts"),
  ]);
  const server = new ServerBackend({
    socket: opts.socket ?? socketPath(),
    modelPath: opts.modelFile,
    threads: opts.settings.threads,
    keepAliveMs: opts.settings.keep_alive,
    note: opts.note,
  });
  return new WithFallback(server, inProcess, (e) => e instanceof ServerUnavailable, opts.note);
}

/** The server first; llama.cpp in this process when the server cannot be used. */
class WithFallback implements Backend {
  private fallback?: Backend;

  constructor(
    private primary: Backend,
    private load: () => Promise<Backend>,
    private isUnavailable: (e: unknown) => boolean,
    private note?: (message: string) => void,
  ) {}

  get model() {
    return this.primary.model;
  }

  get loadMs() {
    return (this.fallback ?? this.primary).loadMs;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    if (!this.fallback) {
      try {
        return await this.primary.generate(request);
      } catch (e) {
        if (!this.isUnavailable(e)) throw e;
        this.note?.(`the server could not be used (${(e as Error).message}); generating in this process`);
        this.fallback = await this.load();
      }
    }
    return this.fallback.generate(request);
  }

  async dispose() {
    await this.fallback?.dispose();
  }
}
