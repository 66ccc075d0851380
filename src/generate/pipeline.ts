// Request -> prompt -> backend -> parsed command -> safety verdict, for one request and one backend.
import type { Backend } from "../backend/types.ts";
import type { MachineContext } from "../context/probe.ts";
import { buildPrompt, responseSchema, type PromptInput } from "../prompt/prompt.ts";
import { parseResponse } from "../response/parse.ts";
import type { CheckResult } from "../safety/index.ts";
import { CmdaiError, ExitCode } from "../core/errors.ts";

export interface PipelineInput {
  request: string;
  shell: PromptInput["shell"];
  cwd: string;
  machine: MachineContext;
  fix?: PromptInput["fix"];
  explain?: boolean;
  /** Longest command accepted from the model, in characters. */
  maxChars?: number;
  signal?: AbortSignal;
}

export interface Outcome extends CheckResult {
  explanation?: string;
  raw: string;
  timings: { prompt: number; generate: number; check: number };
  tokens: { prompt: number; generated: number };
}

export const defaultMaxChars = 300;
/**
 * The bounds of maxChars. llama.cpp refuses a grammar whose bounded repetition
 * is much longer (it expands every repeat into rules), and a longer command is
 * no longer one a person reads before pressing Enter.
 */
export const maxCharsRange = [8, 1000] as const;

/** Request → prompt → model → parsed command → safety verdict. */
export async function runPipeline(
  input: PipelineInput,
  backend: Backend,
  check: (cmd: string) => CheckResult | Promise<CheckResult>,
): Promise<Outcome> {
  const prompt = buildPrompt(input);
  const maxChars = input.maxChars ?? defaultMaxChars;
  const generation = await backend.generate({
    prompt,
    schema: responseSchema(maxChars, input.explain),
    // Only a backstop: the grammar ends the string. A character can take up to
    // six tokens (UTF-8 byte tokens, or a \uXXXX escape).
    maxTokens: 6 * maxChars + (input.explain ? 400 : 64),
    signal: input.signal,
  });
  const parsed = parseResponse(generation.text);
  if (!parsed) throw new CmdaiError("the model gave no usable command; try rephrasing the request", ExitCode.noCommand);
  const started = performance.now();
  const verdict = await check(parsed.cmd);
  const checkMs = performance.now() - started;
  return {
    ...verdict,
    ...(parsed.explanation ? { explanation: parsed.explanation } : {}),
    raw: generation.text,
    timings: { ...generation.timings, check: checkMs },
    tokens: generation.tokens,
  };
}
