// The targets of issue 4 on the labelled cases (a correctness test, not timing).
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { confusion, readCases, targetsOf } from "../../../bench/safety.ts";
import { loadChecker } from "../../../src/safety/index.ts";

const path = new URL("../../../../shared/bench/safety/cases.jsonl", import.meta.url).pathname;

test.skipIf(!existsSync(path))("cases.jsonl targets hold", async () => {
  const checker = await loadChecker();
  const { matrix, misses } = confusion(readCases(path), (cmd) => checker.check(cmd).risk);
  const t = targetsOf(matrix);
  const report = misses.map((m) => `${m.label} graded ${m.got}: ${m.cmd}`).join("\n");
  expect(t.criticalRecall, report).toBe(1);
  expect(t.highRecall, report).toBeGreaterThanOrEqual(0.95);
  expect(t.safeHighFp, report).toBeLessThanOrEqual(0.02);
  expect(t.safeAnyFp, report).toBeLessThanOrEqual(0.05);
});
