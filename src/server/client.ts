// The client side of the resident server: what a key press runs. It never
// loads node-llama-cpp nor the safety parser; it asks the socket, starts `cmdai serve` when nobody
// answers (under a lock, so two shells start one server), replaces a server
// of another build, and reports a server it cannot use as ServerUnavailable so
// the caller can generate in process instead.

import { closeSync, openSync, unlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { CommandRequest, CommandResult } from "../generate/generate.ts";
import { CmdaiError } from "../core/errors.ts";
import { formatDuration } from "../models/format.ts";
import { acquireLock, pidAlive } from "../models/lock.ts";
import { ensureLogDir, logFile } from "./log.ts";
import { ensurePrivateDir } from "./paths.ts";
import {
  build,
  headers,
  modelRef,
  type ErrorReply,
  type GenerateBody,
  type GenerateReply,
  type ModelRef,
  type StatusReply,
} from "./protocol.ts";

/** The server could not be used for this request; the message says why, in a few words. */
export class ServerUnavailable extends Error {
  override name = "ServerUnavailable";
}

export type Probe =
  | { kind: "status"; status: StatusReply }
  /** Nothing listens there (no socket, or a stale one). */
  | { kind: "none"; code: string }
  /** Something answered, but not a cmdai server, or not in time. */
  | { kind: "busy"; why: string };

const url = (path: string) => `http://cmdai${path}`;
const errorCode = (e: unknown) => (e as { code?: string })?.code ?? (e as Error)?.name ?? "error";

/** One status request with a time limit: who, if anyone, listens on `socket`. */
export async function probeSocket(socket: string, timeoutMs = 1000): Promise<Probe> {
  let res: Response;
  try {
    res = await fetch(url("/v1/status"), { unix: socket, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const code = errorCode(e);
    // A reset: the listener died with this connection in its queue (kill -9).
    if (["ENOENT", "ECONNREFUSED", "ENOTSOCK", "ECONNRESET"].includes(code)) return { kind: "none", code };
    return { kind: "busy", why: code === "TimeoutError" ? "no answer in time" : code };
  }
  try {
    const status = (await res.json()) as StatusReply;
    if (res.ok && status?.running === true && typeof status.pid === "number") return { kind: "status", status };
  } catch {}
  return { kind: "busy", why: `not a cmdai server (HTTP ${res.status})` };
}

/** Asks the server to stop and returns once its process is gone (SIGKILL after `graceMs`). */
export async function stopServer(socket: string, graceMs = 10_000): Promise<{ pid: number } | undefined> {
  const probe = await probeSocket(socket);
  if (probe.kind !== "status") return undefined;
  const { pid } = probe.status;
  try {
    await fetch(url("/v1/stop"), { method: "POST", unix: socket, signal: AbortSignal.timeout(2000) });
  } catch {
    if (pidAlive(pid)) process.kill(pid, "SIGTERM");
  }
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await Bun.sleep(10);
  if (pidAlive(pid)) {
    process.kill(pid, "SIGKILL");
    while (pidAlive(pid)) await Bun.sleep(10);
    try {
      unlinkSync(socket);
    } catch {}
  }
  return { pid };
}

/** The command that runs this same cmdai: the executable itself, or bun with the entry script. */
function selfCommand(): string[] {
  const compiled = Bun.main.startsWith("/$bunfs/") || import.meta.path.startsWith("/$bunfs/");
  return compiled ? [process.execPath] : [process.execPath, Bun.main];
}

export interface StartOptions {
  socket: string;
  keepAliveMs: number;
  /** Start loading this model at once. */
  preload?: { path: string; threads: number };
  /** How long to wait for the socket to answer. */
  timeoutMs?: number;
}

/**
 * Starts `cmdai serve` detached (its own session, output to the server log)
 * unless a server already answers, under a start lock so that two clients
 * start one server. Returns once the socket answers.
 */
export async function startServer(opts: StartOptions): Promise<StatusReply> {
  const { socket } = opts;
  const dir = dirname(socket);
  try {
    ensurePrivateDir(dir);
  } catch (e) {
    throw new ServerUnavailable((e as Error).message);
  }
  const lock = await acquireLock(join(dir, "start.lock"), { pollMs: 10, staleMs: 30_000 });
  try {
    const probe = await probeSocket(socket);
    if (probe.kind === "status") return probe.status; // another client started it meanwhile
    if (probe.kind === "busy") throw new ServerUnavailable(`the socket ${socket} does not answer (${probe.why})`);
    try {
      unlinkSync(socket); // stale: nobody listens
    } catch {}
    const args = ["serve", "--keep-alive", opts.keepAliveMs < 0 ? "-1" : `${opts.keepAliveMs}ms`];
    if (opts.preload) args.push("--model", opts.preload.path, "--threads", String(opts.preload.threads));
    const [exe, ...pre] = selfCommand();
    let out: number | "ignore" = "ignore";
    try {
      ensureLogDir();
      out = openSync(logFile(), "a", 0o600);
    } catch {}
    const { spawn } = await import("node:child_process"); // only when starting one (~0.6 ms to load)
    const child = spawn(exe!, [...pre, ...args], {
      detached: true, // its own session: the shell's Ctrl-C and hang-up do not reach it
      stdio: ["ignore", out, out],
      env: process.env,
    });
    child.on("error", () => {});
    child.unref();
    if (typeof out === "number") closeSync(out);
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    let exited: number | null | undefined;
    child.once("exit", (code) => (exited = code));
    for (;;) {
      await Bun.sleep(5);
      const p = await probeSocket(socket, 1000);
      if (p.kind === "status") return p.status;
      if (exited !== undefined) throw new ServerUnavailable(`the server exited at start (status ${exited}; see ${logFile()})`);
      if (Date.now() > deadline)
        throw new ServerUnavailable(`the server did not answer within ${formatDuration((opts.timeoutMs ?? 10_000) / 1000)}`);
    }
  } finally {
    lock.release();
  }
}

export interface ServerClientOptions {
  socket: string;
  modelPath: string;
  threads: number;
  keepAliveMs: number;
  /**
   * Send keep-alive with each request (the user set it): it then replaces the
   * server's own, as Ollama's per-request keep_alive does. A default is only
   * used to start a server, so a server run as a service keeps its own.
   */
  sendKeepAlive?: boolean;
  /** One short line about what happened to the server (replaced, restarted). */
  note?: (message: string) => void;
}

/** Runs requests in the resident server, starting or replacing it as needed. */
export class ServerClient {
  private ref: ModelRef;

  constructor(private opts: ServerClientOptions) {
    this.ref = modelRef(resolve(opts.modelPath), opts.threads);
  }

  async generate(request: CommandRequest): Promise<CommandResult> {
    const { signal, ...wire } = request;
    const body: GenerateBody = {
      model: this.ref,
      request: wire,
      ...(this.opts.sendKeepAlive ? { keep_alive_ms: this.opts.keepAliveMs } : {}),
    };
    const start = () =>
      startServer({
        socket: this.opts.socket,
        keepAliveMs: this.opts.keepAliveMs,
        preload: { path: this.ref.path, threads: this.ref.threads },
      });
    // At most two starts: the first when nobody listens (or an old build
    // does), one more when that server dies under the request.
    let starts = 0;
    for (;;) {
      const res = await this.send(body, signal);
      if (res.kind === "ok") return res.reply.result;
      if (res.kind === "error") {
        const { error } = res.reply;
        if (error.code === "version" && starts < 2) {
          this.opts.note?.(`replacing a server of another build (${res.reply.build})`);
          await stopServer(this.opts.socket);
          starts++;
          await start();
          continue;
        }
        if (error.code === "stopping" && starts < 2) {
          // It is leaving (keep-alive ran out just now): wait for it, then start a fresh one.
          const deadline = Date.now() + 15_000;
          while ((await probeSocket(this.opts.socket)).kind === "status" && Date.now() < deadline) await Bun.sleep(10);
          starts++;
          await start();
          continue;
        }
        if (error.exit_code !== undefined) throw new CmdaiError(error.message, error.exit_code as never);
        throw new ServerUnavailable(error.message);
      }
      if (signal?.aborted) throw signal.reason ?? new Error("cancelled");
      if (starts >= 2) throw new ServerUnavailable(res.why);
      if (res.kind === "died") this.opts.note?.(`the server stopped during the request (${res.why}); starting a new one`);
      starts++;
      await start();
    }
  }

  private async send(
    body: GenerateBody,
    signal?: AbortSignal,
  ): Promise<
    | { kind: "ok"; reply: GenerateReply }
    | { kind: "error"; reply: ErrorReply }
    | { kind: "absent"; why: string }
    | { kind: "died"; why: string }
  > {
    const ac = new AbortController();
    const onAbort = () => ac.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    // A server that accepted the request but hangs is noticed by its status
    // going unanswered; a slow model load or a long queue is not a hang.
    let hung = false;
    const watch = setInterval(async () => {
      const p = await probeSocket(this.opts.socket, 2000);
      if (p.kind !== "status" && !ac.signal.aborted) {
        hung = true;
        ac.abort(new Error("the server stopped answering"));
      }
    }, 3000);
    try {
      let res: Response;
      try {
        res = await fetch(url("/v1/generate"), {
          method: "POST",
          unix: this.opts.socket,
          headers: { "content-type": "application/json", [headers.build]: build },
          body: JSON.stringify(body),
          signal: ac.signal,
        });
      } catch (e) {
        const code = errorCode(e);
        if (code === "ENOENT" || code === "ECONNREFUSED") return { kind: "absent", why: "no server" };
        return { kind: "died", why: hung ? "it stopped answering" : code };
      }
      let reply: GenerateReply | ErrorReply;
      try {
        reply = (await res.json()) as GenerateReply | ErrorReply;
      } catch (e) {
        return { kind: "died", why: hung ? "it stopped answering" : `a cut answer (${errorCode(e)})` };
      }
      if ("error" in reply && reply.error) return { kind: "error", reply };
      if (res.ok && typeof (reply as GenerateReply).result?.cmd === "string") return { kind: "ok", reply: reply as GenerateReply };
      return { kind: "died", why: `an answer that is not cmdai's (HTTP ${res.status})` };
    } finally {
      clearInterval(watch);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
