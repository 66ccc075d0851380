// The OpenAI-compatible backend against a fault-injecting server: the CLI as
// a user runs it (from source), with what the server was sent checked too.
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectOneLineError, runCli, sandboxHome } from "../../helpers/run.ts";
import { answer, apiError, chunk, faultServer, json, models, sse, type FaultServer, type Seen } from "./fault-server.ts";

let servers: FaultServer[] = [];
afterEach(() => {
  for (const s of servers) s.stop();
  servers = [];
});

function serve(handler: (seen: Seen, n: number) => Response | Promise<Response>, tls?: { key: string; cert: string }) {
  const s = faultServer(handler, tls);
  servers.push(s);
  return s;
}

/** A server with one model that answers every chat request with `cmd`. */
const oneModel =
  (cmd = "ls -la") =>
  (s: Seen) =>
    s.path === "/v1/models" ? models("qwen-coder") : answer(cmd);

const envFor = (server: { url: string }, extra: Record<string, string> = {}) => ({
  ...sandboxHome(),
  CMDAI_BACKEND: "openai",
  OPENAI_BASE_URL: `${server.url}/v1`,
  ...extra,
});

const chats = (s: FaultServer) => s.seen.filter((r) => r.path === "/v1/chat/completions");

describe("openai backend: a request", () => {
  test("streams the answer; the body carries the schema, greedy sampling, a token limit; stdout is the command", async () => {
    const server = serve(oneModel("ls -la"));
    const r = await runCli(["list files"], { env: envFor(server, { OPENAI_API_KEY: "sk-test-123" }) });
    expect(r).toMatchObject({ code: 0, stdout: "ls -la\n" });
    const body = chats(server)[0]!.json;
    expect(body).toMatchObject({ model: "qwen-coder", stream: true, temperature: 0 });
    expect(body.max_tokens).toBeGreaterThan(0);
    expect(body.response_format.type).toBe("json_schema");
    expect(body.response_format.json_schema.schema.properties.cmd.maxLength).toBe(300);
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(["system", "user"]);
    expect(body.messages[1].content).toContain("Request: list files");
    expect(chats(server)[0]!.headers.authorization).toBe("Bearer sk-test-123");
  });

  test("--backend openai with OPENAI_API_BASE and --model: no model listing", async () => {
    const server = serve(oneModel("pwd"));
    const env = { ...sandboxHome(), OPENAI_API_BASE: `${server.url}/v1` };
    const r = await runCli(["--backend", "openai", "--model", "big-model", "where am i"], { env });
    expect(r).toMatchObject({ code: 0, stdout: "pwd\n" });
    expect(server.seen.map((s) => s.path)).toEqual(["/v1/chat/completions"]);
    expect(server.seen[0]!.json.model).toBe("big-model");
  });

  test("the safety check runs locally on the answer: a critical command is blocked", async () => {
    const server = serve(oneModel("rm -rf /"));
    const r = await runCli(["clean up"], { env: envFor(server) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expectOneLineError(r, /blocked/);
  });

  test("--json reports the server's model", async () => {
    const server = serve(oneModel("ls"));
    const r = await runCli(["--json", "list"], { env: envFor(server) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cmd: "ls", model: "qwen-coder", blocked: false });
  });
});

describe("openai backend: the model", () => {
  test("several models on the server and none named: exit 3 listing them", async () => {
    const server = serve((s) => (s.path === "/v1/models" ? models("a-model", "b-model") : answer("ls")));
    const r = await runCli(["list"], { env: envFor(server) });
    expect(r.code).toBe(3);
    expectOneLineError(r, /several models: a-model, b-model; choose one with CMDAI_MODEL or --model/);
    expect(chats(server)).toHaveLength(0);
  });

  test("no model named and no GET /v1/models on the server: exit 3", async () => {
    const server = serve((s) => (s.path === "/v1/models" ? apiError(404, "not found") : answer("ls")));
    const r = await runCli(["list"], { env: envFor(server) });
    expect(r.code).toBe(3);
    expectOneLineError(r, /does not list its models \(GET \/v1\/models: HTTP 404\); name one with CMDAI_MODEL or --model/);
  });

  test("a model the server does not have: exit 3, no model X; the server has: a, b", async () => {
    const server = serve((s) => (s.path === "/v1/models" ? models("a", "b") : apiError(404, "The model `nope` does not exist.")));
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "nope" }) });
    expect(r.code).toBe(3);
    expectOneLineError(r, /no model nope; the server at 127\.0\.0\.1:\d+ has: a, b$/);
  });

  test("a base URL that is not the API (404 everywhere): exit 69 with a /v1 hint", async () => {
    const server = serve(() => apiError(404, "File Not Found", "not_found_error"));
    const env = { ...envFor(server, { CMDAI_MODEL: "m" }), OPENAI_BASE_URL: server.url };
    const r = await runCli(["list"], { env });
    expect(r.code).toBe(69);
    expectOneLineError(r, /no chat API at \/chat\/completions \(HTTP 404: File Not Found\); .*under \/v1/);
  });
});

