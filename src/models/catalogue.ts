// The models cmdai knows by name. `file` is the GGUF on the hub; `sha256` is
// pinned where known, otherwise the hub's X-Linked-Etag (the file's SHA-256)
// is checked during the download and recorded beside the file for `model verify`.
//
// Pinning (none yet: the hub cannot be reached from the machines this was built
// on, and a digest is never invented). To pin a model, read its SHA-256 and
// size from the hub itself, never from a mirror (a mirror that serves a changed
// file would serve the matching digest too), at a fixed commit, not "main":
//   curl -sI https://huggingface.co/<repo>/resolve/<commit>/<file>
//     -> X-Linked-Etag (the SHA-256) and X-Linked-Size (the exact size)
// or https://huggingface.co/api/models/<repo>/tree/<commit> ("lfs": {"oid", "size"}).
// Then set `revision` to that commit, `sha256`, `size` with `sizeExact: true`,
// and check the digest against a download on a second network before committing.
export interface CatalogueEntry {
  name: string;
  repo: string;
  file: string;
  /** Download size in bytes (see `sizeExact`). */
  size: number;
  /** False when `size` is an estimate: the server's size is then authoritative. */
  sizeExact: boolean;
  licence: string;
  /** Approximate resident memory while generating, in bytes. */
  ram: number;
  /** Git revision on the hub ("main" follows the repository). */
  revision: string;
  sha256?: string;
  description: string;
}

export const catalogue: readonly CatalogueEntry[] = [
  {
    name: "qwen2.5-coder-1.5b",
    repo: "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
    file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    // Approximate (~1.1 GB): not checked against the hub from here. The hub's
    // X-Linked-Size and X-Linked-Etag decide at download time.
    size: 1_117_320_736,
    sizeExact: false,
    licence: "Apache-2.0",
    ram: 2_000_000_000,
    revision: "main",
    description: "Default. Best accuracy that stays fast on a laptop CPU.",
  },
  {
    name: "qwen2.5-coder-0.5b",
    repo: "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
    file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    size: 491_400_064,
    sizeExact: true,
    licence: "Apache-2.0",
    ram: 800_000_000,
    revision: "main",
    description: "Smaller and faster, less accurate. For machines with little memory.",
  },
];

export const defaultModelName = "qwen2.5-coder-1.5b";

export const findModel = (name: string) => catalogue.find((m) => m.name === name);

export const defaultHubEndpoint = "https://huggingface.co";

/** The hub, or a mirror named by HF_ENDPOINT (the ecosystem's convention). */
export function hubEndpoint(env: Record<string, string | undefined> = process.env): string {
  const value = env.HF_ENDPOINT?.trim();
  return (value || defaultHubEndpoint).replace(/\/+$/, "");
}

/** `<endpoint>/<repo>/resolve/<revision>/<file>` */
export function catalogueUrl(entry: CatalogueEntry, env: Record<string, string | undefined> = process.env): string {
  const file = entry.file.split("/").map(encodeURIComponent).join("/");
  return `${hubEndpoint(env)}/${entry.repo}/resolve/${encodeURIComponent(entry.revision)}/${file}`;
}
