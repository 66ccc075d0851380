// Formula/cmdai.rb for the Homebrew tap, written from a release's SHA256SUMS.
import { artifactBase, targets } from "./targets.ts";

export interface SumLine {
  sha256: string;
  file: string;
}

/** Parses `sha256sum` output: "<64 hex>  <name>" (or " *<name>"), one per line. */
export function parseSums(text: string): SumLine[] {
  const out: SumLine[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line);
    if (!m) throw new Error(`SHA256SUMS: malformed line: ${JSON.stringify(line)}`);
    out.push({ sha256: m[1]!, file: m[2]! });
  }
  return out;
}

export const formatSums = (lines: SumLine[]) =>
  [...lines]
    .sort((a, b) => (a.file < b.file ? -1 : 1))
    .map((l) => `${l.sha256}  ${l.file}\n`)
    .join("");

/** The GitHub owner/repo from package.json's repository field (string or { url }). */
export function repoSlug(pkg: { repository?: string | { url?: string } }): string {
  const raw = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  const m = raw && /github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(raw);
  if (!m) {
    const short = raw && /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(raw);
    if (short) return `${short[1]}/${short[2]}`;
    throw new Error(`package.json: repository must name a GitHub repository, got ${JSON.stringify(raw)}`);
  }
  return `${m[1]}/${m[2]}`;
}

export const releaseUrl = (slug: string, version: string, file: string) =>
  `https://github.com/${slug}/releases/download/v${version}/${file}`;

/** brew audit wants a desc of at most 80 characters, no leading article, no final period. */
export const formulaDescription = "Turn plain-English requests into safety-checked shell commands, offline";

export interface FormulaInput {
  slug: string;
  version: string;
  description?: string;
  license: string;
  sums: SumLine[];
}

/** One archive per target: .tar.xz when the release has it (smaller), else .tar.gz. */
export function formulaArtifacts(input: FormulaInput): Record<string, SumLine> {
  const out: Record<string, SumLine> = {};
  for (const t of targets) {
    const base = artifactBase(input.version, t.name);
    const hit = input.sums.find((l) => l.file === `${base}.tar.xz`) ?? input.sums.find((l) => l.file === `${base}.tar.gz`);
    if (!hit) throw new Error(`formula: SHA256SUMS has no archive for ${t.name} (${base}.tar.xz or .tar.gz)`);
    out[t.name] = hit;
  }
  return out;
}

export function renderFormula(input: FormulaInput): string {
  const a = formulaArtifacts(input);
  const desc = (input.description ?? formulaDescription).replace(/\.$/, "").replace(/"/g, '\\"');
  if (desc.length > 80) throw new Error(`formula: desc is ${desc.length} characters; brew audit allows 80`);
  const block = (target: string, indent: string) =>
    [`${indent}url "${releaseUrl(input.slug, input.version, a[target]!.file)}"`, `${indent}sha256 "${a[target]!.sha256}"`].join("\n");
  return `# Generated from the release's SHA256SUMS by the release workflow, which publishes it to the tap
# and commits it here (\`bun run release\` writes it to dist/release/cmdai.rb only). Do not edit by hand.
class Cmdai < Formula
  desc "${desc}"
  homepage "https://github.com/${input.slug}"
  version "${input.version}"
  license "${input.license}"

  on_macos do
    on_arm do
${block("darwin-arm64", "      ")}
    end
    on_intel do
${block("darwin-x64", "      ")}
    end
  end

  on_linux do
    on_arm do
${block("linux-arm64", "      ")}
    end
    on_intel do
${block("linux-x64", "      ")}
    end
  end

  def install
    bin.install "cmdai"
    bash_completion.install "completions/cmdai.bash" => "cmdai"
    zsh_completion.install "completions/_cmdai"
    fish_completion.install "completions/cmdai.fish"
    pkgshare.install "shell"
  end

  def caveats
    <<~EOS
      Press Ctrl-G at the prompt to turn a request into a command. Add the line for your shell:
        zsh  (~/.zshrc):                   eval "$(cmdai init zsh)"
        bash (~/.bashrc):                  eval "$(cmdai init bash)"
        fish (~/.config/fish/config.fish): cmdai init fish | source

      cmdai runs a local model (~1.1 GB), downloaded on first use, or now with:
        cmdai model pull
    EOS
  end

  test do
    assert_match "cmdai #{version}", shell_output("#{bin}/cmdai --version")
    assert_match "safe", shell_output("#{bin}/cmdai check -- 'ls -la'")
    assert_match "cmdai init zsh", shell_output("#{bin}/cmdai init zsh")
  end
end
`;
}
