import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tinyModel } from "../helpers/model.ts";
import { expectOneLineError, runCli, sandboxHome } from "../helpers/run.ts";

let model = "";
beforeAll(async () => {
  model = await tinyModel();
});

describe("cmdai: usage and help", () => {
  test("--help prints usage on stdout and nothing on stderr", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage:");
    expect(r.stdout).toContain("Exit codes");
    expect(r.stderr).toBe("");
  });

  test("--version prints name, version, commit and target", async () => {
    const r = await runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cmdai \d+\.\d+\.\d+ \(\S+ (linux|darwin)-(x64|arm64)\)\n$/);
  });

  test("an empty request is a usage error (exit 2)", async () => {
    for (const args of [[], [""], ["--", "   "]]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expectOneLineError(r, /nothing to do/);
    }
  });

  test("an unknown flag is a usage error naming it", async () => {
    const r = await runCli(["--modle", "x", "list files"]);
    expect(r.code).toBe(2);
    expectOneLineError(r, /unknown option --modle/);
  });

  test("a reader that goes away is not an error; a large output reaches a slow reader whole", async () => {
    // stdout is written with plain synchronous writes (cli/io.ts): EPIPE ends quietly.
    const closed = Bun.spawnSync([
      "sh",
      "-c",
      `"$0" "$1" init zsh | head -c0; echo "status $?"`,
      process.execPath,
      `${import.meta.dir}/../../src/main.ts`,
    ]);
    const gone = Bun.spawnSync(
      ["sh", "-c", `"$0" "$1" init zsh | (exec 0<&-; sleep 0.2); exit 0`, process.execPath, `${import.meta.dir}/../../src/main.ts`],
      { stderr: "pipe" },
    );
    expect(closed.stdout.toString()).toBe("status 0\n");
    expect(gone.stderr.toString()).toBe("");
    // 3,000 verdicts (~300 KB, several times a pipe's buffer) to a reader that starts late.
    const input = Array.from({ length: 3000 }, (_, i) => JSON.stringify(`ls -la /tmp/${i}`)).join("\n") + "\n";
    const slow = Bun.spawnSync(
      ["sh", "-c", `"$0" "$1" check --jsonl | (sleep 0.3; cat)`, process.execPath, `${import.meta.dir}/../../src/main.ts`],
      { stdin: new Blob([input]) },
    );
    const lines = slow.stdout.toString().trim().split("\n");
    expect(slow.stdout.length).toBeGreaterThan(200_000);
    expect(lines.length).toBe(3000);
    expect(lines.map((l) => JSON.parse(l).risk)).toEqual(Array(3000).fill("safe"));
  });

  test.skipIf(!existsSync("/dev/full"))("output that cannot be written (a full disk) is exit 74 with one line", () => {
    const r = Bun.spawnSync(["sh", "-c", `"$0" "$1" init zsh > /dev/full`, process.execPath, `${import.meta.dir}/../../src/main.ts`]);
    expect(r.exitCode).toBe(74);
    expect(r.stderr.toString()).toBe("cmdai: error: cannot write the output: no space left on device\n");
  });

  // A parent may hand over a non-blocking pipe: writes then fail with EAGAIN
  // when it is full, and must wait and go on, not drop output or crash.
  test.skipIf(!Bun.which("python3"))("a full non-blocking stdout pipe loses nothing", () => {
    const script = `
import json, os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=w, stderr=subprocess.PIPE)
os.close(w)
p.stdin.write("".join(json.dumps(f"ls /tmp/{i}") + "\\n" for i in range(3000)).encode())
p.stdin.close()
time.sleep(0.5)
data = b""
while chunk := os.read(r, 65536):
    data += chunk
print(p.wait(), len(data.splitlines()), len(p.stderr.read()))
`;
    const r = Bun.spawnSync(["python3", "-c", script, process.execPath, `${import.meta.dir}/../../src/main.ts`, "check", "--jsonl"]);
    expect(r.stdout.toString()).toBe("0 3000 0\n"); // exit 0, every verdict, no message
  });

  test("`--` makes a subcommand name part of the request", async () => {
    const r = await runCli(["--model", "/nonexistent/m.gguf", "--", "check", "disk", "space"]);
    expect(r.code).toBe(3); // it went to generation, not to `cmdai check`
  });
});

