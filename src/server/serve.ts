// `cmdai serve`: holds loaded models (their context sequences and the
// evaluated system prompt) between key presses, on a private Unix socket.
// Models load on first use (or at start with --model), the least recently
// used is unloaded when another is asked for, and the process exits after
// `keep_alive` with nothing to do, as Ollama's keep_alive does.

import { chmodSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { LlamaBackend } from "../backend/llama.ts";
import { cacheDir } from "../config/paths.ts";
import { levels } from "../config/config.ts";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { takeOverInterrupt } from "../core/interrupt.ts";
import type { ServerLog } from "./log.ts";
import { ensurePrivateDir } from "./paths.ts";
import {
  build,
  headers,
  maxBodyBytes,
  protocol,
  type ErrorReply,
  type GenerateBody,
  type GenerateReply,
  modelRef,
  type ModelRef,
  type WireRequest,
  type StatusReply,
} from "./protocol.ts";
import { probeSocket } from "./client.ts";
import { maxCharsRange } from "../generate/pipeline.ts";
import { shells } from "../prompt/prompt.ts";

export interface ServeOptions {
  socket: string;
  /** Idle time before the server unloads and exits; 0 = right after answering; -1 = never. */
  keepAliveMs: number;
  log: ServerLog;
  /** Write the user's request into the log. */
  verbose?: boolean;
  /** Models kept loaded at once. */
  maxModels?: number;
  /** Requests generated at once per model (one context sequence each); more wait in a queue. */
  sequences?: number;
  /** Load this model right away (the client that started the server is about to ask for it). */
  preload?: { path: string; threads: number };
  /** Called once the socket is listening. */
  onReady?: (info: { socket: string; pid: number }) => void;
}

interface Entry {
  key: string;
  ref: ModelRef;
  name: string;
  backend: Promise<LlamaBackend>;
  loaded: boolean;
  loadMs: number;
  lastUsed: number;
  requests: number;
  active: number;
}

const refKey = (r: ModelRef) => [r.path, r.dev, r.ino, r.size, r.mtimeMs, r.threads].join("\0");

class ModelPool {
  readonly entries = new Map<string, Entry>();

  constructor(readonly opts: { maxModels: number; sequences: number; log: ServerLog }) {}

  /** The loaded model for `ref`, loading it (and unloading the least recently used) when needed. */
  async get(ref: ModelRef): Promise<{ entry: Entry; backend: LlamaBackend; waitedMs: number }> {
    const key = refKey(ref);
    let entry = this.entries.get(key);
    if (!entry) {
      // The file the client named must still be the one on disk.
      let now: ModelRef;
      try {
        now = modelRef(ref.path, ref.threads);
      } catch (e) {
        throw new CmdaiError(`model file not found: ${ref.path}`, ExitCode.noModel, e);
      }
      if (refKey(now) !== key) throw new CmdaiError(`the model file changed while loading: ${ref.path}; try again`, ExitCode.modelLoad);
      this.trim(this.opts.maxModels - 1);
      entry = this.load(ref, key);
    }
    entry.lastUsed = Date.now();
    const started = performance.now();
    const backend = await entry.backend;
    return { entry, backend, waitedMs: entry.loaded ? performance.now() - started : 0 };
  }

  private load(ref: ModelRef, key: string): Entry {
    const started = performance.now();
    const entry: Entry = {
      key,
      ref,
      name: basename(ref.path).replace(/\.gguf$/i, ""),
      backend: import("../backend/llama.ts").then(({ LlamaBackend }) =>
        LlamaBackend.load({
          modelPath: ref.path,
          threads: ref.threads,
          sequences: this.opts.sequences,
          promptCacheDir: join(cacheDir(), "prompts"),
        }),
      ),
      loaded: false,
      loadMs: 0,
      lastUsed: Date.now(),
      requests: 0,
      active: 0,
    };
    this.entries.set(key, entry);
    entry.backend.then(
      (b) => {
        entry.loaded = true;
        entry.loadMs = performance.now() - started;
        this.opts.log("load", { model: entry.name, ms: Math.round(entry.loadMs), threads: b.threads });
      },
      (e) => {
        this.entries.delete(key); // the next request tries again
        this.opts.log("load-failed", { model: entry.name, error: (e as Error).message });
      },
    );
    return entry;
  }

  /** Unloads idle models, least recently used first, until at most `keep` remain. */
  trim(keep: number) {
    const idle = [...this.entries.values()].filter((e) => e.active === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    let excess = this.entries.size - Math.max(0, keep);
    for (const e of idle) {
      if (excess-- <= 0) break;
      this.entries.delete(e.key);
      this.opts.log("unload", { model: e.name });
      e.backend.then((b) => b.dispose()).catch(() => {});
    }
  }
}

const json = (status: number, body: object) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", [headers.build]: build, [headers.protocol]: String(protocol) },
  });

