import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GgufInsights, LlamaChatSession, getLlama, readGgufFileInfo } from "node-llama-cpp";
import { makeTestModel, planTestModel } from "../../scripts/gguf/make.ts";
import { CHATML_TEMPLATE } from "../../scripts/gguf/shapes.ts";
import { GgmlType, QK, encodeQ4_0, encodeQ8_0, f32ToF16, normalSource, planGguf, kv, writeGguf } from "../../scripts/gguf/writer.ts";

let dir: string;
let tinyPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cmdai-gguf-"));
  tinyPath = join(dir, "tiny.gguf");
  await makeTestModel({ shape: "tiny", quant: "q8_0", seed: 42, out: tinyPath });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Reads a half-precision value back (for checking the encoders' output).
function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

describe("encoders", () => {
  test("f32ToF16 rounds like a hardware cast", () => {
    const values = [0, -0, 1, -2, 0.1, 65504, 65520, 1e6, 6e-8, 3e-8, 1e-10, 2 ** -14, 0.333333, Infinity, -Infinity];
    const rng = normalSource(7, 10);
    const random = new Float32Array(2000);
    rng(random);
    for (const v of [...values, ...random]) {
      const expected = Math.fround(Math.f16round(v));
      expect(f16ToF32(f32ToF16(v))).toBe(expected);
    }
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(NaN) & 0x7c00).toBe(0x7c00);
  });

  test("Q8_0 and Q4_0 round-trip within a quantization step", () => {
    const src = new Float32Array(QK * 64);
    normalSource(3, 0.02)(src);
    const q8 = new Uint8Array((src.length / QK) * 34);
    const q4 = new Uint8Array((src.length / QK) * 18);
    expect(encodeQ8_0(src, q8)).toBe(q8.length);
    expect(encodeQ4_0(src, q4)).toBe(q4.length);
    for (let b = 0; b < src.length / QK; b++) {
      const d8 = f16ToF32(q8[b * 34]! | (q8[b * 34 + 1]! << 8));
      const d4 = f16ToF32(q4[b * 18]! | (q4[b * 18 + 1]! << 8));
      for (let j = 0; j < QK; j++) {
        const x = src[b * QK + j]!;
        const v8 = ((q8[b * 34 + 2 + j]! << 24) >> 24) * d8; // int8
        const byte = q4[b * 18 + 2 + (j % 16)]!;
        const v4 = ((j < 16 ? byte & 15 : byte >> 4) - 8) * d4; // low nibbles hold the first half
        // Half a step, plus the scale's own f16 rounding (up to 127 * 2^-11 steps for Q8_0).
        // Q4_0 maps the largest magnitude to -8, so its opposite extreme clamps at +7: one step.
        expect(Math.abs(v8 - x)).toBeLessThanOrEqual(Math.abs(d8) * 0.6);
        expect(Math.abs(v4 - x)).toBeLessThanOrEqual(Math.abs(d4) * 1.01);
      }
    }
  });

  test("rejects a quantized tensor whose rows are not whole blocks", () => {
    expect(() => planGguf({}, [{ name: "w", dims: [48, 2], type: GgmlType.Q4_0, source: () => () => {} }])).toThrow(/multiple of 32/);
  });

  test("writes every metadata value type and aligns tensor data", async () => {
    const path = join(dir, "types.gguf");
    const plan = planGguf(
      {
        "general.architecture": kv.str("llama"),
        "t.u8": kv.u8(200),
        "t.i8": kv.i8(-5),
        "t.u16": kv.u16(60000),
        "t.i16": kv.i16(-300),
        "t.u32": kv.u32(4e9),
        "t.i32": kv.i32(-7),
        "t.f32": kv.f32(1.5),
        "t.f64": kv.f64(0.25),
        "t.u64": kv.u64(2n ** 40n),
        "t.i64": kv.i64(-(2n ** 40n)),
        "t.bool": kv.bool(true),
        "t.str": kv.str("héllo 🚀"),
        "t.strs": kv.arr("string", ["a", "", "ü"]),
        "t.f32s": kv.arr("f32", [0.5, -1]),
        "t.i32s": kv.arr("i32", [1, -2, 3]),
      },
      [
        { name: "a", dims: [3], type: GgmlType.F32, source: () => (out) => out.fill(2) },
        { name: "b", dims: [32, 2], type: GgmlType.F16, source: () => (out) => out.fill(1) },
      ],
    );
    await writeGguf(path, plan);
    const bytes = await readFile(path);
    expect(bytes.length).toBe(plan.totalBytes);
    expect(plan.header.length % 32).toBe(0);
    expect(plan.tensors.map((t) => t.offset)).toEqual([0, 32]);
    const info = await readGgufFileInfo(path, { logWarnings: false });
    const t = (info.metadata as unknown as { t: Record<string, unknown> }).t;
    expect(t).toEqual({
      u8: 200,
      i8: -5,
      u16: 60000,
      i16: -300,
      u32: 4e9,
      i32: -7,
      f32: 1.5,
      f64: 0.25,
      u64: 2n ** 40n,
      i64: -(2n ** 40n),
      bool: true,
      str: "héllo 🚀",
      strs: ["a", "", "ü"],
      f32s: [0.5, -1],
      i32s: [1, -2, 3],
    });
    const dataStart = Number(info.tensorInfo![1]!.fileOffset);
    expect(dataStart).toBe(plan.header.length + 32);
    expect(bytes.readUInt16LE(dataStart)).toBe(0x3c00); // f16 1.0
    expect((await readdir(dir)).some((f) => f.endsWith(".tmp"))).toBe(false);
  });
});

