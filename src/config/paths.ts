// Where cmdai keeps things: the XDG config, cache and state folders.
import { homedir } from "node:os";
import { join } from "node:path";

// XDG base directories, with the spec's defaults when unset or relative.
function xdg(name: string, fallback: string): string {
  const value = process.env[name];
  return value?.startsWith("/") ? value : join(homedir(), fallback);
}

export const configDir = () => join(xdg("XDG_CONFIG_HOME", ".config"), "cmdai");
export const configFile = () => join(configDir(), "config.toml");
export const cacheDir = () => join(xdg("XDG_CACHE_HOME", ".cache"), "cmdai");
export const stateDir = () => join(xdg("XDG_STATE_HOME", ".local/state"), "cmdai");

/**
 * `~`, `~/x`, `$HOME/x` and `${HOME}/x` with the home folder put in, as a shell
 * would; anything else unchanged. (Config values and environment variables are
 * not expanded by anyone else: `model_dir = "~/models"` must not mean ./~/models.)
 */
export function expandHome(value: string, home = process.env.HOME || homedir()): string {
  const m = /^(?:~|\$HOME|\$\{HOME\})(?=\/|$)/.exec(value);
  return m ? home.replace(/\/+$/, "") + value.slice(m[0].length) || "/" : value;
}
