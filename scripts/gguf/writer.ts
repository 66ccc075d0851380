// A small GGUF v3 writer: metadata, tensor infos, and streamed tensor data.
// Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
// Everything is little-endian. Tensor data is produced chunk by chunk by a
// per-tensor source, encoded, and written, so a ~1 GB model never sits in memory.

import { open, rename, rm } from "node:fs/promises";

// ---------------------------------------------------------------------------
// Tensor types (ggml_type ids) and their on-disk sizes.

export const GgmlType = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
export type GgmlType = (typeof GgmlType)[keyof typeof GgmlType];

/** Elements per quantization block (ne[0] of a quantized tensor must be a multiple of it). */
export const QK = 32;

const BLOCK_SIZE: Record<GgmlType, { elements: number; bytes: number }> = {
  [GgmlType.F32]: { elements: 1, bytes: 4 },
  [GgmlType.F16]: { elements: 1, bytes: 2 },
  [GgmlType.Q4_0]: { elements: QK, bytes: 2 + QK / 2 }, // f16 scale + 32 nibbles
  [GgmlType.Q8_0]: { elements: QK, bytes: 2 + QK }, // f16 scale + 32 int8
};

/** Bytes needed to store `n` elements of `type` (n must be a multiple of the block size). */
export function tensorBytes(type: GgmlType, n: number): number {
  const b = BLOCK_SIZE[type];
  if (n % b.elements !== 0) throw new Error(`${n} elements is not a multiple of the block size ${b.elements}`);
  return (n / b.elements) * b.bytes;
}

// ---------------------------------------------------------------------------
// Metadata values. Every GGUF value type is representable; arrays are typed.

export type ScalarKind = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "bool" | "string" | "u64" | "i64" | "f64";
type ScalarOf<K extends ScalarKind> = K extends "string" ? string : K extends "bool" ? boolean : K extends "u64" | "i64" ? bigint : number;

export type GgufValue =
  | { [K in ScalarKind]: { kind: K; value: ScalarOf<K> } }[ScalarKind]
  | { [K in ScalarKind]: { kind: "array"; of: K; value: ArrayLike<ScalarOf<K>> } }[ScalarKind];

export type GgufMetadata = Record<string, GgufValue>;

/** Shorthand constructors: `kv.u32(2)`, `kv.arr("string", tokens)`. */
export const kv = {
  u8: (value: number): GgufValue => ({ kind: "u8", value }),
  i8: (value: number): GgufValue => ({ kind: "i8", value }),
  u16: (value: number): GgufValue => ({ kind: "u16", value }),
  i16: (value: number): GgufValue => ({ kind: "i16", value }),
  u32: (value: number): GgufValue => ({ kind: "u32", value }),
  i32: (value: number): GgufValue => ({ kind: "i32", value }),
  f32: (value: number): GgufValue => ({ kind: "f32", value }),
  f64: (value: number): GgufValue => ({ kind: "f64", value }),
  u64: (value: bigint): GgufValue => ({ kind: "u64", value }),
  i64: (value: bigint): GgufValue => ({ kind: "i64", value }),
  bool: (value: boolean): GgufValue => ({ kind: "bool", value }),
  str: (value: string): GgufValue => ({ kind: "string", value }),
  arr: <K extends ScalarKind>(of: K, value: ArrayLike<ScalarOf<K>>): GgufValue => ({ kind: "array", of, value }) as GgufValue,
};

const VALUE_TYPE_ID: Record<ScalarKind | "array", number> = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};

