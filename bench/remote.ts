#!/usr/bin/env bun
// Benchmark of the OpenAI-compatible backend (issue 17), against llama.cpp's
// own llama-server on the 0.5B-shaped Q4_0 model (steered, so its answer is
// plain words): cmdai's added time over a direct HTTP request with the very
// same body to the same server (process start and the safety check
// included), and the peak memory of a remote request. Baselines from the same
// run, runs alternated so that drift hits all alike.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { llamaServerBinary, startLlamaServer } from "../test/helpers/llama-server.ts";
import { answer, faultServer } from "../test/integration/remote/fault-server.ts";
import { benchModel } from "./helper.ts";
import { mb, median, ms, table, timed, verdict, type Timed } from "./lib.ts";

const root = resolve(import.meta.dir, "..");
const work = join(root, ".bench");
const dist = join(root, "dist", "cmdai");
const rounds = 15;
const signed = (x: number) => (x < 0 ? `-${ms(-x)}` : `+${ms(x)}`);

/**
 * The same request the way a client without cmdai would send it: one
 * streamed POST, read to the end; with `stopWhenWhole`, read only until the
 * answer is one whole JSON object, the point where cmdai stops reading (and
 * the server stops generating), so that both wait for the same tokens.
 */
async function direct(url: string, body: string, stopWhenWhole = false): Promise<number> {
  const started = performance.now();
  // A fresh connection each time, as cmdai's one request per process has.
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    keepalive: false,
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`direct request: HTTP ${res.status}`);
  if (!stopWhenWhole) {
    await res.text();
    return performance.now() - started;
  }
  const decoder = new TextDecoder();
  let pending = "";
  let text = "";
  for await (const chunk of res.body!) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith("data: {")) continue;
      text += JSON.parse(line.slice(6)).choices?.[0]?.delta?.content ?? "";
      try {
        if (text.trim().endsWith("}")) {
          JSON.parse(text);
          return performance.now() - started; // leaving the loop closes the stream
        }
      } catch {}
    }
  }
  return performance.now() - started;
}

/**
 * Waits until the server's slot is free. A client that stops reading at the
 * whole answer (cmdai, and the baseline that does the same) leaves the server
 * to notice and finish its step; the next request must not wait for that.
 */
async function idle(server: string) {
  for (let i = 0; i < 400; i++) {
    const slots = (await (await fetch(`${server}/slots`)).json()) as { is_processing: boolean }[];
    if (!slots.some((s) => s.is_processing)) return;
    await Bun.sleep(5);
  }
}

