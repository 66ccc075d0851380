// The key press with a remote backend: the shell integration is unchanged, and
// with CMDAI_BACKEND=openai pointing at a real llama-server the line becomes
// exactly what cmdai printed. No resident cmdai server is started for it.
// Skipped, saying why, without llama-server, dist/cmdai, tmux or zsh.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { llamaServerBinary, startLlamaServer, type LlamaServer } from "../../helpers/llama-server.ts";
import { steeredModel } from "../../helpers/model.ts";
import { distBinary } from "../../helpers/run.ts";
import { hasShell, hasTmux, TmuxShell } from "../shell/tmux.ts";

const binary = llamaServerBinary();
const missing = !binary.path
  ? binary.why
  : !existsSync(distBinary)
    ? `${distBinary} is missing (bun run build)`
    : !hasTmux
      ? "tmux is missing"
      : !hasShell("zsh")
        ? "zsh is missing"
        : undefined;
if (missing) console.warn(`skipping the remote key-press test: ${missing}`);

let server: LlamaServer | undefined;
beforeAll(async () => {
  if (!missing) server = await startLlamaServer(binary.path!, await steeredModel());
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

test.skipIf(Boolean(missing))(
  "zsh: Ctrl-G with CMDAI_BACKEND=openai puts llama-server's command on the line",
  async () => {
    // cmdai runs through a recorder that keeps what this very invocation printed.
    const rec = mkdtempSync(join(tmpdir(), "cmdai-rec-"));
    const recorder = join(rec, "cmdai");
    writeFileSync(
      recorder,
      [
        "#!/bin/sh",
        `'${distBinary}' "$@" >'${rec}/out' 2>'${rec}/err'`,
        "st=$?",
        `cat '${rec}/out'; cat '${rec}/err' >&2`,
        `: >'${rec}/done'`,
        "exit $st",
      ].join("\n"),
      { mode: 0o755 },
    );
    const env = { CMDAI_BACKEND: "openai", OPENAI_BASE_URL: `${server!.url}/v1`, CMDAI_TIMEOUT: "60", CMDAI_BIN: recorder };
    const dump = `__dump() { print -rn -- "$BUFFER" >'${rec}/line'; }; zle -N __dump; bindkey '^T' __dump`;
    const sh = new TmuxShell("zsh", { initBin: distBinary, path: `${dirname(distBinary)}:/usr/local/bin:/usr/bin:/bin`, env, after: dump });
    try {
      const request = "list the files here";
      await sh.start();
      sh.type(request);
      await sh.untilLine(request);
      sh.keys("C-g");
      await sh.until(() => existsSync(join(rec, "done")), 60_000, "cmdai to finish");
      const printed = readFileSync(join(rec, "out"), "utf8").replace(/\n$/, "");
      // The random-weight model's text is graded like any command; a warning for it (`*. the and …`
      // names a glob as the program) is fine, anything else on stderr is not.
      const warnings = readFileSync(join(rec, "err"), "utf8").split("\n").filter(Boolean);
      expect(warnings.filter((l) => !l.startsWith("cmdai: warning:"))).toEqual([]);
      expect(printed.length).toBeGreaterThan(0);
      let line = "";
      for (let i = 0; i < 100 && line !== printed; i++) {
        sh.keys("C-t");
        await Bun.sleep(100);
        line = existsSync(join(rec, "line")) ? readFileSync(join(rec, "line"), "utf8") : "";
      }
      expect(line).toBe(printed);
      // No resident server was started for a remote request.
      const status = Bun.spawnSync([distBinary, "server", "status", "--json"], {
        env: { HOME: sh.home, TMPDIR: sh.home, PATH: "/usr/bin:/bin" },
      });
      expect(JSON.parse(status.stdout.toString())).toMatchObject({ running: false });
    } finally {
      sh.kill();
    }
  },
  120_000,
);
