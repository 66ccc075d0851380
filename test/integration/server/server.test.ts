import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { slowModel, steeredModel as tinyModel } from "../../helpers/model.ts";
import { expectOneLineError, repoRoot, runCli, sandboxHome } from "../../helpers/run.ts";

// The resident server as users meet it: real `cmdai serve` processes started
// on demand by real clients, on a real Unix socket in a private sandbox.
// Every test stops what it started.

// Starting a server loads llama.cpp and a model: seconds on a loaded machine.
setDefaultTimeout(60_000);

const main = join(repoRoot, "src", "main.ts");
const envs: Record<string, string>[] = [];

function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = { ...sandboxHome(), CMDAI_SERVER: "1", CMDAI_KEEP_ALIVE: "60s", CMDAI_THREADS: "1", ...extra };
  envs.push(env);
  return env;
}
const socketOf = (env: Record<string, string>) => join(env.XDG_RUNTIME_DIR!, "cmdai", "cmdai.sock");
const logOf = (env: Record<string, string>) => join(env.XDG_STATE_HOME!, "cmdai", "server.log");
const logLines = (env: Record<string, string>, event: string) =>
  existsSync(logOf(env))
    ? readFileSync(logOf(env), "utf8")
        .split("\n")
        .filter((l) => l.split(" ")[2] === event)
    : [];

/** The server's status straight from the socket: fast enough to catch a generation under way. */
async function peek(env: Record<string, string>): Promise<{ running: boolean; pid?: number; active?: number }> {
  try {
    const res = await fetch("http://cmdai/v1/status", { unix: socketOf(env) } as never);
    return (await res.json()) as { running: boolean; pid?: number; active?: number };
  } catch {
    return { running: false };
  }
}

