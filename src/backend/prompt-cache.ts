// The system prompt is the same on every run, so its evaluated KV state is
// saved once per model and loaded on later cold starts, skipping a few hundred
// milliseconds of prompt evaluation.
//
// llama.cpp aborts the process on a truncated state file and may crash on one
// made by another model, so: the file name holds a key for the model file,
// the prompt and the runtime, and a checksum of the file's own bytes, checked
// before llama.cpp sees them; files are written whole (temporary name, then
// rename) and private to the user.

import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * What identifies the exact model file, prompt and runtime. The file is
 * named by device, inode, size and change time (any rewrite or replacement
 * changes ctime), so no byte of a 1 GB model is read on this hot path.
 */
export function promptCacheKey(parts: { modelPath: string; system: string; runtime: string; contextSize: number }): string {
  const st = statSync(parts.modelPath);
  const id = [st.dev, st.ino, st.size, st.mtimeMs, st.ctimeMs, parts.runtime, parts.contextSize, parts.system].join("\0");
  // Two independent 64-bit hashes: a 128-bit name, native speed, no WASM to start.
  return Bun.hash.wyhash(id, 1n).toString(16).padStart(16, "0") + Bun.hash.wyhash(id, 2n).toString(16).padStart(16, "0");
}

/**
 * A checksum of the state file's bytes, checked before llama.cpp reads them.
 * Bun's native wyhash, not hash-wasm's xxh128: measured on 64 MB here, wyhash
 * ran at 3.6-27 GB/s and xxh128 at 1.8-5.6 GB/s, and the WASM module costs
 * ~8 ms to start on a cold run. hash-wasm's xxh128 stays where a hash must be
 * the same whatever runs it: the natives' content id in scripts/build.ts.
 */
function checksum(file: string): string {
  return Bun.hash.wyhash(readFileSync(file)).toString(16).padStart(16, "0");
}

export interface StateSequence {
  saveStateToFile(path: string): Promise<unknown>;
  loadStateFromFile(path: string, risk: { acceptRisk: true }): Promise<void>;
}

/** Loads the saved state into the sequence; false when there is none or it is damaged. */
export async function loadPromptState(dir: string, key: string, sequence: StateSequence): Promise<boolean> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(`${key}.`) && n.endsWith(".kv"));
  } catch {
    return false;
  }
  for (const name of names) {
    const file = join(dir, name);
    const want = name.slice(key.length + 1, -".kv".length);
    try {
      if (checksum(file) === want) {
        await sequence.loadStateFromFile(file, { acceptRisk: true });
        return true;
      }
    } catch {
      // fall through: remove it and evaluate again
    }
    rmSync(file, { force: true });
  }
  return false;
}

export async function savePromptState(dir: string, key: string, sequence: StateSequence): Promise<void> {
  const tmp = join(dir, `${key}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await sequence.saveStateToFile(tmp);
    chmodSync(tmp, 0o600);
    renameSync(tmp, join(dir, `${key}.${checksum(tmp)}.kv`));
    prune(dir);
  } catch {
    rmSync(tmp, { force: true }); // a cache that cannot be written only costs speed
  }
}

/** Keeps the newest few states: one per model, shell and set of tools in use. */
function prune(dir: string, keep = 8) {
  const files = readdirSync(dir)
    .filter((n) => n.endsWith(".kv"))
    .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const f of files.slice(keep)) rmSync(f.path, { force: true });
}
