// Shared pieces of the release and installer tests: building the linux-x64
// release once, running install.sh under a given shell with a clean
// environment, and PATH folders with tools taken away or faked.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../helpers/run.ts";

export const installer = join(repoRoot, "install.sh");
export const version: string = (await Bun.file(join(repoRoot, "package.json")).json()).version;
export const systemPath = "/usr/local/bin:/usr/bin:/bin";

// Per-test time limits for the slow steps, generous enough for a 2-core machine
// that is busy with other work (bun's default is 5 s). No test asserts how long
// anything took: a slow machine is not a failure.
/** Building the release (bundling, compiling, compressing): ~15 s on an idle machine. */
export const releaseBuildTimeout = 600_000;
/** One test that runs install.sh end to end (download, hash, unpack, run), possibly a few times. */
export const installTimeout = 180_000;
/** Unpacking or listing a release archive, shellcheck, ruby: a few seconds when idle. */
export const slowStepTimeout = 120_000;

const temps: string[] = [];
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `cmdai-${prefix}-`));
  temps.push(d);
  return d;
}
export function removeTemps() {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * Builds the linux-x64 release into a temporary folder: gz at the release
 * level, xz at level 0 (the format path is the same; -9 takes two minutes).
 */
export async function buildRelease(): Promise<string> {
  const out = tempDir("release");
  const proc = Bun.spawn(
    ["bun", "run", join(repoRoot, "scripts", "release.ts"), "--targets", "linux-x64", "--xz-level", "0", "--out", out],
    { cwd: repoRoot, stdout: "pipe", stderr: "pipe" },
  );
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`release failed (${code}):\n${stdout}\n${stderr}`);
  return out;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export async function run(cmd: string[], env: Record<string, string>, cwd = "/"): Promise<Run> {
  const started = performance.now();
  const proc = Bun.spawn(cmd, { env, cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, ms: performance.now() - started };
}

/** A clean HOME and the environment a user's `curl ... | sh` would have. */
export function userEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home, PATH: systemPath, SHELL: "/bin/zsh", LANG: "C.UTF-8", ...extra };
}

export const installerRun = (shell: string, args: string[], env: Record<string, string>, prefix: string[] = []) =>
  run([...prefix, shell, installer, ...args], env);

/** A PATH folder holding every command of the system PATH except `without`, plus fakes. */
export function toolbox(without: string[], fakes: Record<string, string> = {}): string {
  const dir = tempDir("bin");
  for (const sys of ["/bin", "/usr/bin", "/usr/local/bin"].reverse()) {
    if (!existsSync(sys)) continue;
    for (const name of readdirSync(sys)) {
      if (without.includes(name) || name in fakes || existsSync(join(dir, name))) continue;
      try {
        symlinkSync(join(sys, name), join(dir, name));
      } catch {}
    }
  }
  for (const [name, script] of Object.entries(fakes)) {
    writeFileSync(join(dir, name), script);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/** uname that reports another machine. */
export const fakeUname = (os: string, cpu: string) =>
  `#!/bin/sh\ncase "$1" in -s) echo ${os} ;; -m) echo ${cpu} ;; -o) echo GNU/Linux ;; *) echo ${os} ;; esac\n`;

export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(e.isDirectory() ? `${r}/` : r);
      if (e.isDirectory()) walk(join(d, e.name), r);
    }
  };
  walk(dir, "");
  return out.sort();
}

export function mkdirp(p: string) {
  mkdirSync(p, { recursive: true });
  return p;
}
