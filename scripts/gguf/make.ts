// Entry points for tests and the CLI: plan (header only) or write a test model.

import { hashSeed, normalSource, planGguf, writeGguf, type ChunkSource, type GgufPlan, type TensorSpec } from "./writer.ts";
import {
  SHAPES,
  buildVocab,
  byteLevel,
  shapeMetadata,
  shapeTensors,
  type QuantName,
  type Shape,
  type ShapeName,
  type Vocab,
} from "./shapes.ts";

export interface TestModelOptions {
  shape: ShapeName;
  quant: QuantName;
  /** Seed of the random weights; the same options always give byte-identical files. */
  seed?: number;
  /**
   * Two ordinary tokens (e.g. " the", " and") the model will always pick
   * between when decoding greedily, so its answers are valid text inside a
   * JSON string, as a real model's mostly are. Random weights pick tokens the
   * grammar rejects on nearly every step, which sends llama.cpp's grammar down
   * its slow path (filtering the whole vocabulary); a steered model measures
   * the fast path. The compute per token is unchanged.
   */
  steer?: [string, string];
}

export const DEFAULT_SEED = 42;

/** Common words, one token each in every shape's vocabulary. */
export const DEFAULT_STEER: [string, string] = [" the", " and"];

/** Everything about the file except its tensor data: cheap even for the 1.5B shape. */
export function planTestModel({ shape, quant, seed = DEFAULT_SEED, steer }: TestModelOptions): GgufPlan {
  const s = SHAPES[shape];
  const vocab = buildVocab(s);
  const tensors = shapeTensors(s, quant, seed >>> 0);
  if (steer) steerTensors(s, vocab, tensors, steer, seed >>> 0);
  return planGguf(shapeMetadata(s, quant, vocab), tensors);
}

/**
 * An untied output matrix (llama.cpp uses `output.weight` when present) whose
 * logits come from hidden dimension 0 alone: the final norm keeps only that
 * dimension (scaled up), and the two steering tokens' rows are +1 and -1 there,
 * so one of them wins every step whatever the sign; every other row is random
 * and small. Same matrix shape, so the same work per token as the tied model.
 */
function steerTensors(shape: Shape, vocab: Vocab, tensors: TensorSpec[], steer: [string, string], seed: number) {
  const ids = steer.map((text) => {
    const id = vocab.tokens.indexOf(byteLevel(text));
    if (id < 0) throw new Error(`steer: ${JSON.stringify(text)} is not one token of the ${shape.name} vocabulary`);
    return id;
  });
  const norm = tensors.find((t) => t.name === "output_norm.weight")!;
  norm.source = (): ChunkSource => {
    let at = 0;
    return (out) => {
      out.fill(0);
      if (at === 0) out[0] = 1000;
      at += out.length;
    };
  };
  const embd = tensors.find((t) => t.name === "token_embd.weight")!;
  tensors.push({
    name: "output.weight",
    dims: [...embd.dims],
    type: embd.type,
    source: () => {
      const random = normalSource(hashSeed(seed, "output.weight"), 0.02);
      let at = 0;
      return (out) => {
        random(out);
        for (const [i, id] of ids.entries()) {
          const row = id * shape.embd;
          for (let k = Math.max(row, at); k < Math.min(row + shape.embd, at + out.length); k++) out[k - at] = 0;
          if (row >= at && row < at + out.length) out[row - at] = i === 0 ? 1 : -1;
        }
        at += out.length;
      };
    },
  });
}

/** Writes the model to `out` (atomically, via `out + ".tmp"`) and returns its plan. */
export async function makeTestModel(opts: TestModelOptions & { out: string }): Promise<GgufPlan> {
  const plan = planTestModel(opts);
  await writeGguf(opts.out, plan);
  return plan;
}
