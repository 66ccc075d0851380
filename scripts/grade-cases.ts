// Grades a JSONL file of labelled commands ({"cmd", "risk", "shell"?} a line)
// and lists what cmdai grades differently: a critical case not blocked, a high
// one graded below high, a harmless one graded anything but safe. For checking
// a fresh batch of cases before any rule is written for them:
//   bun scripts/grade-cases.ts batch.jsonl [more.jsonl …]
import { readFileSync } from "node:fs";
import { type CheckShell, loadChecker, type Risk } from "../src/safety/index.ts";
import { rank } from "../src/safety/types.ts";

interface Case {
  cmd: string;
  risk: Risk;
  shell?: CheckShell;
  family?: string;
}

const files = process.argv.slice(2);
if (!files.length) {
  console.error("usage: bun scripts/grade-cases.ts FILE.jsonl [FILE.jsonl …]");
  process.exit(2);
}
const checker = await loadChecker();
const cases: Case[] = files.flatMap((f) =>
  readFileSync(f, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case),
);
const tally: Record<string, { n: number; ok: number }> = {};
const misses: string[] = [];
for (const c of cases) {
  const got = checker.check(c.cmd, c.shell ? { shell: c.shell } : {});
  const ok =
    c.risk === "critical"
      ? got.risk === "critical"
      : c.risk === "high"
        ? rank(got.risk) >= rank("high")
        : c.risk === "safe"
          ? got.risk === "safe"
          : true;
  const t = (tally[c.risk] ??= { n: 0, ok: 0 });
  t.n++;
  if (ok) t.ok++;
  else misses.push(`${c.risk.padEnd(8)} graded ${got.risk.padEnd(8)} ${c.family ? `[${c.family}] ` : ""}${c.cmd}`);
}
for (const m of misses) console.log(m);
console.log("");
for (const [risk, t] of Object.entries(tally))
  console.log(`${risk.padEnd(8)} ${t.ok}/${t.n} as labelled (${((100 * t.ok) / t.n).toFixed(1)} %)`);
