// The one local HTTP server for downloads, used by the tests (test/models,
// test/install) and the download benchmark (bench/download.ts): 127.0.0.1,
// Range and If-Range, ETag, a throttle, and faults on request: it drops the
// connection, stalls, answers 5xx/429, ignores Range, changes the file between
// requests, sends wrong bytes. It can also play the hub:
// `/<org>/<repo>/resolve/<rev>/<file>` answers 302 with X-Linked-Etag /
// X-Linked-Size, like the real one, and the bytes come from /cdn/; or a plain
// mirror (`hub: false`). Content is bytes in memory, or a file on disk (the
// benchmark's 1 GB), sent with sendfile(2) when `sendfile` is set.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export type Fault =
  | { kind: "ok" }
  /** Send this many body bytes, then end the response early. */
  | { kind: "drop"; after: number }
  /** Send this many body bytes, then send nothing more. */
  | { kind: "stall"; after: number }
  | { kind: "status"; status: number; headers?: Record<string, string> }
  /** Answer 200 with the whole file whatever the Range. */
  | { kind: "ignoreRange" }
  /** Honour Range but ignore If-Range (a broken cache). */
  | { kind: "ignoreIfRange" }
  /** Serve bytes with one flipped. */
  | { kind: "corrupt" };

/** What the server serves: bytes in memory, or a file read from disk as it is sent. */
export type Content = ({ data: Uint8Array; file?: undefined } | { file: string; data?: undefined }) & { etag?: string };

export interface RequestLog {
  path: string;
  range?: string;
  ifRange?: string;
  authorization?: string;
  status: number;
  /** First byte offset served. */
  start: number;
  /** Bytes the server meant to send (before a drop or stall). */
  planned: number;
  /** Body bytes actually handed to the socket. */
  sent: number;
}

export interface FaultServerOptions {
  content: Content;
  /** One fault per request, in order; requests beyond the list are "ok". */
  faults?: Fault[] | ((index: number, headers: Map<string, string>) => Fault);
  /** Throttle every body to about this many bytes per second. */
  bytesPerSecond?: number;
  /** false: a plain mirror, serving hub paths as files, with no X-Linked-Etag (default true). */
  hub?: boolean;
  /** Emulate the hub: sha256 announced in X-Linked-Etag (default: the real one). */
  hubSha256?: string;
  hubSize?: number;
  /** Weak ETag (W/"..."), which must not be used in If-Range. */
  weakEtag?: boolean;
  lastModified?: string;
  /**
   * Serve with Bun.serve and the kernel's sendfile (a file's content only):
   * the fastest server, for the benchmark. Range and status faults only; no
   * drops, stalls or throttle.
   */
  sendfile?: boolean;
  /** Answer GET on this path with the request log as JSON (for a server in another process). */
  logPath?: string;
  /** Bytes per socket write (default 64 kB). */
  chunk?: number;
}

export interface FaultServer {
  port: number;
  url(path?: string): string;
  requests: RequestLog[];
  /** Requests for file bytes (not hub redirects). */
  bodyRequests(): RequestLog[];
  setContent(c: Content): void;
  setFaults(f: FaultServerOptions["faults"]): void;
  setThrottle(bytesPerSecond: number | undefined): void;
  stop(): void;
}

