import { readFileSync } from "node:fs";
// Model shapes for generated test models: tensors, hyperparameters and a
// byte-level BPE vocabulary (the Qwen2.5 tokenizer style) that llama.cpp loads.

import { GgmlType, hashSeed, kv, normalSource, constantSource, type GgufMetadata, type TensorSpec } from "./writer.ts";

export const SHAPE_NAMES = ["tiny", "small", "qwen0.5b", "qwen1.5b"] as const;
export type ShapeName = (typeof SHAPE_NAMES)[number];

export interface Shape {
  name: string;
  arch: "llama" | "qwen2";
  vocabSize: number;
  /** Id of the first special token; the Qwen shapes use Qwen2.5's real ids (151643...). */
  specialBase: number;
  embd: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffn: number;
  contextLength: number;
  ropeFreqBase: number;
  rmsEps: number;
  /** qwen2 has biases on the q/k/v projections. */
  qkvBias: boolean;
  /**
   * Std of the random matrix weights. The Qwen shapes keep activations small
   * (speed is all they measure); the tiny model uses larger weights so its
   * answer depends on the whole prompt, which lets tests tell requests apart.
   */
  weightStd: number;
}

export const SHAPES: Record<ShapeName, Shape> = {
  // Small enough to write in milliseconds and load in tens of them (< 1 MB at f32).
  tiny: {
    name: "cmdai-test-tiny",
    arch: "llama",
    vocabSize: 1024,
    specialBase: 1021,
    embd: 64,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    ffn: 128,
    contextLength: 2048,
    ropeFreqBase: 10000,
    rmsEps: 1e-5,
    qkvBias: false,
    weightStd: 0.3,
  },
  // The tiny model's vocabulary with enough layers that a long answer takes a
  // second or more: for tests that must interrupt a generation under way
  // (~30 MB at q4_0, written in well under a second).
  small: {
    name: "cmdai-test-small",
    arch: "llama",
    vocabSize: 1024,
    specialBase: 1021,
    embd: 512,
    layers: 16,
    heads: 8,
    kvHeads: 2,
    ffn: 2048,
    contextLength: 2048,
    ropeFreqBase: 10000,
    rmsEps: 1e-5,
    qkvBias: false,
    weightStd: 0.05,
  },
  // Real Qwen2.5 matrix shapes, so per-token compute matches the real models.
  "qwen0.5b": {
    name: "cmdai-test-qwen2.5-0.5b-shape",
    arch: "qwen2",
    vocabSize: 151936,
    specialBase: 151643,
    embd: 896,
    layers: 24,
    heads: 14,
    kvHeads: 2,
    ffn: 4864,
    contextLength: 32768,
    ropeFreqBase: 1000000,
    rmsEps: 1e-6,
    qkvBias: true,
    weightStd: 0.02,
  },
  "qwen1.5b": {
    name: "cmdai-test-qwen2.5-1.5b-shape",
    arch: "qwen2",
    vocabSize: 151936,
    specialBase: 151643,
    embd: 1536,
    layers: 28,
    heads: 12,
    kvHeads: 2,
    ffn: 8960,
    contextLength: 32768,
    ropeFreqBase: 1000000,
    rmsEps: 1e-6,
    qkvBias: true,
    weightStd: 0.02,
  },
};

export const QUANT_NAMES = ["q4_0", "q8_0", "f16", "f32"] as const;
export type QuantName = (typeof QUANT_NAMES)[number];

const QUANTS: Record<QuantName, { type: GgmlType; fileType: number }> = {
  // fileType is llama_ftype: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7.
  q4_0: { type: GgmlType.Q4_0, fileType: 2 },
  q8_0: { type: GgmlType.Q8_0, fileType: 7 },
  f16: { type: GgmlType.F16, fileType: 1 },
  f32: { type: GgmlType.F32, fileType: 0 },
};

// ---------------------------------------------------------------------------
// Tensors. Names and dims follow llama.cpp's loaders for `llama` and `qwen2`.
// Embeddings are tied (no output.weight), as in Qwen2.5 0.5B/1.5B.

