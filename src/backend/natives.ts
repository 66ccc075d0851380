// Inside the single-file executable, llama.cpp's shared libraries are embedded
// files. They must be real files on disk for the addon to load its sibling
// libraries, so they are unpacked once into a versioned cache folder.
// scripts/build.ts sets `__cmdaiNatives` in the executable's entry point and
// points node-llama-cpp's package root at `__cmdaiLlamaRoot`.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cacheDir } from "../config/paths.ts";

interface EmbeddedNatives {
  /** Unique per build of the natives (version + content fingerprint). */
  id: string;
  /** Path inside the runtime root → path of the embedded file. */
  files: Record<string, string>;
}

declare global {
  var __cmdaiNatives: EmbeddedNatives | undefined;
  var __cmdaiLlamaRoot: string | undefined;
}

const marker = ".complete";

/**
 * Makes the embedded natives available on disk and returns the runtime root,
 * or undefined when running from source (node_modules has them).
 * Safe when several first runs race: each unpacks into its own temporary
 * folder and renames it into place; the loser discards its copy.
 */
export async function prepareNatives(root = join(cacheDir(), "runtime")): Promise<string | undefined> {
  const natives = globalThis.__cmdaiNatives;
  if (!natives) return undefined;
  const dest = join(root, natives.id);
  if (!existsSync(join(dest, marker))) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const tmp = mkdtempSync(join(root, `.${natives.id}.tmp-`));
    try {
      for (const [rel, embedded] of Object.entries(natives.files)) {
        const out = join(tmp, rel);
        mkdirSync(dirname(out), { recursive: true });
        await Bun.write(out, Bun.file(embedded));
        if (/\.(so|node|dylib)$|\.so\./.test(rel)) chmodSync(out, 0o755);
      }
      writeFileSync(join(tmp, marker), natives.id);
      try {
        renameSync(tmp, dest);
        removeOtherVersions(root, natives.id);
      } catch {
        // Another process won the race (ENOTEMPTY/EEXIST): use its copy if complete.
        if (!existsSync(join(dest, marker))) {
          // A stale incomplete folder from a killed run: replace it.
          rmSync(dest, { recursive: true, force: true });
          renameSync(tmp, dest);
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  globalThis.__cmdaiLlamaRoot = dest;
  return dest;
}

/**
 * After an upgrade, the previous version's libraries (~30 MB) are dead weight.
 * Deleting them is safe even while an old process still runs: Linux and macOS
 * keep a loaded library's file alive until it is unmapped.
 */
function removeOtherVersions(root: string, keep: string) {
  for (const name of readdirSync(root)) {
    if (name !== keep && !name.startsWith(".")) rmSync(join(root, name), { recursive: true, force: true });
  }
}
