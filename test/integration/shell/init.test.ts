// `cmdai init`: key conversion, precedence, and the printed scripts checked
// statically (syntax, shellcheck, fish_indent) and sourced by each shell
// without a terminal, where they must print nothing and change nothing.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyLabel, keySequence, parseKey, quote, type InitShell } from "../../../src/shell/keys.ts";
import { hasShell, repo, shellNames, testShells } from "./tmux.ts";

const cli = (args: string[], env: Record<string, string> = {}) => {
  const r = Bun.spawnSync([process.execPath, join(repo, "src/main.ts"), ...args], {
    env: { PATH: process.env.PATH!, HOME: tmpdir(), XDG_CONFIG_HOME: "/nonexistent", ...env },
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};

describe("keys", () => {
  const table: [string, Record<InitShell, string>, string][] = [
    ["ctrl-g", { zsh: "^G", bash: "\\C-g", fish: "\\cg" }, "Ctrl-G"],
    ["alt-g", { zsh: "^[g", bash: "\\eg", fish: "\\eg" }, "Alt-G"],
    ["CTRL-T", { zsh: "^T", bash: "\\C-t", fish: "\\ct" }, "Ctrl-T"],
  ];
  for (const [raw, want, label] of table)
    test(`${raw} is written for each shell`, () => {
      const key = parseKey(raw);
      for (const shell of shellNames) expect(keySequence(shell, key)).toBe(want[shell]);
      expect(keyLabel(key)).toBe(label);
    });

  for (const bad of ["ctrl-m", "ctrl-j", "ctrl-i", "ctrl-c", "ctrl-gg", "shift-g", "g", "ctrl-1", ""])
    test(`${JSON.stringify(bad)} is refused`, () => expect(() => parseKey(bad)).toThrow());

  const tricky = [`it's`, `a\\b`, `$(touch x) \`id\` "q"`, "two\nlines"];
  for (const shell of shellNames)
    test.skipIf(!hasShell(shell))(`quote() round-trips through ${shell}`, () => {
      for (const value of tricky) {
        const script = shell === "fish" ? `set v ${quote(shell, value)}; printf %s "$v"` : `v=${quote(shell, value)}; printf %s "$v"`;
        const r = Bun.spawnSync([shell, "-c", script], { cwd: tmpdir() });
        expect(r.stdout.toString()).toBe(value);
      }
    });
});

describe("cmdai init", () => {
  test("needs a known shell", () => {
    expect(cli(["init"]).code).toBe(2);
    const r = cli(["init", "tcsh"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("zsh, bash, fish");
    expect(r.out).toBe("");
  });

  test("a bad --key is a usage error; unknown flags too", () => {
    expect(cli(["init", "zsh", "--key", "ctrl-m"]).code).toBe(2);
    expect(cli(["init", "zsh", "--kye", "ctrl-g"]).code).toBe(2);
  });

  test("the key: flag > CMDAI_KEY > config > ctrl-g", () => {
    const home = mkdtempSync(join(tmpdir(), "cmdai-cfg-"));
    mkdirSync(join(home, "cmdai"));
    writeFileSync(join(home, "cmdai/config.toml"), 'key = "alt-k"\n');
    const key = (args: string[], env: Record<string, string>) => /^__cmdai_key='(.*)'$/m.exec(cli(["init", "bash", ...args], env).out)?.[1];
    expect(key([], {})).toBe("\\C-g");
    expect(key([], { XDG_CONFIG_HOME: home })).toBe("\\ek");
    expect(key([], { XDG_CONFIG_HOME: home, CMDAI_KEY: "ctrl-t" })).toBe("\\C-t");
    expect(key(["--key", "alt-x"], { XDG_CONFIG_HOME: home, CMDAI_KEY: "ctrl-t" })).toBe("\\ex");
  });

  test("a bad key in the environment or config warns and keeps the default", () => {
    const r = cli(["init", "zsh"], { CMDAI_KEY: "hyper-g" });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^cmdai: warning: CMDAI_KEY: .*using ctrl-g\n$/);
    expect(r.out).toContain("__cmdai_key='^G'");
    const home = mkdtempSync(join(tmpdir(), "cmdai-cfg-"));
    mkdirSync(join(home, "cmdai"));
    writeFileSync(join(home, "cmdai/config.toml"), "level = 'nope'\n");
    const c = cli(["init", "zsh"], { XDG_CONFIG_HOME: home });
    expect(c.code).toBe(0);
    expect(c.err).toContain("cmdai: warning:");
  });

  test("ends with the rc line as a comment", () => {
    expect(cli(["init", "zsh"]).out.trimEnd().split("\n").pop()).toBe('# eval "$(cmdai init zsh)"');
    expect(cli(["init", "fish"]).out.trimEnd().split("\n").pop()).toBe("# cmdai init fish | source");
  });
});

describe("the printed scripts", () => {
  const combos = [[], ["--key", "alt-g"], ["--no-bind"], ["--key", "ctrl-t", "--no-bind"]];
  for (const target of testShells) {
    const { kind: shell, bin } = target;
    describe.skipIf(!hasShell(target))(target.label, () => {
      for (const args of combos)
        test(`init ${[shell, ...args].join(" ")}: parses, and sourcing it twice without a terminal prints nothing`, () => {
          const text = cli(["init", shell, ...args]).out;
          const dir = mkdtempSync(join(tmpdir(), "cmdai-src-"));
          const file = join(dir, `init.${shell}`);
          writeFileSync(file, text);
          const syntax = Bun.spawnSync([bin, "-n", file]);
          expect(syntax.stderr.toString()).toBe("");
          expect(syntax.exitCode).toBe(0);
          const strict = shell === "fish" ? "" : shell === "zsh" ? "setopt err_exit no_unset; " : "set -eu; ";
          const r = Bun.spawnSync([bin, "-c", `${strict}source ${file}; source ${file}; echo done`], {
            env: { PATH: process.env.PATH!, HOME: dir },
          });
          expect(r.stderr.toString()).toBe("");
          expect(r.stdout.toString()).toBe("done\n");
        });
    });
  }

  test.skipIf(!Bun.which("shellcheck"))("shellcheck: the bash script, the runner (dash), the bash completion", () => {
    const out = cli(["init", "bash"]).out;
    const file = join(mkdtempSync(join(tmpdir(), "cmdai-sc-")), "init.bash");
    writeFileSync(file, out);
    for (const [shell, path] of [
      ["bash", file],
      ["bash", join(repo, "shell/cmdai.bash")],
      ["dash", join(repo, "shell/runner.sh")],
      ["bash", join(repo, "completions/cmdai.bash")],
    ] as const) {
      const r = Bun.spawnSync(["shellcheck", "-S", "warning", "-s", shell, path]);
      expect(r.stdout.toString()).toBe("");
    }
  });

  test.skipIf(!Bun.which("fish_indent"))("fish_indent finds nothing to change", () => {
    for (const f of ["shell/cmdai.fish", "completions/cmdai.fish"]) {
      const r = Bun.spawnSync(["fish_indent", "--check", join(repo, f)]);
      expect(r.exitCode).toBe(0);
    }
  });
});

describe("completions", () => {
  test.skipIf(!hasShell("bash"))("bash completes subcommands and init's shells", () => {
    const r = Bun.spawnSync([
      "bash",
      "-c",
      `source ${repo}/completions/cmdai.bash
       COMP_WORDS=(cmdai in); COMP_CWORD=1; _cmdai; echo "\${COMPREPLY[*]}"
       COMP_WORDS=(cmdai init ""); COMP_CWORD=2; _cmdai; echo "\${COMPREPLY[*]}"
       COMP_WORDS=(cmdai --level m); COMP_CWORD=2; _cmdai; echo "\${COMPREPLY[*]}"`,
    ]);
    expect(r.stdout.toString()).toBe("init\nzsh bash fish --key --no-bind --help\nmoderate\n");
  });

  test.skipIf(!hasShell("fish"))("fish completes subcommands and init's shells", () => {
    const r = Bun.spawnSync(["fish", "-c", `source ${repo}/completions/cmdai.fish; complete -C 'cmdai in'; complete -C 'cmdai init '`]);
    const words = r.stdout
      .toString()
      .split("\n")
      .map((l) => l.split("\t")[0]);
    expect(words).toContain("init");
    expect(words).toEqual(expect.arrayContaining(["zsh", "bash", "fish"]));
  });

  test.skipIf(!hasShell("bash"))("bash completes model actions, their flags and the catalogue names", () => {
    const r = Bun.spawnSync([
      "bash",
      "-c",
      `source ${repo}/completions/cmdai.bash
       COMP_WORDS=(cmdai model ""); COMP_CWORD=2; _cmdai; echo "\${COMPREPLY[*]}"
       COMP_WORDS=(cmdai model pull --n); COMP_CWORD=3; _cmdai; echo "\${COMPREPLY[*]}"
       COMP_WORDS=(cmdai model pull --sha256 ab q); COMP_CWORD=5; _cmdai; echo "\${COMPREPLY[*]}"`,
    ]);
    expect(r.stdout.toString()).toBe("list pull rm verify path --help\n--no-sync\nqwen2.5-coder-1.5b qwen2.5-coder-0.5b\n");
  });

  test.skipIf(!hasShell("fish"))("fish completes model pull's flags and the catalogue names", () => {
    const r = Bun.spawnSync([
      "fish",
      "-c",
      `source ${repo}/completions/cmdai.fish; complete -C 'cmdai model pull -'; complete -C 'cmdai model rm q'`,
    ]);
    const words = r.stdout
      .toString()
      .split("\n")
      .map((l) => l.split("\t")[0]);
    expect(words).toEqual(
      expect.arrayContaining(["--sha256", "--force", "--no-sync", "--json", "qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"]),
    );
  });

  test.skipIf(!hasShell("bash") || !hasShell("fish"))("bash and fish complete the server commands", () => {
    const bash = Bun.spawnSync([
      "bash",
      "-c",
      `source ${repo}/completions/cmdai.bash
       COMP_WORDS=(cmdai ser); COMP_CWORD=1; _cmdai; echo "\${COMPREPLY[*]}"
       COMP_WORDS=(cmdai server ""); COMP_CWORD=2; _cmdai; echo "\${COMPREPLY[*]}"
       COMP_WORDS=(cmdai server status --j); COMP_CWORD=3; _cmdai; echo "\${COMPREPLY[*]}"
       COMP_WORDS=(cmdai serve --k); COMP_CWORD=2; _cmdai; echo "\${COMPREPLY[*]}"`,
    ]);
    expect(bash.stdout.toString()).toBe("server serve\nstatus stop --help\n--json\n--keep-alive\n");
    const fish = Bun.spawnSync([
      "fish",
      "-c",
      `source ${repo}/completions/cmdai.fish; complete -C 'cmdai server '; complete -C 'cmdai serve --'`,
    ]);
    const words = fish.stdout
      .toString()
      .split("\n")
      .map((l) => l.split("\t")[0]);
    expect(words).toEqual(expect.arrayContaining(["status", "stop", "--keep-alive", "--model", "--threads"]));
  });

  test.skipIf(!hasShell("zsh"))("zsh loads _cmdai through compinit", () => {
    const dir = mkdtempSync(join(tmpdir(), "cmdai-zc-"));
    const r = Bun.spawnSync([
      "zsh",
      "-fc",
      `fpath=(${repo}/completions $fpath); autoload -Uz compinit; compinit -u -d ${dir}/zcd; print -r -- $_comps[cmdai]`,
    ]);
    expect(r.stdout.toString()).toBe("_cmdai\n");
  });
});
