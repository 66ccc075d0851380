// The repository's own cases, one or more families each (cases/*.jsonl):
// every critical case denied, >= 95 % of high ones flagged high or critical,
// <= 2 % of harmless ones graded anything but safe. Written for cmdai.
import { beforeAll, expect, test } from "bun:test";
import { readRepoCases } from "../../../bench/safety.ts";
import { loadChecker, type CheckShell, type Checker, type Risk } from "../../../src/safety/index.ts";

interface Case {
  cmd: string;
  risk: Risk;
  family: string;
  shell?: CheckShell;
}

const cases: Case[] = readRepoCases<Case>();

let checker: Checker;
beforeAll(async () => {
  checker = await loadChecker();
});

const grade = (c: Case) => checker.check(c.cmd, c.shell ? { shell: c.shell } : {});

test("every critical case is graded critical (and blocked at the default level)", () => {
  const missed = cases
    .filter((c) => c.risk === "critical")
    .filter((c) => !grade(c).blocked)
    .map((c) => `${c.family}: ${c.cmd}`);
  expect(missed).toEqual([]);
});

test(">= 95 % of high cases are graded high or critical", () => {
  const high = cases.filter((c) => c.risk === "high");
  const missed = high.filter((c) => !["high", "critical"].includes(grade(c).risk)).map((c) => `${c.family}: ${c.cmd}`);
  expect({ missed, share: 1 - missed.length / high.length }).toMatchObject({ share: expect.any(Number) });
  expect(missed.length / high.length).toBeLessThanOrEqual(0.05);
});

test("<= 2 % of harmless cases are graded anything but safe, none high or critical", () => {
  const safe = cases.filter((c) => c.risk === "safe");
  const flagged = safe.map((c) => ({ c, r: grade(c) })).filter(({ r }) => r.risk !== "safe");
  expect(flagged.filter(({ r }) => r.risk === "high" || r.risk === "critical").map(({ c }) => c.cmd)).toEqual([]);
  expect(flagged.length / safe.length).toBeLessThanOrEqual(0.02);
});

test("every verdict has a span inside the command and a reason", () => {
  for (const c of cases)
    for (const f of grade(c).findings) {
      expect(f.start).toBeGreaterThanOrEqual(0);
      expect(f.end).toBeLessThanOrEqual(c.cmd.length);
      expect(f.message.length).toBeGreaterThan(0);
    }
});

test("the cases cover every family", () => {
  const families = new Set(cases.map((c) => c.family));
  for (const f of [
    "indirection",
    "secrets",
    "system-files",
    "whole-system",
    "storage",
    "vcs",
    "cloud",
    "wrappers",
    "unknowable",
    "dialect",
    "lookalike",
    "dryrun",
  ])
    expect(families.has(f), f).toBe(true);
});
