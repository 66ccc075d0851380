import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { fsError } from "../core/fs-errors.ts";
import { defaultModelName, findModel } from "../models/catalogue.ts";
import { cacheDir, configDir, configFile, expandHome } from "./paths.ts";

export const levels = ["strict", "moderate", "permissive"] as const;
export type Level = (typeof levels)[number];
export const backends = ["local", "openai", "ollama"] as const;
export type BackendName = (typeof backends)[number];

export interface Settings {
  /** A catalogue name or a path to a GGUF file. */
  model: string;
  level: Level;
  key: string;
  model_dir: string;
  /** 0 = choose automatically (physical cores, fewer for tiny models). */
  threads: number;
  /** Generate through the resident server (`cmdai serve`), started on demand. */
  server: boolean;
  /** How long the server keeps a model loaded after a request, in ms; -1 = forever. */
  keep_alive: number;
  /** Safety rule packs switched off, comma-separated (`cloud,containers`); in TOML also a list. */
  safety_packs_off?: string;
  /** Where the model runs: in this machine (local), or on an OpenAI-compatible or Ollama server. */
  backend: BackendName;
  /** The remote server's base URL ("" = the backend's default; the environment's OPENAI_BASE_URL etc. win, see config/remote.ts). */
  base_url: string;
  /** A command that prints the API key (a password manager), for the base URL configured here. */
  api_key_command: string;
  /** A file holding the API key; it must be private (0600), as ssh wants its keys. */
  api_key_file: string;
}
export type SettingName = keyof Settings;
export type Source = "default" | "config" | "env" | "flag";

export interface Resolved {
  settings: Settings;
  source: Record<SettingName, Source>;
  file: string;
  fileExists: boolean;
}

// Settings without a variable of their own: the remote server's address and
// key come from the variables other tools use too (config/remote.ts).
const envNames: Record<SettingName, string | undefined> = {
  model: "CMDAI_MODEL",
  level: "CMDAI_LEVEL",
  key: "CMDAI_KEY",
  model_dir: "CMDAI_MODEL_DIR",
  threads: "CMDAI_THREADS",
  server: "CMDAI_SERVER",
  keep_alive: "CMDAI_KEEP_ALIVE",
  safety_packs_off: "CMDAI_SAFETY_PACKS_OFF",
  backend: "CMDAI_BACKEND",
  base_url: undefined,
  api_key_command: undefined,
  api_key_file: undefined,
};
export const settingNames = Object.keys(envNames) as SettingName[];
export const envName = (name: SettingName) => envNames[name];

function defaults(): Settings {
  return {
    model: defaultModelName,
    level: "moderate",
    key: "ctrl-g",
    model_dir: join(cacheDir(), "models"),
    threads: 0,
    server: true,
    keep_alive: defaultKeepAliveMs,
    safety_packs_off: "",
    backend: "local",
    base_url: "",
    api_key_command: "",
    api_key_file: join(configDir(), "api_key"),
  };
}

// Ollama's default: a model stays loaded five minutes after its last request.
export const defaultKeepAliveMs = 5 * 60_000;

/**
 * A keep-alive duration as Ollama takes it: `30s`, `10m`, `1h`, `1h30m`, a
 * bare number of seconds, `0` (unload right after answering) or any negative
 * value (never). Returns milliseconds, -1 for never, undefined when invalid.
 */
export function parseDuration(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? (raw < 0 ? -1 : Math.round(raw * 1000)) : undefined;
  if (typeof raw !== "string") return undefined;
  const text = raw.trim().toLowerCase();
  if (/^-\d+(\.\d+)?[smh]?$/.test(text)) return -1;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(text);
  if (!parts || text === "") return undefined;
  const [, h = "0", m = "0", sec = "0", ms = "0"] = parts;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(sec)) * 1000 + Number(ms);
}

