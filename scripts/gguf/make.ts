// Entry points for tests and the CLI: plan (header only) or write a test model.

import { planGguf, writeGguf, type GgufPlan } from "./writer.ts";
import { SHAPES, buildVocab, shapeMetadata, shapeTensors, type QuantName, type ShapeName } from "./shapes.ts";

export interface TestModelOptions {
  shape: ShapeName;
  quant: QuantName;
  /** Seed of the random weights; the same options always give byte-identical files. */
  seed?: number;
}

export const DEFAULT_SEED = 42;

/** Everything about the file except its tensor data: cheap even for the 1.5B shape. */
export function planTestModel({ shape, quant, seed = DEFAULT_SEED }: TestModelOptions): GgufPlan {
  const s = SHAPES[shape];
  return planGguf(shapeMetadata(s, quant, buildVocab(s)), shapeTensors(s, quant, seed >>> 0));
}

/** Writes the model to `out` (atomically, via `out + ".tmp"`) and returns its plan. */
export async function makeTestModel(opts: TestModelOptions & { out: string }): Promise<GgufPlan> {
  const plan = planTestModel(opts);
  await writeGguf(opts.out, plan);
  return plan;
}
