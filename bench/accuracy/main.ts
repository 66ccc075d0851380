// `bun run bench accuracy [--model PATH|NAME | --backend openai|ollama [--model NAME]]
//   [--oracle gold|alternative|none|shifted] [--limit N] [--jobs N] [--out FILE] [--level L] [--sandbox bwrap|unshare]`
//
// cmdai's real pipeline on the 300 NL2SH-ALFA requests, each answer judged by
// execution against the first verified command (as the official scorer does).
// Without a model or backend it runs the gold oracle: the harness's calibration.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { levels, type Level } from "../../src/config/config.ts";
import { median, ms, percentile, table } from "../lib.ts";
import { fixtureNames, loadCalibration, loadPublished, loadTasks, type PaperRow, type Task } from "./dataset.ts";
import { openBackend, pipelineGenerator, type BackendChoice, type OracleKind } from "./generate.ts";
import { judgeNames, primaryJudge, type JudgeName } from "./judge.ts";
import { openHarness, runTasks, type TaskResult } from "./run.ts";

const usage =
  "usage: bun run bench accuracy [--model PATH|NAME | --backend openai|ollama [--model NAME]] [--oracle gold|alternative|none|shifted] [--limit N] [--jobs N] [--out FILE] [--level strict|moderate|permissive] [--sandbox bwrap|unshare]";

export interface AccuracyOptions {
  choice: BackendChoice;
  limit?: number;
  jobs: number;
  out: string;
  level: Level;
  sandbox?: "bwrap" | "unshare";
}

