// The key binding in real interactive zsh, bash and fish, driven through tmux,
// with the stand-in cmdai from fixtures/ on PATH (deterministic, instant unless
// the request says "slow" or "hang"). Every case proves nothing was executed by
// asking for a command that would create a marker file.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasShell, hasTmux, killServer, testShells, withShell, type ShellName, type TmuxShell } from "./tmux.ts";

afterAll(killServer);

const T = 30_000;
const spinnerChars = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
/** A folder whose `dd` refuses iflag=nonblock, as BSD's and busybox's do. */
function bsdDd(): string {
  const dir = mkdtempSync(join(tmpdir(), "cmdai-bsd-dd-"));
  writeFileSync(join(dir, "dd"), '#!/bin/sh\necho "dd: unknown iflag nonblock" >&2\nexit 1\n', { mode: 0o755 });
  return dir;
}
const scratchLeft = (sh: TmuxShell) => readdirSync(sh.home).filter((f) => f.startsWith("cmdai."));
const markers = (sh: TmuxShell) => readdirSync(sh.home).filter((f) => f.endsWith(".mark"));

/** Type a request, press the key, wait for the line to become `want`. */
async function ask(sh: TmuxShell, request: string, want: string, key = "C-g") {
  sh.type(request);
  await sh.untilLine(request);
  sh.keys(key);
  return sh.untilLine(want);
}

/** Press the key on `request` and wait for a message; the line must stay as typed. */
async function askFails(sh: TmuxShell, request: string, message: string) {
  await sh.clear();
  sh.type(request);
  await sh.untilLine(request);
  sh.keys("C-g");
  const lines = await sh.until(
    (s) => s.some((l) => l.includes(message)) && sh.promptLine(s) === request,
    5000,
    `${JSON.stringify(message)} above the unchanged line`,
  );
  // One short message, and no error text anywhere else on the screen.
  expect(lines.filter((l) => l.startsWith("cmdai:"))).toEqual([message]);
  return lines;
}

