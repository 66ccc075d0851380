// Every rule in the catalogue carries examples: each `flag` command must
// produce the rule, each `pass` command must not.
import { beforeAll, describe, expect, test } from "bun:test";
import { loadChecker, type Checker } from "../../../src/safety/index.ts";
import { RULES } from "../../../src/safety/catalogue.ts";

let checker: Checker;
beforeAll(async () => {
  checker = await loadChecker();
});

const rulesOf = (cmd: string) => checker.check(cmd).findings.map((f) => f.rule);

describe("rule catalogue examples", () => {
  for (const [id, info] of Object.entries(RULES)) {
    for (const cmd of info.flag)
      test(`${id} flags ${JSON.stringify(cmd)}`, () => {
        expect(rulesOf(cmd)).toContain(id);
      });
    for (const cmd of info.pass)
      test(`${id} does not flag ${JSON.stringify(cmd)}`, () => {
        expect(rulesOf(cmd)).not.toContain(id);
      });
  }
});

test("every rule has a one-line message and a valid risk", () => {
  for (const [id, info] of Object.entries(RULES)) {
    expect(info.message.length, id).toBeGreaterThan(10);
    expect(info.message.includes("\n"), id).toBe(false);
    expect(["safe", "moderate", "high", "critical"]).toContain(info.risk);
    expect(id).toMatch(/^[a-z0-9]+\.[a-z0-9-]+$/);
  }
});

test("every rule with examples that flag is reachable (has at least one example or is an input/parse rule)", () => {
  for (const [id, info] of Object.entries(RULES)) {
    if (/^(input|parse)\./.test(id)) continue;
    expect(info.flag.length, id).toBeGreaterThan(0);
  }
});
