// The resumable, verifying downloader. Bytes stream into `<dest>.part` and
// through a native SHA-256 at the same time, so there is no second pass over
// the file; a resumed download re-hashes only what is already on disk, once.
// `<dest>` appears (by rename) only after the digest matched, so the final path
// never holds a partial or corrupt model.

import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { fdatasync } from "node:fs";
import { statfs } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { writeFileAtomic } from "../core/atomic-write.ts";
import { basename, dirname } from "node:path";
import { ofetch } from "ofetch";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { version } from "../core/build-info.ts";
import { formatBytes } from "./format.ts";
import { isSha256, sha256File, StreamSha256 } from "./hash.ts";
import { acquireLock } from "./lock.ts";
import { proxyFor } from "./proxy.ts";
import {
  chmodQuietly,
  ensureModelDir,
  fileSize,
  lockPath,
  metaPath,
  partPath,
  readRecordedSha,
  readState,
  removeQuietly,
  writeRecordedSha,
  writeState,
  type ModelState,
} from "./store.ts";

export type DownloadEvent =
  | { type: "waiting"; pid?: number }
  | { type: "rehash"; bytes: number }
  | { type: "start"; url: string; offset: number; total?: number; attempt: number }
  | { type: "progress"; received: number; total?: number; bytesPerSec: number; etaSec?: number }
  | { type: "retry"; attempt: number; delayMs: number; reason: string; received: number; total?: number }
  | { type: "restart"; reason: string }
  | { type: "verifying"; bytes: number }
  | {
      type: "done";
      path: string;
      sha256: string;
      size: number;
      downloaded: number;
      resumedFrom: number;
      alreadyPresent: boolean;
      seconds: number;
      verifiedBy: VerifiedBy;
      /** Host that announced the digest (X-Linked-Etag), when it came from a server. */
      digestFrom?: string;
    };

/** How the digest was vouched for (see ModelState). */
export type VerifiedBy = ModelState["verified_by"];

export interface DownloadOptions {
  url: string;
  /** Final path of the model file. */
  dest: string;
  /** Pinned SHA-256 (catalogue or --sha256). */
  sha256?: string;
  /** Pinned exact size in bytes. */
  size?: number;
  /** Refuse (before downloading) when no SHA-256 is known: neither pinned nor sent by the hub. */
  requireHash?: boolean;
  /** With requireHash: install a file no digest vouches for anyway (--allow-unverified), and say so. */
  allowUnverified?: boolean;
  /** Origins whose X-Linked-Etag counts as the model hub's own ("hub"); any other server's is "server". */
  hubOrigins?: string[];
  /** Download again even when a verified file is present. */
  force?: boolean;
  /**
   * Make the file durable (fsync) before it is renamed into place, so a power
   * cut never leaves a damaged model under the final name (default true).
   * Off, a download on a fast link finishes sooner: the disk catches up later.
   */
  sync?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: DownloadEvent) => void;
  /** Consecutive failed attempts without progress before giving up (default 6). */
  retries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A Retry-After longer than this fails the download instead of waiting (default 5 min). */
  retryAfterMaxMs?: number;
  /** No byte for this long aborts the attempt and resumes (default 30 s). */
  stallMs?: number;
  progressIntervalMs?: number;
  lockPollMs?: number;
  lockStaleMs?: number;
  /** Free bytes available in a directory (tests inject small numbers). */
  freeSpace?: (dir: string) => Promise<number> | number;
  /** Extra request headers for a given URL (e.g. a hub token, never sent cross-origin). */
  headersFor?: (url: string) => Record<string, string> | undefined;
  env?: Record<string, string | undefined>;
}

export interface DownloadResult {
  path: string;
  sha256: string;
  size: number;
  /** How the digest was checked: pinned, the hub's or another server's X-Linked-Etag, an earlier download's record, or not at all. */
  verifiedBy: VerifiedBy;
  digestFrom?: string;
  /** Bytes fetched over the network by this call. */
  downloaded: number;
  /** Bytes already on disk (a part file) when this call started. */
  resumedFrom: number;
  alreadyPresent: boolean;
}

