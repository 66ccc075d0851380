// llama.cpp can abort the whole process on some malformed files, so a model
// is checked here first: magic, version, and that every tensor's data lies
// inside the file (a truncated download is the common case).

import { closeSync, openSync, readSync, statSync } from "node:fs";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { fsError } from "../core/fs-errors.ts";

/** Bytes per block and elements per block of the common ggml tensor types. */
const ggmlTypes: Record<number, [bytes: number, elements: number]> = {
  0: [4, 1], // F32
  1: [2, 1], // F16
  2: [18, 32], // Q4_0
  3: [20, 32], // Q4_1
  6: [22, 32], // Q5_0
  7: [24, 32], // Q5_1
  8: [34, 32], // Q8_0
  9: [36, 32], // Q8_1
  10: [84, 256], // Q2_K
  11: [110, 256], // Q3_K
  12: [144, 256], // Q4_K
  13: [176, 256], // Q5_K
  14: [210, 256], // Q6_K
  15: [292, 256], // Q8_K
  24: [1, 1], // I8
  25: [2, 1], // I16
  26: [4, 1], // I32
  27: [8, 1], // I64
  28: [8, 1], // F64
  30: [2, 1], // BF16
};

export interface GgufSummary {
  architecture: string;
  name?: string;
  tensors: number;
  fileSize: number;
}

const fail = (path: string, why: string) => new CmdaiError(`${path} ${why}`, ExitCode.modelLoad);

/** Reads the header, metadata and tensor table; throws a one-line CmdaiError. */
export function checkGguf(path: string, knownArchitectures?: ReadonlySet<string>): GgufSummary {
  let fd: number;
  let fileSize: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw fail(path, "is not a file");
    fileSize = st.size;
    fd = openSync(path, "r");
  } catch (e) {
    if (e instanceof CmdaiError) throw e;
    // Permissions and the like are the file system's, not the model's (exit 74).
    throw (
      fsError(e, () => "check its permissions") ??
      fail(path, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    );
  }
  try {
    const r = new Reader(fd, fileSize, path);
    if (r.bytes(4).toString("latin1") !== "GGUF") throw fail(path, "is not a GGUF model file");
    const version = r.u32();
    if (version < 2 || version > 3) throw fail(path, `has unsupported GGUF version ${version}`);
    const tensorCount = r.u64();
    const kvCount = r.u64();
    if (tensorCount > 1e6 || kvCount > 1e6) throw fail(path, "has a corrupt GGUF header");
    let architecture = "";
    let name: string | undefined;
    let alignment = 32;
    for (let i = 0; i < kvCount; i++) {
      const key = r.string();
      const type = r.u32();
      if (key === "general.architecture" && type === 8) architecture = r.string();
      else if (key === "general.name" && type === 8) name = r.string();
      else if (key === "general.alignment" && type === 4) alignment = r.u32();
      else r.skipValue(type);
    }
    if (!architecture) throw fail(path, "has no general.architecture: not a usable model");
    if (knownArchitectures && !knownArchitectures.has(architecture))
      throw fail(path, `uses architecture "${architecture}", which this version of llama.cpp does not support`);
    let dataEnd = 0;
    for (let i = 0; i < tensorCount; i++) {
      r.string();
      const dims = r.u32();
      if (dims > 8) throw fail(path, "has a corrupt tensor table");
      let elements = 1;
      for (let d = 0; d < dims; d++) elements *= r.u64();
      const type = r.u32();
      const offset = r.u64();
      const size = ggmlTypes[type];
      const bytes = size ? Math.ceil(elements / size[1]) * size[0] : 0;
      dataEnd = Math.max(dataEnd, offset + bytes);
    }
    const dataStart = Math.ceil(r.position / alignment) * alignment;
    if (dataStart + dataEnd > fileSize) throw fail(path, `is truncated (${fileSize} of ${dataStart + dataEnd} bytes): download it again`);
    return { architecture, ...(name ? { name } : {}), tensors: tensorCount, fileSize };
  } finally {
    closeSync(fd);
  }
}

/** Sequential reads through a small window, so the 150k-token vocabulary is cheap to skip. */
class Reader {
  position = 0;
  private buf = Buffer.alloc(1 << 20);
  private bufStart = 0;
  private bufEnd = 0;
  constructor(
    private fd: number,
    private size: number,
    private path: string,
  ) {}

  private ensure(n: number) {
    if (this.position + n > this.size) throw fail(this.path, "is truncated or not a GGUF model file");
    if (this.position >= this.bufStart && this.position + n <= this.bufEnd) return;
    if (n > this.buf.length) this.buf = Buffer.alloc(n);
    this.bufStart = this.position;
    this.bufEnd = this.position + readSync(this.fd, this.buf, 0, this.buf.length, this.position);
    if (this.position + n > this.bufEnd) throw fail(this.path, "is truncated");
  }
  bytes(n: number): Buffer {
    this.ensure(n);
    const at = this.position - this.bufStart;
    this.position += n;
    return this.buf.subarray(at, at + n);
  }
  u32() {
    return this.bytes(4).readUInt32LE(0);
  }
  u64() {
    const v = this.bytes(8).readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(this.path, "has a corrupt GGUF header");
    return Number(v);
  }
  string() {
    const n = this.u64();
    if (n > 1 << 24) throw fail(this.path, "has a corrupt GGUF header");
    return this.bytes(n).toString("utf8");
  }
  skip(n: number) {
    if (this.position + n > this.size) throw fail(this.path, "is truncated");
    this.position += n;
  }
  skipValue(type: number) {
    // Scalar sizes by GGUF value type; 8 = string, 9 = array.
    const sizes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
    if (type === 8) return this.skip(this.u64());
    if (type === 9) {
      const itemType = this.u32();
      const count = this.u64();
      if (itemType === 8) for (let i = 0; i < count; i++) this.skip(this.u64());
      else if (sizes[itemType] !== undefined) this.skip(sizes[itemType] * count);
      else throw fail(this.path, "has a corrupt GGUF header");
      return;
    }
    if (sizes[type] === undefined) throw fail(this.path, "has a corrupt GGUF header");
    this.skip(sizes[type]);
  }
}
