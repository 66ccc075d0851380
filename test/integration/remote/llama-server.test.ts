// The OpenAI-compatible backend against a real llama-server (llama.cpp's own,
// built from node-llama-cpp's bundled source) on a generated steered tiny
// model: the CLI end to end, model discovery, an API key, and a cancelled
// stream that stops the server generating. Skipped, saying why, when
// llama-server is not built (scripts/llama-server.sh).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { OpenAIBackend } from "../../../src/backend/remote/openai.ts";
import { llamaServerBinary, startLlamaServer, type LlamaServer } from "../../helpers/llama-server.ts";
import { steeredModel } from "../../helpers/model.ts";
import { distBinary, expectOneLineError, runCli, sandboxHome } from "../../helpers/run.ts";

const binary = llamaServerBinary();
if (!binary.path) console.warn(`skipping the llama-server tests: ${binary.why}`);

let model = "";
let server: LlamaServer | undefined;
let keyed: LlamaServer | undefined;

beforeAll(async () => {
  if (!binary.path) return;
  model = await steeredModel();
  [server, keyed] = await Promise.all([
    startLlamaServer(binary.path, model, { args: ["--metrics"] }),
    startLlamaServer(binary.path, model, { args: ["--api-key", "sk-right-key"] }),
  ]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await keyed?.stop();
});

const oneCommandLine = (stdout: string) => {
  expect(stdout.endsWith("\n")).toBe(true);
  expect(stdout.trim().length).toBeGreaterThan(0);
  expect(stdout.trim().split("\n")).toHaveLength(1);
};

describe.skipIf(!binary.path)("llama-server (OpenAI-compatible)", () => {
  test("CMDAI_BACKEND=openai + OPENAI_BASE_URL: a command on stdout; the model is the server's only one", async () => {
    const env = { ...sandboxHome(), CMDAI_BACKEND: "openai", OPENAI_BASE_URL: `${server!.url}/v1` };
    const r = await runCli(["--json", "list files"], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.model).toBe(model); // llama-server names its model by the file's path
    expect(out.cmd.length).toBeGreaterThan(0);
    expect(out.blocked).toBe(false);
  }, 60_000);

  test("--backend openai with OPENAI_API_BASE and --model", async () => {
    const env = { ...sandboxHome(), OPENAI_API_BASE: `${server!.url}/v1` };
    const r = await runCli(["--backend", "openai", "--model", "any-name", "show disk usage"], { env });
    expect(r.code).toBe(0);
    oneCommandLine(r.stdout);
  }, 60_000);

  test.skipIf(!existsSync(distBinary))(
    "dist/cmdai: a remote request never unpacks or loads llama.cpp",
    async () => {
      const env = sandboxHome();
      const r = await runCli(["list files"], {
        env: { ...env, CMDAI_BACKEND: "openai", OPENAI_BASE_URL: `${server!.url}/v1` },
        exe: [distBinary],
      });
      expect(r.code).toBe(0);
      oneCommandLine(r.stdout);
      // The compiled binary unpacks llama.cpp's libraries on first load, here.
      expect(existsSync(join(env.XDG_CACHE_HOME!, "cmdai", "runtime"))).toBe(false);
    },
    60_000,
  );

  test("--api-key on the server: no key → 77 'wants an API key'; a wrong one → 77 'refused'; the right one works", async () => {
    const base = { ...sandboxHome(), CMDAI_BACKEND: "openai", OPENAI_BASE_URL: `${keyed!.url}/v1`, CMDAI_MODEL: "m" };
    const none = await runCli(["list"], { env: base });
    expect(none.code).toBe(77);
    expectOneLineError(none, /the server wants an API key \(HTTP 401: Invalid API Key\); set OPENAI_API_KEY/);
    const wrong = await runCli(["--verbose", "list"], { env: { ...base, OPENAI_API_KEY: "sk-wrong-key" } });
    expect(wrong.code).toBe(77);
    expect(wrong.stderr).toContain("cmdai: error: the server refused the API key (HTTP 401: Invalid API Key)");
    expect(wrong.stderr).not.toContain("sk-wrong-key");
    const right = await runCli(["list"], { env: { ...base, OPENAI_API_KEY: "sk-right-key" } });
    expect(right.code).toBe(0);
    oneCommandLine(right.stdout);
    // Discovery asks with the key too.
    const { CMDAI_MODEL: _, ...discover } = { ...base, OPENAI_API_KEY: "sk-right-key" };
    expect((await runCli(["list"], { env: discover })).code).toBe(0);
  }, 60_000);

  test("cancelling the request closes the stream and the server stops generating", async () => {
    const predicted = async () => {
      const text = await (await fetch(`${server!.url}/metrics`)).text();
      return Number(/^llamacpp:tokens_predicted_total (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    const slot = async () => ((await (await fetch(`${server!.url}/slots`)).json()) as { is_processing: boolean }[])[0];
    const backend = new OpenAIBackend({
      target: {
        backend: "openai",
        url: `${server!.url}/v1`,
        urlSource: "test",
        model: "m",
        modelSource: "test",
        heldBack: [],
        timeoutMs: 0,
      },
    });
    // An answer that never ends by itself (no length bound): it runs until the context is full.
    const schema = { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] };
    const ask = (signal?: AbortSignal) =>
      backend.generate({
        prompt: { system: "Reply with JSON.", user: "say the" },
        schema,
        maxTokens: 1_000_000,
        ...(signal ? { signal } : {}),
      });
    const full = (await ask()).tokens.generated;
    expect(full).toBeGreaterThan(1000);

    const before = await predicted();
    const abort = new AbortController();
    const pending = ask(abort.signal);
    // Abort once the server is generating.
    for (let i = 0; i < 400 && !(await slot())?.is_processing; i++) await Bun.sleep(5);
    abort.abort();
    const error = await pending.then(
      () => undefined,
      (e) => e,
    );
    expect(error?.exitCode).toBe(130);
    for (let i = 0; i < 200 && (await slot())?.is_processing; i++) await Bun.sleep(25);
    expect((await slot())?.is_processing).toBe(false);
    // The server stopped well before the end the same request reaches uncancelled.
    expect((await predicted()) - before).toBeLessThan(full / 2);
  }, 60_000);
});

test("llama-server prerequisites are reported", () => {
  expect(typeof binary.path === "string" || typeof binary.why === "string").toBe(true);
});
