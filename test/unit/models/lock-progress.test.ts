import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock, lockHolder } from "../../../src/models/lock.ts";
import { createProgress } from "../../../src/cli/progress.ts";
import { formatBytes, formatDuration } from "../../../src/models/format.ts";

const dir = mkdtempSync(join(tmpdir(), "cmdai-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const holder = (pid: number, host = hostname()) => JSON.stringify({ pid, host, token: "other", started: 0 });
const old = (path: string) => utimesSync(path, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

describe("lock", () => {
  test("exclusive: a second taker waits until the first releases", async () => {
    const path = join(dir, "a.lock");
    const first = await acquireLock(path, { pollMs: 10 });
    let waited = 0;
    const second = acquireLock(path, { pollMs: 10, onWait: () => waited++ });
    await Bun.sleep(50);
    expect(waited).toBe(1);
    first.release();
    (await second).release();
    expect(existsSync(path)).toBe(false);
  });

  test("a live holder on this machine is never stale, however old its heartbeat (Ctrl-Z)", async () => {
    const path = join(dir, "b.lock");
    writeFileSync(path, holder(process.pid));
    old(path);
    expect(lockHolder(path, 1000)?.pid).toBe(process.pid);
    const ac = new AbortController();
    const p = acquireLock(path, { pollMs: 10, staleMs: 1000, signal: ac.signal });
    await Bun.sleep(50);
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    rmSync(path);
  });

  test("another host's lock is stale once its heartbeat stops", async () => {
    const path = join(dir, "c.lock");
    writeFileSync(path, holder(1, "some-other-host"));
    expect(lockHolder(path, 60_000)?.host).toBe("some-other-host");
    old(path);
    expect(lockHolder(path, 60_000)).toBeUndefined();
    (await acquireLock(path, { pollMs: 10 })).release();
  });

  test("release leaves someone else's lock alone", async () => {
    const path = join(dir, "d.lock");
    const mine = await acquireLock(path);
    writeFileSync(path, holder(process.pid)); // replaced behind our back
    mine.release();
    expect(existsSync(path)).toBe(true);
    rmSync(path);
  });
});

describe("progress", () => {
  const sink = () => {
    const lines: string[] = [];
    return { lines, stream: { write: (s: string) => (lines.push(s), true), isTTY: false } as any };
  };

  test("json: one object per event, snake_case fields", () => {
    const { lines, stream } = sink();
    const p = createProgress({ label: "m", mode: "json", stream });
    p({ type: "start", url: "u", offset: 0, total: 10, attempt: 1 });
    p({ type: "progress", received: 10, total: 10, bytesPerSec: 5, etaSec: 0 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { event: "start", model: "m", url: "u", offset: 0, total: 10, attempt: 1 },
      { event: "progress", model: "m", received: 10, total: 10, bytes_per_sec: 5, eta_sec: 0 },
    ]);
  });

  test("off a terminal: quiet cmdai: lines, retries explained", () => {
    const { lines, stream } = sink();
    const p = createProgress({ label: "m", mode: "lines", stream });
    p({ type: "start", url: "u", offset: 0, total: 2_000_000_000, attempt: 1 });
    for (let i = 1; i <= 100; i++) p({ type: "progress", received: i * 20_000_000, total: 2_000_000_000, bytesPerSec: 1e7, etaSec: 10 });
    p({ type: "retry", attempt: 1, delayMs: 2000, reason: "connection closed at 1 GB of 2 GB", received: 1, total: 2 });
    expect(lines.length).toBeLessThanOrEqual(13);
    expect(lines[0]).toBe("cmdai: downloading m (2.0 GB)\n");
    expect(lines.at(-1)).toBe("cmdai: warning: connection closed at 1 GB of 2 GB; retrying in 2s (attempt 2)\n");
    for (const l of lines) expect(l).toMatch(/^cmdai: [^\r\n]*\n$/);
  });

  test("terminal: one line redrawn in place", () => {
    const { lines, stream } = sink();
    stream.columns = 100;
    const p = createProgress({ label: "m", mode: "tty", stream, ttyIntervalMs: 0 });
    p({ type: "progress", received: 500_000_000, total: 1_100_000_000, bytesPerSec: 25e6, etaSec: 24 });
    expect(lines[0]).toStartWith("\r\x1b[2Kcmdai: m  45% ▕");
    expect(lines[0]).toEndWith("▏ 500 MB/1.1 GB  25 MB/s  ETA 24s");
    expect(lines[0]!.length).toBeLessThan(100);
  });

  test("sizes and durations", () => {
    expect([formatBytes(999), formatBytes(491_400_064), formatBytes(1_117_320_736)]).toEqual(["999 B", "491 MB", "1.1 GB"]);
    expect([formatDuration(5), formatDuration(75), formatDuration(7300)]).toEqual(["5s", "1m15s", "2h01m"]);
  });
});
