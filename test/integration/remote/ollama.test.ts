// The Ollama backend against a server speaking Ollama's native API shapes.
import { afterEach, describe, expect, test } from "bun:test";
import { ollamaBase } from "../../../src/config/remote.ts";
import { expectOneLineError, runCli, sandboxHome } from "../../helpers/run.ts";
import { faultServer, json, type FaultServer, type Seen } from "./fault-server.ts";

let servers: FaultServer[] = [];
afterEach(() => {
  for (const s of servers) s.stop();
  servers = [];
});

function serve(handler: (seen: Seen, n: number) => Response | Promise<Response>) {
  const s = faultServer(handler);
  servers.push(s);
  return s;
}

/** Ollama's streamed /api/chat: JSON lines, the last with done and counts. */
function ndjson(parts: string[], opts: { done?: boolean } = {}): Response {
  const lines = parts.map((content) => JSON.stringify({ model: "m", message: { role: "assistant", content }, done: false }));
  if (opts.done !== false)
    lines.push(
      JSON.stringify({
        model: "m",
        message: { role: "assistant", content: "" },
        done: true,
        done_reason: "stop",
        prompt_eval_count: 50,
        eval_count: 7,
      }),
    );
  return new Response(lines.join("\n") + "\n", { headers: { "content-type": "application/x-ndjson" } });
}
const tags = (...names: string[]) => json({ models: names.map((name) => ({ name, model: name, size: 1 })) });

const envFor = (server: { url: string }, extra: Record<string, string> = {}) => ({
  ...sandboxHome(),
  CMDAI_BACKEND: "ollama",
  OLLAMA_HOST: server.url,
  ...extra,
});

describe("ollama backend", () => {
  test("/api/chat with format = the JSON schema, streamed, greedy, a token limit; no keep_alive unless set", async () => {
    const server = serve(() => ndjson(['{"cmd": "', "ls -la", '"}']));
    const r = await runCli(["list files"], { env: envFor(server, { CMDAI_MODEL: "qwen2.5-coder:1.5b" }) });
    expect(r).toMatchObject({ code: 0, stdout: "ls -la\n" });
    const sent = server.seen[0]!;
    expect(sent.path).toBe("/api/chat");
    expect(sent.json).toMatchObject({ model: "qwen2.5-coder:1.5b", stream: true, options: { temperature: 0 } });
    expect(sent.json.options.num_predict).toBeGreaterThan(0);
    expect(sent.json.format).toMatchObject({ type: "object", required: ["cmd"] });
    expect(sent.json.keep_alive).toBeUndefined();
    expect(sent.headers.authorization).toBeUndefined();
  });

  test("CMDAI_KEEP_ALIVE is passed through as keep_alive", async () => {
    const server = serve(() => ndjson(['{"cmd": "ls"}']));
    for (const [value, want] of [
      ["10m", "10m"],
      ["0", "0s"],
      ["-1", -1],
    ] as const) {
      const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m", CMDAI_KEEP_ALIVE: value }) });
      expect(r.code).toBe(0);
      expect(server.seen.at(-1)!.json.keep_alive).toBe(want);
    }
  });

  test("no model named: exit 3, the message lists /api/tags", async () => {
    const server = serve((s) => (s.path === "/api/tags" ? tags("llama3.2:1b", "qwen2.5-coder:7b") : ndjson(["x"])));
    const r = await runCli(["list"], { env: envFor(server) });
    expect(r.code).toBe(3);
    expectOneLineError(r, /no model given: .*CMDAI_MODEL or --model: llama3\.2:1b, qwen2\.5-coder:7b/);
    expect(server.seen.map((s) => s.path)).toEqual(["/api/tags"]);
  });

  test("a model the server does not have: exit 3, no model X; the server has: ...", async () => {
    const server = serve((s) => (s.path === "/api/tags" ? tags("llama3.2:1b") : json({ error: "model 'nope' not found" }, 404)));
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "nope" }) });
    expect(r.code).toBe(3);
    expectOneLineError(r, /no model nope; the Ollama server at 127\.0\.0\.1:\d+ has: llama3\.2:1b$/);
  });

  test("an error line in the stream: exit 75", async () => {
    const server = serve(
      () =>
        new Response(JSON.stringify({ error: "llama runner process has terminated" }) + "\n", {
          headers: { "content-type": "application/x-ndjson" },
        }),
    );
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r.code).toBe(75);
    expectOneLineError(r, /failed \(HTTP 500: llama runner process has terminated\)/);
  });

  test("a cut stream: exit 75; an HTML page: exit 69; a line that is not JSON: exit 69", async () => {
    const cut = serve(() => ndjson(['{"cmd": "ls'], { done: false }));
    const a = await runCli(["list"], { env: envFor(cut, { CMDAI_MODEL: "m" }) });
    expect(a.code).toBe(75);
    expectOneLineError(a, /was cut off/);
    const html = serve(() => new Response("<html><body>hi</body></html>", { headers: { "content-type": "text/html" } }));
    const b = await runCli(["list"], { env: envFor(html, { CMDAI_MODEL: "m" }) });
    expect(b.code).toBe(69);
    expectOneLineError(b, /HTML page/);
    const junk = serve(() => new Response("hello\n", { headers: { "content-type": "text/plain" } }));
    const c = await runCli(["list"], { env: envFor(junk, { CMDAI_MODEL: "m" }) });
    expect(c.code).toBe(69);
    expectOneLineError(c, /not JSON/);
  });

  test('a format Ollama refuses falls back to "json"', async () => {
    const server = serve((s) =>
      typeof s.json.format === "object" ? json({ error: "invalid format: schema not supported" }, 400) : ndjson(['{"cmd": "ls"}']),
    );
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r).toMatchObject({ code: 0, stdout: "ls\n" });
    expect(server.seen.map((s) => (typeof s.json.format === "object" ? "schema" : s.json.format))).toEqual(["schema", "json"]);
  });

  test("OLLAMA_HOST as Ollama reads it", () => {
    expect(ollamaBase("")).toBe("http://127.0.0.1:11434");
    expect(ollamaBase("gpu")).toBe("http://gpu:11434");
    expect(ollamaBase("gpu:8080")).toBe("http://gpu:8080");
    expect(ollamaBase("0.0.0.0")).toBe("http://0.0.0.0:11434");
    expect(ollamaBase("https://ollama.example.com")).toBe("https://ollama.example.com");
    expect(ollamaBase("http://[::1]:11434/")).toBe("http://[::1]:11434");
  });
});
