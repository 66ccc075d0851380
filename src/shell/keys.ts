// The key for the shell integration is written one way everywhere (flag, env,
// config): "ctrl-g", "alt-g". Each shell's line editor spells it differently;
// `cmdai init` converts. Pure functions, no I/O.

export const initShells = ["zsh", "bash", "fish"] as const;
export type InitShell = (typeof initShells)[number];

export const defaultKey = "ctrl-g";

export interface Key {
  mod: "ctrl" | "alt";
  letter: string;
}

// Control keys the terminal or the line editor already needs for something a
// binding would break (the tty turns Ctrl-C into SIGINT; Ctrl-I is Tab, Ctrl-J
// and Ctrl-M are Enter).
const reserved: Record<string, string> = {
  "ctrl-c": "it interrupts",
  "ctrl-i": "it is Tab",
  "ctrl-j": "it is Enter",
  "ctrl-m": "it is Enter",
};

/** Parses "ctrl-g" / "alt-g"; throws an Error whose message says what is wrong. */
export function parseKey(raw: string): Key {
  const key = raw.trim().toLowerCase();
  const m = /^(ctrl|alt)-([a-z])$/.exec(key);
  if (!m) throw new Error(`key must look like "ctrl-g" or "alt-g", got ${JSON.stringify(raw)}`);
  if (key in reserved) throw new Error(`key ${key} cannot be used: ${reserved[key]}`);
  return { mod: m[1] as Key["mod"], letter: m[2]! };
}

/** The key as the shell's bind command writes it. */
export function keySequence(shell: InitShell, key: Key): string {
  const { mod, letter } = key;
  switch (shell) {
    case "zsh":
      return mod === "ctrl" ? `^${letter.toUpperCase()}` : `^[${letter}`;
    case "bash":
      return mod === "ctrl" ? `\\C-${letter}` : `\\e${letter}`;
    case "fish":
      // fish 3 syntax; fish 4 still reads these escapes.
      return mod === "ctrl" ? `\\c${letter}` : `\\e${letter}`;
  }
}

/** How messages name the key: "Ctrl-G", "Alt-G". */
export const keyLabel = (key: Key) => `${key.mod === "ctrl" ? "Ctrl" : "Alt"}-${key.letter.toUpperCase()}`;

/** A single-quoted word for the shell: the value is never expanded. */
export function quote(shell: InitShell, value: string): string {
  if (shell === "fish") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface InitOptions {
  shell: InitShell;
  key: Key;
  /** false: define the widget (cmdai-widget) but bind no key. */
  bind: boolean;
  /** shell/runner.sh */
  runner: string;
  /** shell/cmdai.<shell> */
  script: string;
}

/** The runner without its comment and blank lines: it is passed to `sh -c` on each key press. */
export const stripComments = (script: string) =>
  script
    .split("\n")
    .filter((line) => !/^\s*(#|$)/.test(line))
    .join("\n");

/** The text `cmdai init <shell>` prints: variables, the static script, the rc line. */
export function renderInit(o: InitOptions): string {
  const q = (v: string) => quote(o.shell, v);
  const vars: [string, string][] = [
    // fish reads the escape (\cg) when it parses the word, so it stays unquoted
    // there; the sequence is always one of the fixed, safe forms above.
    ["__cmdai_key", o.shell === "fish" ? keySequence(o.shell, o.key) : q(keySequence(o.shell, o.key))],
    ["__cmdai_key_name", q(keyLabel(o.key))],
    ["__cmdai_nobind", o.bind ? "0" : "1"],
    ["__cmdai_runner", q(stripComments(o.runner))],
  ];
  const set = o.shell === "fish" ? vars.map(([n, v]) => `set -g ${n} ${v}`) : vars.map(([n, v]) => `${n}=${v}`);
  const rc = o.shell === "fish" ? "cmdai init fish | source" : `eval "$(cmdai init ${o.shell})"`;
  return [`# cmdai shell integration for ${o.shell}. Set up with:  ${rc}`, ...set, o.script.trimEnd(), `# ${rc}`, ""].join("\n");
}
