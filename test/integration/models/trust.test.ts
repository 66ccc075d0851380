import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { download, DownloadError } from "../../../src/models/download.ts";
import { metaPath, partPath } from "../../../src/models/store.ts";
import { makeData, sha256Hex, startFaultServer, type FaultServer } from "./server.ts";
import { scratchDirs } from "./scratch.ts";

// What cmdai says about a model matches what was checked (issue #16: 1, 2, 5, 6):
// a mirror's file nothing vouches for is refused or marked, a file that failed
// `model verify` is not used until pulled again, an unreachable server fails
// at once with "cannot reach HOST", a folder or device is not a model.

const root = join(import.meta.dir, "..", "..", "..");
const SIZE = 1024 * 1024 + 5;
const data = makeData(SIZE, 7);
const sha = sha256Hex(data);
const file05 = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf";

const scratch = scratchDirs("cmdai-trust-");
let server: FaultServer | undefined;
afterEach(() => {
  server?.stop();
  server = undefined;
});

const models = () => join(scratch.dir, "models");

async function cmdai(args: string[], extra: Record<string, string> = {}) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/proxy/i.test(k)) env[k] = v;
  const p = Bun.spawn(["bun", join(root, "src/main.ts"), ...args], {
    env: {
      ...env,
      CMDAI_MODEL_DIR: models(),
      XDG_CONFIG_HOME: join(scratch.dir, "config"),
      XDG_CACHE_HOME: join(scratch.dir, "cache"),
      HF_ENDPOINT: server ? `http://127.0.0.1:${server.port}` : "http://127.0.0.1:9",
      NO_COLOR: "1",
      ...extra,
    },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { stdout, stderr, code };
}

describe("a mirror's file that nothing vouches for (16.1)", () => {
  test("a plain mirror (no X-Linked-Etag): refused, nothing written, the fix named", async () => {
    server = startFaultServer({ content: { data }, hub: false });
    const r = await cmdai(["model", "pull", "qwen2.5-coder-0.5b"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^cmdai: error: cannot verify .*: no SHA-256 is known for it .*pass --sha256 HEX, or --allow-unverified .*\n$/,
    );
    // Refused before a byte reached the disk.
    expect(existsSync(join(models(), file05))).toBe(false);
    expect(existsSync(partPath(join(models(), file05)))).toBe(false);
  });

  test("--allow-unverified installs it, and every word says unverified: stderr, --json, list, verify", async () => {
    server = startFaultServer({ content: { data }, hub: false });
    const pull = await cmdai(["model", "pull", "qwen2.5-coder-0.5b", "--allow-unverified"]);
    expect(pull.code).toBe(0);
    expect(pull.stderr).not.toContain("sha256 verified");
    expect(pull.stderr).toContain("NOT verified: no SHA-256 was known for it (--allow-unverified)");
    const again = JSON.parse((await cmdai(["model", "pull", "qwen2.5-coder-0.5b", "--allow-unverified", "--json"])).stdout);
    expect(again).toMatchObject({ verified_by: "unverified", already_present: true });

    const list = JSON.parse((await cmdai(["model", "list", "--json"])).stdout);
    expect(list.models.find((m: any) => m.name === "qwen2.5-coder-0.5b")).toMatchObject({
      installed: true,
      verified: false,
      verified_by: "unverified",
    });
    expect((await cmdai(["model", "list"])).stdout).toMatch(/qwen2\.5-coder-0\.5b .* installed, UNVERIFIED/);

    // verify: unchanged since the download, but not OK (nothing vouched for it): exit 3, not 0 and not 1.
    const verify = await cmdai(["model", "verify"]);
    expect(verify.code).toBe(3);
    expect(verify.stdout).toContain("qwen2.5-coder-0.5b: UNVERIFIED");
    expect(verify.stdout).not.toContain("OK");
    expect(verify.stderr).toContain("no trusted digest");

    // A pull without the flag does not take the unverified copy for a verified one.
    const plain = await cmdai(["model", "pull", "qwen2.5-coder-0.5b"]);
    expect(plain.code).toBe(2);
  });

  test("--sha256 makes a plain mirror's file verified (pinned)", async () => {
    server = startFaultServer({ content: { data }, hub: false });
    const r = await cmdai(["model", "pull", "qwen2.5-coder-0.5b", "--sha256", sha, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verified_by: "pinned", sha256: sha });
    expect((await cmdai(["model", "verify"])).code).toBe(0);
  });

  test("a file cmdai did not download: verify says UNKNOWN and exits 3, not 1 (1 is a mismatch)", async () => {
    mkdirSync(models(), { recursive: true });
    writeFileSync(join(models(), "mine.gguf"), data);
    const r = await cmdai(["model", "verify", "mine.gguf"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("mine.gguf: UNKNOWN");
  });
});

describe("a model that failed verification (16.2)", () => {
  test("is recorded, shown by list, refused by generation, and usable again after a pull", async () => {
    server = startFaultServer({ content: { data } });
    expect((await cmdai(["model", "pull", "qwen2.5-coder-0.5b"])).code).toBe(0);
    const path = join(models(), file05);
    const bytes = new Uint8Array(readFileSync(path));
    bytes[77]! ^= 1;
    writeFileSync(path, bytes);
    expect((await cmdai(["model", "verify"])).code).toBe(1);

    const list = await cmdai(["model", "list"]);
    expect(list.stdout).toMatch(/qwen2\.5-coder-0\.5b .* FAILED verification/);
    const json = JSON.parse((await cmdai(["model", "list", "--json"])).stdout);
    expect(json.models.find((m: any) => m.name === "qwen2.5-coder-0.5b")).toMatchObject({ verified: false, failed_verification: true });

    const gen = await cmdai(["--no-input", "list files"], { CMDAI_MODEL: "qwen2.5-coder-0.5b" });
    expect(gen.code).toBe(4);
    expect(gen.stdout).toBe("");
    expect(gen.stderr).toMatch(
      /^cmdai: error: .*failed verification .* not used; download it again: cmdai model pull qwen2\.5-coder-0\.5b\n$/,
    );

    // Pulled again (no --force needed): downloaded, verified, usable.
    const before = server.bodyRequests().length;
    expect((await cmdai(["model", "pull", "qwen2.5-coder-0.5b"])).code).toBe(0);
    expect(server.bodyRequests().length).toBe(before + 1);
    expect(sha256Hex(new Uint8Array(readFileSync(path)))).toBe(sha);
    expect((await cmdai(["model", "verify"])).code).toBe(0);
    expect((await cmdai(["model", "list"])).stdout).not.toContain("FAILED");
  });
});

describe("offline (16.5)", () => {
  const offline = [
    ["an unresolvable host", "http://nonexistent.invalid", /cannot reach nonexistent\.invalid: the host name does not resolve/],
    ["a refused connection", "http://127.0.0.1:9", /cannot reach 127\.0\.0\.1:9: connection refused/],
  ] as const;
  for (const [what, endpoint, message] of offline) {
    test(`${what}: not retried, "cannot reach HOST", exit 6, no resume advice`, async () => {
      const r = await cmdai(["model", "pull", "qwen2.5-coder-0.5b"], { HF_ENDPOINT: endpoint });
      expect(r.code).toBe(6);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain("retrying");
      expect(r.stderr).not.toContain("resume");
    }, 20_000);
  }

  test("a server that keeps failing with nothing downloaded: 'try again later', not 'resume'", async () => {
    server = startFaultServer({ content: { data }, faults: () => ({ kind: "status", status: 503 }) });
    const dest = join(models(), "m.gguf");
    const e = await download({ url: server.url(), dest, sha256: sha, env: {}, retries: 2, backoffBaseMs: 1, backoffMaxMs: 2 }).catch(
      (e) => e,
    );
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.exitCode).toBe(6);
    expect(e.message).toBe("download failed after 3 attempts: server answered HTTP 503; try again later");
  }, 20_000);

  test("with bytes kept from an earlier run, the message says they are kept", async () => {
    const dest = join(models(), "m.gguf");
    mkdirSync(models(), { recursive: true });
    const url = "http://127.0.0.1:9/m.gguf";
    writeFileSync(partPath(dest), data.subarray(0, 4096));
    writeFileSync(metaPath(dest), JSON.stringify({ url, size: SIZE }));
    const e = await download({ url, dest, sha256: sha, env: {}, backoffBaseMs: 5 }).catch((e) => e);
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.kind).toBe("network");
    expect(e.exitCode).toBe(6);
    expect(e.message).toMatch(
      /^cannot reach 127\.0\.0\.1:9: connection refused; run the same command to resume \(4\.1 kB kept in m\.gguf\.part\)$/,
    );
  }, 20_000);
});

describe("a folder or a device as the model (16.6)", () => {
  for (const [what, path, message] of [
    ["a directory", "/tmp", /\/tmp is a directory, not a model file/],
    ["a device", "/dev/null", /\/dev\/null is not a regular file/],
  ] as const) {
    test(`${what}: says so, exit 4`, async () => {
      const r = await cmdai(["--model", path, "list files"]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }
});
