import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectOneLineError, repoRoot, runCli, sandboxHome } from "../helpers/run.ts";
import { canRedraw, useColor } from "../../src/cli/terminal.ts";

// Issue #16: what a new user found broken (3: `~` in config, 4: permissions,
// 7: colour and message style, 8: the smaller items). Each test failed before its fix.

const hasEscape = (s: string) => s.includes("\x1b[");

function withConfig(toml: string, extra: Record<string, string> = {}) {
  const env = { ...sandboxHome(), ...extra };
  mkdirSync(join(env.XDG_CONFIG_HOME!, "cmdai"), { recursive: true });
  writeFileSync(join(env.XDG_CONFIG_HOME!, "cmdai", "config.toml"), toml);
  return env;
}

describe("16.7 colour and message style", () => {
  test("redirected: no ANSI escapes in errors or usage, whatever the command", async () => {
    for (const args of [["model", "bogus"], ["model"], ["model", "rm"], ["model", "pull", "--help"], ["--modle"]]) {
      const r = await runCli(args);
      expect(hasEscape(r.stdout + r.stderr)).toBe(false);
    }
  });

  test("the argument parser's own errors look like cmdai's: one `cmdai: error:` line, exit 2", async () => {
    const unknown = await runCli(["model", "bogus"]);
    expect(unknown.code).toBe(2);
    expectOneLineError(unknown, /^cmdai: error: unknown command "bogus" \(see: cmdai model --help\)$/);
    const missing = await runCli(["model", "rm"]);
    expect(missing.code).toBe(2);
    expectOneLineError(missing, /^cmdai: error: missing argument NAME \(see: cmdai model rm --help\)$/);
  });

  test("FORCE_COLOR colours messages even when redirected (one decision, in cli/terminal.ts)", async () => {
    const r = await runCli(["model", "bogus"], { env: { ...sandboxHome(), FORCE_COLOR: "1" } });
    expect(hasEscape(r.stderr)).toBe(true);
  });
});

describe("16.7 one decision for colour and redraw (cli/terminal.ts)", () => {
  test.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true],
    [{ TERM: "dumb" }, true, false],
    [{ FORCE_COLOR: "1" }, false, true],
    [{ FORCE_COLOR: "0" }, true, true],
    [{ FORCE_COLOR: "0" }, false, false],
  ] as const)("env %p, terminal %p: colour %p", (env, terminal, want) => {
    expect(useColor(2, env, terminal)).toBe(want);
  });

  test("progress redraws only on a terminal whose TERM is not dumb", () => {
    expect(canRedraw({ isTTY: true }, {})).toBe(true);
    expect(canRedraw({ isTTY: true }, { TERM: "dumb" })).toBe(false);
    expect(canRedraw({ isTTY: false }, {})).toBe(false);
  });
});

