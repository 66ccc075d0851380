// Runs tasks end to end: answer through cmdai's pipeline, execute the expected
// command and the answer each in a fresh fixture copy (at the same time, so
// clock-dependent output drifts as little as possible), judge, and check that
// nothing outside the copies changed.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureNames, loadFixture, type FixtureName, type Task } from "./dataset.ts";
import { buildFixture, copyFixture, snapshot, stateDiff, type FileState, type Userland } from "./fixture.ts";
import type { Answer, Generator } from "./generate.ts";
import { judge, primaryJudge, type Execution, type Judgement, type JudgeName } from "./judge.ts";
import { detectSandbox, runSandboxed, type Sandbox, type SandboxKind } from "./sandbox.ts";

export interface TaskResult {
  task: Task;
  answer: Answer;
  /** Verdict of the primary judge. */
  correct: boolean;
  judgement?: Judgement;
  reason: string;
  expectedRun?: RunInfo;
  answerRun?: RunInfo;
}

interface RunInfo {
  exitCode: number;
  timedOut: boolean;
  truncated: boolean;
  ms: number;
  output: string;
}

export interface Harness {
  sandbox: Sandbox;
  workDir: string;
  /** Which fixture runs under which shell and userland. */
  shellFor(task: Task): { shell: "bash" | "sh"; userland: Userland };
  /** Empty when nothing outside the copies changed. */
  outsideViolations(): string[];
  dispose(): void;
}

/** Builds the fixture templates and picks the sandbox. Throws when no sandbox works: nothing may run unsandboxed. */
export function openHarness(opts: { sandbox?: SandboxKind } = {}): Harness {
  const workDir = mkdtempSync(join(tmpdir(), "cmdai-accuracy-"));
  const sandbox = detectSandbox(workDir, opts.sandbox);
  if (!sandbox) {
    rmSync(workDir, { recursive: true, force: true });
    throw new Error("no sandbox on this machine: install bubblewrap (bwrap) or util-linux's unshare; commands are never run outside one");
  }
  const busybox = !!sandbox.busyboxApplets;
  for (const name of fixtureNames) buildFixture(name, join(workDir, `template-${name}`), name === "fs_5" && busybox ? "busybox" : "gnu");
  // A canary beside the copies, and the templates' state: both must survive every run.
  const canary = randomBytes(16).toString("hex");
  writeFileSync(join(workDir, "canary"), canary);
  const templates = new Map<FixtureName, Map<string, FileState>>(fixtureNames.map((n) => [n, snapshot(join(workDir, `template-${n}`))]));
  const known = new Set(readdirSync(workDir));
  return {
    sandbox,
    workDir,
    shellFor: (task) => ({ shell: task.shell, userland: task.fixture === "fs_5" && busybox ? "busybox" : "gnu" }),
    outsideViolations() {
      const v: string[] = [];
      let text = "";
      try {
        text = readFileSync(join(workDir, "canary"), "utf8");
      } catch {}
      if (text !== canary) v.push(`${workDir}/canary changed`);
      for (const name of readdirSync(workDir)) if (!known.has(name) && !name.startsWith("copy-")) v.push(`${workDir}/${name} appeared`);
      for (const [n, before] of templates) {
        const d = stateDiff(before, snapshot(join(workDir, `template-${n}`)));
        if (d.length) v.push(`template ${n} changed: ${d.slice(0, 3).join(", ")}`);
      }
      return v;
    },
    dispose: () => rmSync(workDir, { recursive: true, force: true }),
  };
}

let copies = 0;

/** Runs one command in a fresh copy of the task's fixture and returns its output and final state. */
export async function execute(h: Harness, task: Task, cmd: string): Promise<Execution & { info: RunInfo }> {
  const copy = join(h.workDir, `copy-${process.pid}-${copies++}`);
  await copyFixture(join(h.workDir, `template-${task.fixture}`), copy);
  try {
    const { shell, userland } = h.shellFor(task);
    const env = loadFixture(task.fixture).env ?? {};
    const r = await runSandboxed(h.sandbox, copy, cmd, { shell, userland, env });
    const state = snapshot(copy);
    return {
      output: r.output,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      state,
      info: { exitCode: r.exitCode, timedOut: r.timedOut, truncated: r.truncated, ms: r.ms, output: r.output.slice(0, 2000) },
    };
  } finally {
    // A command may have left read-only folders behind: make them writable before removing.
    Bun.spawnSync(["chmod", "-R", "u+rwx", copy], { stdout: "ignore", stderr: "ignore" });
    rmSync(copy, { recursive: true, force: true });
  }
}

function explain(j: Judgement, name: JudgeName): string {
  const ok = j.verdicts[name];
  const out = j.sameCommand ? "same command" : j.outputExact ? "same output" : `output tfidf ${j.tfidf}`;
  if (ok) return `correct: same file state, ${out}`;
  if (!j.stateEqual) return `file state differs: ${j.stateDiff.join(", ")}`;
  return `output differs (${j.outputNormalized ? "only in whitespace or line order; " : ""}tfidf ${j.tfidf})`;
}

/** Executes the expected command and the answer (at the same time, each in its own copy) and judges. */
export async function judgeTask(h: Harness, task: Task, answer: Answer, checkOutside = true): Promise<TaskResult> {
  if (!answer.cmd) {
    const reason = answer.blocked
      ? `blocked by the safety check (${answer.rules.join(", ") || answer.risk}): never run`
      : `no command: ${answer.error ?? "empty answer"}`;
    return { task, answer, correct: false, reason };
  }
  const [expected, got] = await Promise.all([execute(h, task, task.cmd), execute(h, task, answer.cmd)]);
  const j = judge(task.cmd, expected, answer.cmd, got);
  let reason = explain(j, primaryJudge);
  if (got.timedOut) reason += "; the answer timed out";
  if (checkOutside) {
    const v = h.outsideViolations();
    if (v.length)
      throw new Error(`accuracy: something outside the fixture copies changed while running task ${task.index}: ${v.join("; ")}`);
  }
  return { task, answer, correct: j.verdicts[primaryJudge], judgement: j, reason, expectedRun: expected.info, answerRun: got.info };
}

export type Progress = (phase: "answered" | "judged", done: number, total: number) => void;

/**
 * Answers every task first, one at a time, so that a model's latency is
 * measured without executions competing for the cores; then executes and
 * judges `jobs` tasks at a time. Results in task order.
 */
export async function runTasks(h: Harness, gen: Generator, tasks: Task[], jobs: number, progress?: Progress): Promise<TaskResult[]> {
  const answers: Answer[] = [];
  for (const task of tasks) {
    answers.push(await gen.answer(task));
    progress?.("answered", answers.length, tasks.length);
  }
  const results: TaskResult[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await judgeTask(h, tasks[i]!, answers[i]!);
      progress?.("judged", ++done, tasks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
  return results;
}
