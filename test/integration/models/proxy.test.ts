import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { download } from "../../../src/models/download.ts";
import { proxyFor } from "../../../src/models/proxy.ts";
import { makeData, sha256Hex, startFaultServer } from "./server.ts";

const dir = mkdtempSync(join(tmpdir(), "cmdai-proxy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("proxyFor", () => {
  const cases: [string, Record<string, string>, string | undefined][] = [
    ["https://huggingface.co/x", { HTTPS_PROXY: "http://p:3128" }, "http://p:3128"],
    ["https://huggingface.co/x", { https_proxy: "p:3128" }, "http://p:3128"],
    ["http://mirror.lan/x", { HTTPS_PROXY: "http://p:3128" }, undefined],
    ["http://mirror.lan/x", { HTTP_PROXY: "http://p:80" }, "http://p:80"],
    ["https://huggingface.co/x", { ALL_PROXY: "socks5://p:1080" }, "socks5://p:1080"],
    ["https://huggingface.co/x", { HTTPS_PROXY: "http://p", NO_PROXY: "huggingface.co" }, undefined],
    ["https://cdn.huggingface.co/x", { HTTPS_PROXY: "http://p", NO_PROXY: ".huggingface.co" }, undefined],
    ["https://cdn.huggingface.co/x", { HTTPS_PROXY: "http://p", no_proxy: "example.com, *" }, undefined],
    ["https://nothuggingface.co/x", { HTTPS_PROXY: "http://p", NO_PROXY: "huggingface.co" }, "http://p"],
    ["https://mirror.lan:8443/x", { HTTPS_PROXY: "http://p", NO_PROXY: "mirror.lan:443" }, "http://p"],
    ["http://127.0.0.1:8080/x", { HTTP_PROXY: "http://p" }, undefined],
    ["http://localhost/x", { HTTP_PROXY: "http://p" }, undefined],
    ["http://[::1]:8080/x", { HTTP_PROXY: "http://p" }, undefined],
    ["https://huggingface.co/x", {}, undefined],
  ];
  for (const [url, env, want] of cases) test(`${url} with ${JSON.stringify(env)}`, () => expect(proxyFor(url, env)).toBe(want));
});

describe("downloads through a proxy", () => {
  test("HTTP_PROXY carries the request (absolute-form) and the file verifies", async () => {
    const data = makeData(500_000, 5);
    // The fault server answers absolute-form requests, so it can act as the proxy.
    const proxy = startFaultServer({ content: { data } });
    try {
      const dest = join(dir, "via-proxy.gguf");
      const r = await download({
        url: "http://models.example.invalid/files/model.gguf",
        dest,
        sha256: sha256Hex(data),
        env: { HTTP_PROXY: `http://127.0.0.1:${proxy.port}` },
        retries: 0,
      });
      expect(r.verifiedBy).toBe("pinned");
      expect(proxy.requests).toHaveLength(1);
      expect(proxy.requests[0]!.path).toBe("/files/model.gguf");
      expect(sha256Hex(new Uint8Array(readFileSync(dest)))).toBe(sha256Hex(data));
    } finally {
      proxy.stop();
    }
  });

  test("a proxy in the environment is not used for loopback (local mirrors)", async () => {
    const data = makeData(300_000, 6);
    const server = startFaultServer({ content: { data } });
    try {
      const p = Bun.spawn(
        ["bun", join(import.meta.dir, "../../../src/main.ts"), "model", "pull", server.url("/m/local.gguf"), "--sha256", sha256Hex(data)],
        {
          env: {
            ...process.env,
            CMDAI_MODEL_DIR: join(dir, "loop"),
            XDG_CONFIG_HOME: join(dir, "cfg"),
            HTTP_PROXY: "http://127.0.0.1:9",
            http_proxy: "http://127.0.0.1:9",
            NO_PROXY: "",
            no_proxy: "",
          },
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      expect(await p.exited).toBe(0);
      expect(server.requests).toHaveLength(1);
    } finally {
      server.stop();
    }
  });
});
