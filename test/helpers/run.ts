import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dir, "..", "..");
export const distBinary = join(repoRoot, "dist", "cmdai");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A private HOME with XDG folders, so tests never read the developer's config
 * nor meet another test's server. Generation runs in process (CMDAI_SERVER=0)
 * unless a test turns the resident server on.
 */
export function sandboxHome(): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), "cmdai-home-"));
  for (const d of [".config", ".cache", ".local/state"]) mkdirSync(join(home, d), { recursive: true });
  mkdirSync(join(home, "run"), { mode: 0o700 });
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_STATE_HOME: join(home, ".local/state"),
    XDG_RUNTIME_DIR: join(home, "run"),
    CMDAI_SERVER: "0",
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    SHELL: "/bin/bash",
  };
}

/** Runs the CLI from source (or a given executable) with a clean environment. */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; exe?: string[]; cwd?: string; stdin?: string } = {},
): Promise<RunResult> {
  const exe = opts.exe ?? [process.execPath, join(repoRoot, "src", "main.ts")];
  const proc = Bun.spawn([...exe, ...args], {
    env: opts.env ?? sandboxHome(),
    cwd: opts.cwd ?? repoRoot,
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** A user-facing error: one line, prefixed, and no stack trace. */
export function expectOneLineError(r: RunResult, pattern: RegExp) {
  const lines = r.stderr.trimEnd().split("\n");
  if (lines.length !== 1 || !lines[0]!.startsWith("cmdai: ") || !pattern.test(lines[0]!) || /\bat .*:\d+:\d+/.test(r.stderr))
    throw new Error(`expected one "cmdai:" line matching ${pattern}, got:\n${r.stderr}`);
}
