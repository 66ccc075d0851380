import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

// The system prompt is the same on every run, so its evaluated KV state is
// saved once per model and loaded on later cold starts, skipping a few hundred
// milliseconds of prompt evaluation.
//
// llama.cpp aborts the process on a truncated state file and may crash on one
// made by another model, so: the file name holds a fingerprint of the model
// file, the prompt and the runtime (the key) and a checksum of the file's own
// bytes, checked before llama.cpp sees them; files are written whole
// (temporary name, then rename) and private to the user.

async function xxh128() {
  const { createXXHash128 } = await import("hash-wasm");
  return createXXHash128();
}

/** xxh128 over what identifies the exact model file, prompt and runtime. */
export async function promptCacheKey(parts: { modelPath: string; system: string; runtime: string; contextSize: number }): Promise<string> {
  const hasher = await xxh128();
  const { size, mtimeMs } = statSync(parts.modelPath);
  hasher.update(`${size}\0${mtimeMs}\0${parts.runtime}\0${parts.contextSize}\0${parts.system}\0`);
  // The head (metadata and first tensors) and the tail of the file.
  const fd = openSync(parts.modelPath, "r");
  try {
    const chunk = Buffer.alloc(Math.min(size, 1 << 20));
    readSync(fd, chunk, 0, chunk.length, 0);
    hasher.update(chunk);
    readSync(fd, chunk, 0, chunk.length, Math.max(0, size - chunk.length));
    hasher.update(chunk);
  } finally {
    closeSync(fd);
  }
  return hasher.digest("hex");
}

async function checksum(file: string): Promise<string> {
  const hasher = await xxh128();
  hasher.update(readFileSync(file));
  return hasher.digest("hex");
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
      if ((await checksum(file)) === want) {
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
    renameSync(tmp, join(dir, `${key}.${await checksum(tmp)}.kv`));
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
