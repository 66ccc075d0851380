import { describe, expect, test } from "bun:test";
import type { Backend, GenerateRequest } from "../../src/backend/types.ts";
import { CmdaiError } from "../../src/core/errors.ts";
import { runPipeline } from "../../src/generate/pipeline.ts";
import type { MachineContext } from "../../src/context/probe.ts";

// The pipeline without a model: a backend that answers with canned text.
function fakeBackend(answer: string, seen: GenerateRequest[] = []): Backend {
  return {
    model: "fake",
    loadMs: 0,
    async generate(request) {
      seen.push(request);
      return { text: answer, timings: { prompt: 1, generate: 2 }, tokens: { prompt: 10, generated: 5 } };
    },
    async dispose() {},
  };
}

const machine: MachineContext = { os: "Linux", arch: "x64", userland: "GNU", tools: [] };
const input = { request: "delete build output", shell: "bash" as const, cwd: "/src", machine };

describe("pipeline", () => {
  test("the command reaches the safety check and its verdict is returned", async () => {
    const checked: string[] = [];
    const out = await runPipeline(input, fakeBackend('{"cmd": "rm -rf ./build"}'), (cmd) => {
      checked.push(cmd);
      return {
        cmd,
        risk: "moderate",
        blocked: false,
        findings: [{ rule: "rm.recursive", risk: "moderate", message: "deletes files", start: 0, end: 2 }],
      };
    });
    expect(checked).toEqual(["rm -rf ./build"]);
    expect(out.cmd).toBe("rm -rf ./build");
    expect(out.risk).toBe("moderate");
    expect(out.findings).toHaveLength(1);
    expect(out.timings.prompt).toBe(1);
  });

  test("the request, the schema bound and the system prompt are sent to the backend", async () => {
    const seen: GenerateRequest[] = [];
    await runPipeline({ ...input, maxChars: 64 }, fakeBackend('{"cmd":"ls"}', seen), (cmd) => ({
      cmd,
      risk: "safe",
      blocked: false,
      findings: [],
    }));
    expect(seen[0]!.prompt.user).toContain("Request: delete build output");
    expect(JSON.stringify(seen[0]!.schema)).toContain('"maxLength":64');
  });

  test("an answer with no command is exit 5, never an empty line", async () => {
    const err = await runPipeline(input, fakeBackend('{"cmd": ""}'), (cmd) => ({ cmd, risk: "safe", blocked: false, findings: [] })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(CmdaiError);
    expect((err as CmdaiError).exitCode).toBe(5);
  });
});