describe("cmdai: bad requests", () => {
  test("a 1 MB request on stdin (`cmdai -`) is refused with its length", async () => {
    const r = await runCli(["--model", model, "-"], { stdin: "x".repeat(1 << 20) });
    expect(r.code).toBe(2);
    expectOneLineError(r, /too long \(1048576 characters/);
  });

  test("a 100 KB request in argv is refused with its length", async () => {
    const r = await runCli(["--model", model, "y".repeat(100_000)]);
    expect(r.code).toBe(2);
    expectOneLineError(r, /too long \(100000 characters/);
  });

  test("control characters are refused", async () => {
    const r = await runCli(["--model", model, "list \x1b[31m files"]);
    expect(r.code).toBe(2);
    expectOneLineError(r, /control character \(\\x1b\)/);
  });

  test("invalid UTF-8 is refused", async () => {
    const env = sandboxHome();
    const r = await runCli(
      [
        "-c",
        `exec "$0" "$1" --model "$2" -- "$(printf 'list \\377 files')"`,
        process.execPath,
        join(import.meta.dir, "..", "..", "src", "main.ts"),
        model,
      ],
      {
        exe: ["bash"],
        env,
      },
    );
    expect(r.code).toBe(2);
    expectOneLineError(r, /not valid UTF-8/);
  });
});

describe("cmdai: model problems", () => {
  test("a missing --model file names the path and the catalogue models (exit 3)", async () => {
    const r = await runCli(["--model", "/nonexistent/m.gguf", "list files"]);
    expect(r.code).toBe(3);
    expectOneLineError(r, /model file not found: \/nonexistent\/m\.gguf/);
  });

  test("with no model installed, the message gives the exact pull command", async () => {
    const r = await runCli(["list files"]);
    expect(r.code).toBe(3);
    // One line within 80 columns, nothing the key binding cannot pass (#16.8).
    expectOneLineError(r, /^cmdai: error: no model; run: cmdai model pull \(~1\.1 GB\), or set CMDAI_MODEL=FILE$/);
  });

  test("a file that is not a GGUF is exit 4, one line", async () => {
    const env = sandboxHome();
    const bad = join(env.HOME!, "notes.gguf");
    writeFileSync(bad, "this is not a model\n".repeat(100));
    const r = await runCli(["--model", bad, "list files"], { env });
    expect(r.code).toBe(4);
    expectOneLineError(r, /is not a GGUF model file/);
  });

  test("a truncated GGUF is exit 4 and says so", async () => {
    const env = sandboxHome();
    const bytes = readFileSync(model);
    const cut = join(env.HOME!, "cut.gguf");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = await runCli(["--model", cut, "list files"], { env });
    expect(r.code).toBe(4);
    expectOneLineError(r, /truncated/);
  });

  test("a GGUF of an unknown architecture is exit 4, not a crash", async () => {
    const env = sandboxHome();
    const bytes = Buffer.from(readFileSync(model));
    // Rewrite the value of general.architecture ("llama") in place.
    const key = bytes.indexOf("general.architecture");
    const value = bytes.indexOf("llama", key + 20);
    bytes.write("zzzzz", value, "latin1");
    const odd = join(env.HOME!, "odd.gguf");
    writeFileSync(odd, bytes);
    const r = await runCli(["--model", odd, "list files"], { env });
    expect(r.code).toBe(4);
    expectOneLineError(r, /architecture "zzzzz"/);
  });
});

describe("cmdai: generation with a generated model", () => {
  test("prints one command line on stdout, identical to the --json cmd", async () => {
    const env = sandboxHome();
    const plain = await runCli(["--model", model, "--shell", "bash", "list files"], { env });
    expect(plain.code).toBe(0);
    const lines = plain.stdout.split("\n");
    expect(lines.length).toBe(2);
    expect(lines[0]!.length).toBeGreaterThan(0);
    expect(lines[1]).toBe("");

    const json = await runCli(["--model", model, "--shell", "bash", "--json", "list files"], { env });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.cmd).toBe(lines[0]);
    expect(Object.keys(out).sort()).toEqual(["blocked", "cmd", "explanation", "findings", "model", "risk", "timings_ms"]);
    expect(out.model).toBe("tiny");
    expect(["safe", "moderate", "high", "critical"]).toContain(out.risk);
    for (const k of ["load", "prompt", "generate", "check", "total"]) expect(typeof out.timings_ms[k]).toBe("number");
  });

  test("settings come from the config file, env overrides it, a flag overrides both", async () => {
    const env = sandboxHome();
    mkdirSync(join(env.XDG_CONFIG_HOME!, "cmdai"), { recursive: true });
    writeFileSync(join(env.XDG_CONFIG_HOME!, "cmdai", "config.toml"), `model = "${model}"\nlevel = "strict"\nthreads = 1\n`);
    const fromFile = await runCli(["config", "--json"], { env });
    const s = JSON.parse(fromFile.stdout).settings;
    expect(s.model).toEqual({ value: model, source: "config" });
    expect(s.level).toEqual({ value: "strict", source: "config" });
    const fromEnv = await runCli(["config", "--json"], { env: { ...env, CMDAI_LEVEL: "permissive" } });
    expect(JSON.parse(fromEnv.stdout).settings.level).toEqual({ value: "permissive", source: "env" });
    // The configured model is used without --model.
    const r = await runCli(["list files"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().length).toBeGreaterThan(0);
  });

  test("a broken config file is one clear line and exit 2", async () => {
    const env = sandboxHome();
    mkdirSync(join(env.XDG_CONFIG_HOME!, "cmdai"), { recursive: true });
    writeFileSync(join(env.XDG_CONFIG_HOME!, "cmdai", "config.toml"), `level = "strict\n`);
    const r = await runCli(["--model", model, "list files"], { env });
    expect(r.code).toBe(2);
    expectOneLineError(r, /config\.toml:1:16: not valid TOML/);
  });

  test("generation works with the network switched off", async () => {
    const probe = Bun.spawnSync(["unshare", "-n", "true"]);
    if (probe.exitCode !== 0) throw new Error("unshare -n is unavailable here: cannot prove offline generation");
    const env = sandboxHome();
    const online = await runCli(["--model", model, "find big files"], { env });
    const offline = await runCli(
      ["-n", process.execPath, join(import.meta.dir, "..", "..", "src", "main.ts"), "--model", model, "find big files"],
      {
        exe: ["unshare"],
        env,
      },
    );
    expect(offline.code).toBe(0);
    expect(offline.stdout).toBe(online.stdout);
  });
});

describe("cmdai: fix and cancel", () => {
  test("--fix proposes a command for a failed one", async () => {
    const r = await runCli(["--model", model, "--fix", "gti status", "--status", "127"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().length).toBeGreaterThan(0);
  });

  test("--status must be a number", async () => {
    const r = await runCli(["--model", model, "--fix", "gti status", "--status", "x"]);
    expect(r.code).toBe(2);
    expectOneLineError(r, /--status must be a whole number/);
  });

  for (const delay of [40, 200, 350]) {
    test(`Ctrl-C while working (after ${delay} ms) exits 130 with nothing on stdout`, async () => {
      // A long answer keeps the model busy; the interrupt lands during startup,
      // model load or generation depending on the delay.
      const proc = Bun.spawn(
        [process.execPath, join(import.meta.dir, "..", "..", "src", "main.ts"), "--model", model, "--max-chars", "1000", "list files"],
        {
          env: sandboxHome(),
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      await Bun.sleep(delay);
      proc.kill("SIGINT");
      const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
      expect(stdout).toBe("");
      expect(code === 130 || proc.signalCode === "SIGINT").toBe(true);
    });
  }
});

describe("cmdai: --explain", () => {
  test("the explanation goes to stderr; stdout stays the command alone", async () => {
    const env = sandboxHome();
    const r = await runCli(["--model", model, "--explain", "--max-chars", "40", "list files"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").length).toBe(2);
    const json = JSON.parse((await runCli(["--model", model, "--explain", "--max-chars", "40", "--json", "list files"], { env })).stdout);
    expect(r.stdout.trim()).toBe(json.cmd.trim());
    if (json.explanation) expect(r.stderr).toContain(`cmdai: ${json.explanation.trim()}`);
  });
});

describe("cmdai: --max-chars", () => {
  test("the largest accepted bound still gives a command (llama.cpp accepts its grammar)", async () => {
    const { steeredModel } = await import("../helpers/model.ts");
    const r = await runCli(["--model", await steeredModel(), "--max-chars", "1000", "list files"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().length).toBeGreaterThan(0);
    expect(r.stdout.trim().length).toBeLessThanOrEqual(1000);
  }, 60_000);

  test("a larger bound is a usage error, not an internal one", async () => {
    const r = await runCli(["--model", "/nonexistent.gguf", "--max-chars", "4000", "list files"]);
    expect(r.code).toBe(2);
    expectOneLineError(r, /--max-chars must be a whole number from 8 to 1000/);
  });
});
