import { beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tinyModel } from "../helpers/model.ts";
import { distBinary, expectOneLineError, runCli } from "../helpers/run.ts";

// The single-file executable, copied alone into an empty folder and run with
// a minimal environment: no node_modules, no Bun, no repo beside it.
let dir = "";
let exe: string[] = [];
let model = "";
// Generation goes through the resident server, as on a user's machine; each
// home has its own socket (under TMPDIR), and the server leaves soon after.
const minimalEnv = (home: string) => ({ HOME: home, PATH: "/usr/bin:/bin", TMPDIR: home, CMDAI_KEEP_ALIVE: "5s" });
// Each test starts the 150 MB executable, most of them load a model, and the
// first run unpacks llama.cpp's libraries: a few seconds on an idle machine,
// far more on a busy one. Limits are generous; no test asserts a duration.
const runTimeout = 120_000;

beforeAll(async () => {
  if (!existsSync(distBinary)) throw new Error("dist/cmdai is missing: run `bun run build` (bun run test does)");
  dir = mkdtempSync(join(tmpdir(), "cmdai-dist-"));
  copyFileSync(distBinary, join(dir, "cmdai"));
  Bun.spawnSync(["chmod", "755", join(dir, "cmdai")]);
  exe = [join(dir, "cmdai")];
  model = join(dir, "tiny.gguf");
  copyFileSync(await tinyModel(), model);
}, runTimeout);

describe("dist/cmdai, alone in a folder", () => {
  test(
    "--version and --help work",
    async () => {
      const home = mkdtempSync(join(tmpdir(), "cmdai-h-"));
      const v = await runCli(["--version"], { exe, env: minimalEnv(home), cwd: dir });
      expect(v.code).toBe(0);
      expect(v.stdout).toMatch(/^cmdai \d+\.\d+\.\d+ \([0-9a-f]+ linux-x64\)\n$/);
      const h = await runCli(["--help"], { exe, env: minimalEnv(home), cwd: dir });
      expect(h.code).toBe(0);
      expect(h.stdout).toContain("Usage:");
    },
    runTimeout,
  );

  test(
    "generates a command with a generated model, same as from source",
    async () => {
      const home = mkdtempSync(join(tmpdir(), "cmdai-h-"));
      const r = await runCli(["--model", model, "--shell", "bash", "list files"], { exe, env: minimalEnv(home), cwd: dir });
      expect(r.stderr).not.toContain("testBindingBinary");
      expect(r.code).toBe(0);
      // Same PATH and folder, so both describe the same machine to the model.
      const fromSource = await runCli(["--model", model, "--shell", "bash", "list files"], {
        cwd: dir,
        env: minimalEnv(mkdtempSync(join(tmpdir(), "cmdai-h-"))),
      });
      expect(r.stdout).toBe(fromSource.stdout);
    },
    runTimeout,
  );

  test(
    "four simultaneous first runs unpack the natives once, safely",
    async () => {
      const home = mkdtempSync(join(tmpdir(), "cmdai-h-"));
      const runs = await Promise.all(
        [1, 2, 3, 4].map(() =>
          runCli(["--model", model, "--max-chars", "16", "show disk usage"], { exe, env: minimalEnv(home), cwd: dir }),
        ),
      );
      for (const r of runs) expect(r.code).toBe(0);
      expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
      const runtime = join(home, ".cache", "cmdai", "runtime");
      const entries = readdirSync(runtime);
      expect(entries.length).toBe(1); // no leftover temporary folders
      expect(existsSync(join(runtime, entries[0]!, ".complete"))).toBe(true);
    },
    runTimeout,
  );

  test(
    "a file that is not a model is a clear error, not a native crash",
    async () => {
      const home = mkdtempSync(join(tmpdir(), "cmdai-h-"));
      mkdirSync(join(home, "m"));
      const bad = join(home, "m", "x.gguf");
      writeFileSync(bad, "GGUF" + "\0".repeat(64));
      const r = await runCli(["--model", bad, "list files"], { exe, env: minimalEnv(home), cwd: dir });
      expect(r.code).toBe(4);
      expectOneLineError(r, /x\.gguf/);
    },
    runTimeout,
  );
});

// #16.4: a cache that cannot be written (the natives are unpacked there) is the
// user's to fix, and --verbose points at source files, not /$bunfs/root/chunk-….js.
// As root every folder is writable: drop to an unprivileged user for it.
const asRoot = process.getuid?.() === 0;
describe.skipIf(asRoot && Bun.which("setpriv") === null)("dist/cmdai with a read-only HOME", () => {
  test("one line naming the folder and the setting, exit 74; --verbose traces name src/ files", async () => {
    Bun.spawnSync(["chmod", "755", dir]);
    Bun.spawnSync(["chmod", "644", model]);
    const home = join(mkdtempSync(join(tmpdir(), "cmdai-ro-")), "home");
    mkdirSync(home, { mode: 0o555 });
    Bun.spawnSync(["chmod", "755", join(home, "..")]);
    Bun.spawnSync(["chmod", "555", home]);
    const drop = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    const r = await runCli(["--model", model, "list files"], { exe: [...drop, ...exe], env: minimalEnv(home), cwd: tmpdir() });
    expect(r.code).toBe(74);
    expectOneLineError(
      r,
      /cannot create the folder .*\/home\/\.cache: permission denied; make that folder writable, or set XDG_CACHE_HOME/,
    );
    const v = await runCli(["--verbose", "--model", model, "list files"], { exe: [...drop, ...exe], env: minimalEnv(home), cwd: tmpdir() });
    expect(v.code).toBe(74);
    expect(v.stderr).toMatch(/at .*\(src\/backend\/natives\.ts:\d+:\d+\)/);
    expect(v.stderr).not.toContain("$bunfs");
  });
});

describe("dist/cmdai upgrades", () => {
  test(
    "a new version's first run removes the old version's unpacked libraries",
    async () => {
      const home = mkdtempSync(join(tmpdir(), "cmdai-h-"));
      const runtime = join(home, ".cache", "cmdai", "runtime");
      const old = join(runtime, "3.0.0-linux-x64-0000000000000000");
      mkdirSync(old, { recursive: true });
      writeFileSync(join(old, ".complete"), "old");
      const r = await runCli(["--model", model, "--max-chars", "16", "list files"], { exe, env: minimalEnv(home), cwd: dir });
      expect(r.code).toBe(0);
      expect(existsSync(old)).toBe(false);
      expect(readdirSync(runtime).length).toBe(1);
    },
    runTimeout,
  );
});
