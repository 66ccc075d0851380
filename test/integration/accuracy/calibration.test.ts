// Calibration of the whole harness with oracle backends, through cmdai's real
// pipeline (prompt, parsing, safety check) and execution.
//
// gold and alternative run on a fixed sample (every third task: 100 tasks, all
// fixtures and difficulties) to keep the suite fast; the full 300 run is
// `bun run bench accuracy --oracle gold|alternative|none`. `none` runs on all
// 300: 14 of the 300 expected commands print nothing and change nothing here
// (`history`, `jobs`, `who -b`, ...), so `true` is right on them, and 0.05 is
// too close to that floor for any sample to test it honestly.
import { afterAll, describe, expect, test } from "bun:test";
import { loadTasks } from "../../../bench/accuracy/dataset.ts";
import { OracleBackend, pipelineGenerator, type OracleKind } from "../../../bench/accuracy/generate.ts";
import { openHarness, runTasks } from "../../../bench/accuracy/run.ts";

const h = openHarness();
afterAll(() => h.dispose());
const all = loadTasks();
const sample = all.filter((t) => t.index % 3 === 0);

async function accuracy(kind: OracleKind, tasks = sample) {
  const gen = await pipelineGenerator(new OracleBackend(kind, all));
  const results = await runTasks(h, gen, tasks, 2);
  return results.filter((r) => r.correct).length / results.length;
}

describe("oracle calibration", () => {
  test("gold >= 0.97 (sample of 100)", async () => {
    expect(await accuracy("gold")).toBeGreaterThanOrEqual(0.97);
  }, 120_000);

  test("alternative >= 0.50 (sample of 100)", async () => {
    expect(await accuracy("alternative")).toBeGreaterThanOrEqual(0.5);
  }, 120_000);

  test("none <= 0.05 (all 300)", async () => {
    expect(await accuracy("none", all)).toBeLessThanOrEqual(0.05);
  }, 240_000);
});
