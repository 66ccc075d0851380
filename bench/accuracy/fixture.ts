// Fixture copies: one template per fixture is built from fixtures/fs_N.json
// (paths, types, modes, contents, mtimes, archives), then every execution gets
// its own `cp -a` copy. A copy is a whole root as the command sees it: the
// fixture's absolute roots (/testbed, /system, /workspace, /backup, ...) sit at
// the top of the copy, and the sandbox mounts the copy as `/`, so commands run
// unchanged. The system folders (usr, etc, dev, proc) are empty mount points
// filled read-only by the sandbox.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { loadFixture, setupScript, type Entry, type FixtureName } from "./dataset.ts";

/** Top-level names of a copy that belong to the sandbox, not to the fixture: never part of the state. */
export const systemNames = new Set(["usr", "etc", "dev", "proc", "sys", "bin", "sbin", "lib", "lib64"]);
/** Created in every copy so the command has a home and a /tmp, as in the upstream container. */
export const scaffoldNames = new Set(["tmp", "root"]);

/** How /bin looks: the host's merged /usr (bash fixtures), or a folder of busybox applets (Alpine fixture). */
export type Userland = "gnu" | "busybox";

const sh = (args: string[], cwd: string) => {
  const r = Bun.spawnSync(args, { cwd, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`fixture: ${args.join(" ")} failed: ${r.stderr.toString().trim()}`);
  return r.stdout;
};

function scaffold(root: string, userland: Userland) {
  for (const d of ["usr", "etc", "dev", "proc"]) mkdirSync(join(root, d), { mode: 0o755 });
  mkdirSync(join(root, "tmp"));
  chmodSync(join(root, "tmp"), 0o1777);
  mkdirSync(join(root, "root"), { mode: 0o700 });
  if (userland === "busybox") mkdirSync(join(root, "bin"), { mode: 0o755 });
  else symlinkSync("usr/bin", join(root, "bin"));
  symlinkSync("usr/sbin", join(root, "sbin"));
  symlinkSync("usr/lib", join(root, "lib"));
  if (existsSync("/lib64")) symlinkSync("usr/lib64", join(root, "lib64"));
}

const modeOf = (e: Entry) => parseInt(e.mode, 8);
const inside = (root: string, path: string) => join(root, path.replace(/^\/+/, ""));

/** Builds the fixture's file tree under `root` (an empty or missing folder). */
export function buildFixture(name: FixtureName, root: string, userland: Userland = "gnu") {
  const fixture = loadFixture(name);
  mkdirSync(root, { recursive: true });
  scaffold(root, userland);
  const later: Entry[] = [];
  for (const e of fixture.entries) {
    const p = inside(root, e.path);
    if (e.type === "dir") {
      mkdirSync(p, { recursive: true });
      continue;
    }
    mkdirSync(dirname(p), { recursive: true });
    if (e.type === "symlink") symlinkSync(e.target!, p);
    else if (e.content !== undefined) writeFileSync(p, e.content);
    else if (e.content_b64 !== undefined) writeFileSync(p, Buffer.from(e.content_b64, "base64"));
    else if (e.zero_filled) writeFileSync(p, Buffer.alloc(e.size ?? 0));
    else if (e.sha256 && e.content_omitted) {
      const bytes = setupScript(name);
      const got = createHash("sha256").update(bytes).digest("hex");
      if (got !== e.sha256) throw new Error(`fixture ${name}: ${e.path} has sha256 ${got}, the manifest says ${e.sha256}`);
      writeFileSync(p, bytes);
    } else if (e.gzip_of_content !== undefined || e.archive_members) later.push(e);
    else throw new Error(`fixture ${name}: cannot build ${e.path} (no content in the manifest)`);
  }
  // Archives last, once their members exist; with the same tools the upstream setup used.
  for (const e of later) {
    const p = inside(root, e.path);
    if (e.gzip_of_content !== undefined) {
      const source = p.replace(/\.gz$/, "");
      if (!existsSync(source) || readFileSync(source, "utf8") !== e.gzip_of_content)
        throw new Error(`fixture ${name}: ${e.path} is the gzip of a sibling that does not hold the manifest's content`);
      writeFileSync(p, sh(["gzip", "-c", source.slice(root.length + 1)], root));
    } else {
      const members = e.archive_members!.filter((m) => existsSync(join(root, m)));
      sh(["tar", "-czf", p, "--no-recursion", "--", ...members], root);
    }
  }
  // Modes, then mtimes (writing into a folder changes its mtime, so last).
  for (const e of fixture.entries) chmodSync(inside(root, e.path), modeOf(e));
  for (const e of fixture.entries) {
    if (!e.mtime) continue;
    const t = new Date(e.mtime);
    utimesSync(inside(root, e.path), t, t);
  }
}

/** A fresh copy of a template (modes, mtimes, links kept). */
export async function copyFixture(template: string, dest: string): Promise<void> {
  const proc = Bun.spawn(["cp", "-a", "--", template, dest], { stdout: "ignore", stderr: "pipe" });
  const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`fixture: cp -a ${template} ${dest} failed: ${err.trim()}`);
}

export interface FileState {
  type: "dir" | "file" | "symlink" | "other";
  /** Permission bits, octal (4 digits). */
  mode: string;
  size: number;
  /** SHA-256 of a file's bytes, or a symlink's target. */
  hash?: string;
}

/** The final file state of a copy: every path (relative to the copy's `/`) outside the system mount points. */
export function snapshot(root: string): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const walk = (dir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // unreadable or vanished
    }
    for (const name of names.sort()) {
      if (rel === "" && systemNames.has(name)) continue;
      const p = join(dir, name);
      const r = `${rel}/${name}`;
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      const mode = (st.mode & 0o7777).toString(8).padStart(4, "0");
      if (st.isDirectory()) {
        out.set(r, { type: "dir", mode, size: 0 });
        walk(p, r);
      } else if (st.isSymbolicLink()) out.set(r, { type: "symlink", mode, size: st.size, hash: readlinkSync(p) });
      else if (st.isFile()) {
        let hash: string;
        try {
          hash = createHash("sha256").update(readFileSync(p)).digest("hex");
        } catch {
          hash = "unreadable";
        }
        out.set(r, { type: "file", mode, size: st.size, hash });
      } else out.set(r, { type: "other", mode, size: 0 });
    }
  };
  walk(root, "");
  return out;
}

/** Paths whose state differs between two snapshots, with what changed (empty = same state). */
export function stateDiff(a: Map<string, FileState>, b: Map<string, FileState>): string[] {
  const diffs: string[] = [];
  for (const [p, x] of a) {
    const y = b.get(p);
    if (!y) diffs.push(`-${p}`);
    else if (x.type !== y.type) diffs.push(`~${p} (type)`);
    else if (x.mode !== y.mode) diffs.push(`~${p} (mode ${x.mode}→${y.mode})`);
    else if (x.size !== y.size || x.hash !== y.hash) diffs.push(`~${p} (content)`);
  }
  for (const p of b.keys()) if (!a.has(p)) diffs.push(`+${p}`);
  return diffs;
}

/** Member names of a .tar.gz, in order (for the manifest test). */
export function tarMembers(file: string): string[] {
  return sh(["tar", "-tzf", file], dirname(file))
    .toString()
    .split("\n")
    .filter(Boolean)
    .map((m) => m.replace(/\/$/, ""));
}

export const gunzipText = (file: string) => gunzipSync(readFileSync(file)).toString("utf8");
