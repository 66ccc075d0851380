// The four release targets: Bun's compile target, the node-llama-cpp package
// whose prebuilt llama.cpp libraries ship inside the binary, and the file type
// the binary must have.
export interface Target {
  /** Name in artifact names and `cmdai --version`: <os>-<arch>. */
  name: string;
  /** `bun build --compile --target` value. */
  bun: string;
  /** The @node-llama-cpp/<natives> npm package (Metal build on Apple silicon). */
  natives: string;
  os: "linux" | "darwin";
  arch: "x64" | "arm64";
}

export const targets: readonly Target[] = [
  { name: "linux-x64", bun: "bun-linux-x64", natives: "linux-x64", os: "linux", arch: "x64" },
  { name: "linux-arm64", bun: "bun-linux-arm64", natives: "linux-arm64", os: "linux", arch: "arm64" },
  { name: "darwin-arm64", bun: "bun-darwin-arm64", natives: "mac-arm64-metal", os: "darwin", arch: "arm64" },
  { name: "darwin-x64", bun: "bun-darwin-x64", natives: "mac-x64", os: "darwin", arch: "x64" },
];

export const hostTarget = (): string => `${process.platform}-${process.arch}`;

export function findTarget(name: string): Target {
  const t = targets.find((x) => x.name === name);
  if (!t) throw new Error(`unknown target "${name}"; known: ${targets.map((x) => x.name).join(", ")}`);
  return t;
}

export const artifactBase = (version: string, target: string) => `cmdai-${version}-${target}`;

export interface BinaryKind {
  format: "elf" | "macho" | "unknown";
  arch: "x64" | "arm64" | "other";
  /** Mach-O only: has an LC_CODE_SIGNATURE load command (Apple silicon refuses unsigned code). */
  signed?: boolean;
}

/** Reads the executable's header: ELF e_machine or Mach-O cputype (64-bit little-endian only). */
export function binaryKind(head: Uint8Array): BinaryKind {
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length >= 20 && v.getUint32(0, false) === 0x7f454c46) {
    if (head[4] !== 2 || head[5] !== 1) return { format: "elf", arch: "other" }; // not 64-bit LE
    const machine = v.getUint16(18, true);
    return { format: "elf", arch: machine === 0x3e ? "x64" : machine === 0xb7 ? "arm64" : "other" };
  }
  if (head.length >= 32 && v.getUint32(0, true) === 0xfeedfacf) {
    const cpu = v.getUint32(4, true);
    const arch = cpu === 0x01000007 ? "x64" : cpu === 0x0100000c ? "arm64" : "other";
    const ncmds = v.getUint32(16, true);
    let off = 32;
    let signed = false;
    for (let i = 0; i < ncmds && off + 8 <= head.length; i++) {
      const cmd = v.getUint32(off, true);
      if (cmd === 0x1d) signed = true;
      off += v.getUint32(off + 4, true);
    }
    return { format: "macho", arch, signed };
  }
  return { format: "unknown", arch: "other" };
}

export function expectedKind(t: Target): BinaryKind {
  return { format: t.os === "linux" ? "elf" : "macho", arch: t.arch };
}
