// Safety benchmark: grading accuracy on the labelled cases, robustness and
// speed over the nl2bash and tldr corpora, with cc-safety-net as a baseline in
// the same run. `bun bench/safety.ts` prints the report; bench/index.ts calls
// runSafetyBench().
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadChecker, type Risk } from "../src/safety/index.ts";
import { rank, risks } from "../src/safety/types.ts";

const sharedBench = resolve(import.meta.dir, "../../shared/bench");

interface Case {
  cmd: string;
  risk: Risk;
  category?: string;
}

export function readCases(path = join(sharedBench, "safety/cases.jsonl")): Case[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);
}

/** The repository's own cases: every `test/unit/safety/cases/*.jsonl`, one batch a file. */
export const repoCasesDir = resolve(import.meta.dir, "../test/unit/safety/cases");
export function readRepoCases<T = Case & { family: string; shell?: "bash" | "zsh" | "fish" | "sh" }>(): T[] {
  return readdirSync(repoCasesDir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .flatMap((f) => readCases(join(repoCasesDir, f)) as T[]);
}

function readCorpus(): string[] {
  const files = [join(sharedBench, "nl2bash/all.jsonl")];
  const tldr = join(sharedBench, "tldr");
  if (existsSync(tldr)) for (const f of readdirSync(tldr)) if (f.endsWith(".jsonl")) files.push(join(tldr, f));
  const out: string[] = [];
  for (const f of files) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const cmd = (JSON.parse(line) as { cmd?: unknown }).cmd;
      if (typeof cmd === "string") out.push(cmd);
    }
  }
  return out;
}

export interface Targets {
  criticalRecall: number;
  highRecall: number;
  safeHighFp: number;
  safeAnyFp: number;
  pass: boolean;
}

/** The four targets of issue 4, from rows = label, cols = graded. */
export function targetsOf(matrix: Record<Risk, Record<Risk, number>>): Targets {
  const row = (r: Risk) => risks.reduce((s, c) => s + matrix[r][c], 0);
  const share = (r: Risk, cols: Risk[]) => (row(r) ? cols.reduce((s, c) => s + matrix[r][c], 0) / row(r) : 0);
  const t = {
    criticalRecall: share("critical", ["critical"]),
    highRecall: share("high", ["high", "critical"]),
    safeHighFp: share("safe", ["high", "critical"]),
    safeAnyFp: share("safe", ["moderate", "high", "critical"]),
  };
  return { ...t, pass: t.criticalRecall === 1 && t.highRecall >= 0.95 && t.safeHighFp <= 0.02 && t.safeAnyFp <= 0.05 };
}

export function confusion(cases: Case[], grade: (cmd: string) => Risk) {
  const matrix = Object.fromEntries(risks.map((r) => [r, Object.fromEntries(risks.map((c) => [c, 0]))])) as Record<
    Risk,
    Record<Risk, number>
  >;
  const misses: { cmd: string; label: Risk; got: Risk }[] = [];
  for (const c of cases) {
    const got = grade(c.cmd);
    matrix[c.risk][got]++;
    if (got !== c.risk) misses.push({ cmd: c.cmd, label: c.risk, got });
  }
  return { matrix, misses };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};