export function parseAccuracyArgs(argv: string[]): AccuracyOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      model: { type: "string" },
      backend: { type: "string" },
      oracle: { type: "string" },
      limit: { type: "string" },
      jobs: { type: "string" },
      out: { type: "string" },
      level: { type: "string" },
      threads: { type: "string" },
      sandbox: { type: "string" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}"\n${usage}`);
  const int = (name: string, v: string | undefined, min: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}`);
    return n;
  };
  const oracle = values.oracle as OracleKind | undefined;
  if (oracle && !["gold", "alternative", "none", "shifted"].includes(oracle))
    throw new Error(`--oracle must be gold, alternative, none or shifted\n${usage}`);
  const remote = values.backend as "openai" | "ollama" | undefined;
  if (remote && remote !== "openai" && remote !== "ollama") throw new Error(`--backend must be openai or ollama\n${usage}`);
  if (oracle && (values.model || remote)) throw new Error("--oracle answers from the data set: it takes no --model or --backend");
  const level = (values.level ?? "moderate") as Level;
  if (!levels.includes(level)) throw new Error(`--level must be one of ${levels.join(", ")}`);
  if (values.sandbox && values.sandbox !== "bwrap" && values.sandbox !== "unshare") throw new Error("--sandbox must be bwrap or unshare");
  const threads = int("threads", values.threads, 1);
  const choice: BackendChoice = {
    ...(oracle ? { oracle } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(remote ? { remote } : {}),
    ...(threads ? { threads } : {}),
  };
  if (!choice.oracle && !choice.model && !choice.remote) choice.oracle = "gold";
  const modelLabel = (choice.model ?? "model")
    .split("/")
    .at(-1)!
    .replace(/\.gguf$/i, "")
    .replace(/[^\w.-]+/g, "_")
    .slice(-60);
  const label = choice.oracle ? `oracle-${choice.oracle}` : [choice.remote, modelLabel].filter(Boolean).join("-");
  const limit = int("limit", values.limit, 1);
  return {
    choice,
    ...(limit ? { limit } : {}),
    jobs: int("jobs", values.jobs, 1) ?? availableParallelism(),
    out: resolve(values.out ?? join(import.meta.dir, "..", "..", ".bench", `accuracy-${label}.jsonl`)),
    level,
    ...(values.sandbox ? { sandbox: values.sandbox as "bwrap" | "unshare" } : {}),
  };
}

// Tools of the upstream Ubuntu image that tasks use; a missing one fails alike for every command that needs it.
const imageTools = [
  "tree",
  "cal",
  "dig",
  "nslookup",
  "ping",
  "ifconfig",
  "route",
  "crontab",
  "service",
  "swapon",
  "sysctl",
  "cpio",
  "killall",
  "pstree",
  "convert",
  "jq",
  "curl",
  "git",
  "python3",
  "lsof",
  "file",
];
const missingTools = () => imageTools.filter((t) => !["/usr/bin", "/usr/sbin"].some((d) => existsSync(`${d}/${t}`)));

const pct = (n: number, d: number) => (d ? (n / d).toFixed(2) : "-");

function breakdown(results: TaskResult[], key: (t: Task) => string, keys: string[]): string[][] {
  const rows: string[][] = [];
  for (const k of [...keys, "all"]) {
    const rs = k === "all" ? results : results.filter((r) => key(r.task) === k);
    if (!rs.length) continue;
    const count = (j: JudgeName) => rs.filter((r) => r.judgement?.verdicts[j]).length;
    rows.push([
      k,
      String(rs.length),
      `${count(primaryJudge)} (${pct(count(primaryJudge), rs.length)})`,
      ...judgeNames.filter((j) => j !== primaryJudge).map((j) => pct(count(j), rs.length)),
      String(rs.filter((r) => r.answer.blocked).length),
      String(rs.filter((r) => r.answer.warned).length),
      String(rs.filter((r) => !r.answer.cmd && !r.answer.blocked).length),
    ]);
  }
  return rows;
}

/** The paper's rows for the same model size (by the size in the model's name), else the Qwen2.5-Coder family cmdai ships. */
export function paperRows(model: string, rows: PaperRow[]): PaperRow[] {
  const size = /(\d+(?:\.\d+)?)b\b/i.exec(model.replace(/[-_]/g, " "))?.[1];
  const family = /llama/i.test(model) ? /llama/i : /qwen/i;
  if (size) {
    const same = rows.filter((r) => family.test(r.model) && r.model.includes(`${size}b`));
    if (same.length) return same;
  }
  return rows.filter((r) => /qwen2\.5-coder/.test(r.model) || r.model === "gpt-4o-2024-08-06");
}

export function report(
  results: TaskResult[],
  meta: {
    model: string;
    oracle?: OracleKind;
    sandbox: string;
    busybox: boolean;
    jobs: number;
    wallMs: number;
    level: Level;
    out: string;
    total: number;
  },
): string {
  const n = results.length;
  const correct = results.filter((r) => r.correct).length;
  const header = [
    "",
    "tasks",
    `${primaryJudge} (primary)`,
    ...judgeNames.filter((j) => j !== primaryJudge),
    "blocked",
    "warned",
    "no command",
  ];
  const lat = results.map((r) => r.answer.latencyMs);
  const tokens = results.reduce((s, r) => s + r.answer.tokens.prompt + r.answer.tokens.generated, 0);
  const gen = results.reduce((s, r) => s + r.answer.tokens.generated, 0);
  const calib = loadCalibration().judges;
  const paper = paperRows(meta.model, loadPublished().results);
  const lines = [
    "### accuracy (NL2SH-ALFA, judged by execution)",
    "",
    `Backend ${meta.model}${meta.oracle ? " (answers from the data set: calibration of the harness, not a model)" : ""}; safety level ${meta.level}; ` +
      `${n} of ${meta.total} tasks; ${meta.jobs} job${meta.jobs === 1 ? "" : "s"}; wall time ${ms(meta.wallMs)} (on a shared machine: compare runs, not absolute times).`,
    `Sandbox: ${meta.sandbox}; fs_5 (Alpine) under ${meta.busybox ? "busybox sh with busybox applets first on PATH" : "/bin/sh of this machine: busybox is not installed, so fs_5 figures are not comparable"}. ` +
      `Commands run on this machine's /usr, not the upstream image's${missingTools().length ? `; missing here: ${missingTools().join(", ")}` : ""}.`,
    `Primary judge ${primaryJudge}: same final file state (paths, types, sizes, SHA-256, modes) and the same command, the same output, or TF-IDF cosine >= 0.75 ` +
      `(calibrated precision ${calib[primaryJudge]?.precision}, recall ${calib[primaryJudge]?.recall} on second-gold pairs); the other judges are columns.`,
    "",
    "By difficulty:",
    "",
    table(
      ["difficulty", ...header.slice(1)],
      breakdown(results, (t) => String(t.difficulty), ["0", "1", "2"]),
    ),
    "",
    "By fixture:",
    "",
    table(
      ["fixture", ...header.slice(1)],
      breakdown(results, (t) => t.fixture, fixtureNames),
    ),
    "",
    `The paper's figures (overall accuracy; the paper gives no split by difficulty or fixture; judge exec+mxbai-embed, ` +
      `precision 0.97, recall 0.83, so it accepts more right answers than the local judges do):`,
    "",
    table(
      ["model (paper)", "base", "parse", "icl", "this run"],
      paper.map((r) => [r.model, String(r.base ?? "-"), String(r.parse ?? "-"), String(r.icl ?? "-"), pct(correct, n)]),
    ),
    "",
    `Latency of the answer (backend + safety check): median ${ms(median(lat))}, p95 ${ms(percentile(lat, 95))}. ` +
      `Cost per task: ${ms(lat.reduce((a, b) => a + b, 0) / n)} of backend time, ${(tokens / n).toFixed(0)} tokens (${(gen / n).toFixed(0)} generated)` +
      `${meta.oracle ? ", no model" : ""}. Blocked answers: ${results.filter((r) => r.answer.blocked).length}; warned: ${results.filter((r) => r.answer.warned).length}.`,
    ...(meta.oracle === "alternative"
      ? [
          `Judge recall on second-gold pairs (this run / local_judge_calibration.json): ` +
            judgeNames
              .map((j) => `${j} ${pct(results.filter((r) => r.judgement?.verdicts[j]).length, n)} / ${calib[j]?.recall ?? "-"}`)
              .join(", ") +
            ".",
        ]
      : []),
    ...(meta.oracle === "shifted"
      ? [
          `Wrong answers accepted (the second command of the task 10 rows on; this run / false positives in local_judge_calibration.json): ` +
            judgeNames.map((j) => `${j} ${results.filter((r) => r.judgement?.verdicts[j]).length} / ${calib[j]?.fp ?? "-"}`).join(", ") +
            ".",
        ]
      : []),
    `Every task's answer, verdict and reason: ${meta.out}`,
    "",
    `accuracy: ${correct}/${n} (${pct(correct, n)})`,
  ];
  return lines.join("\n");
}