/** Growable little-endian byte buffer for the header. */
class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private static text = new TextEncoder();
  length = 0;

  private reserve(n: number): number {
    if (this.length + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.length + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  // reserve() may swap the buffer, so it must run before this.view is read.
  u8(v: number) {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
  }
  i8(v: number) {
    const at = this.reserve(1);
    this.view.setInt8(at, v);
  }
  u16(v: number) {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }
  i16(v: number) {
    const at = this.reserve(2);
    this.view.setInt16(at, v, true);
  }
  u32(v: number) {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }
  i32(v: number) {
    const at = this.reserve(4);
    this.view.setInt32(at, v, true);
  }
  f32(v: number) {
    const at = this.reserve(4);
    this.view.setFloat32(at, v, true);
  }
  f64(v: number) {
    const at = this.reserve(8);
    this.view.setFloat64(at, v, true);
  }
  u64(v: bigint | number) {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  i64(v: bigint) {
    const at = this.reserve(8);
    this.view.setBigInt64(at, v, true);
  }
  str(s: string) {
    const bytes = ByteWriter.text.encode(s);
    this.u64(bytes.length); // GGUF strings: u64 byte length, UTF-8, no terminator
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
  }
  padTo(alignment: number) {
    this.reserve((alignment - (this.length % alignment)) % alignment);
  } // zero-filled
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function writeScalar(w: ByteWriter, kind: ScalarKind, v: unknown): void {
  switch (kind) {
    case "u8":
      return w.u8(v as number);
    case "i8":
      return w.i8(v as number);
    case "u16":
      return w.u16(v as number);
    case "i16":
      return w.i16(v as number);
    case "u32":
      return w.u32(v as number);
    case "i32":
      return w.i32(v as number);
    case "f32":
      return w.f32(v as number);
    case "f64":
      return w.f64(v as number);
    case "u64":
      return w.u64(v as bigint);
    case "i64":
      return w.i64(v as bigint);
    case "bool":
      return w.u8(v ? 1 : 0);
    case "string":
      return w.str(v as string);
  }
}

function writeValue(w: ByteWriter, value: GgufValue): void {
  w.u32(VALUE_TYPE_ID[value.kind]);
  if (value.kind !== "array") return writeScalar(w, value.kind, value.value);
  w.u32(VALUE_TYPE_ID[value.of]);
  w.u64(value.value.length);
  for (let i = 0; i < value.value.length; i++) writeScalar(w, value.of, value.value[i]);
}

// ---------------------------------------------------------------------------
// Tensors and layout.

/** Fills `out` with the next `out.length` values of a tensor (row-major, ne[0] fastest). */
export type ChunkSource = (out: Float32Array) => void;

export interface TensorSpec {
  name: string;
  /** GGUF order: dims[0] is the row length (ne[0]); a [n_embd, n_vocab] embedding has n_vocab rows. */
  dims: number[];
  type: GgmlType;
  /** Called once when the tensor is written; returns a stateful source of its values. */
  source: () => ChunkSource;
}

export interface PlannedTensor extends TensorSpec {
  elements: number;
  /** Offset relative to the start of the data section. */
  offset: number;
  bytes: number;
}

export interface GgufPlan {
  /** Encoded header: magic, version, metadata, tensor infos, padding up to the data section. */
  header: Uint8Array;
  tensors: PlannedTensor[];
  dataBytes: number;
  totalBytes: number;
}

export const ALIGNMENT = 32;
const align = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** Lays out the file and encodes its header without producing any tensor data. */
export function planGguf(metadata: GgufMetadata, specs: TensorSpec[]): GgufPlan {
  const alignment = metadata["general.alignment"];
  if (alignment && !(alignment.kind === "u32" && alignment.value === ALIGNMENT)) {
    throw new Error(`general.alignment must be u32 ${ALIGNMENT}`);
  }
  let offset = 0;
  const tensors = specs.map((spec): PlannedTensor => {
    if (BLOCK_SIZE[spec.type] === undefined) throw new Error(`${spec.name}: unsupported tensor type ${spec.type}`);
    const blockElements = BLOCK_SIZE[spec.type].elements;
    if (spec.dims[0]! % blockElements !== 0) {
      throw new Error(`${spec.name}: row length ${spec.dims[0]} is not a multiple of ${blockElements}`);
    }
    const elements = spec.dims.reduce((a, b) => a * b, 1);
    const planned = { ...spec, elements, offset, bytes: tensorBytes(spec.type, elements) };
    offset = align(offset + planned.bytes);
    return planned;
  });

  const w = new ByteWriter();
  w.u32(0x46554747); // "GGUF" read as a little-endian u32
  w.u32(3);
  w.u64(tensors.length);
  const entries = Object.entries(metadata);
  w.u64(entries.length);
  for (const [key, value] of entries) {
    w.str(key);
    writeValue(w, value);
  }
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.type);
    w.u64(t.offset);
  }
  w.padTo(ALIGNMENT);
  const header = w.bytes();
  return { header, tensors, dataBytes: offset, totalBytes: header.length + offset };
}

/** Elements generated and encoded per write (a multiple of QK): ~4 MB of f32 scratch. */
const CHUNK_ELEMENTS = 1 << 20;

/**
 * Writes a planned GGUF file atomically: to `path + ".tmp"`, then renamed over `path`.
 * Memory stays at a few chunk buffers whatever the model size.
 */
export async function writeGguf(path: string, plan: GgufPlan): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, "w");
  try {
    const values = new Float32Array(CHUNK_ELEMENTS);
    const encoded = new Uint8Array(tensorBytes(GgmlType.F32, CHUNK_ELEMENTS)); // largest encoding
    const zeros = new Uint8Array(ALIGNMENT);
    await writeAll(fh, plan.header);
    let written = 0;
    for (const t of plan.tensors) {
      if (written !== t.offset) await writeAll(fh, zeros.subarray(0, t.offset - written)); // alignment padding
      const next = t.source();
      for (let done = 0; done < t.elements; done += CHUNK_ELEMENTS) {
        const chunk = values.subarray(0, Math.min(CHUNK_ELEMENTS, t.elements - done));
        next(chunk);
        const n = encode(t.type, chunk, encoded);
        await writeAll(fh, encoded.subarray(0, n));
      }
      written = t.offset + t.bytes;
    }
    if (written !== plan.dataBytes) await writeAll(fh, zeros.subarray(0, plan.dataBytes - written));
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
}

