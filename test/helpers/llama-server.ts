import { join } from "node:path";
import { repoRoot } from "./run.ts";

// llama.cpp's own llama-server, built from node-llama-cpp's bundled source by
// scripts/llama-server.sh into a cache outside the checkout. Tests and the
// remote benchmark start it on a generated model; the tests skip, saying why,
// when it is not built (`.ci/run` builds it).

/** The built binary, or undefined (with the reason) when it is missing. */
export function llamaServerBinary(): { path?: string; why?: string } {
  const r = Bun.spawnSync(["bash", join(repoRoot, "scripts/llama-server.sh"), "--path"], { cwd: repoRoot });
  const path = r.stdout.toString().trim();
  if (r.exitCode === 0 && path) return { path };
  return { why: "llama-server is not built (run: scripts/llama-server.sh, ~15 min)" };
}

export interface LlamaServer {
  /** http://127.0.0.1:PORT */
  url: string;
  proc: ReturnType<typeof Bun.spawn>;
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/**
 * Starts llama-server on a free loopback port and waits (up to `timeoutMs`)
 * until /health answers 200. `--no-repack`: on CPUs with AMX, the repacked
 * q8_0/q4_0 weights go through AMX kernels that crash (SIGILL) here.
 */
export async function startLlamaServer(
  binary: string,
  model: string,
  opts: { args?: string[]; threads?: number; contextSize?: number; timeoutMs?: number } = {},
): Promise<LlamaServer> {
  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const chunks: string[] = [];
    const proc = Bun.spawn(
      [
        binary,
        "-m",
        model,
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "-c",
        String(opts.contextSize ?? 2048),
        "-np",
        "1",
        "-t",
        String(opts.threads ?? 1),
        "--no-repack",
        ...(opts.args ?? []),
      ],
      { stdout: "ignore", stderr: "pipe", stdin: "ignore" },
    );
    (async () => {
      for await (const c of proc.stderr as ReadableStream<Uint8Array>) chunks.push(new TextDecoder().decode(c));
    })().catch(() => {});
    const server: LlamaServer = {
      url,
      proc,
      log: () => chunks.join(""),
      async stop() {
        proc.kill("SIGKILL");
        await proc.exited;
      },
    };
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    while (Date.now() < deadline && proc.exitCode === null) {
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return server;
      } catch {}
      await Bun.sleep(50);
    }
    await server.stop();
    lastError = `llama-server did not become healthy (exit ${proc.exitCode}): ${server.log().trim().split("\n").slice(-3).join(" | ")}`;
    // A port taken between choosing and binding: try another.
    if (!/bind|address already in use/i.test(lastError)) break;
  }
  throw new Error(lastError);
}
