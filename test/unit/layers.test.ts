import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { repoRoot } from "../helpers/run.ts";

// The house rules, read from the code's own imports (static and dynamic):
// nothing below src/cli imports it, and neither files nor folders import each
// other in a circle. A new arrow the wrong way fails here, naming it.

const src = join(repoRoot, "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of a file (type-only imports too: they tie the layers just the same). */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = resolve(dirname(file), m[1]!);
    if (target.endsWith(".ts") && target.startsWith(src)) found.add(target);
  }
  return [...found];
}

const all = files(src);
const graph = new Map(all.map((f) => [f, imports(f)]));
const rel = (f: string) => relative(src, f);
/** The concern a file belongs to: its folder under src/ (src/main.ts is the program's own). */
const folder = (f: string) => rel(f).split("/")[0]!.replace(/\.ts$/, "");

function cycle<T>(nodes: T[], edges: (n: T) => T[]): T[] | undefined {
  const state = new Map<T, 1 | 2>();
  const stack: T[] = [];
  const visit = (n: T): T[] | undefined => {
    if (state.get(n) === 2) return undefined;
    if (state.get(n) === 1) return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 1);
    stack.push(n);
    for (const m of edges(n)) {
      const found = visit(m);
      if (found) return found;
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of nodes) {
    const found = visit(n);
    if (found) return found;
  }
  return undefined;
}

describe("layers", () => {
  test("only src/cli and src/main.ts import src/cli", () => {
    const wrong = all
      .filter((f) => folder(f) !== "cli" && folder(f) !== "main")
      .flatMap((f) =>
        graph
          .get(f)!
          .filter((t) => folder(t) === "cli")
          .map((t) => `${rel(f)} -> ${rel(t)}`),
      );
    expect(wrong).toEqual([]);
  });

  test("no file imports itself back through others", () => {
    expect(cycle(all, (f) => graph.get(f)!)?.map(rel)).toBeUndefined();
  });

  test("no folder imports itself back through others", () => {
    const folders = [...new Set(all.map(folder))];
    const edges = new Map(folders.map((d) => [d, new Set<string>()]));
    for (const [f, targets] of graph) for (const t of targets) if (folder(t) !== folder(f)) edges.get(folder(f))!.add(folder(t));
    const found = cycle(folders, (d) => [...edges.get(d)!]);
    // Name the files behind each arrow of the circle, to show where to cut it.
    const why = found?.slice(1).map((to, i) => {
      const from = found[i]!;
      const witness = [...graph].find(([f, ts]) => folder(f) === from && ts.some((t) => folder(t) === to));
      return `${from} -> ${to} (${witness ? rel(witness[0]) : "?"})`;
    });
    expect(why).toBeUndefined();
  });
});
