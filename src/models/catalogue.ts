// The models cmdai knows by name. `file` is the GGUF on the hub; `sha256` is
// pinned where known, otherwise the hub's X-Linked-Etag is trusted and recorded.
export interface CatalogueEntry {
  name: string;
  repo: string;
  file: string;
  /** Download size in bytes. */
  size: number;
  licence: string;
  /** Approximate resident memory while generating, in bytes. */
  ram: number;
  sha256?: string;
  description: string;
}

export const catalogue: readonly CatalogueEntry[] = [
  {
    name: "qwen2.5-coder-1.5b",
    repo: "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
    file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size: 1_117_320_736,
    licence: "Apache-2.0",
    ram: 2_000_000_000,
    description: "Default. Best accuracy that stays fast on a laptop CPU.",
  },
  {
    name: "qwen2.5-coder-0.5b",
    repo: "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
    file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    size: 491_400_064,
    licence: "Apache-2.0",
    ram: 800_000_000,
    description: "Smaller and faster, less accurate. For machines with little memory.",
  },
];

export const defaultModelName = "qwen2.5-coder-1.5b";

export const findModel = (name: string) => catalogue.find((m) => m.name === name);
