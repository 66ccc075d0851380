// What `cmdai model pull NAME|URL` fetches, and the call that fetches it.

import { join } from "node:path";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { catalogue, catalogueUrl, defaultHubEndpoint, findModel, hubEndpoint, type CatalogueEntry } from "./catalogue.ts";
import { download, type DownloadOptions, type DownloadResult } from "./download.ts";
import { normaliseSha256 } from "./hash.ts";

export interface PullTarget {
  /** Catalogue name, or the file name for a URL. */
  name: string;
  url: string;
  dest: string;
  file: string;
  entry?: CatalogueEntry;
  sha256?: string;
  size?: number;
  /** Every pull must be verifiable: a pinned digest (catalogue, --sha256) or the server's X-Linked-Etag... */
  requireHash: boolean;
  /** ...unless the user says --allow-unverified. */
  allowUnverified?: boolean;
}

/** The file name a URL's last path segment gives, checked to be a plain name. */
export function fileNameFromUrl(url: URL): string {
  const last = url.pathname.split("/").filter(Boolean).pop() ?? "";
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last;
  }
  if (!name || name === "." || name === ".." || /[/\\\0]/.test(name) || name.startsWith("."))
    throw new CmdaiError(`cannot take a file name from ${url.href}: its path must end with the file's name`, ExitCode.usage);
  return name;
}

export function resolvePullTarget(
  what: string,
  modelDir: string,
  opts: { sha256?: string; allowUnverified?: boolean; env?: Record<string, string | undefined> } = {},
): PullTarget {
  let sha256: string | undefined;
  if (opts.sha256 !== undefined) {
    sha256 = normaliseSha256(opts.sha256);
    if (!sha256) throw new CmdaiError(`--sha256 must be 64 hex digits; got ${JSON.stringify(opts.sha256)}`, ExitCode.usage);
  }
  const entry = findModel(what);
  if (entry) {
    if (entry.sha256 && sha256 && entry.sha256 !== sha256)
      throw new CmdaiError(`--sha256 differs from the catalogue's pinned digest for ${entry.name}`, ExitCode.usage);
    return {
      name: entry.name,
      url: catalogueUrl(entry, opts.env),
      dest: join(modelDir, entry.file),
      file: entry.file,
      entry,
      sha256: sha256 ?? entry.sha256,
      // Enforce the size only when it is exact and the digest is pinned: the
      // hub's X-Linked-Size otherwise decides.
      size: entry.sizeExact && entry.sha256 ? entry.size : undefined,
      // A mirror (HF_ENDPOINT) that sends no X-Linked-Etag cannot be checked.
      requireHash: true,
      allowUnverified: opts.allowUnverified,
    };
  }
  if (/^https?:\/\//i.test(what)) {
    let url: URL;
    try {
      url = new URL(what);
    } catch {
      throw new CmdaiError(`not a valid URL: ${what}`, ExitCode.usage);
    }
    const file = fileNameFromUrl(url);
    return {
      name: file,
      url: url.href,
      dest: join(modelDir, file),
      file,
      sha256,
      requireHash: true,
      allowUnverified: opts.allowUnverified,
    };
  }
  const names = catalogue.map((m) => m.name).join(", ");
  throw new CmdaiError(`unknown model "${what}"; known: ${names}, or give an https:// URL`, ExitCode.usage);
}

/** A hub token (HF_TOKEN) goes only to the hub's own origin, never to its CDN. */
export function hubHeaders(env: Record<string, string | undefined> = process.env) {
  const token = env.HF_TOKEN?.trim();
  if (!token) return undefined;
  const origin = new URL(hubEndpoint(env)).origin;
  return (url: string) => (new URL(url).origin === origin ? { authorization: `Bearer ${token}` } : undefined);
}

export type PullOptions = Omit<DownloadOptions, "url" | "dest" | "sha256" | "size" | "requireHash" | "allowUnverified">;

export function pull(target: PullTarget, opts: PullOptions = {}): Promise<DownloadResult> {
  return download({
    headersFor: hubHeaders(opts.env),
    // Only the hub itself vouches for a file; a mirror's X-Linked-Etag checks the transfer.
    hubOrigins: [new URL(defaultHubEndpoint).origin],
    ...opts,
    url: target.url,
    dest: target.dest,
    sha256: target.sha256,
    size: target.size,
    requireHash: target.requireHash,
    allowUnverified: target.allowUnverified,
  });
}