async function writeAll(fh: Awaited<ReturnType<typeof open>>, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length; ) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
    off += bytesWritten;
  }
}

// ---------------------------------------------------------------------------
// Encoders. Each writes `src` into `dst` and returns the byte count.
// Q8_0/Q4_0 follow ggml's reference quantizers (quantize_row_q*_ref).

export function encode(type: GgmlType, src: Float32Array, dst: Uint8Array): number {
  switch (type) {
    case GgmlType.F32:
      return encodeF32(src, dst);
    case GgmlType.F16:
      return encodeF16(src, dst);
    case GgmlType.Q8_0:
      return encodeQ8_0(src, dst);
    case GgmlType.Q4_0:
      return encodeQ4_0(src, dst);
  }
}

export function encodeF32(src: Float32Array, dst: Uint8Array): number {
  // Float32Array is host-endian; every platform Bun runs on is little-endian, like GGUF.
  dst.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  return src.byteLength;
}

export function encodeF16(src: Float32Array, dst: Uint8Array): number {
  for (let i = 0; i < src.length; i++) {
    const h = f32ToF16(src[i]!);
    dst[2 * i] = h & 0xff;
    dst[2 * i + 1] = h >>> 8;
  }
  return src.length * 2;
}

/** Block: f16 d = amax/127, then 32 x int8 round(x/d). */
export function encodeQ8_0(src: Float32Array, dst: Uint8Array): number {
  let o = 0;
  for (let b = 0; b < src.length; b += QK) {
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(src[b + j]!));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    const h = f32ToF16(d);
    dst[o] = h & 0xff;
    dst[o + 1] = h >>> 8;
    for (let j = 0; j < QK; j++) dst[o + 2 + j] = roundHalfAway(src[b + j]! * id) & 0xff; // int8 two's complement
    o += 2 + QK;
  }
  return o;
}

/** Block: f16 d = max/-8 (max = signed value of largest magnitude), then 16 bytes of nibbles x/d+8. */
export function encodeQ4_0(src: Float32Array, dst: Uint8Array): number {
  let o = 0;
  for (let b = 0; b < src.length; b += QK) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = src[b + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = max / -8;
    const id = d ? 1 / d : 0;
    const h = f32ToF16(d);
    dst[o] = h & 0xff;
    dst[o + 1] = h >>> 8;
    // Element j goes in the low nibble of byte j, element j+16 in its high nibble.
    for (let j = 0; j < QK / 2; j++) {
      const lo = Math.min(15, Math.trunc(src[b + j]! * id + 8.5));
      const hi = Math.min(15, Math.trunc(src[b + j + QK / 2]! * id + 8.5));
      dst[o + 2 + j] = lo | (hi << 4);
    }
    o += 2 + QK / 2;
  }
  return o;
}

/** C's roundf: halves round away from zero (Math.round rounds them up). */
const roundHalfAway = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x));

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half-precision bits of `v`, round-to-nearest-even (like a hardware cast). */
export function f32ToF16(v: number): number {
  f32Scratch[0] = v;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to inf
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa, with its implicit bit, into place.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // a carry correctly bumps the exponent
  return sign | h;
}

// ---------------------------------------------------------------------------
// Deterministic random data.

/** FNV-1a over a string, mixed with a seed: independent per-tensor streams. */
export function hashSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h || 1; // xorshift state must be non-zero
}

/**
 * Approximately normal values with standard deviation `std`: the sum of the four
 * bytes of one xorshift32 draw (Irwin-Hall, n=4). One PRNG step per value keeps
 * a 1.5B-parameter file fast to generate; the exact distribution does not matter.
 */
export function normalSource(seed: number, std: number): ChunkSource {
  let s = seed >>> 0 || 1;
  const k = std / Math.sqrt((4 * (256 * 256 - 1)) / 12);
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const u = s >>> 0;
      out[i] = ((u & 255) + ((u >>> 8) & 255) + ((u >>> 16) & 255) + (u >>> 24) - 510) * k;
    }
  };
}

export function constantSource(value: number): ChunkSource {
  return (out) => out.fill(value);
}
