// SHA-256 uses the runtime's native hasher (SHA-NI: ~1.5 GB/s here); hash-wasm's
// SHA-256 is ~10x slower and would cap a download at ~145 MB/s.

import { closeSync, openSync, readSync } from "node:fs";

export const isSha256 = (s: string) => /^[0-9a-f]{64}$/.test(s);

/** Lower-cases and checks a user-supplied digest; undefined when malformed. */
export function normaliseSha256(s: string | undefined): string | undefined {
  const v = s
    ?.trim()
    .toLowerCase()
    .replace(/^sha256:/, "");
  return v && isSha256(v) ? v : undefined;
}

export type Sha256 = InstanceType<typeof Bun.CryptoHasher>;
export const newSha256 = (): Sha256 => new Bun.CryptoHasher("sha256");

const chunkSize = 4 << 20;

/**
 * Feeds the first `length` bytes of a file (all of it when omitted) into
 * `hasher`, reading in 4 MB chunks so memory stays flat. Returns bytes read.
 */
export function hashFileInto(hasher: Sha256, path: string, length = Infinity, onProgress?: (done: number) => void): number {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(chunkSize);
  let done = 0;
  try {
    while (done < length) {
      const want = Math.min(chunkSize, length - done);
      const n = readSync(fd, buf, 0, want, done);
      if (n === 0) break;
      hasher.update(n === buf.length ? buf : buf.subarray(0, n));
      done += n;
      onProgress?.(done);
    }
  } finally {
    closeSync(fd);
  }
  return done;
}

export function sha256File(path: string, onProgress?: (done: number) => void): string {
  const h = newSha256();
  hashFileInto(h, path, Infinity, onProgress);
  return h.digest("hex");
}

/**
 * SHA-256 of a stream, computed on a worker thread so hashing (~0.6 s/GB)
 * overlaps receiving and writing instead of adding to them on a fast link.
 * Chunks are handed over, not copied; `backlog` bounds what waits (flat RSS).
 * Where a worker cannot start it hashes inline, with the same results.
 */
export class StreamSha256 {
  private worker: Worker | undefined;
  private inline: Sha256 | undefined;
  private posted = 0;
  private hashed = 0;
  private waiting: (() => void)[] = [];
  private replies: { resolve: (digest: string) => void; reject: (e: Error) => void }[] = [];
  private failed: Error | undefined;

  constructor(
    private readonly backlog = 32 << 20,
    useWorker = true,
  ) {
    if (!useWorker) {
      this.inline = newSha256();
      return;
    }
    try {
      workerUrl ??= URL.createObjectURL(new Blob([workerSource], { type: "application/javascript" }));
      const w = new Worker(workerUrl);
      w.onmessage = ({ data }: MessageEvent) => {
        if (typeof data === "number") {
          this.hashed = data;
          if (this.posted - this.hashed <= this.backlog / 2) for (const f of this.waiting.splice(0)) f();
        } else this.replies.shift()?.resolve(data as string);
      };
      // A read error on the resumed part file, say: fail the digest, never hang.
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.failed = new Error(`hashing failed: ${e.message}`);
        for (const r of this.replies.splice(0)) r.reject(this.failed);
        for (const f of this.waiting.splice(0)) f();
      };
      w.unref();
      // Progress reports a quarter-backlog apart keep drain() from waiting forever.
      w.postMessage({ report: Math.max(1, backlog >> 2) });
      this.worker = w;
    } catch {
      this.inline = newSha256();
    }
  }

  /** Hashes `chunk`; the caller must not use it afterwards (its buffer may move to the worker). */
  update(chunk: Uint8Array) {
    if (this.inline) return void this.inline.update(chunk);
    const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
    const own = whole ? chunk : chunk.slice();
    this.posted += own.byteLength;
    this.worker!.postMessage(own, [own.buffer as ArrayBuffer]);
  }

  /** Feeds the first `length` bytes of a file (a resumed part file), in order with the chunks. */
  updateFromFile(path: string, length: number) {
    if (this.inline) return void hashFileInto(this.inline, path, length);
    this.posted += length;
    this.worker!.postMessage({ path, length });
  }

  /** Resolves when the backlog is under its bound; undefined (nothing to await) when it is. */
  drain(): Promise<void> | undefined {
    if (this.failed || this.posted - this.hashed <= this.backlog) return undefined;
    return this.held(new Promise((resolve) => this.waiting.push(resolve)));
  }

  /** The hex digest of everything fed so far. */
  async digest(): Promise<string> {
    if (this.inline) return this.inline.digest("hex");
    if (this.failed) throw this.failed;
    const reply = new Promise<string>((resolve, reject) => this.replies.push({ resolve, reject }));
    this.worker!.postMessage("digest");
    return this.held(reply);
  }

  /** Keeps the process alive while we wait on the (otherwise unref'd) worker. */
  private async held<T>(wait: Promise<T>): Promise<T> {
    this.worker?.ref();
    try {
      return await wait;
    } finally {
      this.worker?.unref();
    }
  }

  close() {
    this.worker?.terminate();
    this.worker = undefined;
  }
}

// One blob URL for the process: a worker loads it after the constructor returns.
let workerUrl: string | undefined;

// The worker: plain JS, so it needs no bundling. Its first message says how
// often to report the bytes hashed so far.
const workerSource = `
import { closeSync, openSync, readSync } from "node:fs";
const h = new Bun.CryptoHasher("sha256");
let done = 0, told = 0, report = 16 << 20;
const tell = () => { if (done - told >= report) { told = done; postMessage(done); } };
self.onmessage = ({ data }) => {
  if (data === "digest") { postMessage(done); postMessage(h.digest("hex")); return; }
  if (data instanceof Uint8Array) { h.update(data); done += data.byteLength; tell(); return; }
  if (data.report) { report = data.report; return; }
  const fd = openSync(data.path, "r");
  const buf = Buffer.allocUnsafe(4 << 20);
  try {
    let left = data.length;
    while (left > 0) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, left), data.length - left);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      left -= n;
    }
  } finally { closeSync(fd); }
  done += data.length;
  tell();
};`;
