#!/usr/bin/env bun
// Benchmark of the helper (issue 3): cold --help, cold end-to-end, warm
// per-request time, pipeline overhead over raw llama.cpp, and max RSS, each
// against a baseline measured in the same run. Models are random-weight GGUFs
// with real Qwen2.5 shapes: the speed is real, the words are not.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { makeTestModel } from "../scripts/gguf/make.ts";
import { LlamaBackend } from "../src/backend/llama.ts";
import { probeMachine } from "../src/context/probe.ts";
import { runPipeline } from "../src/generate/pipeline.ts";
import { buildPrompt, responseSchema } from "../src/prompt/prompt.ts";
import { mb, median, ms, ratio, repeat, table, timed, verdict } from "./lib.ts";

const root = resolve(import.meta.dir, "..");
const work = join(root, ".bench");
const dist = join(root, "dist", "cmdai");

// About 25 generated tokens with the Qwen-shaped vocabulary (measured below).
const maxChars = 60;
const requests = ["list files by size", "find pdf files over 10MB in Downloads", "show disk usage of this folder", "count lines of code in src", "which process listens on port 8080"];

/** The 0.5B-shaped Q4_0 model, generated once and kept under .bench/ (ignored by git). */
export async function benchModel(shape: "qwen0.5b" | "qwen1.5b" = "qwen0.5b"): Promise<string> {
  mkdirSync(work, { recursive: true });
  const out = join(work, `${shape}-q4_0.gguf`);
  if (!existsSync(out)) await makeTestModel({ shape, quant: "q4_0", out });
  return out;
}

async function helloWorld(): Promise<string> {
  const dir = join(work, "hello");
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, "hello");
  if (!existsSync(exe)) {
    writeFileSync(join(dir, "hello.ts"), 'console.log("hello");\n');
    const r = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", "--bytecode", join(dir, "hello.ts"), "--outfile", exe]);
    if (r.exitCode !== 0) throw new Error(`cannot build the hello-world baseline: ${r.stderr}`);
  }
  return exe;
}

function ensureBuilt() {
  if (existsSync(dist)) return;
  const r = Bun.spawnSync([process.execPath, "run", "build"], { cwd: root, stderr: "inherit" });
  if (r.exitCode !== 0) throw new Error("bun run build failed");
}

/** Raw node-llama-cpp: evaluate exactly these prompt tokens, then generate n tokens greedily. */
async function rawGenerate(backend: LlamaBackend, promptTokens: number[], n: number, modelPath: string) {
  const { getLlama } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never" });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 2048, threads: backend.threads, batchSize: 512 });
  const sequence = context.getSequence();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sequence.clearHistory();
    const started = performance.now();
    let count = 0;
    for await (const _ of sequence.evaluate(promptTokens as never, { temperature: 0 })) if (++count >= n) break;
    times.push(performance.now() - started);
  }
  await context.dispose();
  await model.dispose();
  return median(times);
}

export async function runHelperBench(): Promise<string> {
  ensureBuilt();
  const model = await benchModel();
  const hello = await helloWorld();
  const env = { ...process.env, HOME: join(work, "home"), XDG_CACHE_HOME: join(work, "home", ".cache"), XDG_CONFIG_HOME: join(work, "home", ".config") };
  // Unpack the natives once, so "cold" means a new process, not a first install.
  await timed([dist, "--model", model, "--max-chars", "8", "warm up"], env);

  const helloRuns = await repeat(25, [hello], env);
  const helpRuns = await repeat(25, [dist, "--help"], env);
  const helpMs = median(helpRuns.map((r) => r.ms));
  const helloMs = median(helloRuns.map((r) => r.ms));

  const e2eRuns = await repeat(7, [dist, "--model", model, "--max-chars", String(maxChars), "--json", requests[0]!], env);
  const e2eMs = median(e2eRuns.map((r) => r.ms));
  const maxRss = Math.max(...e2eRuns.map((r) => r.maxRss));
  const inner = JSON.parse(e2eRuns[e2eRuns.length >> 1]!.stdout).timings_ms as Record<string, number>;

  // Warm: one process, one loaded model, requests one after another.
  const backend = await LlamaBackend.load({ modelPath: model });
  const machine = probeMachine();
  const check = (cmd: string) => ({ cmd, risk: "safe" as const, blocked: false, findings: [] });
  const pipeline = (request: string) => runPipeline({ request, shell: "bash", cwd: root, machine, maxChars }, backend, check);
  await pipeline("warm up");
  const warm: number[] = [];
  const generated: number[] = [];
  for (const r of requests) {
    const started = performance.now();
    const o = await pipeline(r);
    warm.push(performance.now() - started);
    generated.push(o.tokens.generated);
  }
  // First request of a fresh sequence (whole prompt evaluated) vs raw llama.cpp on the same tokens.
  const first: number[] = [];
  let promptTokens: number[] = [];
  let genTokens = 0;
  for (let i = 0; i < 5; i++) {
    await backend.forgetCache();
    const started = performance.now();
    const o = await pipeline(requests[0]!);
    first.push(performance.now() - started);
    genTokens = o.tokens.generated;
    const all = backend.lastTokens();
    promptTokens = all.slice(0, all.length - genTokens + 1);
  }
  await backend.dispose();
  const rawMs = await rawGenerate(backend, promptTokens, genTokens, model);
  const firstMs = median(first);
  const warmMs = median(warm);
  const overhead = firstMs / rawMs - 1;

  const rows = [
    ["`dist/cmdai --help`, cold (median of 25)", ms(helpMs), `hello-world bun binary ${ms(helloMs)}`, ratio(helpMs / helloMs), "≤ 15 ms", verdict(helpMs <= 15)],
    [`cold end-to-end, 0.5B-shape Q4_0 (median of 7)`, ms(e2eMs), `load ${ms(inner.load!)}, prompt ${ms(inner.prompt!)}, generate ${ms(inner.generate!)}`, "", "≤ 2.5 s", verdict(e2eMs <= 2500)],
    [`warm request, same process (median of ${warm.length})`, ms(warmMs), `system prompt reused from KV cache`, "", "≤ 0.6 s", verdict(warmMs <= 600)],
    [`pipeline vs raw llama.cpp, same ${promptTokens.length} prompt + ${genTokens} generated tokens`, ms(firstMs), `raw evaluate ${ms(rawMs)}`, ratio(firstMs / rawMs), "overhead ≤ 10 %", verdict(overhead <= 0.1)],
    ["max RSS, cold end-to-end", mb(maxRss), `model file ${mb(Bun.file(model).size)}`, ratio(maxRss / Bun.file(model).size), "≤ 900 MB", verdict(maxRss <= 900e6)],
  ];
  return [
    `### Helper (${new Date().toISOString().slice(0, 10)}, ${navigator.hardwareConcurrency} CPUs, threads ${backend.threads})`,
    "",
    table(["measure", "cmdai", "baseline / breakdown", "ratio", "target", ""], rows),
    "",
    `Generated tokens per request: ${generated.join(", ")} (max ${maxChars} characters).`,
  ].join("\n");
}

if (import.meta.main) console.log(await runHelperBench());