export function shapeTensors(shape: Shape, quant: QuantName, seed: number): TensorSpec[] {
  const wtype = QUANTS[quant].type;
  const headDim = shape.embd / shape.heads;
  const kvDim = headDim * shape.kvHeads;
  const tensors: TensorSpec[] = [];
  // Matrices take the requested quant; norms and biases stay f32, as llama.cpp's converters do.
  const matrix = (name: string, dims: number[]) =>
    tensors.push({ name, dims, type: wtype, source: () => normalSource(hashSeed(seed, name), shape.weightStd) });
  const norm = (name: string) => tensors.push({ name, dims: [shape.embd], type: GgmlType.F32, source: () => constantSource(1) });
  const bias = (name: string, n: number) =>
    tensors.push({ name, dims: [n], type: GgmlType.F32, source: () => normalSource(hashSeed(seed, name), shape.weightStd) });

  matrix("token_embd.weight", [shape.embd, shape.vocabSize]);
  for (let i = 0; i < shape.layers; i++) {
    const p = `blk.${i}.`;
    norm(`${p}attn_norm.weight`);
    matrix(`${p}attn_q.weight`, [shape.embd, shape.embd]);
    matrix(`${p}attn_k.weight`, [shape.embd, kvDim]);
    matrix(`${p}attn_v.weight`, [shape.embd, kvDim]);
    if (shape.qkvBias) {
      bias(`${p}attn_q.bias`, shape.embd);
      bias(`${p}attn_k.bias`, kvDim);
      bias(`${p}attn_v.bias`, kvDim);
    }
    matrix(`${p}attn_output.weight`, [shape.embd, shape.embd]);
    norm(`${p}ffn_norm.weight`);
    matrix(`${p}ffn_gate.weight`, [shape.embd, shape.ffn]);
    matrix(`${p}ffn_up.weight`, [shape.embd, shape.ffn]);
    matrix(`${p}ffn_down.weight`, [shape.ffn, shape.embd]);
  }
  norm("output_norm.weight");
  return tensors;
}

// ---------------------------------------------------------------------------
// Vocabulary: GPT-2 byte-level BPE, like Qwen2.5's own tokenizer.
// All 256 byte tokens are present, so every input (é, emoji, tab, invalid
// UTF-8) tokenizes; llama.cpp never meets an unknown character. Every normal
// token's text is made of byte-level characters only: llama.cpp maps each one
// back to a byte when it decodes a token.

export const SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] as const;

/** tokenizer.ggml.token_type values (llama_token_type). */
const TokenType = { NORMAL: 1, CONTROL: 3 } as const;

export const CHATML_TEMPLATE =
  "{%- for message in messages %}" +
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

export interface Vocab {
  tokens: string[];
  types: number[];
  scores: number[];
  merges: string[];
  bos: number;
  eos: number;
  pad: number;
}

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const map: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map[b] = String.fromCodePoint(printable ? b : next++);
  }
  return map;
})();

const utf8 = new TextEncoder();
export const byteLevel = (s: string) => Array.from(utf8.encode(s), (b) => BYTE_TO_CHAR[b]!).join("");

// Qwen2's pre-tokenizer split (llama.cpp's LLAMA_VOCAB_PRE_TYPE_QWEN2), used to train merges.
const PRE_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/giu;

// Text the merges are learned from: the kind of prompt and answer the app sees,
// so prompts tokenize to a realistic number of tokens (several chars each).
const CORPUS = `
You are a careful assistant that turns a plain English request into one shell command.
Answer with a JSON object that has a single key "cmd" holding the command. Do not explain.
Prefer safe, read-only commands. The user is working in a terminal on Linux or macOS with bash, zsh or fish.
The current directory is /home/user/project and the date is today. Use the tools that are installed.
list all files in the current directory, including hidden files, sorted by size
show the ten largest files under this folder and their sizes in a human readable format
find every file named config that was changed in the last two days and print the path
search recursively for the word error in all log files and count the matching lines
delete all the temporary files older than seven days from the tmp directory
compress the project folder into a tar archive and then extract it somewhere else
show which process is listening on port 8080 and kill it if it is still running
how much free disk space and memory does this machine have right now
create a new directory for the build output, copy the files there and change the owner
rename every file with the extension txt to md in this folder and its sub folders
show the git log for the last week with one line per commit, then the current branch status
download the file from the url and save it with a different name, then check the checksum
replace the string foo with bar in all python files and keep a backup of each file
print the number of lines, words and characters of the readme file
ls -la | sort -k5 -n | tail -n 10 | head
find . -type f -name "*.log" -mtime -2 -print
grep -rn "error" --include="*.log" . | wc -l
du -sh * | sort -h
tar -czvf project.tar.gz project/ && tar -xzvf project.tar.gz -C /tmp
lsof -i :8080 && kill -9 $(lsof -t -i :8080)
df -h && free -m
mkdir -p build && cp -r src/* build/ && chown -R user:user build
git log --since="1 week ago" --oneline && git status
curl -L -o output.json https://example.com/data.json && sha256sum output.json
sed -i.bak 's/foo/bar/g' *.py
wc -lwc README.md
{"cmd": "ls -la"} {"cmd": "find . -name '*.txt'"} {"cmd": "echo hello world"}
`;

