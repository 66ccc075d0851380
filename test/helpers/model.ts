import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestModel } from "../../scripts/gguf/make.ts";

// One random-weight tiny model per test process (~0.2 MB, written in ms).
let tiny: Promise<string> | undefined;
export function tinyModel(): Promise<string> {
  tiny ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), "cmdai-model-")), "tiny.gguf");
    await makeTestModel({ shape: "tiny", quant: "q8_0", out });
    return out;
  })();
  return tiny;
}

// The same tiny model steered to answer in plain words (" the", " and"): its
// commands are valid text, so no test sees a warning about broken UTF-8.
let steered: Promise<string> | undefined;
export function steeredModel(): Promise<string> {
  steered ??= (async () => {
    const { DEFAULT_STEER } = await import("../../scripts/gguf/make.ts");
    const out = join(mkdtempSync(join(tmpdir(), "cmdai-model-")), "tiny.gguf");
    await makeTestModel({ shape: "tiny", quant: "q8_0", out, steer: DEFAULT_STEER });
    return out;
  })();
  return steered;
}

// A steered model with enough layers that a long answer (--max-chars 1000)
// takes a second or more: for tests that interrupt a generation under way.
let small: Promise<string> | undefined;
export function slowModel(): Promise<string> {
  small ??= (async () => {
    const { DEFAULT_STEER } = await import("../../scripts/gguf/make.ts");
    const out = join(mkdtempSync(join(tmpdir(), "cmdai-model-")), "small.gguf");
    await makeTestModel({ shape: "small", quant: "q4_0", out, steer: DEFAULT_STEER });
    return out;
  })();
  return small;
}
