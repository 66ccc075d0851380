import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { defaultModelName, findModel } from "../models/catalogue.ts";
import { cacheDir, configFile } from "./paths.ts";

export const levels = ["strict", "moderate", "permissive"] as const;
export type Level = (typeof levels)[number];

export interface Settings {
  /** A catalogue name or a path to a GGUF file. */
  model: string;
  level: Level;
  key: string;
  model_dir: string;
  /** 0 = choose automatically (physical cores, fewer for tiny models). */
  threads: number;
  /** Safety rule packs switched off, comma-separated (`cloud,containers`); in TOML also a list. */
  safety_packs_off?: string;
}
export type SettingName = keyof Settings;
export type Source = "default" | "config" | "env" | "flag";

export interface Resolved {
  settings: Settings;
  source: Record<SettingName, Source>;
  file: string;
  fileExists: boolean;
}

const envNames: Record<SettingName, string> = {
  model: "CMDAI_MODEL",
  level: "CMDAI_LEVEL",
  key: "CMDAI_KEY",
  model_dir: "CMDAI_MODEL_DIR",
  threads: "CMDAI_THREADS",
  safety_packs_off: "CMDAI_SAFETY_PACKS_OFF",
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
    safety_packs_off: "",
  };
}

/** Checks one value from any source; the message names where it came from. */
function validate(name: SettingName, raw: unknown, where: string): Settings[SettingName] {
  const bad = (want: string) =>
    new CmdaiError(`${where}: ${name} must be ${want}, got ${JSON.stringify(raw)}`, ExitCode.usage);
  switch (name) {
    case "level":
      if (typeof raw !== "string" || !(levels as readonly string[]).includes(raw))
        throw bad(`one of ${levels.join(", ")}`);
      return raw as Level;
    case "threads": {
      const n = typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 512) throw bad("a whole number from 0 to 512");
      return n;
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
    default:
      if (typeof raw !== "string" || raw.trim() === "") throw bad("a non-empty string");
      return raw;
  }
}

function readFile(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CmdaiError(`cannot read ${file}: ${(e as Error).message}`, ExitCode.usage);
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0];
    throw new CmdaiError(`${file} is not valid TOML: ${first}`, ExitCode.usage);
  }
}

/**
 * Effective settings: defaults < config file < environment < flags.
 * Unknown keys in the file are reported through `warn`, not fatal, so a newer
 * config does not break an older binary.
 */
export function resolveSettings(
  flags: Partial<Record<SettingName, unknown>> = {},
  warn: (message: string) => void = () => {},
): Resolved {
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
    const value = process.env[envNames[name]];
    if (value !== undefined && value !== "") {
      settings[name] = validate(name, value, envNames[name]);
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