for (const target of testShells) {
  const shell = target.kind;
  describe.skipIf(!hasTmux || !hasShell(target))(target.label, () => {
    // Another version than the one on PATH: check that it is what runs.
    if (target.bin !== shell)
      test(
        "the terminal runs the version in the title",
        () =>
          withShell(target, {}, async (sh) => {
            const version: Record<ShellName, string> = { zsh: "$ZSH_VERSION", bash: "$BASH_VERSION", fish: "$version" };
            sh.type(`echo "${shell} ${version[shell]}"`);
            sh.keys("Enter");
            await sh.untilScreen(target.label);
          }),
        T,
      );

    test(
      "the key replaces the request with the command, cursor at the end, and runs nothing",
      () =>
        withShell(target, {}, async (sh) => {
          const req = `touch ${sh.home}/req.mark`;
          const cmd = `touch ${sh.home}/cmd.mark`;
          const lines = await ask(sh, req, cmd);
          expect(lines.join("\n")).not.toMatch(spinnerChars);
          expect(sh.calls()).toEqual([["--shell", shell, "--no-input", "--", req]]);
          sh.type(" X");
          await sh.untilLine(`${cmd} X`);
          expect(markers(sh)).toEqual([]);
          // The runner's scratch folder (in TMPDIR, the test's home) is removed.
          for (let i = 0; i < 100 && scratchLeft(sh).length; i++) await Bun.sleep(20);
          expect(scratchLeft(sh)).toEqual([]);
        }),
      T,
    );

    test(
      "undo brings the request back in one step",
      () =>
        withShell(target, {}, async (sh) => {
          const req = `touch ${sh.home}/req.mark`;
          await ask(sh, req, `touch ${sh.home}/cmd.mark`);
          sh.keys("C-_");
          await sh.untilLine(req);
          expect(markers(sh)).toEqual([]);
        }),
      T,
    );

    // fish can add to its history only from 4.0 on.
    test.skipIf(shell === "fish" && !/^fish [4-9]/.test(target.label))(
      "the request is kept in history",
      () =>
        withShell(target, {}, async (sh) => {
          // Ask, run the command, then go back through history: command, request.
          const req = "list the req files";
          await ask(sh, req, "list the cmd files");
          sh.keys("Enter");
          await sh.until((s) => /not found|Unknown command/.test(s.join("\n")), 5000, "the command to fail");
          await sh.untilLine("");
          sh.keys("C-p");
          await sh.untilLine("list the cmd files");
          sh.keys("C-p");
          await sh.untilLine(req);
        }),
      T,
    );

    test(
      "the command is put on the line literally, never evaluated",
      () =>
        withShell(target, {}, async (sh) => {
          await ask(sh, "quote me", `echo 'a  b' "$HOME" \\$(id) *`);
        }),
      T,
    );

    test(
      "a warning is shown above the prompt and the command is still offered",
      () =>
        withShell(target, {}, async (sh) => {
          const lines = await ask(sh, "please warn me", "rm -r ./build");
          const at = lines.findIndex((l) => l.includes("cmdai: warning: high risk: deletes files"));
          expect(at).toBeGreaterThanOrEqual(0);
          expect(at).toBeLessThan(lines.length - 1);
        }),
      T,
    );

    test(
      "a blocked command leaves the line as typed and says why",
      () =>
        withShell(target, {}, async (sh) => {
          await askFails(sh, "please block this", "cmdai: blocked (critical): it would erase the disk");
          expect(markers(sh)).toEqual([]);
        }),
      T,
    );

    test(
      "failures leave the line exactly as typed, with one short message",
      () =>
        withShell(target, {}, async (sh) => {
          await askFails(sh, "nomodel here", "cmdai: error: no model; get one with: cmdai model pull");
          await askFails(sh, "crash now", "cmdai: failed (exit status 139)");
          await askFails(sh, "empty answer", "cmdai: no usable command for that request");
          await askFails(sh, "nothing useful", "cmdai: error: no usable command was generated");
        }),
      T,
    );

    test(
      "a missing helper leaves the line alone",
      () =>
        withShell(target, { env: { CMDAI_BIN: "/nonexistent/cmdai" } }, async (sh) => {
          await askFails(sh, "list files", "cmdai: cannot run /nonexistent/cmdai (install cmdai, or set CMDAI_BIN)");
        }),
      T,
    );

    test(
      "a helper that does not answer in time is given up",
      () =>
        withShell(target, { env: { CMDAI_TIMEOUT: "1" } }, async (sh) => {
          await askFails(sh, "hang forever", "cmdai: no answer after 1s, gave up");
        }),
      T,
    );

    test(
      "a spinner shows on the terminal while waiting, never in the line",
      () =>
        withShell(target, { env: { CMDAI_STUB_DELAY: "0.8" } }, async (sh) => {
          const req = `touch ${sh.home}/req.mark slow`;
          sh.type(req);
          await sh.untilLine(req);
          sh.keys("C-g");
          await sh.until((s) => spinnerChars.test(s.join("\n")), 5000, "spinner");
          const lines = await sh.untilLine(`touch ${sh.home}/cmd.mark`);
          expect(lines.join("\n")).not.toMatch(spinnerChars);
        }),
      T,
    );

    test(
      "Ctrl-C while waiting cancels and leaves the line untouched",
      () =>
        withShell(target, {}, async (sh) => {
          const req = "hang on req";
          sh.type(req);
          await sh.untilLine(req);
          sh.keys("C-g");
          await sh.until((s) => spinnerChars.test(s.join("\n")), 5000, "spinner");
          sh.keys("C-c");
          // zsh and bash say so; fish stops the binding on Ctrl-C, so the runner says it.
          await sh.untilScreen("cmdai: cancelled");
          await sh.until((s) => !spinnerChars.test(s.join("\n")) && sh.promptLine(s) === req, 5000, "line restored");
          // The integration still works afterwards.
          await sh.clear();
          await ask(sh, "show req", "show cmd");
        }),
      T,
    );

    // fish drops them in the runner: one non-blocking dd read, or, where dd has
    // no iflag=nonblock (BSD, busybox), stty + cat.
    const typeahead: [string, string[]][] =
      shell === "fish"
        ? [
            ["", []],
            [" (dd without iflag=nonblock, as on BSD)", [bsdDd()]],
          ]
        : [["", []]];
    for (const [how, pathFirst] of typeahead)
      test(
        `keys typed while waiting run neither the request nor the command${how}`,
        () =>
          withShell(target, { env: { CMDAI_STUB_DELAY: "1" }, pathFirst }, async (sh) => {
            const req = `touch ${sh.home}/req.mark slow`;
            sh.type(req);
            await sh.untilLine(req);
            sh.keys("C-g");
            await sh.until((s) => spinnerChars.test(s.join("\n")), 5000, "spinner");
            sh.keys("Enter");
            sh.type(`touch ${sh.home}/typed.mark`);
            sh.keys("Enter");
            await sh.untilLine(`touch ${sh.home}/cmd.mark`);
            await Bun.sleep(300);
            expect(sh.promptLine()).toBe(`touch ${sh.home}/cmd.mark`);
            expect(markers(sh)).toEqual([]);
          }),
        T,
      );

    test(
      "an empty line shows a hint, or offers a fix for the last failure",
      () =>
        withShell(target, {}, async (sh) => {
          sh.keys("C-g");
          await sh.untilScreen("cmdai: type a request");
          expect(sh.calls()).toEqual([]);
          await sh.clear();
          sh.type("ls /nonexistent-dir");
          sh.keys("Enter");
          await sh.untilScreen("No such file");
          await sh.until((s) => sh.promptLine(s) === "" && s.length >= 3, 5000, "prompt after the failure");
          sh.keys("C-g");
          await sh.untilLine("echo fixed ls /nonexistent-dir 2");
          expect(sh.calls()).toEqual([["--shell", shell, "--no-input", "--fix", "ls /nonexistent-dir", "--status", "2"]]);
        }),
      T,
    );

    test(
      "sourcing the script twice binds once and still works",
      () =>
        withShell(target, { sourceTimes: 2 }, async (sh) => {
          await ask(sh, "show req", "show cmd");
          expect(sh.calls().length).toBe(1);
          const probe: Record<ShellName, string> = {
            zsh: "print -r -- hooks=${#${(M)precmd_functions:#__cmdai_precmd}}",
            bash: 'echo hooks=$(grep -o __cmdai_prompt <<<"$PROMPT_COMMAND" | wc -l)',
            fish: "echo hooks=(functions --handlers-type variable | string match -e __cmdai_rebind | count)",
          };
          await sh.clear();
          sh.type(probe[shell]);
          sh.keys("Enter");
          await sh.untilScreen("hooks=1");
        }),
      T,
    );

    test(
      "a custom key from --key is bound instead of Ctrl-G",
      () =>
        withShell(target, { initArgs: ["--key", "alt-g"] }, async (sh) => {
          await ask(sh, "show req", "show cmd", "M-g");
          await sh.clear();
          sh.type("show req");
          sh.keys("C-g");
          await Bun.sleep(300);
          expect(sh.calls().length).toBe(1);
        }),
      T,
    );

    const vi: Record<ShellName, string> = {
      zsh: "bindkey -v\nKEYTIMEOUT=1",
      bash: "set -o vi",
      fish: "fish_vi_key_bindings",
    };
    test(
      "vi insert and command modes both have the key",
      () =>
        withShell(target, { before: vi[shell] }, async (sh) => {
          await ask(sh, "show req", "show cmd");
          await sh.clear();
          sh.type("show req two");
          await sh.untilLine("show req two");
          sh.keys("Escape");
          await Bun.sleep(150);
          sh.keys("C-g");
          await sh.untilLine("show cmd two");
        }),
      T,
    );

    if (shell === "fish")
      test(
        "switching to vi key bindings after init keeps the key",
        () =>
          withShell(target, { after: "fish_vi_key_bindings" }, async (sh) => {
            await ask(sh, "show req", "show cmd");
          }),
        T,
      );

    if (shell === "zsh")
      test(
        "the key survives zsh-vi-mode rebinding the keymaps",
        () =>
          // Emulates zsh-vi-mode: at the first prompt it replaces the vi keymaps
          // (dropping our binding) and then runs zvm_after_init_commands.
          withShell(
            target,
            {
              after: [
                "__zvm_init() {",
                "  precmd_functions=(${precmd_functions:#__zvm_init})",
                "  bindkey -v; KEYTIMEOUT=1",
                "  bindkey -M viins '^G' beep; bindkey -M vicmd '^G' beep",
                '  local c; for c in $zvm_after_init_commands; do eval "$c"; done',
                "}",
                "precmd_functions+=(__zvm_init)",
              ].join("\n"),
            },
            async (sh) => {
              await ask(sh, "show req", "show cmd");
              await sh.clear();
              sh.type("show req two");
              sh.keys("Escape");
              await Bun.sleep(150);
              sh.keys("C-g");
              await sh.untilLine("show cmd two");
            },
          ),
        T,
      );
  });
}

test("the stand-in is on PATH for these tests", () => {
  expect(existsSync(join(import.meta.dir, "fixtures/cmdai"))).toBe(true);
});
