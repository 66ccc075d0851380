// The resident server's wire protocol. The server runs the library's whole
// generate() (prompt, model, parsing, safety check) for the request it is
// sent, so a key press loads neither the model nor the safety parser: it
// costs a process start and one round trip. Both sides are the same build
// (checked below), so the verdict is the one `cmdai` would give in process.
//
// The protocol: HTTP/1.1 over a private Unix socket
// (never a TCP port), JSON bodies, so `curl --unix-socket PATH http://cmdai/v1/status`
// debugs it. Every reply carries the server's build and protocol number, in
// headers and in the JSON body. A client of another build never uses the
// server's answer: it stops that server and starts its own, so an upgrade
// (brew, install.sh) never talks to an old process.
//
//   GET  /v1/status    -> StatusReply (any build may ask)
//   POST /v1/generate  GenerateBody -> GenerateReply | ErrorReply
//                      (409 ErrorReply with code "version" when the builds differ;
//                      closing the connection cancels the generation)
//   POST /v1/stop      -> { stopping: true, pid } then the process exits

import { statSync } from "node:fs";
import { commit, version } from "../core/build-info.ts";
import type { CommandRequest, CommandResult } from "../generate/generate.ts";

/** Bumped whenever a body's shape changes. */
export const protocol = 1;
/** The build a server must be to serve a client: the same version and commit. */
export const build = `${version}+${commit}`;

export const headers = { build: "x-cmdai-build", protocol: "x-cmdai-protocol" } as const;

/** A request body over this size is refused (a prompt is a few KB). */
export const maxBodyBytes = 1024 * 1024;

/** Which model file, exactly: the server loads it again when any of these change. */
export interface ModelRef {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** 0 = the server chooses (idle physical cores). */
  threads: number;
}

/** A request as it travels: everything but the cancel signal (closing the connection cancels). */
export type WireRequest = Omit<CommandRequest, "signal">;

/** The identity of a model file as it is on disk now (the client names it, the server checks it). */
export function modelRef(path: string, threads: number): ModelRef {
  const st = statSync(path);
  return { path, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, threads };
}

export interface GenerateBody {
  model: ModelRef;
  request: WireRequest;
  /** The client's keep-alive setting, applied from this request on (Ollama's per-request keep_alive). */
  keep_alive_ms?: number;
}

export interface Versioned {
  build: string;
  protocol: number;
}

export interface GenerateReply extends Versioned {
  /** `timings.load` is what this request spent waiting for the model to load (0 when it was loaded). */
  result: CommandResult;
  /** Milliseconds it waited for a free sequence. */
  queue_ms: number;
}

export interface ErrorReply extends Versioned {
  error: { message: string; code: "version" | "stopping" | "bad_request" | "model" | "internal"; exit_code?: number };
}

export interface ModelStatus {
  name: string;
  path: string;
  threads: number;
  load_ms: number;
  idle_s: number;
  requests: number;
  active: number;
}

export interface StatusReply extends Versioned {
  running: true;
  pid: number;
  socket: string;
  started_at: string;
  uptime_s: number;
  requests: number;
  active: number;
  rss_bytes: number;
  /** -1 = never exits when idle. */
  keep_alive_ms: number;
  models: ModelStatus[];
}