const errorReply = (status: number, code: ErrorReply["error"]["code"], message: string, exitCode?: number) =>
  json(status, { build, protocol, error: { message, code, ...(exitCode === undefined ? {} : { exit_code: exitCode }) } });

/** Checks a generate body's shape; returns a message for what is wrong. */
function badBody(b: Partial<GenerateBody>): string | undefined {
  const m = b?.model as Partial<ModelRef> | undefined;
  if (!m || typeof m.path !== "string" || !m.path.startsWith("/")) return "model.path must be an absolute path";
  for (const k of ["dev", "ino", "size", "mtimeMs", "threads"] as const)
    if (typeof m[k] !== "number" || !Number.isFinite(m[k])) return `model.${k} must be a number`;
  const r = b.request as Partial<WireRequest> | undefined;
  if (!r || typeof r.request !== "string") return "request.request must be a string";
  if (!(shells as readonly string[]).includes(r.shell as string)) return `request.shell must be one of ${shells.join(", ")}`;
  if (typeof r.cwd !== "string") return "request.cwd must be a string";
  if (!(levels as readonly string[]).includes(r.level as string)) return `request.level must be one of ${levels.join(", ")}`;
  if (!r.machine || typeof r.machine !== "object" || !Array.isArray(r.machine.tools)) return "request.machine must be a machine context";
  if (r.maxChars !== undefined && !(Number.isInteger(r.maxChars) && r.maxChars >= maxCharsRange[0] && r.maxChars <= maxCharsRange[1]))
    return `request.maxChars must be a whole number from ${maxCharsRange.join(" to ")}`;
  if (r.packsOff !== undefined && !(Array.isArray(r.packsOff) && r.packsOff.every((p) => typeof p === "string")))
    return "request.packsOff must be a list of pack names";
  if (b.keep_alive_ms !== undefined && typeof b.keep_alive_ms !== "number") return "keep_alive_ms must be a number";
  return undefined;
}

