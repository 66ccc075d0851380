import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { download, DownloadError, type DownloadEvent, type DownloadOptions } from "../../../src/models/download.ts";
import { lockPath, metaPath, partPath, shaPath } from "../../../src/models/store.ts";
import { makeData, seeded, sha256Hex, startFaultServer, type FaultServer } from "./server.ts";
import { scratchDirs } from "./scratch.ts";

// The fault matrix: every case ends with a verified file at the final path, or
// a clear error with (where bytes arrived) a resumable part file. Never a
// corrupt file at the final path.

const SIZE = 2 * 1024 * 1024 + 12_345;
const data = makeData(SIZE, 7);
const sha = sha256Hex(data);
const other = makeData(SIZE, 99);
const otherSha = sha256Hex(other);

const scratch = scratchDirs("cmdai-dl-");
let server: FaultServer | undefined;

afterEach(() => {
  server?.stop();
  server = undefined;
});

const dest = () => join(scratch.dir, "models", "model.gguf");

function run(extra: Partial<DownloadOptions> & { url: string }, events: DownloadEvent[] = []) {
  return download({
    dest: dest(),
    sha256: sha,
    stallMs: 300,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    progressIntervalMs: 0,
    lockPollMs: 20,
    env: {},
    onEvent: (e) => events.push(e),
    ...extra,
  });
}

// Bun's fetch drops bytes it had buffered but not yet handed to the reader
// when the connection breaks, so the server is throttled where a test needs
// bytes on disk before a fault, and offsets are checked from the client's side.
const RATE = 40_000_000;

/** What the client had on disk at each retry, and the offset of each attempt. */
const retries = (events: DownloadEvent[]) =>
  events.filter((e): e is Extract<DownloadEvent, { type: "retry" }> => e.type === "retry").map((e) => e.received);

/** The invariant behind every case. */
function expectVerified(expected = data) {
  const d = dest();
  expect(existsSync(d)).toBe(true);
  const bytes = new Uint8Array(readFileSync(d));
  expect(bytes.length).toBe(expected.length);
  expect(sha256Hex(bytes)).toBe(sha256Hex(expected));
  expect(readFileSync(shaPath(d), "utf8")).toBe(`${sha256Hex(expected)}  model.gguf\n`);
  expect(existsSync(partPath(d))).toBe(false);
  expect(existsSync(metaPath(d))).toBe(false);
  expect(existsSync(lockPath(d))).toBe(false);
}

function expectNoFinalFile() {
  expect(existsSync(dest())).toBe(false);
  expect(existsSync(lockPath(dest()))).toBe(false);
}

async function expectError(p: Promise<unknown>, kind: string, text: RegExp): Promise<DownloadError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DownloadError);
    expect((e as DownloadError).kind).toBe(kind as DownloadError["kind"]);
    expect((e as Error).message).toMatch(text);
    expect((e as Error).message).not.toContain("\n");
    return e as DownloadError;
  }
  throw new Error("expected the download to fail");
}

