// The seam between the pipeline and whatever runs the model: the in-process
// llama.cpp backend today, remote servers (Ollama, OpenAI-compatible) later.

import type { Prompt } from "../prompt/prompt.ts";

export interface GenerateRequest {
  prompt: Prompt;
  /** JSON schema the answer must follow (enforced by grammar where supported). */
  schema: object;
  maxTokens: number;
  signal?: AbortSignal;
}

export interface Generation {
  text: string;
  /** Milliseconds spent evaluating the prompt and generating the answer. */
  timings: { prompt: number; generate: number };
  tokens: { prompt: number; generated: number };
}

export interface Backend {
  /** A short name of the model, for --json output. */
  readonly model: string;
  /** Milliseconds the model took to load. */
  readonly loadMs: number;
  generate(request: GenerateRequest): Promise<Generation>;
  dispose(): Promise<void>;
}
