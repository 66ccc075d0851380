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
