import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { catalogue, type CatalogueEntry } from "./catalogue.ts";
import { isSha256 } from "./hash.ts";

// The models directory: `<file>` (complete and verified), `<file>.sha256`
// (its SHA-256 in sha256sum format, written before the file appears),
// `<file>.part` + `<file>.part.json` (a resumable download and what it is
// of), `<file>.lock` (a download in progress). Directory 0700, files 0600.

export const partPath = (dest: string) => `${dest}.part`;
export const metaPath = (dest: string) => `${dest}.part.json`;
export const shaPath = (dest: string) => `${dest}.sha256`;
export const lockPath = (dest: string) => `${dest}.lock`;

export function ensureModelDir(dir: string) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** The SHA-256 recorded when the file was downloaded and verified. */
export function readRecordedSha(dest: string): string | undefined {
  try {
    const first = readFileSync(shaPath(dest), "utf8").trim().split(/\s+/)[0]?.toLowerCase();
    return first && isSha256(first) ? first : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `<hex>  <name>` so that `sha256sum -c file.sha256` works too. */
export function writeRecordedSha(dest: string, sha256: string) {
  const tmp = `${shaPath(dest)}.tmp-${process.pid}`;
  writeFileSync(tmp, `${sha256}  ${basename(dest)}\n`, { mode: 0o600 });
  renameSync(tmp, shaPath(dest));
}

export function fileSize(path: string): number | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

export function removeQuietly(path: string) {
  try {
    unlinkSync(path);
  } catch {}
}

export function chmodQuietly(path: string, mode: number) {
  try {
    chmodSync(path, mode);
  } catch {}
}

export interface InstalledModel {
  /** Catalogue name, or the file name for a model pulled from a URL. */
  name: string;
  file: string;
  path: string;
  entry?: CatalogueEntry;
  /** Bytes of the complete file; undefined when not installed. */
  size?: number;
  recordedSha256?: string;
  /** Bytes of a resumable partial download. */
  partialBytes?: number;
}

function describe(dir: string, file: string, entry?: CatalogueEntry): InstalledModel {
  const path = join(dir, file);
  return {
    name: entry?.name ?? file,
    file,
    path,
    entry,
    size: fileSize(path),
    recordedSha256: readRecordedSha(path),
    partialBytes: fileSize(partPath(path)),
  };
}

/** Every catalogue model (installed or not) plus other GGUF files in the directory. */
export function scanModels(dir: string): InstalledModel[] {
  const out = catalogue.map((e) => describe(dir, e.file, e));
  const known = new Set(catalogue.map((e) => e.file));
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {}
  const others = new Set<string>();
  for (const n of names) {
    const base = n.replace(/\.part$/, "");
    if (base.endsWith(".gguf") && !known.has(base)) others.add(base);
  }
  for (const f of [...others].sort()) out.push(describe(dir, f));
  return out;
}

/** A catalogue name or a file name inside the models directory. */
export function findInstalled(dir: string, name: string): InstalledModel | undefined {
  const entry = catalogue.find((e) => e.name === name || e.file === name);
  if (entry) return describe(dir, entry.file, entry);
  if (name.includes("/") || name === "." || name === "..") return undefined;
  const m = describe(dir, name);
  return m.size !== undefined || m.partialBytes !== undefined || existsSync(shaPath(m.path)) ? m : undefined;
}
