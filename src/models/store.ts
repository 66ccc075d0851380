// The models directory: `<file>` (complete and verified), `<file>.sha256`
// (its SHA-256 in sha256sum format, written before the file appears),
// `<file>.part` + `<file>.part.json` (a resumable download and what it is
// of), `<file>.lock` (a download in progress), `<file>.state.json` (how the
// digest was vouched for, and a failed `model verify`). Directory 0700, files 0600.

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { writeFileAtomic } from "../core/atomic-write.ts";
import { isFsError } from "../core/fs-errors.ts";
import { catalogue, type CatalogueEntry } from "./catalogue.ts";
import { isSha256 } from "./hash.ts";

export const partPath = (dest: string) => `${dest}.part`;
export const metaPath = (dest: string) => `${dest}.part.json`;
export const shaPath = (dest: string) => `${dest}.sha256`;
export const lockPath = (dest: string) => `${dest}.lock`;
export const statePath = (dest: string) => `${dest}.state.json`;

/** Creates the models folder; a folder that cannot be made is one clear line (exit 74). */
export function ensureModelDir(dir: string) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    if (!isFsError(e)) throw e;
    const why =
      e.code === "EACCES" || e.code === "EPERM"
        ? "permission denied"
        : e.code === "EROFS"
          ? "read-only file system"
          : e.code === "ENOTDIR"
            ? "a part of that path is a file"
            : e.message;
    const home = process.env.HOME;
    const noHome = home !== undefined && !existsSync(home) ? ` (HOME is ${home}, which does not exist)` : "";
    throw new CmdaiError(
      `cannot create the models folder ${dir}: ${why}${noHome}; set CMDAI_MODEL_DIR (or model_dir in the config file) to a folder you can write`,
      ExitCode.io,
      e,
    );
  }
}

/**
 * How an installed model's digest was vouched for: "pinned" (the catalogue or
 * --sha256), "hub" (the model hub's X-Linked-Etag), "server" (another server's
 * X-Linked-Etag, a mirror say: it checks the transfer, not the source),
 * "unverified" (--allow-unverified: the digest only detects later changes),
 * "recorded" (downloaded by an older cmdai, which did not say).
 * `failed`: `cmdai model verify` found the file changed; it is not used until pulled again.
 */
export interface ModelState {
  verified_by: "pinned" | "hub" | "server" | "unverified" | "recorded";
  digest_from?: string;
  failed?: { at: string; expected: string; actual: string };
}

export function readState(dest: string): ModelState | undefined {
  try {
    const v = JSON.parse(readFileSync(statePath(dest), "utf8"));
    return typeof v?.verified_by === "string" ? (v as ModelState) : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(dest: string, state: ModelState) {
  writeFileAtomic(statePath(dest), JSON.stringify(state) + "\n");
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
  writeFileAtomic(shaPath(dest), `${sha256}  ${basename(dest)}\n`);
}

/**
 * Whether `path` is a model file cmdai may load: false when nothing is there;
 * a CmdaiError (exit 4) for a folder, a device or a pipe, or a file that failed
 * `cmdai model verify` (it is not used until pulled again: `pullHint`).
 * Other errors (permissions) are thrown as they are, for the caller to word.
 */
export function usableModelFile(path: string, pullHint = "cmdai model pull"): boolean {
  let s: ReturnType<typeof statSync>;
  try {
    s = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return false;
    throw e;
  }
  if (s.isDirectory()) throw new CmdaiError(`${path} is a directory, not a model file: give the GGUF file inside it`, ExitCode.modelLoad);
  if (!s.isFile()) throw new CmdaiError(`${path} is not a regular file (a device, pipe or socket): give a GGUF file`, ExitCode.modelLoad);
  const failed = readState(path)?.failed;
  if (failed)
    throw new CmdaiError(
      `${basename(path)} failed verification (sha256 ${failed.actual.slice(0, 12)}…, expected ${failed.expected.slice(0, 12)}…) and is not used; download it again: ${pullHint}`,
      ExitCode.modelLoad,
    );
  return true;
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
  /** How the recorded digest was vouched for, and a failed verification. */
  state?: ModelState;
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
    state: readState(path),
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
