// Writes a random-weight GGUF model for tests and benchmarks.
// Usage: bun run scripts/make-test-model.ts --shape tiny|qwen0.5b|qwen1.5b --quant q4_0|q8_0|f16|f32 [--seed N] [--steer] OUT.gguf
// --steer: greedy decoding always picks " the" or " and" (valid JSON-string text; see gguf/make.ts).

import { DEFAULT_SEED, DEFAULT_STEER, makeTestModel } from "./gguf/make.ts";
import { QUANT_NAMES, SHAPE_NAMES, isQuantName, isShapeName, type QuantName, type ShapeName } from "./gguf/shapes.ts";

const USAGE = `usage: bun run scripts/make-test-model.ts --shape ${SHAPE_NAMES.join("|")} --quant ${QUANT_NAMES.join("|")} [--seed N] [--steer] OUT.gguf`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { shape: ShapeName; quant: QuantName; seed: number; out: string; steer?: [string, string] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    if (arg === "--steer") {
      flags.set("steer", "1");
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!["shape", "quant", "seed"].includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  const shape = flags.get("shape");
  const quant = flags.get("quant");
  const seedText = flags.get("seed") ?? String(DEFAULT_SEED);
  if (shape === undefined) throw new UsageError("missing --shape");
  if (!isShapeName(shape)) throw new UsageError(`unknown shape "${shape}" (expected ${SHAPE_NAMES.join(", ")})`);
  if (quant === undefined) throw new UsageError("missing --quant");
  if (!isQuantName(quant)) throw new UsageError(`unknown quant "${quant}" (expected ${QUANT_NAMES.join(", ")})`);
  if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff)
    throw new UsageError(`--seed must be an integer from 0 to 4294967295, got "${seedText}"`);
  if (positional.length !== 1)
    throw new UsageError(positional.length ? `expected one output path, got ${positional.length}` : "missing output path");
  return { shape, quant, seed: Number(seedText), out: positional[0]!, ...(flags.has("steer") ? { steer: DEFAULT_STEER } : {}) };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stderr.write(USAGE + "\n");
    return 0;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`make-test-model: ${err.message} (see --help)\n`);
    return 2;
  }
  const started = performance.now();
  try {
    const plan = await makeTestModel(args);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const mb = (plan.totalBytes / 1e6).toFixed(1);
    process.stderr.write(
      `wrote ${args.out}: ${args.shape} ${args.quant} seed ${args.seed}, ${plan.tensors.length} tensors, ${mb} MB in ${secs} s\n`,
    );
    return 0;
  } catch (err) {
    // I/O problems (missing folder, disk full) are the user's to fix: one line, no stack.
    process.stderr.write(`make-test-model: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exit(await main());
