import { existsSync, readFileSync } from "node:fs";
import { CmdaiError, ExitCode } from "../../core/errors.ts";
import { isLoopback, proxyFor } from "../../models/proxy.ts";

// HTTP for the remote backends: one request with the limits a key press
// needs, and every way it can fail turned into one line and an exit code.
//
// Plain fetch rather than ofetch: the answer is a stream read chunk by chunk
// (so Ctrl-C or the deadline aborts the HTTP request and the server stops
// generating), under a byte limit, and the few JSON calls need exactly the
// same handling (status → exit code, HTML pages, size limit, Retry-After
// within the deadline, no redirects that could carry the key elsewhere), so
// one small layer over fetch serves both; ofetch would add a module to load
// on every key press and parse bodies we must check first.

/** The longest answer (or error body, or model list) read from a server. */
export const maxAnswerBytes = 1024 * 1024;
/** A key press must not hang on a host that is down. */
export const connectTimeoutMs = 3000;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;

/**
 * The whole request's limit and the user's Ctrl-C as one signal; its reason
 * is always a CmdaiError (timeout → 75, cancelled → 130).
 */
export class Deadline {
  private controller = new AbortController();
  private timer?: ReturnType<typeof setTimeout>;
  private readonly end: number;
  private readonly onUser = () => this.controller.abort(new CmdaiError("cancelled", ExitCode.cancelled));