/** Learns byte-level BPE merges from CORPUS: greedy most-frequent pair, ties broken by text order. */
function learnMerges(maxMerges: number): [string, string][] {
  const counts = new Map<string, number>();
  for (const piece of CORPUS.match(PRE_SPLIT) ?? []) {
    const bl = byteLevel(piece);
    counts.set(bl, (counts.get(bl) ?? 0) + 1);
  }
  const words = [...counts].map(([w, n]) => ({ syms: Array.from(w), n }));
  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    const pairs = new Map<string, number>();
    for (const { syms, n } of words) {
      for (let i = 0; i + 1 < syms.length; i++) {
        const key = syms[i] + " " + syms[i + 1];
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best = "";
    let bestN = 0; // down to single occurrences: every corpus word ends up one token
    for (const [key, n] of pairs)
      if (n > bestN || (n === bestN && best !== "" && key < best)) {
        best = key;
        bestN = n;
      }
    if (best === "") break;
    const [a, b] = best.split(" ") as [string, string];
    merges.push([a, b]);
    for (const w of words) {
      const out: string[] = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(w.syms[i]!);
      }
      w.syms = out;
    }
  }
  return merges;
}

/**
 * Merges for a full-size vocabulary, learned by real BPE training over a real
 * corpus: tldr-pages' descriptions and commands when ../shared is beside the
 * repo (CC BY 4.0; read, not shipped), else the built-in corpus. Real Qwen2.5
 * packs about four characters of English or shell into a token; a toy
 * vocabulary would double the prompt's tokens and overstate prompt time.
 */
