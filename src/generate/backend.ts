import { join } from "node:path";
import type { Backend } from "../backend/types.ts";
import type { Settings } from "../config/config.ts";
import { cacheDir } from "../config/paths.ts";

// The Backend that runs the model for a request in this process: llama.cpp
// (node-llama-cpp), loaded here. The resident server (src/server/) holds one
// of these for many requests; remote backends will be chosen here too.

export interface OpenOptions {
  settings: Pick<Settings, "threads">;
  modelFile: string;
  /** llama.cpp's log lines (debug output). */
  log?: (line: string) => void;
}

export async function openBackend(opts: OpenOptions): Promise<Backend> {
  const { LlamaBackend } = await import("../backend/llama.ts");
  return LlamaBackend.load({
    modelPath: opts.modelFile,
    threads: opts.settings.threads,
    log: opts.log,
    promptCacheDir: join(cacheDir(), "prompts"),
  });
}