export async function runSafetyBench(): Promise<string> {
  const lines: string[] = [];
  const checker = await loadChecker();
  const { checkCommand } = await import("cc-safety-net/api");
  const cwd = process.cwd();
  const cases = readCases();

  // Warm up both (JIT, WASM) so the first cases do not skew timings.
  for (const c of cases.slice(0, 50)) {
    checker.check(c.cmd);
    checkCommand({ command: c.cmd, cwd });
  }

  const ours = confusion(cases, (cmd) => checker.check(cmd).risk);
  const t = targetsOf(ours.matrix);
  lines.push(`## Safety: cases.jsonl (${cases.length} labelled commands)`, "");
  lines.push("Confusion matrix (rows = label, columns = graded):", "");
  lines.push(`| label \\ graded | ${risks.join(" | ")} | total |`, `|---|${risks.map(() => "---:").join("|")}|---:|`);
  for (const r of risks) {
    const row = risks.map((c) => ours.matrix[r][c]);
    lines.push(`| ${r} | ${row.join(" | ")} | ${row.reduce((a, b) => a + b, 0)} |`);
  }
  const ok = (b: boolean) => (b ? "pass" : "FAIL");
  lines.push("", "| target | cmdai | goal | |", "|---|---:|---:|---|");
  lines.push(`| critical graded critical | ${pct(t.criticalRecall)} | 100 % | ${ok(t.criticalRecall === 1)} |`);
  lines.push(`| high graded high or critical | ${pct(t.highRecall)} | >= 95 % | ${ok(t.highRecall >= 0.95)} |`);
  lines.push(`| safe graded high or critical | ${pct(t.safeHighFp)} | <= 2 % | ${ok(t.safeHighFp <= 0.02)} |`);
  lines.push(`| safe graded anything but safe | ${pct(t.safeAnyFp)} | <= 5 % | ${ok(t.safeAnyFp <= 0.05)} |`);

  // Baseline: cc-safety-net only allows or denies.
  const denied = (cmd: string) => checkCommand({ command: cmd, cwd }).kind === "deny";
  const byLabel = (label: Risk) => cases.filter((c) => c.risk === label);
  const rate = (label: Risk, f: (c: Case) => boolean) => byLabel(label).filter(f).length / Math.max(1, byLabel(label).length);
  const blockedOurs = (c: Case) => checker.check(c.cmd, { level: "strict" }).blocked;
  lines.push("", "Baseline cc-safety-net (deny = blocked) vs cmdai at level strict (blocks high and critical):", "");
  lines.push("| share blocked | cmdai (strict) | cmdai (moderate) | cc-safety-net |", "|---|---:|---:|---:|");
  const blockedModerate = (c: Case) => checker.check(c.cmd, { level: "moderate" }).blocked;
  for (const label of ["critical", "high", "moderate", "safe"] as Risk[])
    lines.push(
      `| labelled ${label} | ${pct(rate(label, blockedOurs))} | ${pct(rate(label, blockedModerate))} | ${pct(rate(label, (c) => denied(c.cmd)))} |`,
    );

  // The repository's own cases, by family: recall per risk and false alarms, with the baseline.
  if (existsSync(repoCasesDir)) {
    const fam = readRepoCases();
    const graded = fam.map((c) => ({
      c,
      r: checker.check(c.cmd, c.shell ? { shell: c.shell } : {}),
      deny: checkCommand({ command: c.cmd, cwd }).kind === "deny",
    }));
    const of = (risk: Risk) => graded.filter((g) => g.c.risk === risk);
    const share = (xs: typeof graded, f: (g: (typeof graded)[number]) => boolean) => (xs.length ? xs.filter(f).length / xs.length : 0);
    lines.push("", `## Safety: repository cases by family (test/unit/safety/cases/*.jsonl, ${fam.length} commands)`, "");
    lines.push("| | cmdai | cc-safety-net (deny) | goal |", "|---|---:|---:|---:|");
    lines.push(
      `| critical graded critical (blocked) | ${pct(share(of("critical"), (g) => g.r.risk === "critical"))} | ${pct(share(of("critical"), (g) => g.deny))} | 100 % |`,
    );
    lines.push(
      `| high graded high or critical | ${pct(share(of("high"), (g) => g.r.risk === "high" || g.r.risk === "critical"))} | ${pct(share(of("high"), (g) => g.deny))} | >= 95 % |`,
    );
    lines.push(
      `| safe graded anything but safe | ${pct(share(of("safe"), (g) => g.r.risk !== "safe"))} | ${pct(share(of("safe"), (g) => g.deny))} | <= 2 % |`,
    );
    lines.push(`| safe graded high or critical | ${pct(share(of("safe"), (g) => g.r.risk === "high" || g.r.risk === "critical"))} | | |`);
    const families = [...new Set(fam.map((c) => c.family))].sort();
    lines.push("", "| family | cases | cmdai flagged as labelled | cc-safety-net denied (risky ones) |", "|---|---:|---:|---:|");
    for (const f of families) {
      const xs = graded.filter((g) => g.c.family === f);
      const ok = xs.filter((g) =>
        g.c.risk === "critical"
          ? g.r.risk === "critical"
          : g.c.risk === "high"
            ? rank(g.r.risk) >= rank("high")
            : g.c.risk === "safe"
              ? g.r.risk === "safe"
              : true,
      ).length;
      const risky = xs.filter((g) => g.c.risk === "high" || g.c.risk === "critical");
      lines.push(
        `| ${f} | ${xs.length} | ${ok}/${xs.length} | ${risky.length ? `${risky.filter((g) => g.deny).length}/${risky.length}` : "-"} |`,
      );
    }
  }

  // Corpus: no crash, share critical, time per check.
  const corpus = readCorpus();
  let crashes = 0;
  let baseCrashes = 0;
  const counts: Record<Risk, number> = { safe: 0, moderate: 0, high: 0, critical: 0 };
  let baseDeny = 0;
  // Each tool gets whole passes of its own over the corpus (interleaving the two per command made each
  // pay for the other's cache and GC churn), three rounds in alternating order; a command's time is the
  // median of its three. On a shared, loaded machine this keeps scheduler noise out of p99.
  const ROUNDS = 3;
  const ourRuns: number[][] = [];
  const baseRuns: number[][] = [];
  const ourPass = (first: boolean) => {
    const times: number[] = [];
    for (const cmd of corpus) {
      const t0 = performance.now();
      try {
        const r = checker.check(cmd);
        if (first) {
          counts[r.risk]++;
          if (r.findings.some((f) => f.rule === "input.internal-error")) crashes++;
        }
      } catch {
        if (first) crashes++;
      }
      times.push(performance.now() - t0);
    }
    ourRuns.push(times);
  };
  const basePass = (first: boolean) => {
    const times: number[] = [];
    for (const cmd of corpus) {
      const t0 = performance.now();
      try {
        if (checkCommand({ command: cmd, cwd }).kind === "deny" && first) baseDeny++;
      } catch {
        if (first) baseCrashes++;
      }
      times.push(performance.now() - t0);
    }
    baseRuns.push(times);
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      ourPass(round === 0);
      basePass(round === 0);
    } else {
      basePass(false);
      ourPass(false);
    }
  }
  const median3 = (runs: number[][]) => runs[0]!.map((_, i) => runs.map((r) => r[i]!).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!);
  const ourTimes = median3(ourRuns);
  const baseTimes = median3(baseRuns);
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  const n = corpus.length;
  lines.push("", `## Safety: corpus (nl2bash + tldr, ${n} commands)`, "");
  lines.push("| | cmdai | cc-safety-net | ratio (cmdai / baseline) |", "|---|---:|---:|---:|");
  lines.push(`| crashes | ${crashes} | ${baseCrashes} | |`);
  lines.push(`| graded critical / denied | ${pct(counts.critical / n)} | ${pct(baseDeny / n)} | |`);
  lines.push(`| graded high | ${pct(counts.high / n)} | | |`);
  lines.push(`| graded moderate | ${pct(counts.moderate / n)} | | |`);
  lines.push(`| graded safe | ${pct(counts.safe / n)} | | |`);
  const p50 = quantile(ourTimes, 0.5),
    p99 = quantile(ourTimes, 0.99);
  const b50 = quantile(baseTimes, 0.5),
    b99 = quantile(baseTimes, 0.99);
  lines.push(`| p50 per check (median of ${ROUNDS} passes) | ${us(p50)} | ${us(b50)} | ${(p50 / b50).toFixed(2)}x |`);
  lines.push(`| p99 per check (median of ${ROUNDS} passes) | ${us(p99)} | ${us(b99)} | ${(p99 / b99).toFixed(2)}x |`);
  lines.push(`| p99 <= 1 ms | ${p99 <= 1 ? "pass" : "FAIL"} | | |`);

  if (ours.misses.length) {
    lines.push("", "Disagreements with the labels:", "");
    for (const m of ours.misses) lines.push(`- ${m.label} graded ${m.got}: \`${m.cmd.replace(/\n/g, "\\n")}\``);
  }
  return lines.join("\n") + "\n";
}

if (import.meta.main) process.stdout.write(await runSafetyBench());
