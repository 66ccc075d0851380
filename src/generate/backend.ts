// Which Backend runs the model for a request in this process: a remote server
// (`backend = "openai" | "ollama"`), or llama.cpp (node-llama-cpp) loaded
// here. The resident server (src/server/) holds one local backend for many
// requests. The remote path never imports node-llama-cpp.

import { join } from "node:path";
import type { Backend } from "../backend/types.ts";
import type { Settings } from "../config/config.ts";
import { cacheDir } from "../config/paths.ts";
import type { RemoteTarget } from "../config/remote.ts";
import type { CommandRequest, CommandResult } from "./generate.ts";

export interface OpenOptions {
  settings: Pick<Settings, "threads">;
  /** The remote server, when the backend is not local (config/remote.ts). */
  remote?: RemoteTarget;
  /** Debug lines (--verbose), e.g. the remote request's body (never a credential). */
  debug?: (line: string) => void;
  /** The GGUF file (the local backend only). */
  modelFile: string;
  /** llama.cpp's log lines (debug output). */
  log?: (line: string) => void;
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
  const { LlamaBackend } = await import("../backend/llama.ts");
  return LlamaBackend.load({
    modelPath: opts.modelFile,
    threads: opts.settings.threads,
    log: opts.log,
    promptCacheDir: join(cacheDir(), "prompts"),
  });
}

/** A request answered in this process, on the backend openBackend chooses. */
export async function generateHere(request: CommandRequest, opts: OpenOptions): Promise<CommandResult> {
  const { generate } = await import("./generate.ts");
  return generate(request, await openBackend(opts));
}