async function status(env: Record<string, string>) {
  const r = await runCli(["server", "status", "--json"], { env });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

afterAll(async () => {
  await Promise.all(envs.map((env) => runCli(["server", "stop"], { env })));
});

const ask = (env: Record<string, string>, model: string, ...extra: string[]) =>
  runCli(["--model", model, "--json", ...extra, "list files"], { env });

describe("the resident server", () => {
  test("the first request starts it, the next one finds the model loaded", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    expect((await status(env)).running).toBe(false);
    const first = await ask(env, model);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    const s = await status(env);
    expect(s).toMatchObject({ running: true, socket: socketOf(env), requests: 1 });
    expect(s.models.map((m: { path: string }) => m.path)).toEqual([model]);
    const second = await ask(env, model);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).timings_ms.load).toBe(0);
    expect(JSON.parse(second.stdout).cmd).toBe(JSON.parse(first.stdout).cmd);
    expect((await status(env)).pid).toBe(s.pid);
    expect(logLines(env, "start")).toHaveLength(1);
    expect(logLines(env, "request")).toHaveLength(2);
  });

  test("its folder is private and its socket is the user's alone", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    expect((await ask(env, model)).code).toBe(0);
    const { statSync } = await import("node:fs");
    expect(statSync(join(env.XDG_RUNTIME_DIR!, "cmdai")).mode & 0o777).toBe(0o700);
    expect(statSync(socketOf(env)).mode & 0o777).toBe(0o600);
    expect(statSync(logOf(env)).mode & 0o777).toBe(0o600);
    if (process.getuid?.() !== 0) return; // only root can act as another user here
    const other = Bun.spawnSync(
      [
        process.execPath,
        "-e",
        `require("net").connect(${JSON.stringify(socketOf(env))}).on("error", e => { console.log(e.code); process.exit(0) }).on("connect", () => { console.log("connected"); process.exit(0) })`,
      ],
      {
        uid: 65534,
        gid: 65534,
      } as never,
    );
    expect(other.stdout.toString().trim()).toBe("EACCES");
  });

  test("the same request gets the same command and verdict with and without the server", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    const strip = (out: string) => {
      const { timings_ms: _, ...rest } = JSON.parse(out);
      return rest;
    };
    for (const request of ["list files", "delete everything in this folder"]) {
      const via = await runCli(["--model", model, "--json", "--level", "strict", request], { env });
      const local = await runCli(["--model", model, "--json", "--level", "strict", request], { env: { ...env, CMDAI_SERVER: "0" } });
      expect(via.code).toBe(local.code);
      expect(strip(via.stdout)).toEqual(strip(local.stdout));
    }
  });

  test("two clients at once start one server, and both are answered", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    const runs = await Promise.all([1, 2, 3, 4].map(() => ask(env, model)));
    for (const r of runs) expect(r.code).toBe(0);
    for (const r of runs) expect(r.stderr).toBe("");
    expect(logLines(env, "start")).toHaveLength(1);
    expect((await status(env)).requests).toBe(4);
  });

  test("killed with SIGKILL during a request: the request still succeeds, with one line saying why", async () => {
    const model = await slowModel();
    const env = serverEnv();
    // A long answer keeps the server busy while it is killed.
    const client = Bun.spawn([process.execPath, main, "--model", model, "--max-chars", "1000", "list files"], {
      env,
      stdout: "pipe",
      stderr: "pipe",
    });
    let pid = 0;
    await until("the server to take the request", async () => {
      const s = await peek(env);
      pid = s.pid ?? 0;
      return s.running && (s.active ?? 0) > 0;
    });
    process.kill(pid, "SIGKILL");
    const [stdout, stderr, code] = await Promise.all([
      new Response(client.stdout).text(),
      new Response(client.stderr).text(),
      client.exited,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(stdout.trim()).not.toBe("");
    expect(stderr).toMatch(/^cmdai: warning: the server stopped during the request \(.*\); starting a new one\n$/);
    const s = await status(env);
    expect(s.running).toBe(true);
    expect(s.pid).not.toBe(pid);
  });

  test("a stale socket (its server killed) is replaced by a fresh server", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    expect((await ask(env, model)).code).toBe(0);
    const { pid } = await status(env);
    process.kill(pid, "SIGKILL");
    await until("the old server to die", () => !alive(pid));
    expect(existsSync(socketOf(env))).toBe(true); // left behind: nobody listens
    const r = await ask(env, model);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const s = await status(env);
    expect(s.running).toBe(true);
    expect(s.pid).not.toBe(pid);
  });

  test("a server of another build is stopped and replaced", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    mkdirSync(join(env.XDG_RUNTIME_DIR!, "cmdai"), { mode: 0o700 });
    const old = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures", "other-build.ts"), socketOf(env), "0.0.1+old"], {
      stdout: "pipe",
    });
    await until("the old server", async () => (await status(env)).running === true);
    expect((await status(env)).version).toBe("0.0.1+old");
    const r = await ask(env, model);
    expect(r.code).toBe(0);
    expect(await old.exited).toBe(0);
    expect(r.stderr).toMatch(/^cmdai: warning: replacing a server of another build \(0\.0\.1\+old\)\n$/);
    const s = await status(env);
    expect(s.version).toBe(s.client_version);
  });

  test("keep-alive: it unloads and exits when idle", async () => {
    const model = await tinyModel();
    const env = serverEnv({ CMDAI_KEEP_ALIVE: "1s" });
    expect((await ask(env, model)).code).toBe(0);
    const { pid } = await status(env);
    await until("the server to exit", () => !alive(pid));
    expect(existsSync(socketOf(env))).toBe(false);
    expect((await status(env)).running).toBe(false);
    expect(logLines(env, "stop").join("")).toContain('reason="idle"');
  });

  test("keep-alive 0: it exits right after answering", async () => {
    const model = await tinyModel();
    const env = serverEnv({ CMDAI_KEEP_ALIVE: "0" });
    expect((await ask(env, model)).code).toBe(0);
    await until("the server to exit", async () => (await status(env)).running === false, 15_000);
  });

  test("Ctrl-C in the client stops the generation on the server and frees its sequence", async () => {
    const model = await slowModel();
    const env = serverEnv();
    expect((await ask(env, model)).code).toBe(0);
    const client = Bun.spawn([process.execPath, main, "--model", model, "--max-chars", "1000", "list files"], {
      env,
      stdout: "pipe",
      stderr: "pipe",
    });
    await until("the generation to start", async () => ((await peek(env)).active ?? 0) > 0);
    await Bun.sleep(100); // into the generation (a second or more with this model)
    client.kill("SIGINT");
    expect(await client.exited).toBe(130);
    await until("the server to notice", async () => (await peek(env)).active === 0, 10_000);
    expect(logLines(env, "cancelled")).toHaveLength(1);
    // Both sequences serve again, and the answers are whole.
    const after = await Promise.all([ask(env, model), ask(env, model)]);
    for (const r of after) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).cmd.length).toBeGreaterThan(0);
    }
  });

  test("status and stop, with and without a server", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    const none = await runCli(["server", "status"], { env });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("not running");
    const stopNone = await runCli(["server", "stop"], { env });
    expect(stopNone.code).toBe(0);
    expect(stopNone.stdout.trim()).toBe("not running");
    expect((await ask(env, model)).code).toBe(0);
    const text = await runCli(["server", "status"], { env });
    expect(text.stdout).toMatch(/^running +pid \d+/);
    expect(text.stdout).toContain("tiny");
    const s = await status(env);
    expect(s).toMatchObject({ running: true, socket: socketOf(env), version: expect.any(String) });
    expect(s.models[0]).toMatchObject({ name: "tiny", path: model, requests: 1 });
    expect(s.rss_bytes).toBeGreaterThan(0);
    const stop = await runCli(["server", "stop"], { env });
    expect(stop.stdout.trim()).toBe(`stopped (pid ${s.pid})`);
    expect(alive(s.pid)).toBe(false); // stop returns once the process is gone
  });

  test("CMDAI_SERVER=0 and server = false generate in this process and start nothing", async () => {
    const model = await tinyModel();
    const env = serverEnv({ CMDAI_SERVER: "0" });
    expect((await ask(env, model)).code).toBe(0);
    expect(existsSync(socketOf(env))).toBe(false);
    const cfg = serverEnv();
    mkdirSync(join(cfg.XDG_CONFIG_HOME!, "cmdai"), { recursive: true });
    writeFileSync(join(cfg.XDG_CONFIG_HOME!, "cmdai", "config.toml"), "server = false\n");
    const { CMDAI_SERVER: _, ...noEnv } = cfg;
    expect((await ask(noEnv, model)).code).toBe(0);
    expect(existsSync(socketOf(cfg))).toBe(false);
  });

  test("a folder open to others, or a symlink, is refused; the request still succeeds in process", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    const dir = join(env.XDG_RUNTIME_DIR!, "cmdai");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const serve = await runCli(["serve"], { env });
    expect(serve.code).toBe(73);
    expectOneLineError(serve, /refusing the server folder .*open to other users \(mode 755\); run: chmod 700/);
    const r = await ask(env, model);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).cmd.length).toBeGreaterThan(0);
    expectOneLineError(r, /warning: the server could not be used \(refusing the server folder .*\); generated in this process/);
    rmSync(dir, { recursive: true });
    mkdirSync(join(env.HOME!, "elsewhere"), { mode: 0o700 });
    symlinkSync(join(env.HOME!, "elsewhere"), dir);
    expectOneLineError(await runCli(["serve"], { env }), /refusing the server folder .*: it is a symlink/);
  });

  test("a model that is not a GGUF gets the same message and exit code as in process", async () => {
    const env = serverEnv();
    const bad = join(env.HOME!, "notes.gguf");
    writeFileSync(bad, "this is not a model\n".repeat(100));
    const via = await runCli(["--model", bad, "list files"], { env });
    const local = await runCli(["--model", bad, "list files"], { env: { ...env, CMDAI_SERVER: "0" } });
    expect(via.code).toBe(4);
    expect(via.code).toBe(local.code);
    expect(via.stderr).toBe(local.stderr);
  });

  test("malformed, oversized and half-sent requests get an error, and it keeps serving", async () => {
    const model = await tinyModel();
    const env = serverEnv();
    expect((await ask(env, model)).code).toBe(0);
    const socket = socketOf(env);
    const { build } = await import("../../../src/server/protocol.ts");
    const post = (body: string) =>
      fetch("http://cmdai/v1/generate", { method: "POST", unix: socket, body, headers: { "x-cmdai-build": build } } as never);
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    const shape = await post(JSON.stringify({ model: { path: "relative.gguf" } }));
    expect(shape.status).toBe(400);
    const big = await post(JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) })).catch(() => undefined);
    expect(big === undefined || big.status === 413).toBe(true);
    // Half a request, then the client goes away.
    await new Promise<void>((resolve) => {
      const s = connect(socket, () => {
        s.write('POST /v1/generate HTTP/1.1\r\nHost: cmdai\r\nContent-Length: 500\r\n\r\n{"model":');
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 100);
      });
    });
    const unknown = await fetch("http://cmdai/v2/nothing", { unix: socket } as never);
    expect(unknown.status).toBe(404);
    const r = await ask(env, model);
    expect(r.code).toBe(0);
    expect((await status(env)).requests).toBe(2);
  });
});
