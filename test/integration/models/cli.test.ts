import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeData, sha256Hex, startFaultServer, type FaultServer } from "./server.ts";
import { scratchDirs } from "./scratch.ts";

// `cmdai model ...` as a user runs it: a real process, a temp models dir, a
// local server standing in for the hub (HF_ENDPOINT) or a private mirror.

const root = join(import.meta.dir, "..", "..", "..");
const SIZE = 3 * 1024 * 1024 + 77;
const data = makeData(SIZE, 3);
const sha = sha256Hex(data);
const file05 = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf";

const scratch = scratchDirs("cmdai-cli-");
let server: FaultServer | undefined;

afterEach(() => {
  server?.stop();
  server = undefined;
});

const models = () => join(scratch.dir, "models");

function env(extra: Record<string, string> = {}) {
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/proxy/i.test(k)) e[k] = v;
  return {
    ...e,
    CMDAI_MODEL_DIR: models(),
    XDG_CONFIG_HOME: join(scratch.dir, "config"),
    XDG_CACHE_HOME: join(scratch.dir, "cache"),
    HF_ENDPOINT: server ? `http://127.0.0.1:${server.port}` : "http://127.0.0.1:9",
    NO_COLOR: "1",
    ...extra,
  };
}

const spawnCmdai = (args: string[], extra?: Record<string, string>) =>
  Bun.spawn(["bun", join(root, "src/main.ts"), ...args], { env: env(extra), stdout: "pipe", stderr: "pipe", stdin: "ignore" });

async function cmdai(args: string[], extra?: Record<string, string>) {
  const p = spawnCmdai(args, extra);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { stdout, stderr, code };
}

