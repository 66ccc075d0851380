import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ArgsDef, CommandDef } from "citty";
import { rootHelp, subCommandNames } from "../../src/cli/main.ts";
import { shells } from "../../src/cli/args.ts";
import { ExitCode } from "../../src/core/errors.ts";
import { catalogue } from "../../src/models/catalogue.ts";
import { initShells } from "../../src/shell/keys.ts";
import { repoRoot } from "../helpers/run.ts";

// One source for each fact: flags live in the commands' citty definitions,
// shells in src/cli/args.ts and src/shell/keys.ts, model names in the
// catalogue, exit codes in src/core/errors.ts. Everything written elsewhere
// by hand (--help, the three completion files, the README) is checked against
// them here, so a flag added in one place and forgotten in another fails.

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const completions = { bash: read("completions/cmdai.bash"), zsh: read("completions/_cmdai"), fish: read("completions/cmdai.fish") };
const readme = read("README.md");

type Def = CommandDef<ArgsDef>;
const resolve = async <T>(x: T | (() => T | Promise<T>) | Promise<T> | undefined): Promise<T | undefined> =>
  typeof x === "function" ? await (x as () => T | Promise<T>)() : await x;

/** Flag names (without dashes) of a command, with their aliases. */
async function flags(def: Def): Promise<{ name: string; alias: string[]; negatable: boolean }[]> {
  const args = ((await resolve(def.args)) ?? {}) as ArgsDef;
  return Object.entries(args)
    .filter(([, a]) => a.type !== "positional")
    .map(([name, a]) => ({
      name,
      alias: "alias" in a && a.alias ? [a.alias].flat() : [],
      // A boolean that defaults to true is written --no-NAME (citty's convention).
      negatable: a.type === "boolean" && (a as { default?: boolean }).default === true,
    }));
}

const spelled = (f: { name: string; negatable: boolean }) => (f.negatable ? `--no-${f.name}` : `--${f.name}`);
/** How each completion file writes a long flag. */
const inFile = {
  bash: (flag: string) => new RegExp(`(^|[\\s'"])${flag}([\\s'"|)]|$)`, "m"),
  zsh: (flag: string) => new RegExp(`['"{,]${flag}[\\[=,}'"]`),
  fish: (flag: string) => new RegExp(`-l ${flag.replace(/^--/, "")}\\b`),
};

async function subcommand(name: string): Promise<Def> {
  const mod = (await import(
    join(repoRoot, "src/cli/commands", name === "model" || name === "server" ? `${name}/index.ts` : `${name}.ts`)
  )) as { default: Def };
  return mod.default;
}

describe("one source for each fact", async () => {
  const generate = (await import("../../src/cli/commands/generate.ts")).default as unknown as Def;
  const generateFlags = await flags(generate);

  test("every flag of the request command is in --help, the README's options table and all three completions", () => {
    const options = readme.slice(readme.indexOf("| option | meaning |"), readme.indexOf("### Exit codes"));
    for (const f of generateFlags) {
      const flag = spelled(f);
      expect({ flag, help: rootHelp.includes(flag) }).toEqual({ flag, help: true });
      if (f.name !== "verbose" && f.name !== "input")
        expect({ flag, readme: options.includes(`\`${flag}`) || options.includes(` ${flag}`) || options.includes(`[${flag}`) }).toEqual({
          flag,
          readme: true,
        });
      for (const [shell, text] of Object.entries(completions))
        expect({ flag, shell, completed: inFile[shell as keyof typeof inFile](flag).test(text) }).toEqual({ flag, shell, completed: true });
    }
  });

  test("every subcommand is in --help, the README's usage and all three completions", () => {
    for (const name of subCommandNames) {
      expect({ name, help: new RegExp(`cmdai ${name}\\b`).test(rootHelp) }).toEqual({ name, help: true });
      expect({ name, readme: new RegExp(`^cmdai ${name}\\b`, "m").test(readme) }).toEqual({ name, readme: true });
      for (const [shell, text] of Object.entries(completions))
        expect({ name, shell, completed: text.includes(name) }).toEqual({ name, shell, completed: true });
    }
  });

  test("every flag of every subcommand (and of its actions) is in all three completions", async () => {
    for (const name of subCommandNames) {
      const def = await subcommand(name);
      const defs: Def[] = [def];
      const subs = (await resolve(def.subCommands)) as Record<string, Def | (() => Promise<Def>)> | undefined;
      for (const sub of Object.values(subs ?? {})) defs.push((await resolve(sub)) as Def);
      for (const d of defs)
        for (const f of await flags(d)) {
          if (f.name === "verbose") continue; // accepted everywhere, completed at the top level
          const flag = spelled(f);
          for (const [shell, text] of Object.entries(completions))
            expect({ name, flag, shell, completed: inFile[shell as keyof typeof inFile](flag).test(text) }).toEqual({
              name,
              flag,
              shell,
              completed: true,
            });
        }
      for (const action of Object.keys(subs ?? {})) {
        if (action === "remove") continue; // an alias of rm
        for (const [shell, text] of Object.entries(completions))
          expect({ name, action, shell, completed: text.includes(action) }).toEqual({ name, action, shell, completed: true });
      }
    }
  });

  test("the catalogue's model names and the shells are the ones the completions offer", () => {
    const names = catalogue.map((m) => m.name);
    for (const text of Object.values(completions)) {
      for (const n of names) expect(text).toContain(n);
      expect(text).toContain(shells.join(" "));
      expect(text).toContain(initShells.join(" "));
    }
    // No stale model name lingers in a completion file.
    for (const text of Object.values(completions)) for (const m of text.match(/qwen[\w.-]+/g) ?? []) expect(names).toContain(m);
  });

  test("every exit code is in the README's table and in --help", () => {
    const table = readme.slice(readme.indexOf("### Exit codes"), readme.indexOf("### Configuration"));
    const rows = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    for (const code of Object.values(ExitCode)) {
      expect({ code, readme: rows.includes(code) }).toEqual({ code, readme: true });
      expect({ code, help: new RegExp(`\\b${code} [a-z]`).test(rootHelp) }).toEqual({ code, help: true });
    }
    // The table documents no code the program does not have (70 = internal error, a bug).
    for (const code of rows) expect([...Object.values(ExitCode), 70]).toContain(code);
  });

  test("the shell runner's messages name only exit codes the program has", () => {
    const runner = read("shell/runner.sh");
    const cases = [...runner.matchAll(/^(\d+(?: \| \d+)*)\)/gm)].flatMap((m) => m[1]!.split(" | ").map(Number));
    // 124 timeout, 126/127 cannot run: the runner's own, not the helper's.
    for (const code of cases) expect([...Object.values(ExitCode), 124, 126, 127]).toContain(code);
  });
});