describe("openai backend: the API key", () => {
  test("401 with a key: exit 77, 'the server refused the API key'; the key is never printed, --verbose included", async () => {
    const server = serve(() => apiError(401, "Invalid API Key sk-secret-42", "authentication_error"));
    const r = await runCli(["--verbose", "list"], { env: envFor(server, { OPENAI_API_KEY: "sk-secret-42", CMDAI_MODEL: "m" }) });
    expect(r.code).toBe(77);
    expect(r.stderr).toContain("cmdai: error: the server refused the API key (HTTP 401: Invalid API Key ***)");
    expect(r.stderr).not.toContain("sk-secret-42");
    expect(r.stderr.toLowerCase()).not.toContain("authorization");
    expect(r.stderr).toContain('"stream":true'); // --verbose shows the body
  });

  test("OPENAI_API_KEY is not sent to a base URL from the config file; the 401 says why", async () => {
    const server = serve(() => apiError(401, "Invalid API Key", "authentication_error"));
    const env: Record<string, string> = { ...sandboxHome(), OPENAI_API_KEY: "sk-for-openai", CMDAI_MODEL: "m" };
    mkdirSync(join(env.XDG_CONFIG_HOME!, "cmdai"), { recursive: true });
    writeFileSync(join(env.XDG_CONFIG_HOME!, "cmdai", "config.toml"), `backend = "openai"\nbase_url = "${server.url}/v1"\n`);
    const r = await runCli(["list"], { env });
    expect(r.code).toBe(77);
    expect(server.seen[0]!.headers.authorization).toBeUndefined();
    expectOneLineError(r, /wants an API key .*the key from env OPENAI_API_KEY is only sent to https:\/\/api\.openai\.com\/v1/);
  });

  test("api_key_command: its output is the key for the config file's base URL", async () => {
    const server = serve(oneModel("ls"));
    const env: Record<string, string> = { ...sandboxHome(), CMDAI_MODEL: "m" };
    mkdirSync(join(env.XDG_CONFIG_HOME!, "cmdai"), { recursive: true });
    writeFileSync(
      join(env.XDG_CONFIG_HOME!, "cmdai", "config.toml"),
      `backend = "openai"\nbase_url = "${server.url}/v1"\napi_key_command = "printf 'sk-from-command\\\\n'"\n`,
    );
    const r = await runCli(["list"], { env });
    expect(r).toMatchObject({ code: 0, stdout: "ls\n" });
    expect(server.seen[0]!.headers.authorization).toBe("Bearer sk-from-command");
  });

  test("a key file readable by others is refused, as ssh does (exit 2); 0600 is used", async () => {
    const server = serve(oneModel("ls"));
    const env: Record<string, string> = { ...sandboxHome(), CMDAI_MODEL: "m" };
    const dir = join(env.XDG_CONFIG_HOME!, "cmdai");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "config.toml"), `backend = "openai"\nbase_url = "${server.url}/v1"\n`);
    writeFileSync(join(dir, "api_key"), "sk-in-file\n");
    chmodSync(join(dir, "api_key"), 0o644);
    const open = await runCli(["list"], { env });
    expect(open.code).toBe(2);
    expectOneLineError(open, /api_key is readable by others \(mode 0644\).*chmod 600/);
    expect(server.seen).toHaveLength(0);
    chmodSync(join(dir, "api_key"), 0o600);
    const ok = await runCli(["list"], { env });
    expect(ok).toMatchObject({ code: 0, stdout: "ls\n" });
    expect(server.seen[0]!.headers.authorization).toBe("Bearer sk-in-file");
  });

  test("a redirect is not followed (the key stays with its URL): exit 69", async () => {
    const other = serve(oneModel("ls"));
    const server = serve(() => new Response("", { status: 307, headers: { location: `${other.url}/v1/chat/completions` } }));
    const r = await runCli(["list"], { env: envFor(server, { OPENAI_API_KEY: "sk-x", CMDAI_MODEL: "m" }) });
    expect(r.code).toBe(69);
    expectOneLineError(r, /redirects \/v1\/chat\/completions to http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions; set the base URL/);
    expect(other.seen).toHaveLength(0);
  });
});

