// Flag definitions and argv helpers the commands share: unknown flags and extra words are usage errors.
import type { ArgsDef } from "citty";
import { usageError } from "../core/errors.ts";

// Flags shared by several commands.
export const jsonArg = {
  json: { type: "boolean", description: "Print one JSON object (for scripts)" },
} as const satisfies ArgsDef;

export const verboseArg = {
  verbose: { type: "boolean", description: "Show details and stack traces on errors" },
} as const satisfies ArgsDef;

import { shells } from "../prompt/prompt.ts";

export { shells };
export type Shell = (typeof shells)[number];

/** The user's shell from $SHELL, falling back to POSIX sh. */
export function shellFromEnv(): Shell {
  const name = (process.env.SHELL ?? "").split("/").pop() ?? "";
  return (shells as readonly string[]).includes(name) ? (name as Shell) : "sh";
}

/**
 * citty accepts any flag silently; a typo like `--modle` must instead be a
 * usage error (exit 2), so every flag is checked against the command's args.
 */
export function rejectUnknownFlags(rawArgs: string[], def: ArgsDef) {
  const known = new Map<string, boolean>(); // name -> takes a value
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") continue;
    const takesValue = arg.type === "string" || arg.type === "enum";
    const alias = "alias" in arg ? arg.alias : undefined;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    for (const n of [name, ...aliases]) {
      known.set(n, takesValue);
      if (arg.type === "boolean") known.set(`no-${n}`, false);
    }
  }
  known.set("help", false).set("h", false);
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") continue;
    const [name, inline] = arg.replace(/^--?/, "").split(/=(.*)/s, 2) as [string, string | undefined];
    const takesValue = known.get(name);
    if (takesValue === undefined) throw usageError(`unknown option ${arg.split("=")[0]} (see --help)`);
    if (takesValue && inline === undefined) {
      const next = rawArgs[i + 1];
      if (next === undefined || next === "--") throw usageError(`option --${name} needs a value`);
      i++;
    }
  }
}

/** Values for an enum flag, checked here so the message is ours, not citty's. */
export function oneOf<T extends string>(value: unknown, options: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (options as readonly string[]).includes(value)) return value as T;
  throw usageError(`${flag} must be one of ${options.join(", ")}; got ${JSON.stringify(value)}`);
}

/**
 * Flags as citty would parse them, for a command whose flags were already
 * checked by rejectUnknownFlags: `--name value`, `--name=value`, `-m value`,
 * `--no-name`, `--` ending the flags; other words are positional (`_`).
 */
export function parseFlags(rawArgs: string[], def: ArgsDef): Record<string, unknown> & { _: string[] } {
  const out: Record<string, unknown> & { _: string[] } = { _: [] };
  const byName = new Map<string, [string, ArgsDef[string]]>();
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") continue;
    if (arg.type === "boolean" && "default" in arg && arg.default !== undefined) out[name] = arg.default;
    const alias = "alias" in arg ? arg.alias : undefined;
    for (const n of [name, ...(alias === undefined ? [] : [alias].flat())]) byName.set(n, [name, arg]);
  }
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") {
      out._.push(...rawArgs.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out._.push(arg);
      continue;
    }
    const [flag, inline] = arg.replace(/^--?/, "").split(/=(.*)/s, 2) as [string, string | undefined];
    const negated = flag.startsWith("no-") && !byName.has(flag) ? byName.get(flag.slice(3)) : undefined;
    if (negated) {
      out[negated[0]] = false;
      continue;
    }
    const known = byName.get(flag);
    if (!known) continue; // help flags, handled before
    const [name, def_] = known;
    if (def_.type === "boolean") out[name] = inline === undefined ? true : inline !== "false";
    else out[name] = inline ?? rawArgs[++i];
  }
  return out;
}

/** citty accepts extra words silently; a command that takes at most `max` is a usage error beyond them. */
export function rejectExtraWords(words: readonly string[], max: number, command: string) {
  if (words.length > max)
    throw usageError(
      `unexpected argument${words.length - max > 1 ? "s" : ""} ${words
        .slice(max)
        .map((w) => JSON.stringify(w))
        .join(" ")} (see: ${command} --help)`,
    );
}