describe("tiny model", () => {
  test("header reads back with node-llama-cpp", async () => {
    const info = await readGgufFileInfo(tinyPath, { logWarnings: false });
    expect(info.version).toBe(3);
    expect(String(info.metadata.general.architecture)).toBe("llama");
    expect(Number(info.metadata.general.file_type)).toBe(7); // MOSTLY_Q8_0
    expect(info.architectureMetadata.embedding_length).toBe(64);
    expect(info.architectureMetadata.block_count).toBe(2);
    expect(Number(info.tensorCount)).toBe(1 + 2 * 9 + 1);
    const tok = info.metadata.tokenizer;
    expect(String(tok.ggml.model)).toBe("gpt2");
    expect(tok.ggml.tokens.length).toBe(1024);
    expect(tok.ggml.tokens.slice(1021)).toEqual(["<|endoftext|>", "<|im_start|>", "<|im_end|>"]);
    expect(tok.ggml.eos_token_id).toBe(1023);
    expect(tok.chat_template).toBe(CHATML_TEMPLATE);
    expect(Number(info.tensorInfo!.find((t) => t.name === "blk.0.attn_q.weight")?.ggmlType)).toBe(GgmlType.Q8_0);
    expect((await readFile(tinyPath)).length).toBeLessThan(1_000_000);
  });

  test("same seed gives the same bytes, another seed does not", async () => {
    const again = join(dir, "again.gguf");
    const other = join(dir, "other.gguf");
    await makeTestModel({ shape: "tiny", quant: "q8_0", seed: 42, out: again });
    await makeTestModel({ shape: "tiny", quant: "q8_0", seed: 43, out: other });
    const [a, b, c] = await Promise.all([readFile(tinyPath), readFile(again), readFile(other)]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  test("loads and answers a grammar-constrained chat prompt with odd characters", async () => {
    const llama = await getLlama({ gpu: false, build: "never" });
    const model = await llama.loadModel({ modelPath: tinyPath });
    try {
      const context = await model.createContext({ contextSize: 512, threads: 1 });
      const session = new LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: "Answer with a JSON command." });
      expect(session.chatWrapper.wrapperName).toBe("ChatML");
      const grammar = await llama.createGrammarForJsonSchema({
        type: "object",
        properties: { cmd: { type: "string", maxLength: 40 } },
        required: ["cmd"],
      } as const);
      // Non-ASCII, emoji, tab and NUL: all must go through the byte tokens without aborting.
      const prompt = "list the files named café 🚀 in\tthis folder — ünïcödé 日本語 \u0000 done";
      expect(model.detokenize(model.tokenize(prompt))).toBe(prompt);
      const answer = await session.prompt(prompt, { grammar, temperature: 0, maxTokens: 60 });
      const parsed: unknown = JSON.parse(answer); // not grammar.parse: random bytes can be partial UTF-8
      expect(parsed).toBeObject();
      expect(typeof (parsed as { cmd: unknown }).cmd).toBe("string");
    } finally {
      await model.dispose();
    }
  }, 30_000);
});

describe("qwen shapes (planned, not written)", () => {
  test("qwen0.5b q4_0 header has the real Qwen2.5 shapes and a ~280 MB size", async () => {
    const plan = planTestModel({ shape: "qwen0.5b", quant: "q4_0" });
    expect(plan.tensors.length).toBe(1 + 24 * 12 + 1);
    expect(plan.totalBytes).toBeGreaterThan(270e6);
    expect(plan.totalBytes).toBeLessThan(290e6);
    expect(plan.tensors.some((t) => t.name === "output.weight")).toBe(false); // tied embeddings

    // The header alone is a valid prefix for readGgufFileInfo, which never reads tensor data.
    const path = join(dir, "qwen-header.gguf");
    await writeFile(path, plan.header);
    const info = await readGgufFileInfo(path, { logWarnings: false });
    const arch = info.architectureMetadata;
    expect(String(info.metadata.general.architecture)).toBe("qwen2");
    expect(Number(info.metadata.general.file_type)).toBe(2); // MOSTLY_Q4_0
    expect([arch.embedding_length, arch.block_count, arch.feed_forward_length]).toEqual([896, 24, 4864]);
    expect([arch.attention?.head_count, arch.attention?.head_count_kv]).toEqual([14, 2]);
    expect(arch.context_length).toBe(32768);
    expect(arch.rope?.freq_base).toBe(1000000);
    const tok = info.metadata.tokenizer;
    expect(tok.ggml.tokens.length).toBe(151936);
    expect(tok.ggml.tokens.slice(151643, 151646)).toEqual(["<|endoftext|>", "<|im_start|>", "<|im_end|>"]);
    expect(tok.ggml.eos_token_id).toBe(151645);
    const byName = new Map(info.tensorInfo!.map((t) => [t.name, t]));
    expect(byName.get("token_embd.weight")?.dimensions).toEqual([896, 151936]);
    expect(byName.get("blk.0.attn_k.weight")?.dimensions).toEqual([896, 128]);
    expect(byName.get("blk.0.attn_q.bias")?.dimensions).toEqual([896]);
    expect(byName.get("blk.23.ffn_down.weight")?.dimensions).toEqual([4864, 896]);

    // node-llama-cpp's own size estimate agrees with the planned data size.
    const insights = await GgufInsights.from(info);
    expect(Math.abs(insights.modelSize - plan.dataBytes) / plan.dataBytes).toBeLessThan(0.01);
  }, 60_000); // planning a 152k-token vocabulary: seconds on a loaded machine

  test("qwen1.5b q4_0 plans ~870 MB", () => {
    const plan = planTestModel({ shape: "qwen1.5b", quant: "q4_0" });
    expect(plan.tensors.length).toBe(1 + 28 * 12 + 1);
    expect(plan.totalBytes).toBeGreaterThan(850e6);
    expect(plan.totalBytes).toBeLessThan(890e6);
  }, 60_000); // planning a 152k-token vocabulary: seconds on a loaded machine
});

describe("make-test-model CLI", () => {
  const run = (...args: string[]) => {
    const p = Bun.spawnSync(["bun", "run", join(import.meta.dir, "../../scripts/make-test-model.ts"), ...args], {
      stderr: "pipe",
      stdout: "pipe",
    });
    return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
  };

  test("bad arguments: one clear line, exit 2", () => {
    for (const args of [
      ["--shape", "huge", "--quant", "q4_0", "x.gguf"],
      ["--shape", "tiny", "--quant", "q4_k", "x.gguf"],
      ["--shape", "tiny", "--quant", "f16"],
      ["--shape", "tiny", "--quant", "f16", "--seed", "-1", "x.gguf"],
      ["--bogus"],
    ]) {
      const r = run(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toStartWith("make-test-model: ");
      expect(r.stderr).not.toContain("    at ");
    }
  });

  test("writes a model and prints only a summary on stderr", () => {
    const out = join(dir, "cli.gguf");
    const r = run("--shape", "tiny", "--quant", "q4_0", "--seed", "5", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("wrote ");
    expect(Bun.file(out).size).toBe(planTestModel({ shape: "tiny", quant: "q4_0", seed: 5 }).totalBytes);
  });
});

describe("steered test model", () => {
  test("greedy decoding picks only the two steering tokens, so the answer is valid JSON-string text", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { DEFAULT_STEER, makeTestModel } = await import("../../scripts/gguf/make.ts");
    const { LlamaBackend } = await import("../../src/backend/llama.ts");
    const { buildPrompt, responseSchema } = await import("../../src/prompt/prompt.ts");
    const out = join(mkdtempSync(join(tmpdir(), "cmdai-steer-")), "steer.gguf");
    await makeTestModel({ shape: "tiny", quant: "q8_0", out, steer: DEFAULT_STEER });
    const backend = await LlamaBackend.load({ modelPath: out });
    try {
      const machine = { os: "Linux" as const, arch: "x64", userland: "GNU" as const, tools: [] };
      for (const request of ["list files", "show disk usage"]) {
        const g = await backend.generate({
          prompt: buildPrompt({ request, shell: "bash", cwd: "/", machine }),
          schema: responseSchema(40),
          maxTokens: 200,
        });
        // The first and last tokens of the string are chosen by the grammar (the
        // quote may carry a character; the length bound cuts the last word);
        // every token between them is the model's own choice.
        const words = (JSON.parse(g.text).cmd as string).trim().split(" ").slice(1, -1);
        expect(words.length).toBeGreaterThan(3);
        for (const w of words) expect(["the", "and"]).toContain(w);
      }
    } finally {
      await backend.dispose();
    }
  });
});