export type DownloadErrorKind = "http" | "network" | "checksum" | "size" | "disk" | "nohash" | "cancelled";

const exitCodes: Partial<Record<DownloadErrorKind, ExitCode>> = {
  network: ExitCode.network,
  disk: ExitCode.io,
  nohash: ExitCode.usage,
  cancelled: ExitCode.cancelled,
};

export class DownloadError extends CmdaiError {
  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
    exitCode: ExitCode = exitCodes[kind] ?? ExitCode.noModel,
  ) {
    super(message, exitCode);
    this.name = "DownloadError";
  }
}

/** An attempt failed in a way worth retrying. */
class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The server's validator changed or it sent something else: start the part again. */
class RestartSignal extends Error {}

interface PartMeta {
  url: string;
  etag?: string;
  lastModified?: string;
  /** SHA-256 the hub announced (X-Linked-Etag), and the host that announced it. */
  linkedSha256?: string;
  linkedFrom?: string;
  size?: number;
  sha256?: string;
}

const redirects = new Set([301, 302, 303, 307, 308]);

/** An answer to a GET, after redirects, with what the hub announced on the way. */
interface Reply {
  res: Response;
  /** The URL that answered. */
  url: string;
  /** The byte the request asked to start at. */
  offset: number;
  linkedSha?: string;
  linkedSize?: number;
  linkedFrom?: string;
}

/** What an accepted answer will write: from `offset`, `expectedSize` bytes in all when known. */
interface Plan {
  offset: number;
  expectedSize?: number;
  etag?: string;
  lastModified?: string;
}

const cancelBody = (res: Response) => res.body?.cancel().catch(() => {});

/**
 * Aborts an attempt when no byte arrives for `stallMs`, or when the user
 * cancels (`parent`). `touch()` on every sign of life.
 */
class Watchdog {
  private readonly ac = new AbortController();
  private last = performance.now();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly onParentAbort: () => void;
  stalled = false;

  constructor(
    private readonly stallMs: number,
    private readonly parent?: AbortSignal,
  ) {
    this.onParentAbort = () => this.ac.abort(parent!.reason);
    parent?.addEventListener("abort", this.onParentAbort, { once: true });
    this.timer = setInterval(
      () => {
        if (performance.now() - this.last > this.stallMs) {
          this.stalled = true;
          this.ac.abort(new Error("stalled"));
        }
      },
      Math.max(20, Math.min(1000, stallMs / 4)),
    );
  }

  get signal() {
    return this.ac.signal;
  }

  touch(): number {
    return (this.last = performance.now());
  }

  dispose() {
    clearInterval(this.timer);
    this.parent?.removeEventListener("abort", this.onParentAbort);
  }
}

function readMeta(dest: string): PartMeta | undefined {
  try {
    const v = JSON.parse(readFileSync(metaPath(dest), "utf8"));
    return typeof v?.url === "string" ? (v as PartMeta) : undefined;
  } catch {
    return undefined;
  }
}

function writeMeta(dest: string, meta: PartMeta) {
  writeFileAtomic(metaPath(dest), JSON.stringify(meta) + "\n");
}

