// scripts/release/installer.ts: the install.sh published with a release is the
// committed one with three lines filled in, and a template that lost one of
// them, or release data that could break out of its quotes, is refused.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderInstaller } from "../../../scripts/release/installer.ts";
import { repoRoot } from "../../helpers/run.ts";

const template = readFileSync(join(repoRoot, "install.sh"), "utf8");
const sha = (c: string) => c.repeat(64);
const release = {
  version: "1.2.3",
  sums: [
    { sha256: sha("b"), file: "cmdai-1.2.3-linux-x64.tar.xz" },
    { sha256: sha("a"), file: "cmdai-1.2.3-linux-x64.tar.gz" },
    { sha256: sha("c"), file: "install.sh" },
  ],
};

describe("renderInstaller", () => {
  test("sets the repository and bakes in the version and the archives' lines, sorted, without install.sh's own", () => {
    const out = renderInstaller(template, { slug: "someone/fork", release });
    expect(out).toMatch(/^CMDAI_REPO="someone\/fork"$/m);
    expect(out).toContain(
      `\nbaked_version="1.2.3"\nbaked_sums='\n${sha("a")}  cmdai-1.2.3-linux-x64.tar.gz\n${sha("b")}  cmdai-1.2.3-linux-x64.tar.xz\n'\n`,
    );
    expect(out).not.toContain(sha("c"));
    // Only those lines change.
    const changed = out.split("\n").filter((l) => !template.split("\n").includes(l));
    expect(changed).toEqual([
      'CMDAI_REPO="someone/fork"',
      'baked_version="1.2.3"',
      "baked_sums='",
      `${sha("a")}  cmdai-1.2.3-linux-x64.tar.gz`,
      `${sha("b")}  cmdai-1.2.3-linux-x64.tar.xz`,
      "'",
    ]);
  });

  test("refuses a template without the lines, or with two of one", () => {
    for (const line of ['baked_version=""', "baked_sums=''", 'CMDAI_REPO="cmdai/cmdai"']) {
      expect(() => renderInstaller(template.replace(`\n${line}\n`, "\n"), { slug: "a/b", release })).toThrow(/exactly one line/);
      expect(() => renderInstaller(template.replace(`\n${line}\n`, `\n${line}\n${line}\n`), { slug: "a/b", release })).toThrow(
        /exactly one line/,
      );
    }
  });

  test("refuses data that could leave its quotes or is not a checksum", () => {
    expect(() => renderInstaller(template, { slug: 'a/b"; rm -rf ~; "', release })).toThrow(/owner\/repo/);
    expect(() => renderInstaller(template, { slug: "a/b", release: { ...release, version: "1.2'3" } })).toThrow(/not a version/);
    const bad = (sha256: string, file: string) => ({ ...release, sums: [{ sha256, file }] });
    expect(() => renderInstaller(template, { slug: "a/b", release: bad(sha("a"), "cmdai-1'.tar.gz") })).toThrow(/bad SHA256SUMS line/);
    expect(() => renderInstaller(template, { slug: "a/b", release: bad("xyz", "cmdai-1.tar.gz") })).toThrow(/bad SHA256SUMS line/);
    expect(() => renderInstaller(template, { slug: "a/b", release: bad(sha("a"), "install.sh") })).toThrow(/no archives/);
  });
});