/** A keep-alive setting as written in config and flags (parseDuration's inverse): 300000 → "5m", -1 → "forever". */
export function formatKeepAlive(ms: number): string {
  if (ms < 0) return "forever";
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Checks one value from any source; the message names where it came from. */
function validate(name: SettingName, raw: unknown, where: string): Settings[SettingName] {
  const bad = (want: string) => new CmdaiError(`${where}: ${name} must be ${want}, got ${JSON.stringify(raw)}`, ExitCode.usage);
  switch (name) {
    case "level":
      if (typeof raw !== "string" || !(levels as readonly string[]).includes(raw)) throw bad(`one of ${levels.join(", ")}`);
      return raw as Level;
    case "backend":
      if (typeof raw !== "string" || !(backends as readonly string[]).includes(raw.trim().toLowerCase()))
        throw bad(`one of ${backends.join(", ")}`);
      return raw.trim().toLowerCase() as BackendName;
    case "base_url":
      if (typeof raw !== "string" || !/^https?:\/\/[^\s/]/i.test(raw.trim())) throw bad("an http:// or https:// URL");
      return raw.trim();
    case "threads": {
      const n = typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 512) throw bad("a whole number from 0 to 512");
      return n;
    }
    case "server": {
      if (typeof raw === "boolean") return raw;
      const text = typeof raw === "string" ? raw.trim().toLowerCase() : "";
      if (["1", "true", "yes", "on"].includes(text)) return true;
      if (["0", "false", "no", "off"].includes(text)) return false;
      throw bad("true or false (1 or 0)");
    }
    case "keep_alive": {
      const ms = parseDuration(raw);
      if (ms === undefined) throw bad('a duration like "30s", "10m", "0" or "-1"');
      return ms;
    }
    case "safety_packs_off": {
      const list = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(",") : undefined;
      const names = list?.map((x) => (typeof x === "string" ? x.trim() : "")).filter((x) => x !== "");
      if (!names || !list!.every((x) => typeof x === "string") || !names.every((x) => /^[a-z][a-z0-9-]*$/.test(x)))
        throw bad('a list of pack names, e.g. ["cloud", "containers"]');
      return names.join(",");
    }
    case "key":
      if (typeof raw !== "string" || !/^(ctrl|alt)-[a-z]$/i.test(raw)) throw bad('a key like "ctrl-g" or "alt-g"');
      return raw.toLowerCase();
    case "model_dir": {
      if (typeof raw !== "string" || raw.trim() === "") throw bad("a non-empty string");
      const dir = expandHome(raw);
      // A relative folder would change with the current directory: models
      // pulled in one place would be missing everywhere else.
      if (!isAbsolute(dir))
        throw new CmdaiError(
          `${where}: model_dir must be an absolute folder (or start with ~/), got ${JSON.stringify(raw)}`,
          ExitCode.usage,
        );
      return dir;
    }
    default:
      if (typeof raw !== "string" || raw.trim() === "") throw bad("a non-empty string");
      return name === "model" ? expandHome(raw) : raw;
  }
}

function readFile(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw (
      fsError(e, () => "check its permissions, or set XDG_CONFIG_HOME to another folder") ??
      new CmdaiError(`cannot read ${file}: ${(e as Error).message}`, ExitCode.usage)
    );
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const first = String((e as Error).message)
      .split("\n")[0]!
      .replace(/^Invalid TOML document: /, "");
    const { line, column } = e as { line?: number; column?: number };
    const at = line ? `:${line}${column ? `:${column}` : ""}` : "";
    throw new CmdaiError(`${file}${at}: not valid TOML: ${first}`, ExitCode.usage);
  }
}

/**
 * Effective settings: defaults < config file < environment < flags.
 * Unknown keys in the file are reported through `warn`, not fatal, so a newer
 * config does not break an older binary.
 */
export function resolveSettings(flags: Partial<Record<SettingName, unknown>> = {}, warn: (message: string) => void = () => {}): Resolved {
  const settings = defaults() as unknown as Record<SettingName, unknown>;
  const source = Object.fromEntries(settingNames.map((n) => [n, "default"])) as Record<SettingName, Source>;
  const file = configFile();
  const data = readFile(file);
  if (data) {
    for (const [key, value] of Object.entries(data)) {
      if (!(settingNames as string[]).includes(key)) {
        warn(`${file}: unknown setting "${key}" ignored`);
        continue;
      }
      settings[key as SettingName] = validate(key as SettingName, value, file);
      source[key as SettingName] = "config";
    }
  }
  for (const name of settingNames) {
    const variable = envNames[name];
    const value = variable === undefined ? undefined : process.env[variable];
    if (value !== undefined && value !== "") {
      settings[name] = validate(name, value, variable!);
      source[name] = "env";
    }
  }
  for (const name of settingNames) {
    const value = flags[name];
    if (value !== undefined && value !== "") {
      settings[name] = validate(name, value, `--${name.replace("_", "-")}`);
      source[name] = "flag";
    }
  }
  return { settings: settings as unknown as Settings, source, file, fileExists: data !== undefined };
}

/** The safety packs switched off, as a list. */
export const packsOff = (settings: Settings): string[] => (settings.safety_packs_off ?? "").split(",").filter((x) => x !== "");

/** Where the configured model lives: a catalogue name maps into model_dir. */
export function modelPath(settings: Settings): { path: string; catalogueName?: string } {
  const entry = findModel(settings.model);
  if (entry) return { path: join(settings.model_dir, entry.file), catalogueName: entry.name };
  return { path: settings.model };
}
