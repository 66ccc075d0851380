// `cmdai init zsh|bash|fish`: prints the shell integration (the widget, the runner, the key binding).
import type { CommandDef } from "citty";
import { existsSync } from "node:fs";
import { usageError } from "../../core/errors.ts";
import { defaultKey, initShells, parseKey, renderInit, type InitShell, type Key } from "../../shell/keys.ts";
import runner from "../../../shell/runner.sh" with { type: "text" };
import zsh from "../../../shell/cmdai.zsh" with { type: "text" };
import bash from "../../../shell/cmdai.bash" with { type: "text" };
import fish from "../../../shell/cmdai.fish" with { type: "text" };
import { writeOut } from "../io.ts";

// `cmdai init zsh|bash|fish` runs in every new shell: it reads no model and,
// unless neither --key nor CMDAI_KEY is given, not even the config file.
const scripts: Record<InitShell, string> = { zsh, bash, fish };

// A plain object, not defineCommand(): importing citty costs the bare form its fast path.
export default {
  meta: { name: "init", description: "Print the shell integration (eval it in your rc file)" },
  args: {
    shell: { type: "positional", required: false, description: "zsh, bash or fish" },
    key: { type: "string", description: 'Key to bind, like "ctrl-g" or "alt-g" (env CMDAI_KEY, config key)' },
    bind: { type: "boolean", default: true, description: "Bind the key (--no-bind only defines cmdai-widget)" },
  },
  run: ({ args }) => printInit(args.shell as string | undefined, args.key as string | undefined, args.bind !== false),
} satisfies CommandDef<any>;

/** Prints the integration; also called directly for a bare `cmdai init <shell>` (see main.ts). */
export async function printInit(shell: string | undefined, keyFlag?: string, bind = true): Promise<number> {
  if (!shell || !(initShells as readonly string[]).includes(shell))
    throw usageError(
      `init needs a shell: ${initShells.join(", ")}${shell ? `, got ${JSON.stringify(shell)}` : ""}` + ` (e.g. eval "$(cmdai init zsh)")`,
    );
  const key = await effectiveKey(keyFlag);
  writeOut(renderInit({ shell: shell as InitShell, key, bind, runner, script: scripts[shell as InitShell] }));
  return 0;
}

/**
 * flag > CMDAI_KEY > config `key` > ctrl-g. A bad --key is a usage error; a bad
 * key in the environment or the config file, or a config file that does not
 * parse, only warns: the shell still starts with a working integration.
 */
async function effectiveKey(flag: string | undefined): Promise<Key> {
  if (flag !== undefined) {
    try {
      return parseKey(flag);
    } catch (e) {
      throw usageError(`--key: ${(e as Error).message}`);
    }
  }
  const fallback = async (where: string, e: unknown) => {
    const { logger } = await import("../logger.ts");
    logger.warn(`${where}: ${(e as Error).message}; using ${defaultKey}`);
    return parseKey(defaultKey);
  };
  const env = process.env.CMDAI_KEY;
  if (env) {
    try {
      return parseKey(env);
    } catch (e) {
      return fallback("CMDAI_KEY", e);
    }
  }
  // Most users have no config file: then skip loading the TOML parser.
  const { configFile } = await import("../../config/paths.ts");
  if (!existsSync(configFile())) return parseKey(defaultKey);
  let configured: string;
  try {
    const { resolveSettings } = await import("../../config/config.ts");
    configured = resolveSettings().settings.key;
  } catch (e) {
    return fallback("config", e);
  }
  try {
    return parseKey(configured);
  } catch (e) {
    return fallback("config key", e);
  }
}