describe("16.8 smaller items", () => {
  test("`cmdai help` and `cmdai version` are what they say, not requests", async () => {
    const help = await runCli(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage:");
    const version = await runCli(["version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^cmdai \d+\.\d+\.\d+ /);
    // More words make a request again.
    expect((await runCli(["help", "me", "find", "files"])).stderr).not.toContain("Usage:");
  });

  test("extra arguments are usage errors", async () => {
    for (const [args, text] of [
      [["config", "extra"], /unexpected argument "extra" \(see: cmdai config --help\)/],
      [["model", "list", "bogus"], /unexpected argument "bogus" \(see: cmdai model list --help\)/],
      [["model", "path", "a", "b"], /unexpected argument "b"/],
      [["--status", "2", "list", "files"], /--status goes with --fix/],
    ] as const) {
      const r = await runCli([...args]);
      expect(r.code).toBe(2);
      expectOneLineError(r, text);
    }
  });

  test("a TOML syntax error gives the line and column", async () => {
    const env = withConfig(`level = "strict"\nthreads = = 2\n`);
    const r = await runCli(["config"], { env });
    expect(r.code).toBe(2);
    expectOneLineError(r, /config\.toml:2:\d+: not valid TOML/);
  });

  test("`cmdai config` aligns every row", async () => {
    const r = await runCli(["config"]);
    expect(r.code).toBe(0);
    const columns = r.stdout
      .trim()
      .split("\n")
      .map((l) => l.search(/(?<=\S {2,})\S/));
    expect(new Set(columns).size).toBe(1);
  });
});

describe("16.3 `~` and $HOME in paths from config and env", () => {
  test('model_dir = "~/…" (the README\'s example) is the home folder, not ./~', async () => {
    const cwd = mkdtempSync(join(tmpdir(), "cmdai-cwd-"));
    const env = withConfig(`model_dir = "~/.cache/cmdai/models"\nmodel = "$HOME/x.gguf"\n`);
    const r = await runCli(["config", "--json"], { env, cwd });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.settings.model_dir.value).toBe(join(env.HOME!, ".cache/cmdai/models"));
    expect(out.settings.model.value).toBe(join(env.HOME!, "x.gguf"));
    expect(existsSync(join(cwd, "~"))).toBe(false);
  });

  test("CMDAI_MODEL_DIR='~/m' and CMDAI_MODEL='${HOME}/x.gguf' too", async () => {
    const env: Record<string, string> = { ...sandboxHome(), CMDAI_MODEL_DIR: "~/m", CMDAI_MODEL: "${HOME}/x.gguf" };
    const out = JSON.parse((await runCli(["config", "--json"], { env })).stdout);
    expect(out.settings.model_dir.value).toBe(join(env.HOME!, "m"));
    expect(out.settings.model.value).toBe(join(env.HOME!, "x.gguf"));
  });

  test("a relative model_dir is refused with a clear message", async () => {
    for (const env of [withConfig(`model_dir = "models"\n`), { ...sandboxHome(), CMDAI_MODEL_DIR: "./m" }]) {
      const r = await runCli(["model", "list"], { env });
      expect(r.code).toBe(2);
      expectOneLineError(r, /model_dir must be an absolute folder \(or start with ~\/\)/);
    }
  });
});

// As root every folder is writable: drop to an unprivileged user for these.
const root = process.getuid?.() === 0;
const unprivileged = root ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
const canDrop = !root || Bun.which("setpriv") !== null;
const exe = [...unprivileged, process.execPath, join(repoRoot, "src", "main.ts")];

function lockedHome(): Record<string, string> {
  const base = mkdtempSync(join(tmpdir(), "cmdai-perm-"));
  chmodSync(base, 0o755);
  const home = join(base, "home");
  mkdirSync(home, { mode: 0o555 });
  chmodSync(home, 0o555); // read-only: nothing can be created in it
  // In process (CMDAI_SERVER=0): these are the messages of this process, and no server outlives the test.
  return { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", HF_ENDPOINT: "http://127.0.0.1:9", CMDAI_SERVER: "0" };
}

describe.skipIf(!canDrop)("16.4 permission problems are the user's, not internal errors", () => {
  test("read-only HOME: model pull says which folder, and what to set (exit 74)", async () => {
    const r = await runCli(["model", "pull", "qwen2.5-coder-0.5b"], { env: lockedHome(), exe, cwd: tmpdir() });
    expect(r.code).toBe(74);
    expectOneLineError(r, /cannot create the models folder .*\/home\/\.cache\/cmdai\/models: permission denied; set CMDAI_MODEL_DIR/);
  });

  test("missing HOME: says HOME does not exist (exit 74)", async () => {
    const env = { ...lockedHome(), HOME: "/nonexistent-cmdai-home" };
    const r = await runCli(["model", "pull", "qwen2.5-coder-0.5b"], { env, exe, cwd: tmpdir() });
    expect(r.code).toBe(74);
    expectOneLineError(r, /permission denied \(HOME is \/nonexistent-cmdai-home, which does not exist\)/);
  });

  test("a read-only model folder: names the file it could not write (exit 74), never 'internal error'", async () => {
    const env = lockedHome();
    const r = await runCli(["model", "pull", "qwen2.5-coder-0.5b"], { env: { ...env, CMDAI_MODEL_DIR: env.HOME! }, exe, cwd: tmpdir() });
    expect(r.code).toBe(74);
    expectOneLineError(r, /cannot open .*\.gguf\.lock: permission denied; make that folder writable, or set CMDAI_MODEL_DIR/);
    expect(r.stderr).not.toContain("internal error");
  });
});

// The first-run question on a real terminal (tmux): Ctrl-D or Ctrl-C there must
// not leave the message on the question's line (16.8).
describe.skipIf(Bun.which("tmux") === null)("16.8 first-run prompt on a terminal", () => {
  const tmux = (socket: string, ...args: string[]) => Bun.spawnSync(["tmux", "-L", socket, "-f", "/dev/null", ...args]).stdout.toString();
  for (const [key, message] of [
    ["C-d", /^cmdai: error: no model; run: cmdai model pull/],
    ["C-c", /^cmdai: error: cancelled/],
  ] as const) {
    test(`${key} at "[Y/n]": the message starts a line of its own`, async () => {
      const socket = `cmdai-prompt-${process.pid}-${key}`;
      const env = sandboxHome();
      const envArgs = Object.entries({ ...env, TERM: "xterm", NO_COLOR: "1" }).map(([k, v]) => `${k}=${v}`);
      const run = `${process.execPath} ${join(repoRoot, "src", "main.ts")} "list files"; echo "[exit $?]"; sleep 30`;
      tmux(socket, "new-session", "-d", "-s", "p", "-x", "120", "-y", "10", "--", "env", "-i", ...envArgs, "sh", "-c", run);
      try {
        const screen = async (want: RegExp) => {
          for (let i = 0; i < 300; i++) {
            const text = tmux(socket, "capture-pane", "-p", "-t", "p");
            if (want.test(text)) return text.split("\n");
            await Bun.sleep(50);
          }
          throw new Error(`timed out waiting for ${want}:\n${tmux(socket, "capture-pane", "-p", "-t", "p")}`);
        };
        await screen(/\[Y\/n\]/);
        tmux(socket, "send-keys", "-t", "p", key);
        const lines = await screen(/\[exit \d+\]/);
        const ask = lines.findIndex((l) => l.includes("[Y/n]"));
        expect(lines[ask]!.trimEnd()).toEndWith("[Y/n]");
        expect(lines[ask + 1]).toMatch(message);
        expect(lines.join("\n")).toContain(key === "C-d" ? "[exit 3]" : "[exit 130]");
      } finally {
        Bun.spawnSync(["tmux", "-L", socket, "kill-server"]);
      }
    }, 30_000);
  }
});

describe.skipIf(!canDrop)("16.4 files that cannot be read", () => {
  test("an unreadable config file or model file: 'cannot open PATH: permission denied', exit 74", async () => {
    const env = lockedHome();
    const base = join(env.HOME!, "..");
    chmodSync(env.HOME!, 0o755);
    mkdirSync(join(env.HOME!, ".config", "cmdai"), { recursive: true });
    chmodSync(join(env.HOME!, ".config"), 0o755);
    chmodSync(join(env.HOME!, ".config", "cmdai"), 0o755);
    const config = join(env.HOME!, ".config", "cmdai", "config.toml");
    writeFileSync(config, `level = "strict"\n`, { mode: 0o600 });
    chmodSync(config, root ? 0o600 : 0o000); // root's 0600 file is unreadable to the dropped user
    const r = await runCli(["config"], { env, exe, cwd: tmpdir() });
    expect(r.code).toBe(74);
    expectOneLineError(r, /cannot open .*config\.toml: permission denied; check its permissions, or set XDG_CONFIG_HOME/);

    chmodSync(config, 0o644);
    const model = join(base, "secret.gguf");
    writeFileSync(model, "GGUF", { mode: 0o600 });
    chmodSync(model, root ? 0o600 : 0o000);
    const m = await runCli(["--model", model, "list files"], { env, exe, cwd: tmpdir() });
    expect(m.code).toBe(74);
    expectOneLineError(m, /cannot open .*secret\.gguf: permission denied/);
  });
});
