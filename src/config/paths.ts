import { homedir } from "node:os";
import { join } from "node:path";

// XDG base directories, with the spec's defaults when unset or relative.
function xdg(name: string, fallback: string): string {
  const value = process.env[name];
  return value && value.startsWith("/") ? value : join(homedir(), fallback);
}

export const configDir = () => join(xdg("XDG_CONFIG_HOME", ".config"), "cmdai");
export const configFile = () => join(configDir(), "config.toml");
export const cacheDir = () => join(xdg("XDG_CACHE_HOME", ".cache"), "cmdai");
export const stateDir = () => join(xdg("XDG_STATE_HOME", ".local/state"), "cmdai");
