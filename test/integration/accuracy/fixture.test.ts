// The fixture builder reproduces each fixture's manifest (fixtures/fs_N.json).
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureNames, loadFixture, type Entry } from "../../../bench/accuracy/dataset.ts";
import { buildFixture, gunzipText, scaffoldNames, snapshot, systemNames, tarMembers } from "../../../bench/accuracy/fixture.ts";

const work = mkdtempSync(join(tmpdir(), "cmdai-fixture-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

// Two manifest sizes disagree with the manifest's own content: the bundle was
// derived with /workspace remapped into a longer scratch path, and the size was
// taken from the scratch copy. The content is what upstream's `echo` writes, so
// the content wins; every other size must match exactly.
const sizeFromScratchPath = new Set(["/workspace/files.txt", "/workspace/results.txt"]);

function expectedBytes(e: Entry): Buffer | undefined {
  if (e.content !== undefined) return Buffer.from(e.content);
  if (e.content_b64 !== undefined) return Buffer.from(e.content_b64, "base64");
  if (e.zero_filled) return Buffer.alloc(e.size!);
  return undefined;
}

describe("fixture builder", () => {
  for (const name of fixtureNames) {
    test(`${name}: every manifest entry with its type, mode, content, mtime and archive members; nothing else`, () => {
      const root = join(work, name);
      buildFixture(name, root);
      const fixture = loadFixture(name);
      for (const e of fixture.entries) {
        const p = join(root, e.path);
        const st = lstatSync(p);
        const where = `${name} ${e.path}`;
        expect([where, st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : "file"]).toEqual([where, e.type]);
        expect([where, (st.mode & 0o7777).toString(8).padStart(4, "0")]).toEqual([where, e.mode]);
        if (e.mtime) expect([where, st.mtime.toISOString().replace(/\.000Z$/, "Z")]).toEqual([where, e.mtime]);
        if (e.type === "symlink") expect(readlinkSync(p)).toBe(e.target!);
        if (e.type !== "file") continue;
        const bytes = readFileSync(p);
        const want = expectedBytes(e);
        if (want) {
          expect([where, sha(bytes)]).toEqual([where, sha(want)]);
          if (!sizeFromScratchPath.has(e.path)) expect([where, st.size]).toEqual([where, e.size ?? -1]);
          else expect(e.size).not.toBe(want.length); // if the bundle is ever fixed, drop the exception
        } else if (e.sha256) {
          expect([where, sha(bytes), st.size]).toEqual([where, e.sha256, e.size ?? -1]);
        } else if (e.gzip_of_content !== undefined) {
          expect(gunzipText(p)).toBe(e.gzip_of_content);
          expect([where, st.size]).toEqual([where, e.size ?? -1]); // gzip -c of the sibling, as upstream
        } else if (e.archive_members) {
          // Members and their order are exact; the archive's byte size depends on tar's metadata (owner, times).
          expect([where, tarMembers(p)]).toEqual([where, e.archive_members.filter((m) => !m.endsWith("/"))]);
        } else throw new Error(`${where}: entry kind not checked`);
      }
      // Nothing but the manifest, the sandbox's mount points and the home and /tmp folders.
      const listed = new Set(fixture.entries.map((e) => e.path));
      const extra = [...snapshot(root).keys()].filter(
        (p) => !listed.has(p) && !scaffoldNames.has(p.slice(1)) && !systemNames.has(p.slice(1)),
      );
      expect(extra).toEqual([]);
    });
  }
});