describe("cmdai model", () => {
  test.each([[[]], [["--no-sync"]]])(
    "pull URL --sha256 %p: path on stdout, progress lines on stderr, verified file",
    async (more: string[]) => {
      server = startFaultServer({ content: { data } });
      const r = await cmdai(["model", "pull", server.url("/mirror/custom.gguf"), "--sha256", sha.toUpperCase(), ...more]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(join(models(), "custom.gguf") + "\n");
      expect(r.stderr).toContain("cmdai: downloaded custom.gguf (3.1 MB), sha256 verified");
      for (const line of r.stderr.trim().split("\n")) expect(line).toStartWith("cmdai: ");
      expect(sha256Hex(new Uint8Array(readFileSync(join(models(), "custom.gguf"))))).toBe(sha);
    },
  );

  test("pull URL with no known digest is refused with the fix", async () => {
    server = startFaultServer({ content: { data } });
    const r = await cmdai(["model", "pull", server.url("/mirror/custom.gguf")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^cmdai: error: cannot verify .*custom\.gguf: no SHA-256 is known .*pass --sha256 HEX, or --allow-unverified to install it unchecked\n$/,
    );
    expect(existsSync(join(models(), "custom.gguf"))).toBe(false);
  });

  test("bad --sha256 and unknown names are usage errors", async () => {
    expect((await cmdai(["model", "pull", "http://127.0.0.1:9/x.gguf", "--sha256", "abc"])).code).toBe(2);
    const r = await cmdai(["model", "pull", "llama-70b"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown model "llama-70b"; known: qwen2.5-coder-1.5b, qwen2.5-coder-0.5b');
    expect((await cmdai(["model", "pull", "--frobnicate"])).code).toBe(2);
    expect((await cmdai(["model"])).code).toBe(2);
  });

  test("catalogue pull through HF_ENDPOINT, then list, path, verify, rm (with --json)", async () => {
    server = startFaultServer({ content: { data } });
    const pull = await cmdai(["model", "pull", "qwen2.5-coder-0.5b", "--json"]);
    expect(pull.code).toBe(0);
    const result = JSON.parse(pull.stdout);
    // A mirror (HF_ENDPOINT) sent the digest: said as such, never as the hub's.
    expect(result).toMatchObject({
      name: "qwen2.5-coder-0.5b",
      sha256: sha,
      size: SIZE,
      verified_by: "server",
      digest_from: `127.0.0.1:${server.port}`,
      already_present: false,
    });
    expect(server.requests[0]!.path).toBe(`/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/resolve/main/${file05}`);
    // --json progress: one JSON object per line on stderr.
    const events = pull.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toContain("done");
    expect(events.find((e) => e.event === "start")).toMatchObject({ model: "qwen2.5-coder-0.5b", offset: 0, total: SIZE });
    const path = join(models(), file05);
    expect(readFileSync(`${path}.sha256`, "utf8")).toBe(`${sha}  ${file05}\n`);

    const list = JSON.parse((await cmdai(["model", "list", "--json"])).stdout);
    expect(list.model_dir).toBe(models());
    expect(list.models.find((m: any) => m.name === "qwen2.5-coder-0.5b")).toMatchObject({
      installed: true,
      verified: true,
      verified_by: "server",
      failed_verification: false,
      installed_size: SIZE,
      licence: "Apache-2.0",
      repo: "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
    });
    expect(list.models.find((m: any) => m.name === "qwen2.5-coder-1.5b")).toMatchObject({ installed: false, configured: true });
    const text = await cmdai(["model", "list"]);
    expect(text.stdout).toMatch(/qwen2\.5-coder-0\.5b +3\.1 MB +800 MB +Apache-2\.0 +installed \(digest from 127\.0\.0\.1:\d+\)/);
    expect(text.stdout).toMatch(/qwen2\.5-coder-1\.5b \* +~1\.1 GB/);

    expect((await cmdai(["model", "path", "qwen2.5-coder-0.5b"])).stdout).toBe(path + "\n");
    const missing = await cmdai(["model", "path"]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("run: cmdai model pull qwen2.5-coder-1.5b (~1.1 GB)");

    const ok = await cmdai(["model", "verify"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`qwen2.5-coder-0.5b: OK (sha256 ${sha})\n`);
    // Pulling again is a no-op, without the network.
    const before = server.requests.length;
    expect((await cmdai(["model", "pull", "qwen2.5-coder-0.5b"])).code).toBe(0);
    expect(server.requests.length).toBe(before);

    // Corrupt one byte in place: verify says so and exits 1.
    const bytes = new Uint8Array(readFileSync(path));
    bytes[1000]! ^= 1;
    writeFileSync(path, bytes);
    const bad = await cmdai(["model", "verify", "qwen2.5-coder-0.5b", "--json"]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, models: [{ status: "mismatch", expected: sha }] });

    const rm = await cmdai(["model", "remove", "qwen2.5-coder-0.5b"]);
    expect(rm.code).toBe(0);
    expect(rm.stderr).toContain("cmdai: removed qwen2.5-coder-0.5b (3.1 MB freed)");
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.sha256`)).toBe(false);
    expect((await cmdai(["model", "rm", "qwen2.5-coder-0.5b"])).code).toBe(3);
  });

  test("killed mid-download (SIGKILL), run again: resumes with a Range from the bytes on disk", async () => {
    server = startFaultServer({ content: { data }, bytesPerSecond: 1_000_000 });
    const url = server.url("/mirror/big.gguf");
    const part = join(models(), "big.gguf.part");
    const first = spawnCmdai(["model", "pull", url, "--sha256", sha]);
    for (let i = 0; i < 200 && (existsSync(part) ? statSync(part).size : 0) < 500_000; i++) await Bun.sleep(25);
    first.kill("SIGKILL");
    await first.exited;
    const kept = statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(SIZE);
    expect(existsSync(join(models(), "big.gguf"))).toBe(false);
    // The dead process's lock is still there, and must not block the rerun.
    expect(existsSync(join(models(), "big.gguf.lock"))).toBe(true);

    server.setThrottle(undefined);
    const again = await cmdai(["model", "pull", url, "--sha256", sha, "--json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sha256: sha, resumed_from: kept, downloaded: SIZE - kept });
    const last = server.bodyRequests().at(-1)!;
    expect(last.range).toBe(`bytes=${kept}-`);
    expect(last.status).toBe(206);
    expect(sha256Hex(new Uint8Array(readFileSync(join(models(), "big.gguf"))))).toBe(sha);
    expect(existsSync(part)).toBe(false);
  });

  test("two pulls at once from two shells: both end with the verified file, downloaded once", async () => {
    server = startFaultServer({ content: { data }, bytesPerSecond: 10_000_000 });
    const url = server.url("/mirror/shared.gguf");
    const [a, b] = await Promise.all([
      cmdai(["model", "pull", url, "--sha256", sha, "--json"]),
      cmdai(["model", "pull", url, "--sha256", sha, "--json"]),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(ra.sha256).toBe(sha);
    expect(rb.sha256).toBe(sha);
    expect([ra.already_present, rb.already_present].sort()).toEqual([false, true]);
    expect(server.bodyRequests()).toHaveLength(1);
    expect(sha256Hex(new Uint8Array(readFileSync(join(models(), "shared.gguf"))))).toBe(sha);
  });

  test("a download that fails exits 3 with one line and keeps nothing at the final path", async () => {
    server = startFaultServer({ content: { data }, faults: () => ({ kind: "status", status: 404 }) });
    const r = await cmdai(["model", "pull", server.url("/mirror/gone.gguf"), "--sha256", sha]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^cmdai: error: not found \(HTTP 404\): .*gone\.gguf; check the name, URL or HF_ENDPOINT\n$/);
    expect(existsSync(join(models(), "gone.gguf"))).toBe(false);
  });
});