describe("openai backend: structured output falls back", () => {
  test("json_schema refused → json_object → plain text through the parser", async () => {
    const server = serve((s) => {
      const type = s.json?.response_format?.type;
      if (type === "json_schema") return apiError(400, "response_format type json_schema is not supported");
      if (type === "json_object") return apiError(400, "Unrecognized request argument supplied: response_format");
      return sse([chunk("Here is the command:\n```bash\nls -la\n```"), chunk("", "stop")]);
    });
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r).toMatchObject({ code: 0, stdout: "ls -la\n" });
    expect(chats(server).map((s) => s.json.response_format?.type ?? "none")).toEqual(["json_schema", "json_object", "none"]);
  });

  test("a 400 that is not about the format is an error, not a fallback (exit 69)", async () => {
    const server = serve(() => apiError(400, "the request exceeds the available context size", "exceed_context_size_error"));
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r.code).toBe(69);
    expectOneLineError(r, /rejected the request \(HTTP 400: the request exceeds the available context size\)/);
    expect(chats(server)).toHaveLength(1);
  });

  test("a server that does not stream (one JSON answer) is read too", async () => {
    const server = serve(() =>
      json({ choices: [{ message: { content: '{"cmd": "df -h"}' } }], usage: { prompt_tokens: 3, completion_tokens: 4 } }),
    );
    const r = await runCli(["disk"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r).toMatchObject({ code: 0, stdout: "df -h\n" });
  });
});

