// Formula/cmdai.rb: valid Ruby, one url + sha256 per OS and CPU, and those
// pairs are exactly the release's SHA256SUMS. Checked with `ruby -c` and by
// loading the formula with a stand-in for Homebrew's DSL (formula-probe.rb).
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatSums, parseSums, releaseUrl, renderFormula, repoSlug, type SumLine } from "../../../scripts/release/formula.ts";
import { targets } from "../../../scripts/release/targets.ts";
import { repoRoot } from "../../helpers/run.ts";
import { slowStepTimeout, tempDir } from "./helpers.ts";

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
const slug = repoSlug(pkg);
const committed = join(repoRoot, "Formula", "cmdai.rb");

interface Probe {
  class: string;
  desc: string;
  homepage: string;
  version: string;
  license: string;
  methods: string[];
  test: boolean;
  platforms: Record<string, { url: string; sha256: string }>;
}

function probe(file: string): Probe {
  const r = Bun.spawnSync(["ruby", join(import.meta.dir, "formula-probe.rb"), file]);
  if (r.exitCode !== 0) throw new Error(`formula-probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString());
}

function rubySyntax(file: string) {
  const r = Bun.spawnSync(["ruby", "-c", file]);
  return r.stdout.toString().trim() + r.stderr.toString();
}

/** Every platform's url names a file of SHA256SUMS, with that file's hash, in the release of that version. */
export function expectFormulaMatchesSums(file: string, sums: SumLine[], version: string) {
  const p = probe(file);
  expect(Object.keys(p.platforms).sort()).toEqual(targets.map((t) => t.name).sort());
  for (const t of targets) {
    const { url, sha256 } = p.platforms[t.name]!;
    const name = url.slice(url.lastIndexOf("/") + 1);
    expect(name).toMatch(new RegExp(`^cmdai-${version.replace(/\./g, "\\.")}-${t.name}\\.tar\\.(gz|xz)$`));
    expect(url).toBe(releaseUrl(slug, version, name));
    const line = sums.find((s) => s.file === name);
    expect(line?.sha256).toBe(sha256);
  }
  expect(p.version).toBe(version);
  return p;
}

const fakeSums = (version: string, ext: string[]) =>
  targets.flatMap((t, i) => ext.map((e, j) => ({ sha256: `${i}${j}`.repeat(32), file: `cmdai-${version}-${t.name}.tar.${e}` })));

describe("the formula renderer", () => {
  test(
    "writes valid Ruby whose urls and hashes are the SHA256SUMS lines, preferring .tar.xz",
    () => {
      const sums = parseSums(formatSums([...fakeSums("1.2.3", ["gz", "xz"]), { sha256: "f".repeat(64), file: "install.sh" }]));
      const file = join(tempDir("formula"), "cmdai.rb");
      writeFileSync(file, renderFormula({ slug, version: "1.2.3", license: pkg.license, sums }));
      expect(rubySyntax(file)).toBe("Syntax OK");
      const p = expectFormulaMatchesSums(file, sums, "1.2.3");
      for (const t of targets) expect(p.platforms[t.name]!.url).toEndWith(".tar.xz");
      expect(p.class).toBe("Cmdai");
      expect(p.homepage).toBe(`https://github.com/${slug}`);
      expect(p.license).toBe("MIT");
      expect(p.desc.length).toBeLessThanOrEqual(80);
      expect(p.desc).not.toMatch(/^(A|An|The) |\.$/); // brew audit's desc rules
      expect(p.methods).toEqual(["caveats", "install"]);
      expect(p.test).toBe(true);
    },
    slowStepTimeout,
  );

  test("falls back to .tar.gz and refuses a release missing a target", () => {
    const sums = fakeSums("1.2.3", ["gz"]);
    const text = renderFormula({ slug, version: "1.2.3", license: pkg.license, sums });
    expect(text.match(/\.tar\.gz"/g)?.length).toBe(4);
    expect(() =>
      renderFormula({ slug, version: "1.2.3", description: "x", license: "MIT", sums: sums.filter((s) => !s.file.includes("darwin-x64")) }),
    ).toThrow(/darwin-x64/);
  });

  test("installs the binary and the three shells' completions; caveats and test as the issue asks", () => {
    const text = renderFormula({ slug, version: "1.2.3", license: pkg.license, sums: fakeSums("1.2.3", ["xz"]) });
    expect(text).toContain('bin.install "cmdai"');
    expect(text).toContain('bash_completion.install "completions/cmdai.bash" => "cmdai"');
    expect(text).toContain('zsh_completion.install "completions/_cmdai"');
    expect(text).toContain('fish_completion.install "completions/cmdai.fish"');
    for (const line of ['eval "$(cmdai init zsh)"', 'eval "$(cmdai init bash)"', "cmdai init fish | source", "cmdai model pull"])
      expect(text).toContain(line);
    expect(text).toContain('shell_output("#{bin}/cmdai --version")');
    expect(text).toContain("#{bin}/cmdai check -- 'ls -la'");
    for (const f of ["cmdai.bash", "_cmdai", "cmdai.fish"]) expect(existsSync(join(repoRoot, "completions", f))).toBe(true);
  });
});

describe("Formula/cmdai.rb as committed", () => {
  test(
    "is valid Ruby, written by the renderer, for this repository, and says the release workflow writes it",
    () => {
      expect(rubySyntax(committed)).toBe("Syntax OK");
      const p = probe(committed);
      // Re-render from its own url/sha pairs: any hand edit shows up as a difference.
      const sums = Object.values(p.platforms).map(({ url, sha256 }) => ({ sha256, file: url.slice(url.lastIndexOf("/") + 1) }));
      const again = renderFormula({ slug, version: p.version, license: pkg.license, sums });
      expect(readFileSync(committed, "utf8")).toBe(again);
      expect(again).toStartWith("# Generated from the release's SHA256SUMS by the release workflow");
      expectFormulaMatchesSums(committed, sums, p.version);
    },
    slowStepTimeout,
  );
});

describe("the GitHub workflows", () => {
  const wf = (name: string) => join(repoRoot, ".github", "workflows", name);
  test(
    "are valid YAML; release runs the same release script and names no repository itself",
    () => {
      for (const name of ["release.yml", "ci.yml"]) {
        const r = Bun.spawnSync(["ruby", "-ryaml", "-e", "YAML.load_file(ARGV[0])", wf(name)]);
        expect(r.stderr.toString()).toBe("");
        expect(r.exitCode).toBe(0);
      }
      const release = readFileSync(wf("release.yml"), "utf8");
      expect(release).toContain("bun run scripts/release.ts");
      expect(release).toContain("sha256sum -c SHA256SUMS");
      expect(release).not.toContain(slug);
      expect(readFileSync(wf("ci.yml"), "utf8")).toContain("bash .ci/run");
      // The release job is the one writer of Formula/cmdai.rb; the release script never names it.
      expect(release).toContain("cp release/cmdai.rb Formula/cmdai.rb");
      expect(readFileSync(join(repoRoot, "scripts", "release.ts"), "utf8")).not.toMatch(/["'`]Formula["'`/]/);
    },
    slowStepTimeout,
  );
});
