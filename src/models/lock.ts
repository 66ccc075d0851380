// An exclusive lock file (O_CREAT|O_EXCL) beside the download, so two shells
// pulling the same model do not write the same part file. The holder writes
// its pid and host and refreshes the file's mtime; a lock is stale when its pid
// is gone (same host) or its heartbeat stopped (another host, e.g. an NFS home).

import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { hostname } from "node:os";

export interface LockHolder {
  pid: number;
  host: string;
  token: string;
  started: number;
}

export interface LockOptions {
  signal?: AbortSignal;
  /** How often a waiter looks again. */
  pollMs?: number;
  /** A heartbeat older than this means the holder is gone. */
  staleMs?: number;
  /** Called once when the lock is held by someone else and we start waiting. */
  onWait?: (holder: LockHolder | undefined) => void;
}

export interface Lock {
  path: string;
  release(): void;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const v = JSON.parse(readFileSync(path, "utf8"));
    return typeof v?.pid === "number" ? (v as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process of that pid exists (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Who holds the lock at `path`, if anyone does and is alive. */
export function lockHolder(path: string, staleMs = 60_000): LockHolder | undefined {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
  const holder = readHolder(path);
  return holder && !isStale(holder, mtime, staleMs) ? holder : undefined;
}

function isStale(holder: LockHolder | undefined, mtime: number, staleMs: number): boolean {
  const age = Date.now() - mtime;
  // Unreadable: maybe being written this instant; give it a moment.
  if (!holder) return age > 2_000;
  // Same machine: the pid decides. A live holder is never stale, even with an
  // old heartbeat (Ctrl-Z, a suspended laptop): two writers would be worse.
  if (holder.host === hostname()) return !pidAlive(holder.pid);
  return age > staleMs;
}

export async function acquireLock(path: string, opts: LockOptions = {}): Promise<Lock> {
  const pollMs = opts.pollMs ?? 250;
  const staleMs = opts.staleMs ?? 60_000;
  let announced = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    const me: LockHolder = {
      pid: process.pid,
      host: hostname(),
      token: crypto.randomUUID(),
      started: Date.now(),
    };
    let fd: number | undefined;
    try {
      fd = openSync(path, "wx", 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, JSON.stringify(me) + "\n");
      } finally {
        closeSync(fd);
      }
      return hold(path, me, staleMs);
    }
    let mtime = Date.now();
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      continue; // released between our open and stat: try again at once
    }
    const holder = readHolder(path);
    if (isStale(holder, mtime, staleMs)) {
      breakStale(path, holder);
      continue;
    }
    if (!announced) {
      announced = true;
      opts.onWait?.(holder);
    }
    // On abort, the signal's own reason (timers/promises rejects with an AbortError).
    await sleep(pollMs, undefined, { signal: opts.signal }).catch((e) => {
      throw opts.signal?.aborted ? opts.signal.reason : e;
    });
  }
}

/**
 * Moves a stale lock aside under a unique name, then deletes it. The rename is
 * atomic, so of several waiters that judged the same lock stale only one
 * removes it; a fresh lock created meanwhile is put back if we took it.
 */
function breakStale(path: string, seen: LockHolder | undefined) {
  const aside = `${path}.stale-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else already moved it
  }
  const taken = readHolder(aside);
  if (seen && taken && taken.token !== seen.token) {
    // Not the lock we judged stale: a live one appeared. Restore it unless
    // yet another lock took its place.
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, JSON.stringify(taken) + "\n");
      closeSync(fd);
    } catch {}
  }
  try {
    unlinkSync(aside);
  } catch {}
}

function hold(path: string, me: LockHolder, staleMs: number): Lock {
  const beat = setInterval(
    () => {
      try {
        const now = new Date();
        utimesSync(path, now, now);
      } catch {}
    },
    Math.max(50, Math.floor(staleMs / 4)),
  );
  beat.unref?.();
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      // Only remove the file if it is still ours.
      if (readHolder(path)?.token === me.token) {
        try {
          unlinkSync(path);
        } catch {}
      }
    },
  };
}
