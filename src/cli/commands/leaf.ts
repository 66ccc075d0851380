// The shape of an action under `cmdai model` or `cmdai server`: its flags checked, settings resolved, its exit code kept.
import { defineCommand, type ArgsDef, type CommandDef } from "citty";
import { jsonArg, rejectExtraWords, rejectUnknownFlags, verboseArg } from "../args.ts";
import { logger, setVerbose } from "../logger.ts";
import { resolveSettings, type Settings } from "../../config/config.ts";
import { writeOut } from "../io.ts";

// citty drops a nested command's return value, so each leaf records its exit
// code here and `model` (the parent, whose run follows the leaf's) returns it.
let leafExit: number | undefined;
export const takeLeafExit = () => {
  const code = leafExit;
  leafExit = undefined;
  return code;
};

export const commonArgs = { ...jsonArg, ...verboseArg } as const satisfies ArgsDef;

export interface LeafContext<A> {
  args: A;
  settings: Settings;
}

/** A `model` or `server` action: checks its flags and words, resolves settings, records its exit code. */
export function leaf<const A extends ArgsDef>(def: {
  /** The command it belongs to. */
  parent?: "model" | "server";
  name: string;
  description: string;
  args: A;
  run: (ctx: LeafContext<Record<string, any>>) => Promise<number | void> | number | void;
}): CommandDef<A> {
  return defineCommand({
    meta: { name: def.name, description: def.description },
    args: def.args,
    async run({ args, rawArgs }) {
      rejectUnknownFlags(rawArgs, def.args);
      const positionals = Object.values(def.args).filter((a) => a.type === "positional").length;
      rejectExtraWords((args._ as string[]).slice(positionals), 0, `cmdai ${def.parent ?? "model"} ${def.name}`);
      if (args.verbose) setVerbose(true);
      const { settings } = resolveSettings({}, (m) => logger.warn(m));
      leafExit = (await def.run({ args: args as Record<string, any>, settings })) ?? 0;
      return leafExit;
    },
  });
}

export const out = (text: string) => writeOut(text.endsWith("\n") ? text : text + "\n");
export const outJson = (value: unknown) => writeOut(JSON.stringify(value) + "\n");
