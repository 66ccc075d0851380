import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { LlamaBackend, answerConstraint, autoThreads } from "../../src/backend/llama.ts";
import { probeMachine } from "../../src/context/probe.ts";
import { runPipeline } from "../../src/generate/pipeline.ts";
import { buildPrompt, responseSchema } from "../../src/prompt/prompt.ts";
import { tinyModel } from "../helpers/model.ts";

const machine = probeMachine();
const requests = ["list files", "show disk usage", "find pdf files over 10MB", "count lines in all .ts files", "kill port 3000"];
const promptFor = (request: string) => buildPrompt({ request, shell: "bash", cwd: "/home/u", machine });
const generateIn = (b: LlamaBackend, request: string) =>
  b.generate({ prompt: promptFor(request), schema: responseSchema(48), maxTokens: 80 }).then((g) => g.text);

let backend: LlamaBackend;
beforeAll(async () => {
  backend = await LlamaBackend.load({ modelPath: await tinyModel() });
});
afterAll(() => backend?.dispose());

describe("llama.cpp backend with a generated model", () => {
  test("answers follow the JSON schema, with timings and token counts", async () => {
    const g = await backend.generate({ prompt: promptFor("list files"), schema: responseSchema(48), maxTokens: 80 });
    const parsed = JSON.parse(g.text);
    expect(typeof parsed.cmd).toBe("string");
    expect(parsed.cmd.length).toBeGreaterThan(0);
    // The grammar counts characters; random weights may emit a lone UTF-8 byte,
    // which decodes to U+FFFD per byte, so those are left out of the count.
    expect([...parsed.cmd.replace(/\uFFFD/g, "")].length).toBeLessThanOrEqual(48);
    expect(g.tokens.generated).toBeGreaterThan(0);
    expect(g.timings.prompt).toBeGreaterThanOrEqual(0);
    expect(g.timings.generate).toBeGreaterThanOrEqual(0);
  });

  test("tiny models run on one thread (threads chosen explicitly)", () => {
    expect(backend.threads).toBe(1);
  });

  test("greedy decoding is deterministic for the same request", async () => {
    expect(await generateIn(backend, "list files")).toBe(await generateIn(backend, "list files"));
  });

  test("five concurrent requests each get their own answer", async () => {
    const alone: string[] = [];
    for (const r of requests) alone.push(await generateIn(backend, r));
    // Different prompts must give at least some different answers, or the test proves nothing.
    expect(new Set(alone).size).toBeGreaterThan(1);
    const together = await Promise.all(requests.map((r) => generateIn(backend, r)));
    expect(together).toEqual(alone);
  });

  test("with two sequences, five concurrent requests all complete with valid answers", async () => {
    // Batched evaluation changes float rounding, so answers can differ from a
    // solo run; the queue must still serve every request, with valid JSON.
    const two = await LlamaBackend.load({ modelPath: await tinyModel(), sequences: 2 });
    try {
      const together = await Promise.all(requests.map((r) => generateIn(two, r)));
      expect(together).toHaveLength(5);
      for (const text of together) expect(typeof JSON.parse(text).cmd).toBe("string");
    } finally {
      await two.dispose();
    }
  });

  test("the pipeline turns the model's answer into a checked command", async () => {
    const seen: string[] = [];
    const outcome = await runPipeline({ request: "list files", shell: "bash", cwd: "/tmp", machine, maxChars: 40 }, backend, (cmd) => {
      seen.push(cmd);
      return { cmd, risk: "moderate", blocked: false, findings: [] };
    });
    expect(seen).toEqual([outcome.cmd]);
    expect(outcome.cmd).toBe(JSON.parse(outcome.raw).cmd.trim());
    expect(outcome.risk).toBe("moderate");
  });
});

describe("automatic thread count", () => {
  const big = 300e6;
  test("uses every physical core of an idle machine", () => {
    expect(autoThreads(2, big, 0.1)).toBe(2);
    expect(autoThreads(8, big, 0.4)).toBe(8);
  });
  test("leaves busy cores alone, but always keeps one thread", () => {
    expect(autoThreads(2, big, 1.6)).toBe(1);
    expect(autoThreads(8, big, 3)).toBe(5);
    expect(autoThreads(2, big, 7)).toBe(1);
  });
  test("tiny models use one thread", () => {
    expect(autoThreads(8, 1e6, 0)).toBe(1);
  });
});

describe("answer constraint (pre-filled prefix + grammar for the rest)", () => {
  test('a command schema pre-fills {"cmd": " and bounds the string as the schema does', () => {
    const c = answerConstraint(responseSchema(72))!;
    expect(c.prefix).toBe('{"cmd": "');
    expect(c.gbnf).toContain("root ::= char{1,72}");
    const withExplanation = answerConstraint(responseSchema(72, true))!;
    expect(withExplanation.gbnf).toContain(String.raw`"\", \"explanation\": \"" char{0,160}`);
  });

  test("schemas it cannot express exactly fall back to the JSON-schema grammar", () => {
    expect(answerConstraint({ type: "object", properties: { n: { type: "number" } }, required: ["n"] })).toBeUndefined();
    expect(answerConstraint({ type: "object", properties: { cmd: { type: "string" } }, required: [] })).toBeUndefined();
    expect(answerConstraint({ type: "array" })).toBeUndefined();
  });

  test("with --explain the answer is one JSON object with both strings", async () => {
    const g = await backend.generate({ prompt: promptFor("list files"), schema: responseSchema(30, true), maxTokens: 600 });
    const parsed = JSON.parse(g.text);
    expect(Object.keys(parsed)).toEqual(["cmd", "explanation"]);
    expect(typeof parsed.explanation).toBe("string");
  });
});