  constructor(
    readonly timeoutMs: number,
    private user: AbortSignal | undefined,
    where: string,
  ) {
    this.end = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    if (timeoutMs > 0) {
      this.timer = setTimeout(
        () =>
          this.controller.abort(new CmdaiError(`no answer from ${where} within ${seconds(timeoutMs)} (CMDAI_TIMEOUT)`, ExitCode.tempFail)),
        timeoutMs,
      );
    }
    if (user?.aborted) this.onUser();
    else user?.addEventListener("abort", this.onUser, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Milliseconds left (Infinity without a limit). */
  remaining(): number {
    return this.end - performance.now();
  }

  /** The CmdaiError that ended the request, if the deadline or the user did. */
  reason(): CmdaiError | undefined {
    const r = this.controller.signal.aborted ? this.controller.signal.reason : undefined;
    return r instanceof CmdaiError ? r : undefined;
  }

  /** Waits `ms`, or less if the request is aborted meanwhile. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.controller.signal;
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }

  dispose() {
    clearTimeout(this.timer);
    this.user?.removeEventListener("abort", this.onUser);
  }
}

let systemCa: string[] | undefined | null = null;

/**
 * The system's CA certificates (as curl and OpenSSL find them), plus
 * NODE_EXTRA_CA_CERTS, so a company CA installed on the machine is trusted;
 * undefined = the runtime's own bundle.
 */
function systemCertificates(): string[] | undefined {
  if (systemCa !== null) return systemCa;
  const candidates = [
    process.env.SSL_CERT_FILE,
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Arch, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL
    "/etc/ssl/ca-bundle.pem", // openSUSE
    "/etc/ssl/cert.pem", // macOS, Alpine
  ];
  const found = candidates.find((f) => f && existsSync(f));
  const certs = found ? [readFileSync(found, "utf8")] : [];
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && existsSync(extra)) certs.push(readFileSync(extra, "utf8"));
  systemCa = certs.length ? certs : undefined;
  return systemCa;
}

/** One line for a failed connection. */
export function networkError(e: unknown, target: URL): CmdaiError {
  const code = String((e as { code?: string })?.code ?? "");
  const message = String((e as Error)?.message ?? e).split("\n")[0]!;
  const where = target.host;
  if (code === "ECONNREFUSED")
    return new CmdaiError(`cannot connect to ${where}: connection refused (is the server running?)`, ExitCode.unavailable, e);
  if (["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "DNSException"].includes(code))
    return new CmdaiError(`cannot find host ${target.hostname}: unknown host`, ExitCode.unavailable, e);
  if (/CERT|TLS|SSL|EPROTO|SELF_SIGNED|UNABLE_TO_|HOSTNAME/i.test(code))
    return new CmdaiError(`TLS failure with ${where}: ${message} (SSL_CERT_FILE names other CA certificates)`, ExitCode.unavailable, e);
  if (["ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT"].includes(code))
    return new CmdaiError(`cannot reach ${where}: the host is down or unreachable (${code})`, ExitCode.unavailable, e);
  if (["ECONNRESET", "EPIPE", "ConnectionClosed", "ERR_STREAM_PREMATURE_CLOSE"].includes(code))
    return new CmdaiError(`the connection to ${where} was cut`, ExitCode.tempFail, e);
  return new CmdaiError(`cannot reach ${where}: ${message}`, ExitCode.unavailable, e);
}

/**
 * Aborts `attempt` when no TCP connection to the host (or its proxy) is made
 * within `ms`: fetch itself has no connect timeout, and a host that drops
 * packets would otherwise hold a key press until the whole deadline.
 * Runs beside the request, so a reachable host costs nothing. Loopback is
 * never slow to refuse, so it is not watched.
 */
function watchConnect(target: URL, ms: number, attempt: AbortController, shown: URL): () => void {
  if (isLoopback(target.hostname)) return () => {};
  const { connect } = require("node:net") as typeof import("node:net");
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  const socket = connect({ host: target.hostname.replace(/^\[|\]$/g, ""), port });
  const stop = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(() => {
    stop();
    attempt.abort(
      new CmdaiError(`no connection to ${shown.host} within ${seconds(ms)}: the host is down or unreachable`, ExitCode.unavailable),
    );
  }, ms);
  socket.once("connect", stop);
  socket.once("error", stop); // fetch reports its own error
  return stop;
}

/**
 * Starts resolving and connecting to the server while the prompt is built.
 * Not through a proxy (that connection would bypass it), and for HTTPS only
 * the name lookup: the TLS session must be checked against our CA list.
 */
export function preconnect(base: string) {
  try {
    if (proxyFor(base)) return;
    fetch.preconnect(base, base.startsWith("https:") ? { dns: true } : undefined);
  } catch {} // only a head start
}

export interface SendOptions {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connectMs?: number;
}

/**
 * Sends one request and returns the response whatever its status, once the
 * headers arrived; the body stays tied to the deadline. Redirects are not
 * followed: a key must not travel to another address.
 */
export async function send(url: string, opts: SendOptions, deadline: Deadline): Promise<Response> {
  const target = new URL(url);
  const attempt = new AbortController();
  const forward = () => attempt.abort(deadline.signal.reason);
  if (deadline.signal.aborted) forward();
  else deadline.signal.addEventListener("abort", forward, { once: true });
  const proxy = proxyFor(url);
  const stopWatch = watchConnect(proxy ? new URL(proxy) : target, opts.connectMs ?? connectTimeoutMs, attempt, target);
  try {
    const res = await fetch(url, {
      method: opts.method,
      headers: opts.headers,
      body: opts.body,
      signal: attempt.signal,
      redirect: "manual",
      // Bun's fetch takes a proxy per request; `false` means a direct connection.
      proxy: proxy ?? false,
      ...(target.protocol === "https:" && systemCertificates() ? { tls: { ca: systemCertificates() } } : {}),
    } as RequestInit);
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      const to = res.headers.get("location");
      throw new CmdaiError(
        `${target.host} redirects ${target.pathname} to ${to ?? "elsewhere"}; set the base URL to where it points`,
        ExitCode.unavailable,
      );
    }
    return res;
  } catch (e) {
    if (e instanceof CmdaiError) throw e;
    const why = attempt.signal.aborted ? attempt.signal.reason : undefined;
    throw why instanceof CmdaiError ? why : networkError(e, target);
  } finally {
    stopWatch();
  }
}

/** An error while reading a body: the deadline's or the user's reason, else a cut connection. */
function readError(e: unknown, deadline: Deadline, where: string): CmdaiError {
  if (e instanceof CmdaiError) return e;
  return deadline.reason() ?? new CmdaiError(`the connection to ${where} was cut while it answered`, ExitCode.tempFail, e);
}

export const tooBig = (where: string) =>
  new CmdaiError(`${where} answered more than ${maxAnswerBytes / 1024 / 1024} MB; not an answer to this request`, ExitCode.unavailable);

/** The whole body as text, at most maxAnswerBytes. */
export async function readText(res: Response, deadline: Deadline, where: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > maxAnswerBytes) {
        await res.body?.cancel().catch(() => {});
        throw tooBig(where);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    throw readError(e, deadline, where);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The body's lines as they arrive (server-sent events, NDJSON), at most maxAnswerBytes in all. */
export async function* readLines(res: Response, deadline: Deadline, where: string): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  let size = 0;
  let pending = "";
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (e) {
        throw readError(e, deadline, where);
      }
      if (next.done) break;
      size += next.value.length;
      if (size > maxAnswerBytes) throw tooBig(where);
      pending += decoder.decode(next.value, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        yield pending.slice(0, nl).replace(/\r$/, "");
        pending = pending.slice(nl + 1);
      }
    }
    pending += decoder.decode();
    if (pending) yield pending;
  } finally {
    // Stopping early (the answer is whole, or an error) closes the
    // connection, so the server stops generating.
    reader.cancel().catch(() => {});
  }
}

export const isHtml = (res: Response, text: string) =>
  /html/i.test(res.headers.get("content-type") ?? "") || /^\s*<(!doctype|html|head|body)/i.test(text);

export const notTheApi = (where: string, what: string) =>
  new CmdaiError(`${where} ${what}: not the API; is the base URL right?`, ExitCode.unavailable);

/** Parses a JSON body, or says what else the server sent. */
export function parseJson(res: Response, text: string, where: string): unknown {
  if (isHtml(res, text)) throw notTheApi(where, "answered with an HTML page");
  try {
    return JSON.parse(text);
  } catch {
    throw notTheApi(where, `answered something that is not JSON (${snippet(text) || "an empty body"})`);
  }
}

/** A short, one-line excerpt of server text for a message. */
export function snippet(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
}

/** The server's own error message from an error body: OpenAI's, Ollama's, FastAPI's shapes. */
export function serverMessage(text: string): string {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const e = v.error as Record<string, unknown> | string | undefined;
    const m =
      typeof e === "string"
        ? e
        : typeof e?.message === "string"
          ? e.message
          : typeof v.message === "string"
            ? v.message
            : typeof v.detail === "string"
              ? v.detail
              : undefined;
    if (m) return snippet(m);
  } catch {}
  return /^\s*</.test(text) ? "an HTML page" : snippet(text);
}

/** Retry-After in ms (seconds or an HTTP date), or undefined. */
export function retryAfterMs(res: Response): number | undefined {
  const v = res.headers.get("retry-after")?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The message and exit code for an HTTP error status (after the caller's own cases). */
export function statusError(status: number, message: string, where: string, retryMs?: number): CmdaiError {
  const detail = message ? `: ${message}` : "";
  if (status === 429)
    return new CmdaiError(
      `${where} is limiting requests (HTTP 429${detail})${retryMs !== undefined ? `; try again in ${seconds(retryMs)}` : ""}`,
      ExitCode.tempFail,
    );
  if (status >= 500) return new CmdaiError(`${where} failed (HTTP ${status}${detail})`, ExitCode.tempFail);
  return new CmdaiError(`${where} rejected the request (HTTP ${status}${detail})`, ExitCode.unavailable);
}