describe("download", () => {
  test("a clean download is verified, recorded and private", async () => {
    server = startFaultServer({ content: { data } });
    const r = await run({ url: server.url() });
    expectVerified();
    expect(r).toMatchObject({ sha256: sha, size: SIZE, verifiedBy: "pinned", downloaded: SIZE, resumedFrom: 0 });
    expect(statSync(dest()).mode & 0o777).toBe(0o600);
    expect(statSync(join(scratch.dir, "models")).mode & 0o777).toBe(0o700);
    expect(server.bodyRequests()).toHaveLength(1);
    expect(server.requests[0]!.range).toBeUndefined();
  });

  test("sync: false (--no-sync) skips only the flush: still verified before it is put in place", async () => {
    server = startFaultServer({ content: { data } });
    await run({ url: server.url(), sync: false });
    expectVerified();
    await expect(run({ url: server.url(), sync: false, sha256: otherSha, force: true })).rejects.toThrow(/checksum mismatch/);
    expectVerified(); // the verified copy is left alone; the bad download never took its place
  });

  test("connection dropped at random offsets: resumes each time from the bytes on disk", async () => {
    const rand = seeded(42);
    const drops = [1, 2, 3, 4].map(() => ({ kind: "drop" as const, after: 1 + Math.floor(rand() * 600_000) }));
    server = startFaultServer({ content: { data }, faults: drops, bytesPerSecond: RATE });
    const events: DownloadEvent[] = [];
    const r = await run({ url: server.url() }, events);
    expectVerified();
    const reqs = server.bodyRequests();
    expect(reqs).toHaveLength(5);
    // Each resume asks exactly for the bytes not yet on disk, validated by the
    // ETag: nothing already on disk is downloaded again.
    const had = retries(events);
    expect(had).toHaveLength(4);
    for (const [i, offset] of had.entries()) {
      const req = reqs[i + 1]!;
      expect(req.start).toBe(offset);
      if (offset > 0) {
        expect(req.range).toBe(`bytes=${offset}-`);
        expect(req.ifRange).toBe(`"${sha.slice(0, 16)}"`);
      }
    }
    expect(had.some((o) => o > 0)).toBe(true);
    expect(r.downloaded).toBe(SIZE);
  });

  test("500 then success", async () => {
    server = startFaultServer({ content: { data }, faults: [{ kind: "status", status: 500 }] });
    const events: DownloadEvent[] = [];
    await run({ url: server.url() }, events);
    expectVerified();
    expect(server.bodyRequests().map((r) => r.status)).toEqual([500, 200]);
    expect(events.find((e) => e.type === "retry")).toMatchObject({ reason: "server answered HTTP 500" });
  });

  test("429 with Retry-After: waits as long as the server asks", async () => {
    server = startFaultServer({
      content: { data },
      faults: [{ kind: "status", status: 429, headers: { "retry-after": "1" } }],
    });
    const events: DownloadEvent[] = [];
    await run({ url: server.url() }, events);
    expectVerified();
    expect(events.find((e) => e.type === "retry")).toMatchObject({ delayMs: 1000 });
  });

  test("a Retry-After longer than the cap fails clearly instead of hanging", async () => {
    server = startFaultServer({
      content: { data },
      faults: () => ({ kind: "status", status: 503, headers: { "retry-after": "3600" } }),
    });
    await expectError(run({ url: server.url(), retryAfterMaxMs: 1000 }), "http", /HTTP 503.*wait 3600 s/);
    expectNoFinalFile();
  });

  test("a stalled body is abandoned and resumed", async () => {
    server = startFaultServer({ content: { data }, faults: [{ kind: "stall", after: 300_000 }] });
    const events: DownloadEvent[] = [];
    await run({ url: server.url() }, events);
    expectVerified();
    expect(events.find((e) => e.type === "retry")).toMatchObject({ reason: expect.stringContaining("stalled") });
    // A stall keeps the connection open, so every byte sent reached the disk.
    const reqs = server.bodyRequests();
    expect(retries(events)).toEqual([300_000]);
    expect(reqs[1]!.range).toBe("bytes=300000-");
  });

  test("a server that ignores Range: starts again cleanly", async () => {
    server = startFaultServer({
      content: { data },
      faults: [{ kind: "drop", after: 700_000 }, { kind: "ignoreRange" }],
      bytesPerSecond: RATE,
    });
    const events: DownloadEvent[] = [];
    const r = await run({ url: server.url() }, events);
    expectVerified();
    const reqs = server.bodyRequests();
    const [had] = retries(events);
    expect(had).toBeGreaterThan(0);
    expect(reqs[1]!.range).toBe(`bytes=${had}-`);
    expect(reqs[1]!.status).toBe(200);
    expect(events.some((e) => e.type === "restart")).toBe(true);
    expect(r.downloaded).toBe(had! + SIZE);
  });

  test("ETag changes between attempts (server honours If-Range): the new file, whole", async () => {
    server = startFaultServer({ content: { data, etag: '"v1"' }, bytesPerSecond: RATE });
    // The file is replaced on the server after the first attempt.
    let n = 0;
    server.setFaults((i) => {
      n = i;
      if (i === 0) return { kind: "drop", after: 500_000 };
      server!.setContent({ data: other, etag: '"v2"' });
      return { kind: "ok" };
    });
    await run({ url: server.url(), sha256: otherSha });
    expectVerified(other);
    expect(n).toBe(1);
    const reqs = server.bodyRequests();
    expect(reqs[1]).toMatchObject({ ifRange: '"v1"', status: 200 });
  });

  test("ETag changes and the server ignores If-Range (206 of another file): detected, restarted", async () => {
    server = startFaultServer({ content: { data, etag: '"v1"' }, bytesPerSecond: RATE });
    server.setFaults((i) => {
      if (i === 0) return { kind: "drop", after: 500_000 };
      server!.setContent({ data: other, etag: '"v2"' });
      return { kind: "ignoreIfRange" };
    });
    const events: DownloadEvent[] = [];
    await run({ url: server.url(), sha256: otherSha }, events);
    expectVerified(other);
    const reqs = server.bodyRequests();
    expect(reqs[1]!.status).toBe(206); // the spliced answer, refused
    expect(reqs[2]!.range).toBeUndefined(); // then the whole new file
    expect(events.find((e) => e.type === "restart")).toMatchObject({ reason: expect.stringContaining("changed") });
  });

  test("a weak ETag is not used for If-Range; Last-Modified is", async () => {
    const lm = "Wed, 01 Jan 2025 00:00:00 GMT";
    server = startFaultServer({ content: { data }, weakEtag: true, lastModified: lm, faults: [{ kind: "stall", after: 100_000 }] });
    await run({ url: server.url() });
    expectVerified();
    expect(server.bodyRequests()[1]).toMatchObject({ range: "bytes=100000-", ifRange: lm, status: 206 });
  });

  test("wrong bytes: checksum mismatch deletes the part file and says so", async () => {
    server = startFaultServer({ content: { data }, faults: [{ kind: "corrupt" }] });
    await expectError(
      run({ url: server.url() }),
      "checksum",
      /checksum mismatch for model\.gguf: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; the partial download was deleted/,
    );
    expectNoFinalFile();
    expect(existsSync(partPath(dest()))).toBe(false);
    expect(existsSync(metaPath(dest()))).toBe(false);
  });

  test("wrong bytes in a resumed range are caught too", async () => {
    server = startFaultServer({ content: { data }, faults: [{ kind: "stall", after: 1_000_000 }, { kind: "corrupt" }] });
    await expectError(run({ url: server.url() }), "checksum", /checksum mismatch/);
    expectNoFinalFile();
  });

  test("more bytes than announced: refused, nothing kept", async () => {
    server = startFaultServer({ content: { data }, hubSize: SIZE - 10 });
    await expectError(run({ url: server.url("/org/repo-GGUF/resolve/main/model.gguf") }), "size", /offers \d+ bytes but \d+ were expected/);
    expectNoFinalFile();
  });

  for (const [status, text] of [
    [404, /not found \(HTTP 404\)/],
    [401, /access denied \(HTTP 401\)/],
    [403, /access denied \(HTTP 403\).*private or gated/],
  ] as const) {
    test(`HTTP ${status} is not retried and says what is wrong`, async () => {
      server = startFaultServer({ content: { data }, faults: () => ({ kind: "status", status }) });
      await expectError(run({ url: server.url() }), "http", text);
      expect(server.bodyRequests()).toHaveLength(1);
      expectNoFinalFile();
    });
  }

  test("retries exhausted: a clear error, a resumable part file, and the next run resumes", async () => {
    server = startFaultServer({
      content: { data },
      faults: (i) => (i === 0 ? { kind: "stall", after: 800_000 } : { kind: "status", status: 503 }),
    });
    const e = await expectError(
      run({ url: server.url(), retries: 3 }),
      "network",
      /failed after 4 attempts: server answered HTTP 503; run the same command to resume \(800 kB kept in model\.gguf\.part\)$/,
    );
    expect(e.exitCode).toBe(6); // network
    expectNoFinalFile();
    expect(statSync(partPath(dest())).size).toBe(800_000);
    expect(JSON.parse(readFileSync(metaPath(dest()), "utf8"))).toMatchObject({ url: server.url(), size: SIZE });

    server.setFaults([]);
    const events: DownloadEvent[] = [];
    const r = await run({ url: server.url() }, events);
    expectVerified();
    expect(events[0]).toEqual({ type: "rehash", bytes: 800_000 });
    expect(r).toMatchObject({ resumedFrom: 800_000, downloaded: SIZE - 800_000 });
    expect(server.bodyRequests().at(-1)!.range).toBe("bytes=800000-");
  });

  test("a part left by another URL or digest is not trusted", async () => {
    server = startFaultServer({ content: { data } });
    const d = dest();
    await Bun.write(partPath(d), other.subarray(0, 1000));
    writeFileSync(metaPath(d), JSON.stringify({ url: "http://elsewhere/x.gguf", size: SIZE }));
    await run({ url: server.url() });
    expectVerified();
    expect(server.bodyRequests()[0]!.range).toBeUndefined();
  });

  test("a complete part (killed before the rename) finishes without the network", async () => {
    server = startFaultServer({ content: { data } });
    const d = dest();
    await Bun.write(partPath(d), data);
    writeFileSync(metaPath(d), JSON.stringify({ url: server.url(), size: SIZE, sha256: sha }));
    const r = await run({ url: server.url() });
    expectVerified();
    expect(server.requests).toHaveLength(0);
    expect(r).toMatchObject({ downloaded: 0, resumedFrom: SIZE });
  });

  test("hub: X-Linked-Etag verifies when nothing is pinned, and is recorded", async () => {
    server = startFaultServer({ content: { data }, faults: [{ kind: "stall", after: 333_333 }] });
    const url = server.url("/Org/Repo-GGUF/resolve/main/model.gguf");
    const r = await run({ url, sha256: undefined, requireHash: true, hubOrigins: [new URL(url).origin] });
    expectVerified();
    expect(r.verifiedBy).toBe("hub");
    expect(JSON.parse(readFileSync(`${dest()}.state.json`, "utf8"))).toEqual({ verified_by: "hub", digest_from: new URL(url).host });
    // Each attempt goes through the hub again (its CDN links expire).
    expect(server.requests.map((q) => q.status)).toEqual([302, 200, 302, 206]);
    expect(server.requests[2]!.range).toBe("bytes=333333-");
  });

  test("hub: bytes that do not match X-Linked-Etag are refused", async () => {
    server = startFaultServer({ content: { data }, hubSha256: otherSha });
    const url = server.url("/Org/Repo-GGUF/resolve/main/model.gguf");
    await expectError(run({ url, sha256: undefined }), "checksum", /checksum mismatch/);
    expectNoFinalFile();
  });

  test("hub: a pinned digest the hub contradicts fails before downloading", async () => {
    server = startFaultServer({ content: { data }, hubSha256: otherSha });
    const url = server.url("/Org/Repo-GGUF/resolve/main/model.gguf");
    await expectError(run({ url }), "checksum", /offers a different file.*nothing was downloaded/);
    expect(existsSync(partPath(dest()))).toBe(false);
  });

  test("hub: the file changes upstream between attempts: restarts on the new one", async () => {
    server = startFaultServer({ content: { data }, faults: [{ kind: "stall", after: 400_000 }] });
    const url = server.url("/Org/Repo-GGUF/resolve/main/model.gguf");
    // The repository gets a new version of the file while we wait to retry.
    const events: DownloadEvent[] = [];
    await run({
      url,
      sha256: undefined,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "retry") server!.setContent({ data: other });
      },
    });
    expectVerified(other);
    // The hub's new X-Linked-Etag is seen at the redirect: no Range is sent
    // for the new file, so the two versions are never spliced.
    expect(server.bodyRequests()[1]!.range).toBeUndefined();
    expect(events.find((e) => e.type === "restart")).toMatchObject({ reason: expect.stringContaining("changed") });
  });

  test("hub token goes to the hub only, never to the CDN it redirects to", async () => {
    server = startFaultServer({ content: { data } });
    const url = server.url("/Org/Repo-GGUF/resolve/main/model.gguf");
    const origin = new URL(url).origin;
    await run({
      url,
      headersFor: (u) => (u.startsWith(origin + "/Org/") ? { authorization: "Bearer t0ken" } : undefined),
    });
    expect(server.requests.map((r) => r.authorization)).toEqual(["Bearer t0ken", undefined]);
  });

  test("no known digest for a plain URL: refused before any byte is written", async () => {
    server = startFaultServer({ content: { data } });
    const e = await expectError(run({ url: server.url(), sha256: undefined, requireHash: true }), "nohash", /pass --sha256 HEX/);
    expect(e.exitCode).toBe(2);
    expect(existsSync(partPath(dest()))).toBe(false);
    expectNoFinalFile();
  });

  test("not enough disk space: refused before downloading", async () => {
    server = startFaultServer({ content: { data } });
    await expectError(
      run({ url: server.url(), freeSpace: () => 1_000_000 }),
      "disk",
      /not enough disk space in .*: 2\.1 MB needed, 1\.0 MB free/,
    );
    expect(existsSync(partPath(dest()))).toBe(false);
  });

  test("cancel: exit 130, part file kept, lock released; the next run resumes", async () => {
    server = startFaultServer({ content: { data }, bytesPerSecond: 4_000_000 });
    const ac = new AbortController();
    const p = run({
      url: server.url(),
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === "progress" && e.received > 300_000) ac.abort(new Error("interrupted"));
      },
    });
    const e = await expectError(p, "cancelled", /download cancelled; run the same command to resume \(.* kept in model\.gguf\.part\)/);
    expect(e.exitCode).toBe(130);
    expectNoFinalFile();
    const kept = statSync(partPath(dest())).size;
    expect(kept).toBeGreaterThan(300_000);
    server.setThrottle(undefined);
    await run({ url: server.url() });
    expectVerified();
    expect(server.bodyRequests().at(-1)!.range).toBe(`bytes=${kept}-`);
  });

  test("two pulls at once: one downloads, the other waits and gets the same verified file", async () => {
    server = startFaultServer({ content: { data }, bytesPerSecond: 20_000_000 });
    const ev1: DownloadEvent[] = [];
    const ev2: DownloadEvent[] = [];
    const [a, b] = await Promise.all([run({ url: server.url() }, ev1), run({ url: server.url() }, ev2)]);
    expectVerified();
    expect(a.sha256).toBe(sha);
    expect(b.sha256).toBe(sha);
    expect([a.alreadyPresent, b.alreadyPresent].sort()).toEqual([false, true]);
    expect([...ev1, ...ev2].some((e) => e.type === "waiting")).toBe(true);
    expect(server.bodyRequests()).toHaveLength(1);
  });

  test("a lock left by a dead process is broken", async () => {
    server = startFaultServer({ content: { data } });
    const dead = Bun.spawnSync(["true"]).pid;
    await Bun.write(lockPath(dest()), JSON.stringify({ pid: dead, host: (await import("node:os")).hostname(), token: "x", started: 0 }));
    await run({ url: server.url() });
    expectVerified();
  });

  test("an installed, recorded file is not downloaded again", async () => {
    server = startFaultServer({ content: { data } });
    await run({ url: server.url() });
    const r = await run({ url: server.url() });
    expect(r.alreadyPresent).toBe(true);
    expect(server.bodyRequests()).toHaveLength(1);
    // --force downloads again, and the final path is replaced atomically.
    const f = await run({ url: server.url(), force: true });
    expect(f.alreadyPresent).toBe(false);
    expectVerified();
  });

  test("a file at the final path that does not match the pin is replaced", async () => {
    server = startFaultServer({ content: { data } });
    await Bun.write(dest(), other);
    await run({ url: server.url() });
    expectVerified();
  });
});
