// One target's release archive, as bytes that depend only on what goes in: the
// binary, the files of the tree (README.md, LICENSE, completions/, shell/), the
// generated third-party notices and one timestamp. Entries are sorted, owned by
// 0:0 with fixed modes and the mtime of SOURCE_DATE_EPOCH (default: the commit's
// time), and the gzip header carries no time and a fixed OS byte.
//
// Measured (linux-x64, bun 1.4.5): two `bun run release` runs, one of them from
// a clone in another folder, gave byte-identical binaries, archives and
// SHA256SUMS; `bun build --compile` embeds no time or path of its own. What can
// still differ on another machine: the .tar.xz if its xz is another version (the
// encoder's output is not promised to be stable across releases), the darwin
// binaries (Bun's downloaded runtime and its ad-hoc signature; not buildable
// offline here, so not checked), and any file changed in the working tree but
// not committed (the binary's --version names only the commit).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { thirdPartyNotices } from "./notices.ts";
import { tar, type TarEntry } from "./tar.ts";
import { artifactBase } from "./targets.ts";

/** The files directly in a folder of the tree, sorted; [] when it is missing. */
export function folderFiles(root: string, name: string): string[] {
  const dir = join(root, name);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => statSync(join(dir, f)).isFile())
        .sort()
    : [];
}

/** The archives' mtime: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the commit's time. */
export function sourceDateEpoch(root: string): number {
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env !== undefined && env !== "") {
    if (!/^\d+$/.test(env)) throw new Error(`SOURCE_DATE_EPOCH must be seconds since 1970, got "${env}"`);
    return Number(env);
  }
  const r = Bun.spawnSync(["git", "log", "-1", "--format=%ct"], { cwd: root, stdout: "pipe", stderr: "pipe" });
  const out = r.stdout.toString().trim();
  if (r.exitCode !== 0 || !/^\d+$/.test(out)) throw new Error("cannot read the commit time (git log); set SOURCE_DATE_EPOCH");
  return Number(out);
}

export interface ArchiveInput {
  root: string;
  version: string;
  /** Release target name, such as linux-x64. */
  target: string;
  binary: Uint8Array;
  /** The @node-llama-cpp/<natives> package folder whose libraries the binary holds. */
  nativesDir: string;
  mtime: number;
}

/** The uncompressed tar of one target's release. */
export async function releaseTar(input: ArchiveInput): Promise<Uint8Array<ArrayBuffer>> {
  const { root } = input;
  const base = artifactBase(input.version, input.target);
  const file = (rel: string) => new Uint8Array(readFileSync(join(root, rel)));
  const notices = await thirdPartyNotices({ root, nativesDir: input.nativesDir, bunVersion: Bun.version });
  const entries: TarEntry[] = [
    { path: `${base}/`, mode: 0o755 },
    { path: `${base}/cmdai`, mode: 0o755, data: input.binary },
    { path: `${base}/README.md`, mode: 0o644, data: file("README.md") },
    { path: `${base}/LICENSE`, mode: 0o644, data: file("LICENSE") },
    { path: `${base}/THIRD_PARTY_NOTICES.md`, mode: 0o644, data: new TextEncoder().encode(notices) },
    { path: `${base}/completions/`, mode: 0o755 },
    { path: `${base}/shell/`, mode: 0o755 },
    ...folderFiles(root, "completions").map((f) => ({ path: `${base}/completions/${f}`, mode: 0o644, data: file(`completions/${f}`) })),
    ...folderFiles(root, "shell").map((f) => ({ path: `${base}/shell/${f}`, mode: 0o644, data: file(`shell/${f}`) })),
  ];
  return tar(entries, input.mtime);
}

/**
 * gzip -9 of the tar. zlib writes no mtime and no file name; its OS byte is 3
 * (Unix) on Linux but another value on some platforms' zlib builds, so it is
 * set to 3 here and the .tar.gz is the same wherever the release is built.
 */
export function gzipArchive(data: Uint8Array<ArrayBuffer>): Uint8Array {
  const gz = Bun.gzipSync(data, { level: 9, memLevel: 9 });
  gz[9] = 3;
  return gz;
}

/** The xz command line of the .tar.xz: single-threaded, so the output does not depend on the core count. */
export const xzCommand = (level: number) => ["xz", `-${level}`, "--threads=1", "--stdout"];