/** Runs the server until it is idle for keep-alive, stopped, or signalled. Resolves at exit. */
export async function serve(opts: ServeOptions): Promise<void> {
  const { socket, log } = opts;
  ensurePrivateDir(dirname(socket));
  await claimSocket(socket);

  const pool = new ModelPool({ maxModels: Math.max(1, opts.maxModels ?? 1), sequences: Math.max(1, opts.sequences ?? 2), log });
  const startedAt = new Date();
  let keepAliveMs = opts.keepAliveMs;
  let requests = 0;
  let active = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let stopping: Promise<void> | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const scheduleIdle = (first = false) => {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    if (active > 0 || keepAliveMs < 0 || stopping) return;
    // A fresh server waits a little for its first request even with keep_alive 0.
    const ms = first ? Math.max(keepAliveMs, 30_000) : keepAliveMs;
    idleTimer = setTimeout(() => void stop("idle"), ms);
  };

  const status = (): StatusReply => ({
    build,
    protocol,
    running: true,
    pid: process.pid,
    socket,
    started_at: startedAt.toISOString(),
    uptime_s: Math.round((Date.now() - startedAt.getTime()) / 1000),
    requests,
    active,
    rss_bytes: process.memoryUsage().rss,
    keep_alive_ms: keepAliveMs,
    models: [...pool.entries.values()].map((e) => ({
      name: e.name,
      path: e.ref.path,
      threads: e.ref.threads,
      load_ms: Math.round(e.loadMs),
      idle_s: e.active > 0 ? 0 : Math.round((Date.now() - e.lastUsed) / 1000),
      requests: e.requests,
      active: e.active,
    })),
  });

  async function onGenerate(req: Request): Promise<Response> {
    const clientBuild = req.headers.get(headers.build);
    if (clientBuild !== build)
      return errorReply(409, "version", `this server is cmdai ${build}; the client is ${clientBuild ?? "unknown"}`);
    let body: GenerateBody;
    try {
      body = (await req.json()) as GenerateBody;
    } catch {
      return errorReply(400, "bad_request", "the body is not valid JSON");
    }
    const bad = badBody(body);
    if (bad) return errorReply(400, "bad_request", bad);
    if (body.keep_alive_ms !== undefined) keepAliveMs = body.keep_alive_ms < 0 ? -1 : body.keep_alive_ms;
    const id = ++requests;
    const started = performance.now();
    active++;
    clearTimeout(idleTimer);
    let entry: Entry | undefined;
    try {
      const got = await pool.get(body.model);
      entry = got.entry;
      entry.active++;
      entry.requests++;
      const { generate } = await import("../generate/generate.ts");
      const result = await generate({ ...body.request, signal: req.signal }, got.backend);
      result.timings.load = got.waitedMs;
      const t = result.timings;
      const queueMs = Math.max(0, performance.now() - started - t.load - t.prompt - t.generate - t.check);
      const reply: GenerateReply = { build, protocol, result, queue_ms: queueMs };
      log("request", {
        id,
        model: entry.name,
        load_ms: Math.round(t.load),
        queue_ms: Math.round(queueMs),
        prompt_ms: Math.round(t.prompt),
        generate_ms: Math.round(t.generate),
        check_ms: Math.round(t.check * 10) / 10,
        prompt_tokens: result.tokens.prompt,
        tokens: result.tokens.generated,
        risk: result.risk,
        ...(opts.verbose ? { request: body.request.request } : {}),
      });
      return json(200, reply);
    } catch (e) {
      if (req.signal.aborted) {
        log("cancelled", { id, ms: Math.round(performance.now() - started) });
        return errorReply(499, "internal", "cancelled");
      }
      if (e instanceof CmdaiError) {
        log("error", { id, error: e.message });
        return errorReply(422, "model", e.message, e.exitCode);
      }
      log("error", { id, error: (e as Error)?.message ?? String(e) });
      return errorReply(500, "internal", `the server failed: ${(e as Error)?.message ?? String(e)}`);
    } finally {
      active--;
      if (entry) {
        entry.active--;
        entry.lastUsed = Date.now();
      }
      pool.trim(pool.opts.maxModels);
      scheduleIdle();
    }
  }

  const server = Bun.serve({
    unix: socket,
    maxRequestBodySize: maxBodyBytes,
    // Bun drops a connection idle for 10 s (a half-sent request); generation turns that off per request.
    async fetch(req, srv) {
      const { pathname } = new URL(req.url);
      if (pathname === "/v1/status" && req.method === "GET") return json(200, status());
      if (pathname === "/v1/stop" && req.method === "POST") {
        setTimeout(() => void stop("stop requested"), 0);
        return json(200, { build, protocol, stopping: true, pid: process.pid });
      }
      if (pathname === "/v1/generate" && req.method === "POST") {
        if (stopping) return errorReply(503, "stopping", "the server is stopping");
        srv.timeout(req, 0); // a model load plus generation can outlast any idle timeout
        return onGenerate(req);
      }
      return errorReply(404, "bad_request", `no such endpoint: ${req.method} ${pathname}`);
    },
    error(e) {
      log("error", { error: e.message });
      return errorReply(500, "internal", e.message);
    },
  });
  const socketIno = statSync(socket).ino;
  chmodSync(socket, 0o600);

  async function stop(reason: string): Promise<void> {
    stopping ??= (async () => {
      clearTimeout(idleTimer);
      log("stop", { reason, requests });
      server.stop(false); // no new connections; requests under way finish
      const deadline = Date.now() + 10_000;
      while ((active > 0 || server.pendingRequests > 0) && Date.now() < deadline) await Bun.sleep(10);
      try {
        if (statSync(socket).ino === socketIno) unlinkSync(socket);
      } catch {}
      resolveDone();
    })();
    return stopping;
  }

  // Ctrl-C, SIGTERM (systemd, `kill`): stop as `cmdai server stop` does.
  const releaseSignals = takeOverInterrupt((sig) => void stop(sig));
  done.then(releaseSignals);

  log("start", { build, socket, keep_alive_ms: keepAliveMs });
  opts.onReady?.({ socket, pid: process.pid });
  scheduleIdle(true);
  // The safety checker's parser compiles once the model is in (not during its
  // load, which it would slow on a small machine), so the next request finds
  // it ready; the first request warms it while its answer is generated.
  const warmChecker = () => void import("../safety/index.ts").then(({ loadChecker }) => loadChecker()).catch(() => {});
  if (opts.preload) {
    try {
      const ref = modelRef(opts.preload.path, opts.preload.threads);
      pool.get(ref).then(warmChecker, () => {}); // a failure is reported to the request that asks
    } catch {}
  } else warmChecker();
  return done;
}

/**
 * Makes the socket path free to listen on: refuses when a server answers
 * there, removes a stale socket nobody listens on.
 */
async function claimSocket(socket: string) {
  let exists = true;
  try {
    statSync(socket);
  } catch {
    exists = false;
  }
  if (!exists) return;
  const other = await probeSocket(socket, 1000);
  if (other.kind === "status")
    throw new CmdaiError(
      `a cmdai server is already running (pid ${other.status.pid}, ${other.status.build}) on ${socket}`,
      ExitCode.cantCreate,
    );
  if (other.kind === "busy") throw new CmdaiError(`something else answers on ${socket}; stop it or remove the file`, ExitCode.cantCreate);
  try {
    unlinkSync(socket);
  } catch {}
}
