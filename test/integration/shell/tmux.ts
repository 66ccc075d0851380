// Drives real interactive shells in tmux for the shell-integration tests: start a
// shell with a throwaway HOME and rc file, type, press keys, and poll the screen
// until it shows what we expect (never fixed sleeps for the result).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

export type ShellName = "zsh" | "bash" | "fish";
export const shellNames: ShellName[] = ["zsh", "bash", "fish"];

export const repo = resolve(import.meta.dir, "../../..");
export const fixtures = join(import.meta.dir, "fixtures");

export const hasTmux = Bun.which("tmux") !== null;
export const hasShell = (shell: ShellName | TestShell) => Bun.which(asTestShell(shell).bin) !== null;

/** A shell program to test: its kind, its name in test titles, and its path. */
export interface TestShell {
  kind: ShellName;
  label: string;
  bin: string;
}

/** The shells on PATH, then other versions: the programs listed in CMDAI_TEST_SHELLS
 * (colon-separated paths; empty for none), or else the launchers that
 * scripts/test-shells.sh leaves in .shells/bin-*. Those are titled with the version
 * they report, e.g. "zsh 5.8". */
export const testShells: TestShell[] = [...shellNames.map(asTestShell), ...otherShells()];

function asTestShell(shell: ShellName | TestShell): TestShell {
  return typeof shell === "string" ? { kind: shell, label: shell, bin: shell } : shell;
}

function otherShells(): TestShell[] {
  const dir = join(repo, ".shells");
  const listed = process.env.CMDAI_TEST_SHELLS;
  const bins =
    listed !== undefined
      ? listed.split(":").filter(Boolean)
      : existsSync(dir)
        ? readdirSync(dir)
            .filter((d) => d.startsWith("bin-"))
            .sort()
            .flatMap((d) => shellNames.map((s) => join(dir, d, s)))
            .filter((f) => existsSync(f))
        : [];
  return bins.map((bin) => {
    const kind = basename(bin) as ShellName;
    if (!shellNames.includes(kind)) throw new Error(`CMDAI_TEST_SHELLS: ${bin} is not named zsh, bash or fish`);
    const out = Bun.spawnSync([bin, "--version"], { stderr: "ignore" }).stdout.toString();
    return { kind, label: `${kind} ${/\d+\.\d+(\.\d+)?/.exec(out)?.[0] ?? bin}`, bin };
  });
}

/** The prompt every test shell uses, so the line is whatever follows it. */
export const PS = "$ ";

const initCache = new Map<string, string>();

/** `cmdai init <shell> [args]` from the sources (or `bin`), written to a file. */
export function initScript(shell: ShellName, args: string[] = [], bin?: string): string {
  const id = [bin ?? "src", shell, ...args].join(" ");
  const cached = initCache.get(id);
  if (cached) return cached;
  const cmd = bin ? [bin, "init", shell, ...args] : [process.execPath, join(repo, "src/main.ts"), "init", shell, ...args];
  const r = Bun.spawnSync(cmd, { env: { ...process.env, CMDAI_KEY: "", XDG_CONFIG_HOME: "/nonexistent" } });
  if (r.exitCode !== 0) throw new Error(`cmdai init ${shell} failed: ${r.stderr.toString()}`);
  const dir = mkdtempSync(join(tmpdir(), "cmdai-init-"));
  const file = join(dir, `init.${shell}`);
  writeFileSync(file, r.stdout);
  initCache.set(id, file);
  return file;
}

export interface ShellOptions {
  /** Arguments for `cmdai init`, e.g. ["--key", "alt-g"]. */
  initArgs?: string[];
  /** rc lines before the init line (e.g. vi mode). */
  before?: string;
  /** rc lines after the init line. */
  after?: string;
  /** How many times the rc sources the init script. */
  sourceTimes?: number;
  env?: Record<string, string>;
  /** The cmdai binary that prints the init script (default: the sources). */
  initBin?: string;
  /** Directories put before the stand-in on PATH. */
  pathFirst?: string[];
  /** The whole PATH (no stand-in), for the end-to-end tests. */
  path?: string;
}

let counter = 0;
const socket = `cmdai-test-${process.pid}`;

export class TmuxShell {
  readonly shell: ShellName;
  readonly label: string;
  readonly bin: string;
  readonly home: string;
  readonly log: string;
  readonly name: string;

  constructor(
    shell: ShellName | TestShell,
    readonly options: ShellOptions = {},
  ) {
    const t = asTestShell(shell);
    this.shell = t.kind;
    this.label = t.label;
    this.bin = t.bin;
    this.home = mkdtempSync(join(tmpdir(), `cmdai-${this.shell}-`));
    this.log = join(this.home, "calls.log");
    this.name = `${this.shell}${++counter}`;
  }

