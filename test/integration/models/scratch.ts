import { afterAll, beforeEach } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh scratch folder for each test (`scratch.dir`); all of them are removed after the file. */
export function scratchDirs(prefix: string): { readonly dir: string } {
  let current = "";
  const made: string[] = [];
  beforeEach(() => {
    current = mkdtempSync(join(tmpdir(), prefix));
    made.push(current);
  });
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return {
    get dir() {
      return current;
    },
  };
}