function ok(run: Timed, what: string): Timed {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}: ${run.stderr.trim()}`);
  return run;
}

export async function runRemoteBench(): Promise<string> {
  if (!existsSync(dist)) throw new Error(`${dist} is missing (bun run build)`);
  const binary = llamaServerBinary();
  if (!binary.path) throw new Error(binary.why);
  const model = await benchModel("qwen0.5b", true);
  // One server thread, so the server has a core of its own, as a remote server
  // has its own machine. With 2 threads on these 2 cores, any client CPU (cmdai's
  // ~40 ms: process start, the safety parser's WASM) stalls both, as ggml's
  // threads wait for each other at every step: that measures the machine, not
  // cmdai. BENCH_THREADS=2 shows it.
  const threads = Number(process.env.BENCH_THREADS) || 1;
  const home = join(work, "remote-home");
  rmSync(home, { recursive: true, force: true });
  for (const d of [".config", ".cache"]) mkdirSync(join(home, d), { recursive: true });
  const server = await startLlamaServer(binary.path, model, { threads, timeoutMs: 60_000 });
  try {
    const base = `${server.url}/v1`;
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_CACHE_HOME: join(home, ".cache"),
      SHELL: "/bin/bash",
      CMDAI_BACKEND: "openai",
      OPENAI_BASE_URL: base,
      CMDAI_TIMEOUT: "60",
    };
    const request = "list files by size";
    // About 25 generated tokens, as in the helper benchmark.
    const cmd = (...args: string[]) => [dist, "--max-chars", "96", ...args];
    const named = { ...env, CMDAI_MODEL: model };
    // The body cmdai sends, from its own --verbose line (which never holds a credential).
    const first = ok(await timed(cmd("--verbose", request), named), "cmdai --verbose");
    const line = first.stderr.split("\n").find((l) => l.startsWith(`cmdai: POST ${base}/chat/completions `));
    if (!line) throw new Error(`no request body in cmdai --verbose output:\n${first.stderr}`);
    const body = line.slice(`cmdai: POST ${base}/chat/completions `.length);
    const chatUrl = `${base}/chat/completions`;
    const curl = Bun.which("curl");

    const directMs: number[] = [];
    const stopMs: number[] = [];
    const curlMs: number[] = [];
    const namedRuns: Timed[] = [];
    const discoverRuns: Timed[] = [];
    await direct(chatUrl, body); // the prompt is in the server's cache from here on, for every client alike
    for (let i = 0; i < rounds; i++) {
      await idle(server.url);
      directMs.push(await direct(chatUrl, body));
      await idle(server.url);
      stopMs.push(await direct(chatUrl, body, true));
      await idle(server.url);
      namedRuns.push(ok(await timed(cmd(request), named), "cmdai"));
      await idle(server.url);
      discoverRuns.push(ok(await timed(cmd(request), env), "cmdai (discovery)"));
      await idle(server.url);
      if (curl)
        curlMs.push(
          ok(
            await timed([curl, "-sSN", "--max-time", "60", "-H", "content-type: application/json", "--data-binary", body, chatUrl]),
            "curl",
          ).ms,
        );
    }
    const commands = new Set(namedRuns.map((r) => r.stdout));
    const jsonRun = JSON.parse(ok(await timed(cmd("--json", request), named), "cmdai --json").stdout) as {
      timings_ms: Record<string, number>;
    };
    const check = ok(await timed([dist, "check", "ls -la | sort -k5 -n"], env), "cmdai check");
    const helpRuns: number[] = [];
    for (let i = 0; i < rounds; i++) helpRuns.push(ok(await timed([dist, "--help"], env), "cmdai --help").ms);
    const help = median(helpRuns);
    // cmdai's own cost alone: a server that answers at once (the same command), so
    // nothing overlaps with generation and no CPU is shared with llama-server.
    const instant = faultServer(() => answer(namedRuns[0]!.stdout.trim()));
    const instantEnv = { ...named, OPENAI_BASE_URL: `${instant.url}/v1` };
    const instantDirect: number[] = [];
    const instantCmdai: Timed[] = [];
    let instantJson: { timings_ms: Record<string, number> };
    try {
      for (let i = 0; i < rounds; i++) {
        instantDirect.push(await direct(`${instant.url}/v1/chat/completions`, body));
        instantCmdai.push(ok(await timed(cmd(request), instantEnv), "cmdai (instant server)"));
      }
      instantJson = JSON.parse(ok(await timed(cmd("--json", request), instantEnv), "cmdai --json (instant server)").stdout);
    } finally {
      instant.stop();
    }
    const llamaLoaded = existsSync(join(home, ".cache", "cmdai", "runtime"));

    const full = median(directMs);
    const d = median(stopMs);
    const n = median(namedRuns.map((r) => r.ms));
    const disc = median(discoverRuns.map((r) => r.ms));
    // Runs alternate, so a round's difference cancels most of the drift in the server's speed.
    const pairedNamed = median(namedRuns.map((r, i) => r.ms - stopMs[i]!));
    const pairedDisc = median(discoverRuns.map((r, i) => r.ms - stopMs[i]!));
    const rss = Math.max(...namedRuns.map((r) => r.maxRss), ...discoverRuns.map((r) => r.maxRss));
    const rows = [
      [
        `direct request, same body, in-process fetch, stops at the whole answer (median of ${rounds})`,
        ms(d),
        "the baseline: the same tokens cmdai waits for",
        "",
        "",
      ],
      [`  the same, read to the end of the stream`, ms(full), `${signed(full - d)}: the server's last step after the answer`, "", ""],
      ...(curl
        ? [
            [
              `  curl, same body, new process, to the end (median of ${rounds})`,
              ms(median(curlMs)),
              `${signed(median(curlMs) - d)}`,
              "",
              "",
            ],
          ]
        : []),
      [
        `\`dist/cmdai\`, model named (median of ${rounds})`,
        ms(n),
        `${signed(pairedNamed)} over the baseline (median of paired runs; ${(n / d).toFixed(2)}×)`,
        "added ≤ 30 ms",
        verdict(pairedNamed <= 30),
      ],
      [
        `\`dist/cmdai\`, model from GET /v1/models (median of ${rounds})`,
        ms(disc),
        `${signed(pairedDisc)} over the baseline (${(disc / d).toFixed(2)}×)`,
        "added ≤ 30 ms",
        verdict(pairedDisc <= 30),
      ],
      [
        `\`dist/cmdai\` against a server that answers at once (median of ${rounds})`,
        ms(median(instantCmdai.map((r) => r.ms))),
        `direct ${ms(median(instantDirect))}; \`cmdai --help\` ${ms(help)}; in cmdai: until sent ${ms(instantJson.timings_ms.total! - instantJson.timings_ms.check! - instantJson.timings_ms.prompt!)}, HTTP ${ms(instantJson.timings_ms.prompt!)}, safety check ${ms(instantJson.timings_ms.check!)}`,
        "",
        "(cmdai's own cost)",
      ],
      [
        "peak RSS of a remote request (max of all runs)",
        mb(rss),
        `\`cmdai check\` ${mb(check.maxRss)}; llama-server holds the model`,
        "≤ 80 MB",
        verdict(rss <= 80e6),
      ],
      ["llama.cpp loaded by cmdai", llamaLoaded ? "yes" : "no", "runtime folder never unpacked", "never", verdict(!llamaLoaded)],
    ];
    const t = jsonRun.timings_ms;
    return [
      `### Remote backend (${new Date().toISOString().slice(0, 10)}, ${navigator.hardwareConcurrency} CPUs, llama-server with ${threads} threads, 0.5B-shape Q4_0 steered)`,
      "",
      table(["measure", "time / size", "baseline / breakdown", "target", ""], rows),
      "",
      `cmdai's own view of one request (--json timings_ms): prompt (until the first token) ${ms(t.prompt!)}, generate ${ms(t.generate!)}, check ${ms(t.check!)}, total ${ms(t.total!)}.`,
      `Same body each time (the server caches its prompt for every client alike); ${commands.size === 1 ? "the same command every run" : `${commands.size} different commands`}.`,
    ].join("\n");
  } finally {
    await server.stop();
  }
}

if (import.meta.main) console.log(await runRemoteBench());
