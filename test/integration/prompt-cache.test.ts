import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tinyModel } from "../helpers/model.ts";
import { runCli, sandboxHome } from "../helpers/run.ts";

// The saved system-prompt state: same answers with and without it, and a
// damaged file never reaches llama.cpp (which aborts on a truncated state).
let model = "";
beforeAll(async () => {
  model = await tinyModel();
});

const stateFiles = (env: Record<string, string>) => {
  const dir = join(env.XDG_CACHE_HOME!, "cmdai", "prompts");
  return readdirSync(dir)
    .filter((n) => n.endsWith(".kv"))
    .map((n) => join(dir, n));
};

describe("prompt state cache", () => {
  test("is written once, private, and gives the same command as a cold evaluation", async () => {
    const env = sandboxHome();
    const first = await runCli(["--model", model, "list files"], { env });
    expect(first.code).toBe(0);
    const [file] = stateFiles(env);
    expect(file).toBeDefined();
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const before = statSync(file!);
    const second = await runCli(["--model", model, "list files"], { env });
    expect(second.stdout).toBe(first.stdout);
    // Reused, not rewritten.
    expect(stateFiles(env)).toEqual([file!]);
    expect(statSync(file!).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(file!).ino).toBe(before.ino);
  });

  test("a truncated or altered state file is discarded, never loaded", async () => {
    const env = sandboxHome();
    const clean = await runCli(["--model", model, "show disk usage"], { env });
    for (const damage of ["truncate", "flip"] as const) {
      const [file] = stateFiles(env);
      const bytes = Buffer.from(readFileSync(file!));
      if (damage === "truncate") writeFileSync(file!, bytes.subarray(0, bytes.length >> 1));
      else {
        bytes[bytes.length >> 1]! ^= 0xff;
        writeFileSync(file!, bytes);
      }
      const r = await runCli(["--model", model, "show disk usage"], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(clean.stdout);
      const files = stateFiles(env);
      expect(files.length).toBe(1);
      expect(readFileSync(files[0]!).length).toBe(bytes.length); // rewritten whole
    }
  });
});

describe("prompt state cache pruning", () => {
  test("keeps only the newest eight states", async () => {
    const env = sandboxHome();
    const dir = join(env.XDG_CACHE_HOME!, "cmdai", "prompts");
    const { mkdirSync, utimesSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 10; i++) {
      const f = join(dir, `old${i}.x.kv`);
      writeFileSync(f, "stale");
      utimesSync(f, new Date(2020, 0, 1 + i), new Date(2020, 0, 1 + i));
    }
    const r = await runCli(["--model", model, "--shell", "zsh", "list files"], { env });
    expect(r.code).toBe(0);
    const left = readdirSync(dir)
      .filter((n) => n.endsWith(".kv"))
      .sort();
    expect(left.length).toBe(8);
    expect(left).not.toContain("old0.x.kv"); // the oldest went first
    expect(left.some((n) => !n.startsWith("old"))).toBe(true); // the new one stayed
  });
});
