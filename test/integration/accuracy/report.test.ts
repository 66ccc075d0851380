// Flags, backends and the output's shape (end to end on five tasks).
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPublished, loadTasks } from "../../../bench/accuracy/dataset.ts";
import { openBackend } from "../../../bench/accuracy/generate.ts";
import { paperRows, parseAccuracyArgs, runAccuracyBench } from "../../../bench/accuracy/main.ts";
import type { Backend } from "../../../src/backend/types.ts";
import { tinyModel } from "../../helpers/model.ts";

const work = mkdtempSync(join(tmpdir(), "cmdai-accuracy-report-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test("flags: the gold oracle by default, oracles exclude a model, bad values are one-line errors", () => {
  expect(parseAccuracyArgs([]).choice).toEqual({ oracle: "gold" });
  expect(parseAccuracyArgs(["--model", "x.gguf", "--jobs", "3", "--limit", "7"])).toMatchObject({
    choice: { model: "x.gguf" },
    jobs: 3,
    limit: 7,
  });
  expect(() => parseAccuracyArgs(["--oracle", "silver"])).toThrow("--oracle must be");
  expect(() => parseAccuracyArgs(["--oracle", "gold", "--model", "m"])).toThrow("takes no --model");
  expect(() => parseAccuracyArgs(["--backend", "claude"])).toThrow("--backend must be");
  expect(() => parseAccuracyArgs(["--jobs", "0"])).toThrow("--jobs");
});

test("a remote backend that is not in this build says so in one line", async () => {
  for (const kind of ["openai", "ollama"] as const) {
    if (existsSync(join(import.meta.dir, "..", "..", "..", "src", "backend", `${kind}.ts`))) continue;
    await expect(openBackend({ remote: kind }, loadTasks())).rejects.toThrow(`--backend ${kind} is not available yet in this build`);
  }
});

test("the paper's rows for the same model size", () => {
  const rows = loadPublished().results;
  expect(paperRows("qwen2.5-coder-1.5b-instruct-q4_k_m", rows).map((r) => r.model)).toEqual(["qwen2.5-coder-1.5b-instruct"]);
  expect(paperRows("oracle:gold", rows).length).toBeGreaterThan(1);
});

test("tables by difficulty and fixture, and a JSONL of every task, both ending with the accuracy line", async () => {
  const out = join(work, "gold.jsonl");
  const text = await runAccuracyBench(["--oracle", "gold", "--limit", "5", "--jobs", "2", "--out", out]);
  expect(text).toContain("By difficulty:");
  expect(text).toContain("By fixture:");
  expect(text).toContain("qwen2.5-coder-1.5b-instruct");
  expect(text).toMatch(/median .*, p95 /);
  expect(text.split("\n").at(-1)).toBe("accuracy: 5/5 (1.00)");
  const lines = readFileSync(out, "utf8").trimEnd().split("\n");
  expect(lines.length).toBe(6);
  expect(lines.at(-1)).toBe("accuracy: 5/5 (1.00)");
  const first = JSON.parse(lines[0]!);
  expect(first).toMatchObject({ index: 0, expected: "ls", answer: "ls", verdict: true });
  expect(typeof first.reason).toBe("string");
}, 60_000);

test("a command the safety check blocks is never run and counts as wrong", async () => {
  const { pipelineGenerator } = await import("../../../bench/accuracy/generate.ts");
  const { openHarness, runTasks } = await import("../../../bench/accuracy/run.ts");
  const blocked: Backend = {
    model: "stub",
    loadMs: 0,
    generate: async () => ({ text: '{"cmd": "rm -rf /"}', timings: { prompt: 1, generate: 1 }, tokens: { prompt: 1, generated: 1 } }),
    dispose: async () => {},
  };
  const h = openHarness();
  try {
    const [r] = await runTasks(h, await pipelineGenerator(blocked), loadTasks().slice(0, 1), 1);
    expect(r!.answer.blocked).toBe(true);
    expect(r!.correct).toBe(false);
    expect(r!.reason).toContain("blocked by the safety check");
    expect(r!.answerRun).toBeUndefined(); // nothing was executed
  } finally {
    h.dispose();
  }
});

test("--model runs a GGUF through LlamaBackend (a random-weight test model: the words are noise)", async () => {
  const out = join(work, "tiny.jsonl");
  const text = await runAccuracyBench(["--model", await tinyModel(), "--limit", "2", "--out", out]);
  expect(text).toContain("Backend tiny");
  expect(text.split("\n").at(-1)).toMatch(/^accuracy: [0-2]\/2 \(\d\.\d\d\)$/);
  const first = JSON.parse(readFileSync(out, "utf8").split("\n")[0]!);
  expect(first.tokens.generated).toBeGreaterThan(0);
  expect(typeof first.reason).toBe("string");
}, 60_000);