  /** Starts the shell and waits for its first prompt. */
  async start(): Promise<this> {
    const init = initScript(this.shell, this.options.initArgs, this.options.initBin);
    const times = this.options.sourceTimes ?? 1;
    const before = this.options.before ?? "";
    const after = this.options.after ?? "";
    const h = this.home;
    let argv: string[];
    const env: Record<string, string> = {
      HOME: h,
      TERM: "screen",
      LANG: "C.UTF-8",
      PATH: this.options.path ?? [...(this.options.pathFirst ?? []), fixtures, "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
      CMDAI_STUB_LOG: this.log,
      TMPDIR: h,
      ...this.options.env,
    };
    const sources = (line: string) => Array(times).fill(line).join("\n");
    switch (this.shell) {
      case "zsh":
        writeFileSync(
          join(h, ".zshrc"),
          [
            `PS1='${PS}'`,
            "RPS1=''",
            "PROMPT_EOL_MARK=''",
            `HISTFILE=${h}/.zsh_history`,
            "HISTSIZE=100",
            "SAVEHIST=100",
            before,
            sources(`source ${init}`),
            after,
          ].join("\n"),
        );
        env.ZDOTDIR = h;
        argv = [this.bin, "-i"];
        break;
      case "bash":
        writeFileSync(
          join(h, ".bashrc"),
          [`PS1='${PS}'`, `HISTFILE=${h}/.bash_history`, before, sources(`source ${init}`), after].join("\n"),
        );
        argv = [this.bin, "--noprofile", "--rcfile", join(h, ".bashrc"), "-i"];
        break;
      case "fish":
        mkdirSync(join(h, ".config/fish"), { recursive: true });
        writeFileSync(
          join(h, ".config/fish/config.fish"),
          [
            `function fish_prompt; printf '%s' '${PS}'; end`,
            "function fish_greeting; end",
            "function fish_mode_prompt; end",
            "function fish_right_prompt; end",
            "set -g fish_autosuggestion_enabled 0",
            before,
            sources(`source ${init}`),
            after,
          ].join("\n"),
        );
        env.XDG_CONFIG_HOME = join(h, ".config");
        env.XDG_DATA_HOME = join(h, ".local/share");
        argv = [this.bin, "-i"];
        break;
    }
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    startServer();
    tmux(["new-session", "-d", "-s", this.name, "-c", h, "-x", "120", "-y", "30", "--", "env", "-i", ...envArgs, ...argv]);
    await this.until((s) => this.promptLine(s) === "", 8000, "first prompt");
    return this;
  }

  /** tmux key names: "C-g", "Enter", "Escape", "M-g". */
  keys(...keys: string[]) {
    tmux(["send-keys", "-t", this.name, ...keys]);
  }

  /** Types text literally. */
  type(text: string) {
    tmux(["send-keys", "-t", this.name, "-l", text]);
  }

  screen(): string[] {
    const out = tmux(["capture-pane", "-p", "-J", "-t", this.name]);
    const lines = out.split("\n").map((l) => l.trimEnd());
    while (lines.length && lines[lines.length - 1] === "") lines.pop();
    return lines;
  }

  /** The text after the last prompt on the screen (the line being edited). */
  promptLine(lines = this.screen()): string | undefined {
    for (let i = lines.length - 1; i >= 0; i--) {
      const l = lines[i]!;
      if (l.startsWith(PS.trimEnd())) return l.slice(PS.length);
    }
    return undefined;
  }

  async until(pred: (lines: string[]) => boolean, timeout = 5000, what = "condition"): Promise<string[]> {
    const since = Date.now();
    let lines: string[] = [];
    for (;;) {
      lines = this.screen();
      if (pred(lines)) return lines;
      if (Date.now() - since > timeout) throw new Error(`${this.label}: timed out waiting for ${what}; screen:\n${lines.join("\n")}`);
      await Bun.sleep(25);
    }
  }

  /** Waits until the edited line is exactly `text`. */
  untilLine(text: string, timeout = 5000) {
    return this.until((s) => this.promptLine(s) === text, timeout, `line ${JSON.stringify(text)}`);
  }

  /** Waits until some screen line contains `text`. */
  untilScreen(text: string, timeout = 5000) {
    return this.until((s) => s.some((l) => l.includes(text)), timeout, `screen to show ${JSON.stringify(text)}`);
  }

  /** Clears the screen (and the line) between steps. */
  async clear() {
    this.keys("C-u");
    this.type("clear");
    this.keys("Enter");
    await this.until((s) => s.length === 1 && this.promptLine(s) === "", 5000, "cleared screen");
  }

  /** The stand-in's calls, one array of arguments per call. */
  calls(): string[][] {
    let text = "";
    try {
      text = readFileSync(this.log, "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter(Boolean)
      .map((l: string) => [...l.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!));
  }

  kill() {
    try {
      tmux(["kill-session", "-t", this.name]);
    } catch {}
    rmSync(this.home, { recursive: true, force: true });
  }
}

function tmux(args: string[]): string {
  const r = Bun.spawnSync(["tmux", "-L", socket, ...args]);
  if (r.exitCode !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

let serverUp = false;
/** One tmux server per test process, kept alive by an idle session so that
 * killing the last test shell does not race with starting the next one. */
function startServer() {
  if (serverUp) return;
  tmux(["-f", "/dev/null", "new-session", "-d", "-s", "keeper", "--", "sh", "-c", "while :; do sleep 3600; done"]);
  serverUp = true;
}

/** Stops this test process's tmux server. */
export function killServer() {
  Bun.spawnSync(["tmux", "-L", socket, "kill-server"]);
  serverUp = false;
}

/** A shell, started, for one test; always killed afterwards. */
export async function withShell(
  shell: ShellName | TestShell,
  options: ShellOptions,
  body: (sh: TmuxShell) => Promise<void>,
): Promise<void> {
  const sh = new TmuxShell(shell, options);
  try {
    await sh.start();
    await body(sh);
  } finally {
    sh.kill();
  }
}
