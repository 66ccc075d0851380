// End to end: the real dist/cmdai with a generated random-weight model, in each
// shell. The line after the key must equal what `cmdai` prints for the same
// request (or, if cmdai refuses, stay as typed with cmdai's message shown), and
// nothing may run. The request goes through the resident server, started on
// demand as on a user's machine (its socket under the shell's TMPDIR), and the
// widget must not wait for that server. Skipped, with the reason, when
// dist/cmdai is not built.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { hasShell, hasTmux, killServer, repo, testShells, TmuxShell, type ShellName } from "./tmux.ts";

const dist = process.env.CMDAI_DIST ?? join(repo, "dist/cmdai");
const built = existsSync(dist);
if (!built) console.warn(`skipping the end-to-end shell tests: ${dist} is missing (run: bun run build)`);

let model = "";
// What the shell gives cmdai: the same socket folder (TMPDIR is the shell's home).
const serverEnv = (home: string) => ({ HOME: home, TMPDIR: home, PATH: "/usr/bin:/bin" });
beforeAll(async () => {
  if (!built) return;
  const { makeTestModel } = await import("../../../scripts/gguf/make.ts");
  model = join(mkdtempSync(join(tmpdir(), "cmdai-e2e-")), "tiny.gguf");
  await makeTestModel({ shape: "tiny", quant: "q8_0", out: model });
}, 120_000);
afterAll(killServer);

for (const target of testShells) {
  const shell = target.kind;
  describe.skipIf(!built || !hasTmux || !hasShell(target))(`${target.label} with dist/cmdai`, () => {
    test("the line becomes exactly what cmdai prints for the request, and nothing runs", async () => {
      // cmdai runs through a recorder that keeps what this very invocation printed:
      // a random-weight model's answer can change from run to run under load.
      const rec = mkdtempSync(join(tmpdir(), "cmdai-rec-"));
      const recorder = join(rec, "cmdai");
      writeFileSync(
        recorder,
        [
          "#!/bin/sh",
          `printf '[%s]' "$@" >'${rec}/args'`,
          `'${dist}' "$@" >'${rec}/out' 2>'${rec}/err'`,
          "st=$?",
          `cat '${rec}/out'; cat '${rec}/err' >&2`,
          `: >'${rec}/done'`,
          "exit $st",
        ].join("\n"),
        { mode: 0o755 },
      );
      const env = { CMDAI_MODEL: model, CMDAI_THREADS: "1", CMDAI_TIMEOUT: "60", CMDAI_BIN: recorder, CMDAI_KEEP_ALIVE: "60s" };
      const path = `${dirname(dist)}:/usr/local/bin:/usr/bin:/bin`;
      // Ctrl-T writes the line to a file: exact bytes, whatever the terminal shows.
      const dump: Record<ShellName, string> = {
        zsh: `__dump() { print -rn -- "$BUFFER" >'${rec}/line'; }; zle -N __dump; bindkey '^T' __dump`,
        bash: `bind -x '"\\C-t": printf %s "$READLINE_LINE" >${rec}/line'`,
        fish: `bind \\ct 'printf %s (commandline -b | string collect) >${rec}/line'`,
      };
      const sh = new TmuxShell(target, { initBin: dist, path, env, after: dump[shell] });
      const lineIs = async (want: string) => {
        const since = Date.now();
        let got = "";
        while (Date.now() - since < 10_000) {
          sh.keys("C-t");
          await Bun.sleep(100);
          got = existsSync(join(rec, "line")) ? readFileSync(join(rec, "line"), "utf8") : "";
          if (got === want) return;
        }
        expect(got).toBe(want);
      };
      try {
        const request = `touch ${sh.home}/req.mark and list the files here`;
        await sh.start();
        sh.type(request);
        await sh.untilLine(request);
        sh.keys("C-g");
        // Wait for cmdai to finish and the shell to show the outcome.
        await sh.until(() => existsSync(join(rec, "done")), 60_000, "cmdai to finish");
        expect(readFileSync(join(rec, "args"), "utf8")).toBe(`[--shell][${shell}][--no-input][--][${request}]`);
        const printed = readFileSync(join(rec, "out"), "utf8").replace(/\n$/, "");
        const message = readFileSync(join(rec, "err"), "utf8")
          .split("\n")
          .find((l) => l.startsWith("cmdai: "));
        if (printed !== "") {
          await lineIs(printed);
        } else {
          expect(message).toBeDefined();
          await sh.untilScreen(message!, 10_000);
          await lineIs(request);
        }
        await Bun.sleep(200);
        expect(readdirSync(sh.home).filter((f) => f.endsWith(".mark"))).toEqual([]);
        // The answer came from the server, which stays for the next key press.
        const status = Bun.spawnSync([dist, "server", "status", "--json"], { env: serverEnv(sh.home) });
        expect(JSON.parse(status.stdout.toString())).toMatchObject({ running: true, requests: 1 });
      } finally {
        sh.kill();
        Bun.spawnSync([dist, "server", "stop"], { env: serverEnv(sh.home) });
      }
    }, 120_000);
  });
}

test("end-to-end prerequisites are reported", () => {
  expect(typeof built).toBe("boolean");
});
