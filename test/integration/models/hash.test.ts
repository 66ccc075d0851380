// The streaming SHA-256 behind every download: on a worker thread (the normal
// path) and inline (where a worker cannot start), it must give the same digest
// as hashing the bytes in one piece, whatever the chunking, and fail loudly
// rather than hang when the resumed part file cannot be read.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamSha256, sha256File } from "../../../src/models/hash.ts";

const sha = (b: Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");

function bytes(n: number, seed: number) {
  const b = new Uint8Array(n);
  for (let i = 0, x = seed; i < n; i++) b[i] = x = (x * 1103515245 + 12345) >>> 7;
  return b;
}

for (const [mode, worker] of [
  ["worker", true],
  ["inline", false],
] as const) {
  describe(`StreamSha256 (${mode})`, () => {
    test("a resumed prefix from the file, then chunks (some views into larger buffers), equals the whole", async () => {
      const all = bytes(3_000_000, 7);
      const dir = mkdtempSync(join(tmpdir(), "cmdai-hash-"));
      const part = join(dir, "x.part");
      writeFileSync(part, all.subarray(0, 1_234_567));
      // A small backlog, so the backpressure path is taken too.
      const h = new StreamSha256(256 << 10, worker);
      h.updateFromFile(part, 1_234_567);
      for (let at = 1_234_567; at < all.length; ) {
        const n = Math.min(all.length - at, 70_001);
        // Every other chunk is a view into a bigger buffer, as a stream may hand out.
        const chunk = (at / 70_001) % 2 < 1 ? all.slice(at, at + n) : new Uint8Array(all.buffer.slice(0), at, n);
        h.update(chunk);
        await h.drain();
        at += n;
      }
      expect(await h.digest()).toBe(sha(all));
      h.close();
    });

    test("no input: the digest of nothing", async () => {
      const h = new StreamSha256(undefined, worker);
      expect(await h.digest()).toBe(sha(new Uint8Array(0)));
      h.close();
    });
  });
}

test("a part file that vanished fails the digest instead of hanging", async () => {
  const h = new StreamSha256();
  h.updateFromFile(join(tmpdir(), "cmdai-no-such-file.part"), 10);
  await expect(h.digest()).rejects.toThrow(/hashing failed/);
  h.close();
});

test("sha256File matches sha256sum", () => {
  const dir = mkdtempSync(join(tmpdir(), "cmdai-hash-"));
  const f = join(dir, "f");
  const b = bytes(5 << 20, 3);
  writeFileSync(f, b);
  const want = Bun.spawnSync(["sha256sum", f]).stdout.toString().split(" ")[0];
  expect(sha256File(f)).toBe(want!);
});