export function jsonl(results: TaskResult[]): string {
  const correct = results.filter((r) => r.correct).length;
  const lines = results.map((r) =>
    JSON.stringify({
      index: r.task.index,
      id: r.task.id,
      difficulty: r.task.difficulty,
      fixture: r.task.fixture,
      request: r.task.nl,
      expected: r.task.cmd,
      answer: r.answer.cmd ?? null,
      proposed: r.answer.proposed ?? null,
      verdict: r.correct,
      reason: r.reason,
      judges: r.judgement?.verdicts ?? Object.fromEntries(judgeNames.map((j) => [j, false])),
      state_equal: r.judgement?.stateEqual ?? null,
      tfidf: r.judgement?.tfidf ?? null,
      blocked: r.answer.blocked,
      warned: r.answer.warned,
      risk: r.answer.risk ?? null,
      rules: r.answer.rules,
      latency_ms: Math.round(r.answer.latencyMs * 10) / 10,
      tokens: r.answer.tokens,
      expected_run: r.expectedRun ?? null,
      answer_run: r.answerRun ?? null,
    }),
  );
  lines.push(`accuracy: ${correct}/${results.length} (${(results.length ? correct / results.length : 0).toFixed(2)})`);
  return lines.join("\n") + "\n";
}

export async function runAccuracyBench(argv: string[]): Promise<string> {
  const opts = parseAccuracyArgs(argv);
  const all = loadTasks();
  const tasks = opts.limit ? all.slice(0, opts.limit) : all;
  const started = performance.now();
  const harness = openHarness(opts.sandbox ? { sandbox: opts.sandbox } : {});
  // Ctrl-C: remove the fixture copies, then stop.
  const onInterrupt = () => {
    harness.dispose();
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  try {
    const backend = await openBackend(opts.choice, all);
    const gen = await pipelineGenerator(backend, opts.level);
    let results: TaskResult[];
    try {
      const tty = process.stderr.isTTY;
      results = await runTasks(harness, gen, tasks, opts.jobs, (phase, done, total) => {
        if (tty) process.stderr.write(`\raccuracy: ${phase} ${done}/${total}${done === total ? "\n" : ""}`);
        else if (done % 50 === 0 || done === total) process.stderr.write(`accuracy: ${phase} ${done}/${total}\n`);
      });
    } finally {
      await gen.dispose();
    }
    const wallMs = performance.now() - started;
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, jsonl(results));
    return report(results, {
      model: gen.model,
      ...(opts.choice.oracle ? { oracle: opts.choice.oracle } : {}),
      sandbox:
        harness.sandbox.kind === "bwrap"
          ? "bubblewrap (read-only host /usr and /etc, no network)"
          : "unshare (mount, net, pid namespaces + chroot; no network)",
      busybox: !!harness.sandbox.busyboxApplets,
      jobs: opts.jobs,
      wallMs,
      level: opts.level,
      out: opts.out,
      total: all.length,
    });
  } finally {
    process.off("SIGINT", onInterrupt);
    harness.dispose();
  }
}