export function sha256Hex(data: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function makeData(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A seeded random number generator in [0, 1). */
export function seeded(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Bytes `[start, end)` of the content, and its size, whether in memory or in a file. */
function source(content: Content) {
  if (content.data) {
    const data = content.data;
    return { size: data.length, read: (start: number, end: number) => data.subarray(start, end), close() {}, hash: () => sha256Hex(data) };
  }
  const fd = openSync(content.file, "r");
  const size = statSync(content.file).size;
  return {
    size,
    read(start: number, end: number) {
      const buf = new Uint8Array(end - start);
      let off = 0;
      while (off < buf.length) {
        const n = readSync(fd, buf, off, buf.length - off, start + off);
        if (n === 0) break;
        off += n;
      }
      return buf.subarray(0, off);
    },
    close: () => closeSync(fd),
    hash: () => `size-${size}`,
  };
}

/** `bytes=N-` or `bytes=N-M` → start (only open-ended or to-the-end ranges are served). */
const rangeStart = (range: string | undefined) => {
  const m = range?.match(/^bytes=(\d+)-(\d*)$/);
  return m ? Number(m[1]) : undefined;
};

interface Conn {
  buf: Uint8Array;
  handled: boolean;
  closed: boolean;
  drained?: () => void;
}

/**
 * A raw HTTP/1.1 server on Bun.listen (one request per connection), so that
 * a fault is exact: Content-Length is always sent, a drop closes the socket
 * after exactly N body bytes, a stall goes silent with the socket open.
 * (Bun.serve turns streamed bodies into chunked encoding and loses bytes
 * queued before an error.) With `sendfile`, Bun.serve instead (see the option).
 */
export function startFaultServer(opts: FaultServerOptions): FaultServer {
  let content = opts.content;
  let src = source(content);
  let faults = opts.faults;
  let throttle = opts.bytesPerSecond;
  const requests: RequestLog[] = [];
  let bodyIndex = 0;
  const etagOf = () => {
    const e = content.etag ?? `"${src.hash().slice(0, 16)}"`;
    return opts.weakEtag ? `W/${e}` : e;
  };
  const enc = new TextEncoder();
  const chunkSize = opts.chunk ?? 64 * 1024;

  type Answer =
    | { kind: "log" }
    | { kind: "hub"; location: string; headers: Record<string, string> }
    | { kind: "status"; status: number; headers: Record<string, string>; body: Uint8Array }
    | { kind: "416"; headers: Record<string, string> }
    | { kind: "body"; status: 200 | 206; start: number; headers: Record<string, string>; fault: Fault };

  /** What to answer: the same decision for both engines. Logs the request. */
  function decide(target: string, reqHeaders: Map<string, string>): Answer {
    const path = target.startsWith("http") ? new URL(target).pathname : target.split("?")[0]!;
    if (opts.logPath && path === opts.logPath) return { kind: "log" };
    const hub = opts.hub === false ? null : path.match(/^\/[^/]+\/[^/]+\/resolve\/[^/]+\/(.+)$/);
    const log: RequestLog = {
      path,
      range: reqHeaders.get("range"),
      ifRange: reqHeaders.get("if-range"),
      authorization: reqHeaders.get("authorization"),
      status: 0,
      start: 0,
      planned: 0,
      sent: 0,
    };
    requests.push(log);
    if (hub) {
      log.status = 302;
      return {
        kind: "hub",
        location: `/cdn/${hub[1]}?signature=${requests.length}`,
        headers: {
          "x-linked-etag": `"${opts.hubSha256 ?? src.hash()}"`,
          "x-linked-size": String(opts.hubSize ?? src.size),
          etag: `"git-${requests.length}"`,
        },
      };
    }
    const fault: Fault = typeof faults === "function" ? faults(bodyIndex, reqHeaders) : (faults?.[bodyIndex] ?? { kind: "ok" });
    bodyIndex++;
    if (fault.kind === "status") {
      log.status = fault.status;
      return { kind: "status", status: fault.status, headers: { ...fault.headers }, body: enc.encode(`error ${fault.status}`) };
    }
    const etag = etagOf();
    const size = src.size;
    const ifRangeOk = !log.ifRange || fault.kind === "ignoreIfRange" || log.ifRange === etag || log.ifRange === opts.lastModified;
    let start = 0;
    let status: 200 | 206 = 200;
    const wanted = rangeStart(log.range);
    if (wanted !== undefined && fault.kind !== "ignoreRange" && ifRangeOk) {
      if (wanted >= size) {
        log.status = 416;
        return { kind: "416", headers: { "content-range": `bytes */${size}` } };
      }
      start = wanted;
      status = 206;
    }
    log.status = status;
    log.start = start;
    log.planned = size - start;
    const headers: Record<string, string> = {
      "content-length": String(size - start),
      "content-type": "application/octet-stream",
      "accept-ranges": "bytes",
      etag,
    };
    if (opts.lastModified) headers["last-modified"] = opts.lastModified;
    if (status === 206) headers["content-range"] = `bytes ${start}-${size - 1}/${size}`;
    return { kind: "body", status, start, headers, fault };
  }

  const logBody = () => JSON.stringify(requests);
  let port = 0;
  const stop: () => void = opts.sendfile ? serveWithSendfile() : serveRaw();

  /** Bun.serve: the kernel sends the file (sendfile), so the server costs next to no CPU. */
  function serveWithSendfile(): () => void {
    if (!content.file) throw new Error("sendfile serves a file's content only");
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        const a = decide(req.url, new Map(req.headers.entries()));
        if (a.kind === "log") return new Response(logBody(), { headers: { "content-type": "application/json" } });
        if (a.kind === "hub") return new Response(null, { status: 302, headers: { ...a.headers, location: a.location } });
        if (a.kind === "status") return new Response(a.body, { status: a.status, headers: a.headers });
        if (a.kind === "416") return new Response(null, { status: 416, headers: a.headers });
        if (a.fault.kind !== "ok" && a.fault.kind !== "ignoreRange" && a.fault.kind !== "ignoreIfRange")
          throw new Error(`sendfile cannot play the fault ${a.fault.kind}`);
        const { "content-length": _length, ...headers } = a.headers;
        requests.at(-1)!.sent = requests.at(-1)!.planned;
        return new Response(Bun.file(content.file!).slice(a.start), { status: a.status, headers });
      },
    });
    port = server.port!;
    return () => server.stop(true);
  }

  function serveRaw(): () => void {
    type Sock = import("bun").Socket<Conn>;

    /** Writes all of `bytes`, waiting for the socket to drain. */
    async function writeAll(sock: Sock, bytes: Uint8Array): Promise<boolean> {
      let off = 0;
      while (off < bytes.length) {
        if (sock.data.closed) return false;
        const n = sock.write(bytes.subarray(off));
        if (n < 0) return false;
        off += n;
        if (off < bytes.length) await new Promise<void>((r) => (sock.data.drained = r));
      }
      return true;
    }

    function head(status: number, headers: Record<string, string>): Uint8Array {
      const reason: Record<number, string> = { 200: "OK", 206: "Partial Content", 302: "Found", 416: "Range Not Satisfiable" };
      let h = `HTTP/1.1 ${status} ${reason[status] ?? "Status"}\r\nconnection: close\r\n`;
      for (const [k, v] of Object.entries(headers)) h += `${k}: ${v}\r\n`;
      return enc.encode(h + "\r\n");
    }

    async function respond(sock: Sock, method: string, target: string, reqHeaders: Map<string, string>) {
      const finish = () => sock.end();
      const a = decide(target, reqHeaders);
      if (a.kind === "log") {
        const body = enc.encode(logBody());
        await writeAll(sock, head(200, { "content-type": "application/json", "content-length": String(body.length) }));
        await writeAll(sock, body);
        return finish();
      }
      if (a.kind === "hub") {
        await writeAll(sock, head(302, { location: a.location, ...a.headers, "content-length": "0" }));
        return finish();
      }
      if (a.kind === "status") {
        await writeAll(sock, head(a.status, { ...a.headers, "content-length": String(a.body.length) }));
        await writeAll(sock, a.body);
        return finish();
      }
      if (a.kind === "416") {
        await writeAll(sock, head(416, { ...a.headers, "content-length": "0" }));
        return finish();
      }
      const log = requests.at(-1)!;
      const { fault, start } = a;
      const length = src.size - start;
      // The corrupt fault flips the middle byte of what this response sends.
      const flip = fault.kind === "corrupt" ? start + Math.floor(length / 2) : -1;
      if (!(await writeAll(sock, head(a.status, a.headers)))) return;
      if (method === "HEAD") return finish();
      const limit = fault.kind === "drop" || fault.kind === "stall" ? Math.min(fault.after, length) : length;
      const t0 = performance.now();
      for (let pos = 0; pos < limit; ) {
        const n = Math.min(chunkSize, limit - pos);
        let bytes = src.read(start + pos, start + pos + n);
        if (flip >= start + pos && flip < start + pos + n) {
          bytes = bytes.slice();
          bytes[flip - start - pos]! ^= 0xff;
        }
        if (!(await writeAll(sock, bytes))) return;
        pos += n;
        log.sent += n;
        // Paced on the whole response so far, so the rate holds however long the writes take.
        if (throttle) {
          const ahead = (log.sent / throttle) * 1000 - (performance.now() - t0);
          if (ahead > 1) await sleep(ahead);
        }
      }
      if (fault.kind === "stall" && limit < length) {
        // Silent, socket open, until the client gives up (or 20 s pass).
        for (let i = 0; i < 400 && !sock.data.closed; i++) await sleep(50);
      }
      finish();
    }

    const listener = Bun.listen<Conn>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(sock) {
          sock.data = { buf: new Uint8Array(0), handled: false, closed: false };
        },
        data(sock, chunk) {
          if (sock.data.handled) return;
          const merged = new Uint8Array(sock.data.buf.length + chunk.length);
          merged.set(sock.data.buf);
          merged.set(chunk, sock.data.buf.length);
          sock.data.buf = merged;
          const text = new TextDecoder().decode(merged);
          const end = text.indexOf("\r\n\r\n");
          if (end < 0) return;
          sock.data.handled = true;
          const [requestLine, ...lines] = text.slice(0, end).split("\r\n");
          const [method, target] = requestLine!.split(" ") as [string, string];
          const h = new Map<string, string>();
          for (const l of lines) {
            const i = l.indexOf(":");
            if (i > 0) h.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
          }
          respond(sock, method, target, h).catch(() => sock.end());
        },
        drain(sock) {
          const d = sock.data.drained;
          sock.data.drained = undefined;
          d?.();
        },
        close(sock) {
          sock.data.closed = true;
          sock.data.drained?.();
        },
        error(sock) {
          sock.data.closed = true;
          sock.data.drained?.();
        },
      },
    });
    port = listener.port;
    return () => listener.stop(true);
  }

  return {
    get port() {
      return port;
    },
    url: (path = "/files/model.gguf") => `http://127.0.0.1:${port}${path}`,
    requests,
    bodyRequests: () => requests.filter((r) => r.status !== 302),
    setContent(c) {
      src.close();
      content = c;
      src = source(c);
    },
    setFaults(f) {
      faults = f;
      bodyIndex = 0;
    },
    setThrottle(bps) {
      throttle = bps;
    },
    stop() {
      stop();
      src.close();
    },
  };
}