describe("openai backend: failures are one line and an exit code", () => {
  const cases: {
    name: string;
    handler: (s: Seen, n: number) => Response | Promise<Response>;
    code: number;
    message: RegExp;
    env?: Record<string, string>;
  }[] = [
    {
      name: "an HTML page (a web server, not the API)",
      handler: () =>
        new Response("<!doctype html><html><body>Welcome to nginx!</body></html>", { headers: { "content-type": "text/html" } }),
      code: 69,
      message: /answered with an HTML page: not the API; is the base URL right\?/,
    },
    {
      name: "an HTML error page",
      handler: () => new Response("<html><body>502 Bad Gateway</body></html>", { status: 502, headers: { "content-type": "text/html" } }),
      code: 69,
      message: /HTML page/,
    },
    {
      name: "bad JSON",
      handler: () => new Response("this is not json", { headers: { "content-type": "application/json" } }),
      code: 69,
      message: /not JSON \(this is not json\)/,
    },
    {
      name: "JSON without choices",
      handler: () => json({ id: "x", object: "chat.completion" }),
      code: 69,
      message: /without choices\[0\]\.message\.content/,
    },
    { name: "a streamed event without choices", handler: () => sse([{ id: "x" }]), code: 69, message: /streamed an event without choices/ },
    {
      name: "an answer over 1 MB",
      handler: () =>
        sse(
          Array.from({ length: 40 }, () => chunk("x".repeat(32 * 1024))),
          { done: false },
        ),
      code: 69,
      message: /answered more than 1 MB/,
    },
    {
      name: "a cut stream (no finish, no [DONE])",
      handler: () => sse([chunk('{"cmd": "ls')], { done: false }),
      code: 75,
      message: /the answer from the server at .* was cut off/,
    },
    { name: "500 twice (one retry)", handler: () => apiError(500, "boom", "server_error"), code: 75, message: /failed \(HTTP 500: boom\)/ },
    {
      name: "429 with a Retry-After longer than the timeout: no wait",
      handler: () => apiError(429, "slow down", "rate_limit", { "retry-after": "3600" }),
      code: 75,
      message: /limiting requests \(HTTP 429: slow down\); try again in 3600s/,
    },
    {
      name: "a server too slow for CMDAI_TIMEOUT",
      handler: () => new Promise<Response>(() => {}),
      code: 75,
      message: /no answer from the server at .* within 1s \(CMDAI_TIMEOUT\)/,
      env: { CMDAI_TIMEOUT: "1" },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const server = serve(c.handler);
      const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m", ...c.env }) });
      expect(r.code).toBe(c.code);
      expect(r.stdout).toBe("");
      expectOneLineError(r, c.message);
    });
  }

  test("500 once, then an answer: one retry", async () => {
    const server = serve((_s, n) => (n === 1 ? apiError(500, "loading", "server_error") : answer("ls")));
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r).toMatchObject({ code: 0, stdout: "ls\n" });
    expect(chats(server)).toHaveLength(2);
  });

  test("an error event after the 200 (llama-server's shape), then an answer: one retry", async () => {
    const server = serve((_s, n) =>
      n === 1 ? sse([{ error: { code: 500, message: "decode failed", type: "server_error" } }], { done: false }) : answer("ls"),
    );
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r).toMatchObject({ code: 0, stdout: "ls\n" });
  });

  test("429 with Retry-After: 1 is honoured once", async () => {
    const server = serve((_s, n) => (n === 1 ? apiError(429, "busy", "rate_limit", { "retry-after": "1" }) : answer("ls")));
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r).toMatchObject({ code: 0, stdout: "ls\n" });
    expect(chats(server)).toHaveLength(2);
  });

  test("nothing listens on the port: exit 69, connection refused", async () => {
    const server = serve(() => answer("ls"));
    server.stop();
    const r = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(r.code).toBe(69);
    expectOneLineError(r, /cannot connect to 127\.0\.0\.1:\d+: connection refused \(is the server running\?\)/);
  });

  test("an unknown host: exit 69", async () => {
    const env = { ...sandboxHome(), CMDAI_BACKEND: "openai", OPENAI_BASE_URL: "http://no-such-host.invalid/v1", CMDAI_MODEL: "m" };
    const r = await runCli(["list"], { env });
    expect(r.code).toBe(69);
    expectOneLineError(r, /cannot find host no-such-host\.invalid|cannot reach no-such-host\.invalid/);
  });

  test("a malformed base URL or timeout is a usage error (exit 2)", async () => {
    const bad = await runCli(["list"], { env: { ...sandboxHome(), CMDAI_BACKEND: "openai", OPENAI_BASE_URL: "ftp://x" } });
    expect(bad.code).toBe(2);
    expectOneLineError(bad, /OPENAI_BASE_URL: must be an http:\/\/ or https:\/\/ URL/);
    const t = await runCli(["list"], { env: { ...sandboxHome(), CMDAI_BACKEND: "openai", CMDAI_TIMEOUT: "soon" } });
    expect(t.code).toBe(2);
    expectOneLineError(t, /CMDAI_TIMEOUT must be a number of seconds/);
    const b = await runCli(["--backend", "cloud", "list"]);
    expect(b.code).toBe(2);
    expectOneLineError(b, /backend must be one of local, openai, ollama/);
  });
});

