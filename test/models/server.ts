// A local HTTP server for download tests (Bun.serve on 127.0.0.1) that
// misbehaves on request: drops the connection, stalls, answers 5xx/429,
// ignores Range, changes the file between requests, sends wrong bytes. It can
// also play the hub: `/<org>/<repo>/resolve/<rev>/<file>` answers 302 with
// X-Linked-Etag / X-Linked-Size, like the real one, and the bytes come from /cdn/.

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

export interface Content {
  data: Uint8Array;
  etag?: string;
}

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
 * queued before an error.)
 */
export function startFaultServer(opts: FaultServerOptions): FaultServer {
  let content = opts.content;
  let faults = opts.faults;
  let throttle = opts.bytesPerSecond;
  const requests: RequestLog[] = [];
  let bodyIndex = 0;
  const etagOf = () => {
    const e = content.etag ?? `"${sha256Hex(content.data).slice(0, 16)}"`;
    return opts.weakEtag ? `W/${e}` : e;
  };
  const enc = new TextEncoder();

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
    const path = target.startsWith("http") ? new URL(target).pathname : target.split("?")[0]!;
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
    const finish = () => sock.end();
    if (hub) {
      log.status = 302;
      await writeAll(
        sock,
        head(302, {
          location: `/cdn/${hub[1]}?signature=${requests.length}`,
          "x-linked-etag": `"${opts.hubSha256 ?? sha256Hex(content.data)}"`,
          "x-linked-size": String(opts.hubSize ?? content.data.length),
          etag: `"git-${requests.length}"`,
          "content-length": "0",
        }),
      );
      return finish();
    }
    const fault: Fault = typeof faults === "function" ? faults(bodyIndex, reqHeaders) : (faults?.[bodyIndex] ?? { kind: "ok" });
    bodyIndex++;
    if (fault.kind === "status") {
      log.status = fault.status;
      const body = enc.encode(`error ${fault.status}`);
      await writeAll(sock, head(fault.status, { ...fault.headers, "content-length": String(body.length) }));
      await writeAll(sock, body);
      return finish();
    }
    const data = content.data;
    const etag = etagOf();
    let start = 0;
    let status = 200;
    const m = log.range?.match(/^bytes=(\d+)-(\d*)$/);
    const ifRangeOk =
      !log.ifRange || fault.kind === "ignoreIfRange" || log.ifRange === etag || log.ifRange === opts.lastModified;
    if (m && fault.kind !== "ignoreRange" && ifRangeOk) {
      start = Number(m[1]);
      if (start >= data.length) {
        log.status = 416;
        await writeAll(sock, head(416, { "content-range": `bytes */${data.length}`, "content-length": "0" }));
        return finish();
      }
      status = 206;
    }
    let body = data.subarray(start);
    if (fault.kind === "corrupt") {
      body = body.slice();
      body[Math.floor(body.length / 2)]! ^= 0xff;
    }
    log.status = status;
    log.start = start;
    log.planned = body.length;
    const headers: Record<string, string> = {
      "content-length": String(body.length),
      "content-type": "application/octet-stream",
      "accept-ranges": "bytes",
      etag,
    };
    if (opts.lastModified) headers["last-modified"] = opts.lastModified;
    if (status === 206) headers["content-range"] = `bytes ${start}-${data.length - 1}/${data.length}`;
    if (!(await writeAll(sock, head(status, headers)))) return;
    if (method === "HEAD") return finish();
    const limit = fault.kind === "drop" || fault.kind === "stall" ? Math.min(fault.after, body.length) : body.length;
    const chunk = 64 * 1024;
    for (let pos = 0; pos < limit; ) {
      const n = Math.min(chunk, limit - pos);
      if (!(await writeAll(sock, body.subarray(pos, pos + n)))) return;
      pos += n;
      log.sent += n;
      if (throttle) await sleep((n / throttle) * 1000);
    }
    if (fault.kind === "stall" && limit < body.length) {
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

  return {
    port: listener.port,
    url: (path = "/files/model.gguf") => `http://127.0.0.1:${listener.port}${path}`,
    requests,
    bodyRequests: () => requests.filter((r) => r.status !== 302),
    setContent(c) {
      content = c;
    },
    setFaults(f) {
      faults = f;
      bodyIndex = 0;
    },
    setThrottle(bps) {
      throttle = bps;
    },
    stop() {
      listener.stop(true);
    },
  };
}
