import { expect, test } from "bun:test";
import { isBlocked, loadChecker } from "../../../src/safety/index.ts";

test("isBlocked: strict blocks high and critical, moderate blocks critical, permissive nothing", () => {
  const grid = {
    strict: [false, false, true, true],
    moderate: [false, false, false, true],
    permissive: [false, false, false, false],
  } as const;
  for (const [level, row] of Object.entries(grid))
    (["safe", "moderate", "high", "critical"] as const).forEach((risk, i) =>
      expect(isBlocked(risk, level as keyof typeof grid), `${risk} at ${level}`).toBe(row[i]!),
    );
});

test("loadChecker returns one shared checker", async () => {
  const [a, b] = await Promise.all([loadChecker(), loadChecker()]);
  expect(a).toBe(b);
});

test("check applies the level and defaults to moderate", async () => {
  const c = await loadChecker();
  expect(c.check("git push -f").blocked).toBe(false);
  expect(c.check("git push -f", { level: "strict" }).blocked).toBe(true);
  expect(c.check("rm -rf /", { level: "permissive" }).blocked).toBe(false);
  expect(c.check("rm -rf /").blocked).toBe(true);
  const r = c.check("ls -la");
  expect(r).toEqual({ cmd: "ls -la", risk: "safe", blocked: false, findings: [] });
});
