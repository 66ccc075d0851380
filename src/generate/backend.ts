import { join } from "node:path";
import type { Backend, GenerateRequest, Generation } from "../backend/types.ts";
import type { Settings } from "../config/config.ts";
import { cacheDir } from "../config/paths.ts";

// Which backend runs the model for a request: the resident server (the
// default, started on demand), or llama.cpp in this process (`server = false`,
// CMDAI_SERVER=0, or when the server cannot be used).

export interface OpenOptions {
  settings: Pick<Settings, "server" | "threads" | "keep_alive">;
  modelFile: string;
  /** The user chose keep_alive (config or env), rather than the default. */
  keepAliveSet?: boolean;
  /** llama.cpp's log lines (debug output). */
  log?: (line: string) => void;
  /** One short line for the user when the server could not be used or was replaced. */
  note?: (message: string) => void;
  /** The server's socket (default: the per-user one). */
  socket?: string;
}

export async function openBackend(opts: OpenOptions): Promise<Backend> {
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
    sendKeepAlive: opts.keepAliveSet,
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
