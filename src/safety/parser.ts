// Loads web-tree-sitter and the bash grammar once. Both .wasm files are
// imported as embedded files and handed over as bytes: inside a
// `bun build --compile` executable the default loader would look for them in
// Bun's virtual filesystem and fail.
import type { Node, Parser, Tree } from "web-tree-sitter";
import treeSitterWasm from "web-tree-sitter/web-tree-sitter.wasm" with { type: "file" };
import bashWasm from "tree-sitter-bash/tree-sitter-bash.wasm" with { type: "file" };

export type { Node, Tree };

let parserPromise: Promise<Parser> | undefined;

async function bytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await Bun.file(path).arrayBuffer());
}

/** One shared parser; the promise is cached so concurrent callers share the load. */
export function loadParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const ts = await import("web-tree-sitter");
    const wasmBinary = await bytes(treeSitterWasm);
    await ts.Parser.init({ wasmBinary } as object);
    const language = await ts.Language.load(await bytes(bashWasm));
    const parser = new ts.Parser();
    parser.setLanguage(language);
    return parser;
  })();
  parserPromise.catch(() => (parserPromise = undefined));
  return parserPromise;
}
