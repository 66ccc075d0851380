// A minimal, deterministic POSIX ustar writer: sorted entries, fixed mtime,
// owner 0:0, normalised modes. The same inputs always give the same bytes, so
// the archives' SHA-256 depends only on what is inside them.
export interface TarEntry {
  /** Path inside the archive; directories end with "/". */
  path: string;
  mode: number;
  data?: Uint8Array;
}

const enc = new TextEncoder();

function field(h: Uint8Array, off: number, len: number, value: string) {
  const b = enc.encode(value);
  if (b.length > len) throw new Error(`tar: "${value}" does not fit in ${len} bytes`);
  h.set(b, off);
}
const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, "0");

function header(path: string, mode: number, size: number, mtime: number, dir: boolean): Uint8Array {
  const h = new Uint8Array(512);
  let name = path;
  let prefix = "";
  if (enc.encode(path).length > 100) {
    const cut = path.lastIndexOf("/", path.length - 2);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
  }
  field(h, 0, 100, name);
  field(h, 100, 8, octal(mode, 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(mtime, 12));
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h[156] = dir ? 0x35 : 0x30;
  field(h, 257, 6, "ustar");
  field(h, 263, 2, "00");
  field(h, 265, 32, "root");
  field(h, 297, 32, "root");
  field(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, octal(sum, 7) + "\0"); // six digits, NUL, space
  h[155] = 0x20;
  return h;
}

export function tar(entries: TarEntry[], mtime: number): Uint8Array<ArrayBuffer> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let total = 1024;
  for (const e of sorted) total += 512 + Math.ceil((e.data?.length ?? 0) / 512) * 512;
  const out = new Uint8Array(total);
  let off = 0;
  for (const e of sorted) {
    const dir = e.path.endsWith("/");
    const size = dir ? 0 : (e.data?.length ?? 0);
    out.set(header(e.path, e.mode, size, mtime, dir), off);
    off += 512;
    if (size) {
      out.set(e.data!, off);
      off += Math.ceil(size / 512) * 512;
    }
  }
  return out; // ends with two zero blocks (already zero)
}
