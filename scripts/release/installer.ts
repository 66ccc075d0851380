// The install.sh published with each release: the committed install.sh (the
// generic installer, the template) with the repository from package.json and
// that release's version and archive checksums written into it, as
// cargo-dist's installers carry theirs. It then checks what it downloads
// against itself, so a mirror, or anything between the user and GitHub's
// download servers, cannot swap an archive together with its SHA256SUMS.
import type { SumLine } from "./formula.ts";

export interface InstallerInput {
  /** GitHub owner/repo. */
  slug: string;
  /** The release's version and SHA256SUMS; without them the generic installer is rendered. */
  release?: { version: string; sums: SumLine[] };
}

/** The one line of install.sh matching `re`, replaced; any other count is an error. */
function replaceLine(text: string, re: RegExp, line: string): string {
  const hits = text.match(new RegExp(re.source, "gm"))?.length ?? 0;
  if (hits !== 1) throw new Error(`install.sh must have exactly one line matching ${re.source} (found ${hits})`);
  return text.replace(new RegExp(re.source, "m"), () => line);
}

export function renderInstaller(template: string, input: InstallerInput): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(input.slug)) throw new Error(`installer: "${input.slug}" is not owner/repo`);
  let text = replaceLine(template, /^CMDAI_REPO="[^"]*"$/, `CMDAI_REPO="${input.slug}"`);
  // Checked even for the generic installer, so a template that lost them fails the tests.
  text = replaceLine(text, /^baked_version="[^"]*"$/, 'baked_version=""');
  text = replaceLine(text, /^baked_sums='[^']*'$/, "baked_sums=''");
  if (!input.release) return text;
  const { version, sums } = input.release;
  if (!/^[0-9][0-9A-Za-z.+-]*$/.test(version)) throw new Error(`installer: "${version}" is not a version`);
  const archives = sums.filter((s) => /^cmdai-.*\.tar\.(gz|xz)$/.test(s.file)).sort((a, b) => (a.file < b.file ? -1 : 1));
  if (archives.length === 0) throw new Error("installer: SHA256SUMS lists no archives");
  for (const s of archives)
    if (!/^[0-9a-f]{64}$/.test(s.sha256) || !/^[\w.+-]+$/.test(s.file)) throw new Error(`installer: bad SHA256SUMS line for ${s.file}`);
  text = replaceLine(text, /^baked_version=""$/, `baked_version="${version}"`);
  return replaceLine(text, /^baked_sums=''$/, `baked_sums='\n${archives.map((s) => `${s.sha256}  ${s.file}`).join("\n")}\n'`);
}
