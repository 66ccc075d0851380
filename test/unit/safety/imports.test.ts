// The safety engine's files import each other without circles: types and
// helpers at the bottom, rules above them, the judge and the walk on top,
// the checker wiring them together.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "../../../src/safety");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Local imports of a file: static (`from "./x.ts"`, type-only included) and dynamic (`import("./x.ts")`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)["'](\.{1,2}\/[^"']+)["']/gm)) {
    const target = resolve(dirname(file), m[1]!);
    if (target.startsWith(root + "/")) out.push(target);
  }
  return out;
}

export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === "done") return;
    if (state.get(n) === "open") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "open");
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c) return c;
  }
}

test("the cycle finder finds a circle and accepts a tree", () => {
  expect(
    findCycle(
      new Map([
        ["a", ["b"]],
        ["b", ["c"]],
        ["c", ["a"]],
      ]),
    ),
  ).toEqual(["a", "b", "c", "a"]);
  expect(
    findCycle(
      new Map([
        ["a", ["b", "c"]],
        ["b", ["c"]],
        ["c", []],
      ]),
    ),
  ).toBeUndefined();
});

test("no import cycles between the files of src/safety", () => {
  const graph = new Map(files(root).map((f) => [f, importsOf(f)]));
  expect(graph.size).toBeGreaterThan(10);
  const cycle = findCycle(graph)?.map((f) => relative(root, f));
  expect(cycle).toBeUndefined();
});

test("rule files never import the walk, the judge or the checker", () => {
  for (const f of files(join(root, "rules")))
    for (const i of importsOf(f)) expect(relative(root, i)).not.toMatch(/^(walk|judge|checker|index)\.ts$/);
});
