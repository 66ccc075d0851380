// Writing a file whole or not at all: a temporary name, then a rename.
import { renameSync, unlinkSync, writeFileSync } from "node:fs";

/**
 * Writes `data` to `path` through a temporary file beside it and a rename, so
 * a reader (or a crash) never sees half a file. Private to the user by default.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600) {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data, { mode });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw e;
  }
}