describe("openai backend: proxies", () => {
  test("HTTP_PROXY carries the request (absolute URL to the proxy); NO_PROXY bypasses it", async () => {
    const proxy = serve(oneModel("ls"));
    const base = {
      ...sandboxHome(),
      CMDAI_BACKEND: "openai",
      OPENAI_BASE_URL: "http://llm.cmdai-test.invalid/v1",
      CMDAI_MODEL: "m",
      HTTP_PROXY: proxy.url,
    };
    const via = await runCli(["list"], { env: base });
    expect(via).toMatchObject({ code: 0, stdout: "ls\n" });
    expect(proxy.seen[0]!.headers.host).toBe("llm.cmdai-test.invalid");
    const bypass = await runCli(["list"], { env: { ...base, NO_PROXY: ".cmdai-test.invalid" } });
    expect(bypass.code).toBe(69);
    expect(proxy.seen).toHaveLength(1);
  });
});

describe("openai backend: HTTPS", () => {
  const openssl = Bun.which("openssl");
  test.skipIf(!openssl)("a certificate the system does not trust fails with a TLS error; SSL_CERT_FILE trusts it", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "cmdai-tls-"));
    const gen = Bun.spawnSync([
      openssl!,
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      join(dir, "k.pem"),
      "-out",
      join(dir, "c.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]);
    expect(gen.exitCode).toBe(0);
    const key = await Bun.file(join(dir, "k.pem")).text();
    const cert = await Bun.file(join(dir, "c.pem")).text();
    const server = serve(oneModel("ls"), { key, cert });
    const untrusted = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m" }) });
    expect(untrusted.code).toBe(69);
    expectOneLineError(untrusted, /TLS failure with 127\.0\.0\.1:\d+: .*SSL_CERT_FILE/);
    const trusted = await runCli(["list"], { env: envFor(server, { CMDAI_MODEL: "m", SSL_CERT_FILE: join(dir, "c.pem") }) });
    expect(trusted).toMatchObject({ code: 0, stdout: "ls\n" });
  });
});

describe("remote backends and the rest of the CLI", () => {
  test("cmdai check never contacts the server", async () => {
    const server = serve(oneModel("ls"));
    const r = await runCli(["check", "ls -la"], { env: envFor(server, { OPENAI_API_KEY: "sk-x" }) });
    expect(r.code).toBe(0);
    expect(server.seen).toHaveLength(0);
  });

  test("cmdai config shows the backend, the URL and the model with their sources, never the key", async () => {
    const server = serve(oneModel("ls"));
    const r = await runCli(["config"], { env: envFor(server, { OPENAI_API_KEY: "sk-hidden", CMDAI_MODEL: "qwen-coder" }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend +openai +\(env CMDAI_BACKEND\)$/m);
    expect(r.stdout).toMatch(new RegExp(`^url +${server.url}/v1/chat/completions +\\(env OPENAI_BASE_URL\\)$`, "m"));
    expect(r.stdout).toMatch(/^server model +qwen-coder +\(env CMDAI_MODEL\)$/m);
    expect(r.stdout).toMatch(/^api key +from env OPENAI_API_KEY, sent to http:\/\/127\.0\.0\.1:\d+\/v1 only$/m);
    expect(r.stdout).not.toContain("sk-hidden");
    expect(server.seen).toHaveLength(0);
  });

  test("--backend is in --help and in every shell's completions", async () => {
    const help = await runCli(["--help"]);
    expect(help.stdout).toContain("--backend NAME");
    for (const f of ["completions/_cmdai", "completions/cmdai.bash", "completions/cmdai.fish"])
      expect(await Bun.file(join(import.meta.dir, "..", "..", "..", f)).text()).toContain("backend");
  });
});
