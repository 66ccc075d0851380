import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { CmdaiError } from "../../../src/core/errors.ts";
import type { Settings } from "../../../src/config/config.ts";
import { ensureModel } from "../../../src/cli/first-run.ts";
import { makeData, sha256Hex, startFaultServer, type FaultServer } from "./server.ts";
import { scratchDirs } from "./scratch.ts";

const data = makeData(1_500_000, 11);
const file15 = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf";

const scratch = scratchDirs("cmdai-first-");
let server: FaultServer | undefined;
const savedEndpoint = process.env.HF_ENDPOINT;

afterEach(() => {
  server?.stop();
  server = undefined;
  if (savedEndpoint === undefined) delete process.env.HF_ENDPOINT;
  else process.env.HF_ENDPOINT = savedEndpoint;
});

const settings = (model = "qwen2.5-coder-1.5b"): Settings => ({
  model,
  level: "moderate",
  key: "ctrl-g",
  model_dir: join(scratch.dir, "models"),
  threads: 0,
  server: false,
  keep_alive: 0,
  backend: "local",
  base_url: "",
  api_key_command: "",
  api_key_file: "",
});

async function error(p: Promise<unknown>): Promise<CmdaiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CmdaiError);
    return e as CmdaiError;
  }
  throw new Error("expected an error");
}

describe("ensureModel (first run)", () => {
  test("no model, no terminal: exit 3 with the exact command, nothing asked", async () => {
    const e = await error(
      ensureModel({
        settings: settings(),
        interactive: false,
        ask: async () => {
          throw new Error("asked");
        },
      }),
    );
    expect(e.exitCode).toBe(3);
    // One line within 80 columns after "cmdai: error: ", and nothing a key binding cannot pass.
    expect(e.message).toBe("no model; run: cmdai model pull (~1.1 GB), or set CMDAI_MODEL=FILE");
    expect(`cmdai: error: ${e.message}`.length).toBeLessThanOrEqual(80);
  });

  test("interactive but stdin/stderr are not terminals: the same one line", async () => {
    const e = await error(ensureModel({ settings: settings(), interactive: true }));
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain("run: cmdai model pull (~1.1 GB)");
  });

  test("asks once, downloads from the hub (HF_ENDPOINT) with progress, returns the path", async () => {
    server = startFaultServer({ content: { data } });
    process.env.HF_ENDPOINT = `http://127.0.0.1:${server.port}/`;
    const questions: string[] = [];
    const path = await ensureModel({
      settings: settings(),
      interactive: true,
      ask: async (q) => (questions.push(q), true),
      download: { env: {}, stallMs: 1000, backoffBaseMs: 5 },
    });
    expect(questions).toEqual(["Download qwen2.5-coder-1.5b (~1.1 GB) now? [Y/n] "]);
    expect(path).toBe(join(scratch.dir, "models", file15));
    expect(sha256Hex(new Uint8Array(readFileSync(path)))).toBe(sha256Hex(data));
    expect(server.requests[0]!.path).toBe(`/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/main/${file15}`);
    // Second run: the file is there, no question, no network.
    const again = await ensureModel({
      settings: settings(),
      interactive: true,
      ask: async () => {
        throw new Error("asked");
      },
    });
    expect(again).toBe(path);
    expect(server.requests).toHaveLength(2);
  });

  test("answering no: exit 3 with the command, nothing downloaded", async () => {
    const e = await error(ensureModel({ settings: settings(), interactive: true, ask: async () => false }));
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain("run: cmdai model pull (~1.1 GB)");
    expect(existsSync(join(scratch.dir, "models", file15))).toBe(false);
  });

  test("--model PATH that does not exist: exit 3 naming the path, no offer to download", async () => {
    const missing = join(scratch.dir, "nope.gguf");
    const e = await error(
      ensureModel({
        settings: settings(missing),
        interactive: true,
        ask: async () => {
          throw new Error("asked");
        },
      }),
    );
    expect(e.exitCode).toBe(3);
    expect(e.message).toStartWith(`model file not found: ${missing}`);
  });

  test("--model PATH that exists is used as is", async () => {
    const file = join(scratch.dir, "mine.gguf");
    writeFileSync(file, "GGUF");
    expect(await ensureModel({ settings: settings(file), interactive: false })).toBe(file);
  });

  test("while another shell downloads it, the message says so", async () => {
    mkdirSync(join(scratch.dir, "models"), { recursive: true });
    const lock = join(scratch.dir, "models", `${file15}.lock`);
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: "t", started: Date.now() }));
    const e = await error(ensureModel({ settings: settings(), interactive: false }));
    expect(e.exitCode).toBe(3);
    expect(e.message).toBe(
      `qwen2.5-coder-1.5b is being downloaded by another cmdai (pid ${process.pid}); wait for it, or run: cmdai model pull qwen2.5-coder-1.5b`,
    );
  });
});