/** `"abc"`, `W/"abc"` → the SHA-256 inside, when it is one. */
function shaFromEtag(value: string | null): string | undefined {
  const v = value?.replace(/^W\//, "").replace(/"/g, "").trim().toLowerCase();
  return v && isSha256(v) ? v : undefined;
}

function parseContentRange(value: string | null): { start: number; end: number; total?: number } | undefined {
  const m = value?.match(/^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i);
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === "*" ? undefined : Number(m[3]) };
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const intHeader = (value: string | null) => (value && /^\d+$/.test(value.trim()) ? Number(value) : undefined);

/** Flushes a file's (or a folder's) data and metadata to disk. */
function fsyncPath(path: string) {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function defaultFreeSpace(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

function networkCause(e: unknown): { message?: string; code?: string } {
  const err = e as { message?: string; code?: string; cause?: unknown };
  // ofetch wraps the runtime's error; the cause says what actually happened.
  return err?.cause && typeof err.cause === "object" ? (err.cause as typeof err) : err;
}

function describeNetworkError(e: unknown): string {
  const err = networkCause(e);
  const msg = String(err?.message ?? e).split("\n")[0]!;
  return err?.code && !msg.includes(err.code) ? `${msg} (${err.code})` : msg;
}

// Failures that another try a second later cannot fix: the name does not
// resolve, nothing listens, there is no route (offline). Retried only once
// bytes have come through in this run (then it is a blip, not an outage).
const unreachable: Record<string, string> = {
  ENOTFOUND: "the host name does not resolve (offline, or a typo?)",
  EAI_AGAIN: "the host name does not resolve (offline?)",
  EAI_NONAME: "the host name does not resolve (offline, or a typo?)",
  ECONNREFUSED: "connection refused",
  ENETUNREACH: "the network is unreachable (offline?)",
  EHOSTUNREACH: "no route to the host (offline?)",
};

/** "cannot reach HOST: why" when `e` says the server cannot be reached at all. */
function unreachableReason(e: unknown, url: string): string | undefined {
  const code = networkCause(e)?.code;
  const why = code ? unreachable[code] : undefined;
  return why ? `cannot reach ${new URL(url).host}: ${why}` : undefined;
}

/**
 * Downloads `url` to `dest`, resuming, retrying and verifying. Holds a lock
 * beside `dest` for the whole time. Throws DownloadError with a one-line message.
 */
export async function download(opts: DownloadOptions): Promise<DownloadResult> {
  const dest = opts.dest;
  ensureModelDir(dirname(dest));
  const cancelled = () =>
    new DownloadError("cancelled", `download cancelled; run the same command to resume${keptNote(dest)}`, ExitCode.cancelled);
  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await acquireLock(lockPath(dest), {
      signal: opts.signal,
      pollMs: opts.lockPollMs,
      staleMs: opts.lockStaleMs,
      onWait: (h) => opts.onEvent?.({ type: "waiting", pid: h?.pid }),
    });
  } catch (e) {
    if (opts.signal?.aborted) throw cancelled();
    throw e;
  }
  try {
    if (!opts.force) {
      const present = alreadyPresent(opts);
      if (present) {
        opts.onEvent?.({
          type: "done",
          path: dest,
          sha256: present.sha256,
          size: present.size,
          downloaded: 0,
          resumedFrom: 0,
          alreadyPresent: true,
          seconds: 0,
          verifiedBy: present.verifiedBy,
          digestFrom: present.digestFrom,
        });
        return present;
      }
    }
    return await new Transfer(opts).run();
  } catch (e) {
    if (opts.signal?.aborted && !(e instanceof DownloadError && e.kind !== "cancelled")) throw cancelled();
    throw e;
  } finally {
    lock.release();
  }
}

function keptNote(dest: string): string {
  const n = fileSize(partPath(dest));
  return n ? ` (${formatBytes(n)} kept in ${basename(partPath(dest))})` : "";
}

/**
 * A complete file whose digest is recorded (or re-checked against the pin).
 * One that failed `model verify`, or that no digest vouches for when one is
 * now required, is downloaded again.
 */
function alreadyPresent(opts: DownloadOptions): DownloadResult | undefined {
  const size = fileSize(opts.dest);
  if (size === undefined) return undefined;
  if (opts.size !== undefined && size !== opts.size) return undefined;
  let state = readState(opts.dest);
  if (state?.failed) return undefined;
  let recorded = readRecordedSha(opts.dest);
  if (opts.sha256) {
    if (recorded !== opts.sha256 || state?.verified_by !== "pinned") {
      const actual = sha256File(opts.dest);
      if (actual !== opts.sha256) return undefined;
      writeRecordedSha(opts.dest, actual);
      writeState(opts.dest, (state = { verified_by: "pinned" }));
      recorded = actual;
    }
  } else if (!recorded) return undefined;
  else if (state?.verified_by === "unverified" && opts.requireHash && !opts.allowUnverified) return undefined;
  return {
    path: opts.dest,
    sha256: recorded!,
    size,
    verifiedBy: state?.verified_by ?? "recorded",
    digestFrom: state?.digest_from,
    downloaded: 0,
    resumedFrom: 0,
    alreadyPresent: true,
  };
}

class Transfer {
  private readonly part: string;
  private hasher = new StreamSha256();
  /** Bytes in the part file, all of them fed to `hasher`. */
  private have = 0;
  private meta: PartMeta | undefined;
  private downloaded = 0;
  private readonly resumedFrom: number;
  private readonly started = performance.now();
  private samples: [number, number][] = [];
  private lastProgress = 0;
  private readonly env: Record<string, string | undefined>;
  /** The URL asked last (after redirects): the host an error names. */
  private url: string;

  constructor(private readonly o: DownloadOptions) {
    this.url = o.url;
    this.part = partPath(o.dest);
    this.env = o.env ?? process.env;
    const meta = readMeta(o.dest);
    const size = fileSize(this.part) ?? 0;
    const usable =
      size > 0 &&
      meta !== undefined &&
      meta.url === o.url &&
      (!o.sha256 || !meta.sha256 || meta.sha256 === o.sha256) &&
      (meta.size === undefined || size <= meta.size) &&
      (o.size === undefined || meta.size === undefined || meta.size === o.size);
    if (usable) {
      this.meta = meta;
      this.o.onEvent?.({ type: "rehash", bytes: size });
      this.hasher.updateFromFile(this.part, size);
      this.have = size;
    } else {
      removeQuietly(this.part);
      removeQuietly(metaPath(o.dest));
    }
    this.resumedFrom = this.have;
  }

  private emit(e: DownloadEvent) {
    this.o.onEvent?.(e);
  }

  /** Drops the part file and the hash state: the next bytes start at 0. */
  private reset(reason: string) {
    if (this.have > 0) this.emit({ type: "restart", reason });
    this.hasher.close();
    this.hasher = new StreamSha256();
    this.have = 0;
    removeQuietly(this.part);
    this.meta = undefined;
    removeQuietly(metaPath(this.o.dest));
  }

  private expectedSha(): string | undefined {
    return this.o.sha256 ?? this.meta?.linkedSha256;
  }

  async run(): Promise<DownloadResult> {
    try {
      return await this.transfer();
    } finally {
      this.hasher.close();
    }
  }

  private async transfer(): Promise<DownloadResult> {
    const o = this.o;
    const retries = o.retries ?? 6;
    const base = o.backoffBaseMs ?? 1000;
    const max = o.backoffMaxMs ?? 30_000;
    // Killed after the last byte but before the rename: nothing left to fetch.
    if (this.meta?.size !== undefined && this.have === this.meta.size && this.expectedSha()) return this.finish();
    let failures = 0;
    let restarts = 0;
    for (let attempt = 1; ; attempt++) {
      o.signal?.throwIfAborted();
      const before = this.downloaded;
      try {
        await this.attempt(attempt);
        return await this.finish();
      } catch (e) {
        if (e instanceof DownloadError) throw e;
        if (o.signal?.aborted) throw e;
        if (e instanceof RestartSignal) {
          if (++restarts > 5) throw new DownloadError("http", `the server keeps changing ${o.url}; try again later`);
          continue;
        }
        const progressed = this.downloaded > before;
        failures = progressed ? 1 : failures + 1;
        const offline = this.downloaded === 0 ? unreachableReason(e, this.url) : undefined;
        if (offline) {
          const kept = keptNote(o.dest);
          throw new DownloadError("network", kept ? `${offline}; run the same command to resume${kept}` : offline);
        }
        const reason = e instanceof RetryableError ? e.message : describeNetworkError(e);
        if (failures > retries) {
          // "Resume" only when there is something to resume from.
          const kept = keptNote(o.dest);
          throw new DownloadError(
            "network",
            `download failed after ${attempt} attempts: ${reason}; ${kept ? `run the same command to resume${kept}` : "try again later"}`,
          );
        }
        let delay: number;
        const retryAfter = e instanceof RetryableError ? e.retryAfterMs : undefined;
        if (retryAfter !== undefined) {
          const cap = o.retryAfterMaxMs ?? 300_000;
          if (retryAfter > cap)
            throw new DownloadError(
              "http",
              `${reason}; the server asks to wait ${Math.ceil(retryAfter / 1000)} s: try again later${keptNote(o.dest)}`,
            );
          delay = retryAfter;
        } else {
          const ceiling = Math.min(max, base * 2 ** (failures - 1));
          delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
        }
        this.emit({ type: "retry", attempt, delayMs: delay, reason, received: this.have, total: this.meta?.size });
        await sleep(delay, undefined, { signal: o.signal });
      }
    }
  }

  private headers(url: string, offset: number): Record<string, string> {
    const h: Record<string, string> = {
      "accept-encoding": "identity",
      "user-agent": `cmdai/${version}`,
      ...this.o.headersFor?.(url),
    };
    if (offset > 0) {
      h.range = `bytes=${offset}-`;
      const etag = this.meta?.etag;
      // If-Range needs a strong validator; a date is the fallback.
      if (etag && !etag.startsWith("W/")) h["if-range"] = etag;
      else if (this.meta?.lastModified) h["if-range"] = this.meta.lastModified;
    }
    return h;
  }

  /**
   * One HTTP exchange, top to bottom: ask (following redirects), judge the
   * answer, record what the part file is of, then stream the body to disk.
   * Returns when the body is complete; throws otherwise.
   */
  private async attempt(attempt: number): Promise<void> {
    const stallMs = this.o.stallMs ?? 30_000;
    const watchdog = new Watchdog(stallMs, this.o.signal);
    try {
      const reply = await this.request(watchdog);
      const plan = await this.accept(reply);
      if (plan === "complete") return;
      this.begin(reply, plan, attempt);
      await this.receive(reply.res, plan, watchdog);
    } catch (e) {
      if (watchdog.stalled && !(e instanceof DownloadError))
        throw new RetryableError(`no data for ${Math.round(stallMs / 100) / 10} s (connection stalled)`);
      throw e;
    } finally {
      watchdog.dispose();
    }
  }

  /**
   * GET the file from `this.have` on, following redirects by hand (the hub
   * announces the file's SHA-256 and size on its redirect to the CDN). A part
   * of another version of the file is dropped, not spliced.
   */
  private async request(watchdog: Watchdog): Promise<Reply> {
    const o = this.o;
    let url = o.url;
    let offset = this.have;
    let linkedSha: string | undefined;
    let linkedSize: number | undefined;
    let linkedFrom: string | undefined;
    let res: Response | undefined;
    for (let hop = 0; hop <= 10; hop++) {
      this.url = url;
      // ofetch for the request and its error causes; retries are ours (they
      // resume from the part file), so its own are off.
      res = await ofetch.raw(url, {
        method: "GET",
        headers: this.headers(url, offset),
        redirect: "manual",
        retry: false,
        ignoreResponseError: true,
        responseType: "stream",
        signal: watchdog.signal,
        // Bun's fetch takes a proxy per request; `false` means a direct
        // connection (otherwise Bun applies HTTP_PROXY even to loopback).
        proxy: proxyFor(url, this.env) ?? false,
      } as Parameters<typeof ofetch.raw>[1]);
      watchdog.touch();
      const announced = shaFromEtag(res.headers.get("x-linked-etag"));
      if (announced) [linkedSha, linkedFrom] = [announced, new URL(url).origin];
      linkedSize = intHeader(res.headers.get("x-linked-size")) ?? linkedSize;
      if (!redirects.has(res.status) || !res.headers.get("location")) break;
      await cancelBody(res);
      url = new URL(res.headers.get("location")!, url).href;
      if (hop === 10) throw new DownloadError("http", `too many redirects from ${o.url}`);
      // The hub changed the file since the part was started: the part is of
      // another file, and a Range on the new one would splice two files.
      if (this.fileChanged(linkedSha, offset)) {
        this.reset("the file changed on the server; starting again");
        offset = 0;
      }
    }
    res = res!;
    if (this.fileChanged(linkedSha, offset)) {
      await cancelBody(res);
      this.reset("the file changed on the server; starting again");
      throw new RestartSignal();
    }
    return { res, url, offset, linkedSha, linkedSize, linkedFrom };
  }

  private fileChanged(linkedSha: string | undefined, offset: number): boolean {
    return Boolean(linkedSha && this.meta?.linkedSha256 && linkedSha !== this.meta.linkedSha256 && offset > 0);
  }

  /**
   * Judges the answer before a byte is written: the status, the range it
   * covers, the size and digest it must have, and the room it needs. Drops the
   * body of an answer it refuses. "complete": the part already holds it all.
   */
  private async accept(reply: Reply): Promise<Plan | "complete"> {
    const o = this.o;
    const { res } = reply;
    let offset = reply.offset;
    try {
      if (o.sha256 && reply.linkedSha && reply.linkedSha !== o.sha256)
        throw new DownloadError(
          "checksum",
          `the server offers a different file: its sha256 is ${reply.linkedSha}, expected ${o.sha256}; nothing was downloaded`,
        );
      this.checkStatus(res, offset, reply.url);
      if (res.status === 416) {
        await cancelBody(res);
        return "complete";
      }
      const etag = res.headers.get("etag") ?? undefined;
      const lastModified = res.headers.get("last-modified") ?? undefined;
      let total: number | undefined;
      if (res.status === 206) {
        const range = parseContentRange(res.headers.get("content-range"));
        const changed = this.meta?.etag && etag && this.meta.etag !== etag;
        if (!range || range.start !== offset || changed || (range.total && this.meta?.size && range.total !== this.meta.size)) {
          this.reset(changed ? "the file changed on the server; starting again" : "the server sent another range; starting again");
          throw new RestartSignal();
        }
        total = range.total;
      } else {
        if (offset > 0) {
          this.reset("the server sent the whole file (it ignored the resume range, or the file changed); starting again");
          offset = 0;
        }
        total = intHeader(res.headers.get("content-length"));
      }

      const expectedSize = o.size ?? reply.linkedSize ?? this.meta?.size ?? total;
      if (total !== undefined && expectedSize !== undefined && total !== expectedSize)
        throw new DownloadError(
          "size",
          `the server offers ${total} bytes but ${expectedSize} were expected for ${basename(o.dest)}; the file on the server changed or the mirror is wrong`,
        );
      const expectedSha = o.sha256 ?? reply.linkedSha ?? (offset > 0 ? this.meta?.linkedSha256 : undefined);
      if (o.requireHash && !expectedSha && !o.allowUnverified)
        throw new DownloadError(
          "nohash",
          `cannot verify ${o.url}: no SHA-256 is known for it (the server sends no X-Linked-Etag); pass --sha256 HEX, or --allow-unverified to install it unchecked`,
        );
      if (expectedSize !== undefined) await this.checkFreeSpace(expectedSize - offset);
      return { offset, expectedSize, etag, lastModified };
    } catch (e) {
      await cancelBody(res);
      throw e;
    }
  }

  /** Throws for every status but 200, 206 and a 416 that means "already complete". */
  private checkStatus(res: Response, offset: number, url: string) {
    const o = this.o;
    const status = res.status;
    if (status === 416) {
      if (offset > 0 && this.meta?.size === offset) return; // already complete
      this.reset("the server refused the resume range; starting again");
      throw new RestartSignal();
    }
    if (status === 401 || status === 403)
      throw new DownloadError(
        "http",
        `access denied (HTTP ${status}) for ${o.url}: the file is private or gated, or the mirror refuses it`,
      );
    if (status === 404 || status === 410)
      throw new DownloadError("http", `not found (HTTP ${status}): ${o.url}; check the name, URL or HF_ENDPOINT`);
    if (status === 408 || status === 425 || status === 429 || status >= 500)
      throw new RetryableError(`server answered HTTP ${status}`, parseRetryAfter(res.headers.get("retry-after")));
    if (status !== 200 && status !== 206) throw new DownloadError("http", `unexpected HTTP ${status} from ${url}`);
  }

  private async checkFreeSpace(need: number) {
    const dir = dirname(this.o.dest);
    const free = await (this.o.freeSpace ?? defaultFreeSpace)(dir);
    const reserve = 16 << 20;
    if (free < need + reserve)
      throw new DownloadError("disk", `not enough disk space in ${dir}: ${formatBytes(need)} needed, ${formatBytes(free)} free`);
  }

  /** Records what the part file is of (for a resume by a later run), and says the transfer starts. */
  private begin(reply: Reply, plan: Plan, attempt: number) {
    const { linkedSha, linkedFrom } = reply;
    const resumed = plan.offset > 0;
    this.meta = {
      url: this.o.url,
      etag: plan.etag,
      lastModified: plan.lastModified,
      linkedSha256: linkedSha ?? (resumed ? this.meta?.linkedSha256 : undefined),
      linkedFrom: linkedSha ? linkedFrom : resumed ? this.meta?.linkedFrom : undefined,
      size: plan.expectedSize,
      sha256: this.o.sha256,
    };
    writeMeta(this.o.dest, this.meta);
    this.emit({ type: "start", url: reply.url, offset: plan.offset, total: plan.expectedSize, attempt });
  }

  /**
   * Streams the body into the part file at `plan.offset` and through the
   * hasher, flushing to disk in the background as it goes (so the fsync
   * before the rename waits only for the tail, not the whole file).
   */
  private async receive(res: Response, plan: Plan, watchdog: Watchdog) {
    const o = this.o;
    const { expectedSize } = plan;
    const fd = plan.offset === 0 ? openSync(this.part, "w", 0o600) : openSync(this.part, "r+");
    if (!res.body) {
      closeSync(fd);
      if (expectedSize === undefined || expectedSize === plan.offset) return;
      throw new RetryableError("empty response body");
    }
    const reader = res.body.getReader();
    let flushing: Promise<void> | undefined;
    let flushedAt = plan.offset;
    const flushEvery = o.sync === false ? Infinity : 64 << 20;
    const interval = o.progressIntervalMs ?? 100;
    try {
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) break;
        const now = watchdog.touch();
        if (expectedSize !== undefined && this.have + chunk.length > expectedSize) {
          this.reset("the server sent more bytes than expected");
          throw new DownloadError(
            "size",
            `the server sent more than the expected ${expectedSize} bytes for ${basename(o.dest)}; the partial download was deleted`,
          );
        }
        this.write(fd, chunk);
        const n = chunk.length;
        this.hasher.update(chunk); // hands the chunk over: not used after this line
        this.have += n;
        this.downloaded += n;
        if (!flushing && this.have - flushedAt >= flushEvery) {
          flushedAt = this.have;
          flushing = new Promise<void>((resolve) => fdatasync(fd, () => resolve())).finally(() => {
            flushing = undefined;
          });
        }
        if (now - this.lastProgress >= interval) this.progress(now, expectedSize);
        const backlog = this.hasher.drain();
        if (backlog) await backlog;
      }
      if (expectedSize !== undefined && this.have < expectedSize)
        throw new RetryableError(`connection closed at ${formatBytes(this.have)} of ${formatBytes(expectedSize)}`);
      this.progress(performance.now(), expectedSize);
    } finally {
      reader.cancel().catch(() => {});
      if (flushing) await flushing;
      closeSync(fd);
    }
  }

  /** Writes a chunk at the end of the part file; a failed write leaves the file as it was. */
  private write(fd: number, chunk: Uint8Array) {
    try {
      let w = 0;
      while (w < chunk.length) w += writeSync(fd, chunk, w, chunk.length - w, this.have + w);
    } catch (e) {
      try {
        ftruncateSync(fd, this.have);
      } catch {}
      const code = (e as NodeJS.ErrnoException).code;
      throw new DownloadError(
        "disk",
        code === "ENOSPC" || code === "EDQUOT"
          ? `disk full while writing ${this.part}; free some space and run the same command to resume`
          : `cannot write ${this.part}: ${(e as Error).message}`,
      );
    }
  }

  private progress(now: number, total: number | undefined) {
    this.lastProgress = now;
    this.samples.push([now, this.downloaded]);
    while (this.samples.length > 2 && now - this.samples[0]![0] > 5000) this.samples.shift();
    const [t0, b0] = this.samples[0]!;
    const elapsed = (now - t0) / 1000;
    const bytesPerSec = elapsed > 0.05 ? (this.downloaded - b0) / elapsed : this.downloaded / Math.max(0.001, (now - this.started) / 1000);
    const etaSec = total !== undefined && bytesPerSec > 0 ? (total - this.have) / bytesPerSec : undefined;
    this.emit({ type: "progress", received: this.have, total, bytesPerSec, etaSec });
  }

  /** Whose X-Linked-Etag the digest is: the model hub's own, or another server's (a mirror). */
  private announcer(): "hub" | "server" {
    const from = this.meta?.linkedFrom;
    return from && (this.o.hubOrigins ?? []).includes(from) ? "hub" : "server";
  }

  private async finish(): Promise<DownloadResult> {
    const o = this.o;
    this.emit({ type: "verifying", bytes: this.have });
    let digest: string;
    try {
      digest = await this.hasher.digest();
    } catch (e) {
      throw new DownloadError("disk", `cannot read ${this.part}: ${(e as Error).message}`);
    }
    const expected = this.expectedSha();
    // The hash covers what this process streamed; the file must hold exactly that.
    if (fileSize(this.part) !== this.have) {
      this.reset("the partial file changed under us");
      throw new DownloadError("checksum", `${this.part} was modified during the download; it was deleted, run the same command again`);
    }
    if (expected && digest !== expected) {
      removeQuietly(this.part);
      removeQuietly(metaPath(o.dest));
      throw new DownloadError(
        "checksum",
        `checksum mismatch for ${basename(o.dest)}: expected sha256 ${expected}, got ${digest}; the partial download was deleted, run the same command to download it again`,
      );
    }
    // Durable before it becomes visible under its final name (then the rename too).
    const durable = o.sync !== false;
    if (durable) fsyncPath(this.part);
    chmodQuietly(this.part, 0o600);
    const verifiedBy = o.sha256 ? "pinned" : expected ? this.announcer() : "unverified";
    const digestFrom = !o.sha256 && expected && this.meta?.linkedFrom ? new URL(this.meta.linkedFrom).host : undefined;
    writeRecordedSha(o.dest, digest);
    writeState(o.dest, { verified_by: verifiedBy, ...(digestFrom ? { digest_from: digestFrom } : {}) });
    renameSync(this.part, o.dest);
    if (durable) {
      try {
        fsyncPath(dirname(o.dest));
      } catch {}
    }
    removeQuietly(metaPath(o.dest));
    const result: DownloadResult = {
      path: o.dest,
      sha256: digest,
      size: this.have,
      verifiedBy,
      digestFrom,
      downloaded: this.downloaded,
      resumedFrom: this.resumedFrom,
      alreadyPresent: false,
    };
    this.emit({
      type: "done",
      path: o.dest,
      sha256: digest,
      size: this.have,
      downloaded: this.downloaded,
      resumedFrom: this.resumedFrom,
      alreadyPresent: false,
      seconds: (performance.now() - this.started) / 1000,
      verifiedBy,
      digestFrom,
    });
    return result;
  }
}