function trainedMerges(maxMerges: number): [string, string][] {
  const corpusFile = new URL("../../../shared/bench/tldr/tldr_en_common_linux_osx.jsonl", import.meta.url);
  let text = CORPUS;
  try {
    for (const line of readFileSync(corpusFile, "utf8").split("\n")) {
      if (!line) continue;
      const j = JSON.parse(line) as { nl: string; cmd: string };
      text += `\n${j.nl}\n{"cmd": ${JSON.stringify(j.cmd)}}`;
    }
  } catch {
    // No corpus: the built-in one still gives a valid, less compact vocabulary.
  }
  const counts = new Map<string, number>();
  for (const piece of text.match(PRE_SPLIT) ?? []) {
    const bl = byteLevel(piece);
    counts.set(bl, (counts.get(bl) ?? 0) + 1);
  }
  const words = [...counts].map(([w, n]) => ({ syms: Array.from(w), n }));

  // Pair counts, the words each pair occurs in, and a lazy max-heap of pairs.
  const pairCount = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const addPairs = (wi: number, sign: 1 | -1) => {
    const { syms, n } = words[wi]!;
    for (let i = 0; i + 1 < syms.length; i++) {
      const key = syms[i] + " " + syms[i + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * n);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);
  const heap: [number, string][] = [];
  const push = (item: [number, string]) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!better(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const better = (a: [number, string], b: [number, string]) => a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
  const pop = () => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && better(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && better(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  for (const [key, n] of pairCount) push([n, key]);

  const merges: [string, string][] = [];
  while (merges.length < maxMerges && heap.length) {
    const [n, key] = pop();
    if (pairCount.get(key) !== n) continue; // stale entry
    if (n < 2) break;
    const [a, b] = key.split(" ") as [string, string];
    merges.push([a, b]);
    const touched = new Set<string>();
    for (const wi of pairWords.get(key) ?? []) {
      const w = words[wi]!;
      addPairs(wi, -1);
      const out: string[] = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(w.syms[i]!);
      }
      w.syms = out;
      addPairs(wi, 1);
      for (let i = 0; i + 1 < out.length; i++) touched.add(out[i] + " " + out[i + 1]);
    }
    pairWords.delete(key);
    pairCount.delete(key);
    for (const t of touched) push([pairCount.get(t) ?? 0, t]);
  }
  return merges;
}

/** Filler token text for id `i`: unique lowercase pseudo-words, half with a leading space (Ġ). */
function fillerText(i: number): string {
  let s = "";
  for (let n = i; s.length < 3 || n > 0; n = Math.floor(n / 26)) s += String.fromCharCode(97 + (n % 26));
  return (i % 2 ? BYTE_TO_CHAR[0x20] : "") + s;
}

/**
 * Token order: 256 byte tokens, learned merges, filler pseudo-words up to
 * specialBase, the specials, then more filler to vocabSize (Qwen2.5 pads its
 * vocabulary the same way: 151,936 embedding rows, specials at 151643...).
 */
export function buildVocab(shape: Shape): Vocab {
  const tokens: string[] = [...BYTE_TO_CHAR];
  const seen = new Set(tokens);
  const merges: string[] = [];
  const room = shape.specialBase - tokens.length;
  const learned = shape.vocabSize > 100_000 ? trainedMerges(Math.min(60_000, room)) : learnMerges(Math.min(2000, room));
  for (const [a, b] of learned) {
    merges.push(`${a} ${b}`);
    if (!seen.has(a + b)) {
      seen.add(a + b);
      tokens.push(a + b);
    }
  }
  let filler = 0;
  const fill = (upTo: number) => {
    while (tokens.length < upTo) {
      const t = fillerText(filler++);
      if (!seen.has(t)) {
        seen.add(t);
        tokens.push(t);
      }
    }
  };
  fill(shape.specialBase);
  tokens.push(...SPECIAL_TOKENS);
  fill(shape.vocabSize);
  if (tokens.length !== shape.vocabSize) throw new Error(`vocab has ${tokens.length} tokens, wanted ${shape.vocabSize}`);

  const types = tokens.map((_, i) =>
    i >= shape.specialBase && i < shape.specialBase + SPECIAL_TOKENS.length ? TokenType.CONTROL : TokenType.NORMAL,
  );
  const scores = tokens.map((_, i) => -i); // unused by BPE; earlier tokens rank higher, as converters write
  const id = (t: (typeof SPECIAL_TOKENS)[number]) => shape.specialBase + SPECIAL_TOKENS.indexOf(t);
  // Qwen2.5 Instruct: bos = pad = <|endoftext|> (never prepended), eos = <|im_end|>.
  return { tokens, types, scores, merges, bos: id("<|endoftext|>"), eos: id("<|im_end|>"), pad: id("<|endoftext|>") };
}

// ---------------------------------------------------------------------------
// Metadata.

export function shapeMetadata(shape: Shape, quant: QuantName, vocab: Vocab): GgufMetadata {
  const a = shape.arch;
  return {
    "general.architecture": kv.str(a),
    "general.type": kv.str("model"),
    "general.name": kv.str(`${shape.name}-${quant}`),
    "general.file_type": kv.u32(QUANTS[quant].fileType),
    "general.quantization_version": kv.u32(2),
    "general.alignment": kv.u32(32),
    [`${a}.context_length`]: kv.u32(shape.contextLength),
    [`${a}.embedding_length`]: kv.u32(shape.embd),
    [`${a}.block_count`]: kv.u32(shape.layers),
    [`${a}.feed_forward_length`]: kv.u32(shape.ffn),
    [`${a}.attention.head_count`]: kv.u32(shape.heads),
    [`${a}.attention.head_count_kv`]: kv.u32(shape.kvHeads),
    [`${a}.rope.freq_base`]: kv.f32(shape.ropeFreqBase),
    [`${a}.attention.layer_norm_rms_epsilon`]: kv.f32(shape.rmsEps),
    [`${a}.vocab_size`]: kv.u32(shape.vocabSize),
    "tokenizer.ggml.model": kv.str("gpt2"),
    "tokenizer.ggml.pre": kv.str("qwen2"),
    "tokenizer.ggml.tokens": kv.arr("string", vocab.tokens),
    "tokenizer.ggml.token_type": kv.arr("i32", vocab.types),
    "tokenizer.ggml.scores": kv.arr("f32", vocab.scores),
    "tokenizer.ggml.merges": kv.arr("string", vocab.merges),
    "tokenizer.ggml.bos_token_id": kv.u32(vocab.bos),
    "tokenizer.ggml.eos_token_id": kv.u32(vocab.eos),
    "tokenizer.ggml.padding_token_id": kv.u32(vocab.pad),
    "tokenizer.ggml.add_bos_token": kv.bool(false),
    "tokenizer.chat_template": kv.str(CHATML_TEMPLATE),
  };
}

export function isShapeName(s: string): s is ShapeName {
  return (SHAPE_NAMES as readonly string[]).includes(s);
}
export function isQuantName(s: string): s is QuantName {
  return (QUANT_NAMES as readonly string[]).includes(s);
}
