import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { usageError } from "../core/errors.ts";
import { formatKeepAlive, type Resolved } from "./config.ts";

// Where a remote backend sends its requests, with which model and key, and
// where each of those came from. The variables are the ones users already
// have: OPENAI_BASE_URL (the OpenAI SDKs) or OPENAI_API_BASE (aider, LiteLLM),
// OPENAI_API_KEY, OLLAMA_HOST. Nothing here contacts a server.

export const defaultOpenAIBase = "https://api.openai.com/v1";
export const defaultOllamaHost = "http://127.0.0.1:11434";
/** The shell scripts' default wait (CMDAI_TIMEOUT), used for the whole request too. */
export const defaultTimeoutS = 120;

export interface RemoteKey {
  /** Where the key is configured, for messages: "env OPENAI_API_KEY", "api_key_command", a file path. */
  source: string;
  /** The only base URL this key is sent to. */
  boundTo: string;
  /** The key itself (runs api_key_command or reads the file). Never printed. */
  read(): string;
}

export interface RemoteTarget {
  backend: "openai" | "ollama";
  /** Base URL without a trailing slash, e.g. http://gpu:8080/v1 or http://127.0.0.1:11434. */
  url: string;
  urlSource: string;
  /** The server's model, when the user named one (else: asked from the server). */
  model?: string;
  modelSource: string;
  /** The key configured for exactly this base URL, if any. */
  key?: RemoteKey;
  /** Keys configured for other base URLs: never sent here, named in a 401 message. */
  heldBack: RemoteKey[];
  /** The whole request's limit in ms (CMDAI_TIMEOUT); 0 = none. */
  timeoutMs: number;
  /** Ollama's keep_alive, when CMDAI_KEEP_ALIVE or the config sets one. */
  keepAlive?: string | number;
}

const sourceText = (s: string, env?: string) =>
  s === "env" ? `env ${env}` : s === "config" ? "config file" : s === "flag" ? "--model" : s;

/** A base URL as written by the user, checked, without trailing slashes. */
export function normaliseBase(raw: string, where: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${where}: not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`${where}: must be an http:// or https:// URL, got ${JSON.stringify(raw)}`);
  if (url.username || url.password) throw usageError(`${where}: put no credentials in the URL; use OPENAI_API_KEY or api_key_command`);
  url.search = "";
  url.hash = "";
  return url.href.replace(/\/+$/, "");
}

/**
 * OLLAMA_HOST as Ollama's own client reads it: `host`, `host:port`, or a URL;
 * the scheme defaults to http and the port to 11434 (80/443 with a scheme).
 */
export function ollamaBase(raw: string): string {
  let rest = raw.trim();
  let scheme = "http";
  let port = "11434";
  const sep = rest.indexOf("://");
  if (sep >= 0) {
    scheme = rest.slice(0, sep).toLowerCase();
    rest = rest.slice(sep + 3);
    port = scheme === "https" ? "443" : "80";
  }
  const slash = rest.indexOf("/");
  const path = slash >= 0 ? rest.slice(slash) : "";
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(hostPort);
  if (!m) throw usageError(`OLLAMA_HOST: not a host: ${JSON.stringify(raw)}`);
  return normaliseBase(`${scheme}://${m[1] || "127.0.0.1"}:${m[2] ?? port}${path}`, "OLLAMA_HOST");
}

/** CMDAI_TIMEOUT in ms: seconds, as the shell scripts read it (0 = wait forever). */
export function timeoutMs(env = process.env): number {
  const raw = env.CMDAI_TIMEOUT?.trim();
  if (!raw) return defaultTimeoutS * 1000;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw usageError(`CMDAI_TIMEOUT must be a number of seconds (0 = no limit), got ${JSON.stringify(raw)}`);
  return Math.round(Number(raw) * 1000);
}

const expandHome = (path: string) => (path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path);

function commandKey(command: string): string {
  const r = Bun.spawnSync(["/bin/sh", "-c", command], { stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: 30_000 });
  const key = r.stdout.toString().trim();
  if (r.exitCode !== 0 || !key) {
    const why =
      r.stderr.toString().trim().split("\n")[0] || (r.exitCode === 0 ? "it printed nothing" : `exit status ${r.exitCode ?? "killed"}`);
    throw usageError(`api_key_command failed: ${why}`);
  }
  return key.split("\n")[0]!.trim();
}

/** A key file is refused, as ssh refuses a private key, unless only its owner can read it. */
function fileKey(path: string): string {
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077)
    throw usageError(
      `${path} is readable by others (mode ${mode.toString(8).padStart(4, "0")}): the API key is not used; run: chmod 600 ${path}`,
    );
  const key = readFileSync(path, "utf8").trim().split("\n")[0]!.trim();
  if (!key) throw usageError(`${path} is empty: write the API key in it, or delete it`);
  return key;
}

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The remote backend's target; throws a usage error for malformed values. */
export function resolveRemote(resolved: Resolved, env = process.env): RemoteTarget {
  const { settings, source } = resolved;
  const backend = settings.backend === "ollama" ? "ollama" : "openai";
  const configBase = settings.base_url ? normaliseBase(settings.base_url, "base_url") : undefined;
  let url: string;
  let urlSource: string;
  let envBase: string | undefined;
  if (backend === "openai") {
    const name = env.OPENAI_BASE_URL ? "OPENAI_BASE_URL" : env.OPENAI_API_BASE ? "OPENAI_API_BASE" : undefined;
    envBase = name ? normaliseBase(env[name]!, name) : undefined;
    [url, urlSource] = envBase ? [envBase, `env ${name}`] : configBase ? [configBase, "config file"] : [defaultOpenAIBase, "default"];
  } else {
    envBase = env.OLLAMA_HOST ? ollamaBase(env.OLLAMA_HOST) : undefined;
    [url, urlSource] = envBase ? [envBase, "env OLLAMA_HOST"] : configBase ? [configBase, "config file"] : [defaultOllamaHost, "default"];
  }

  // A key belongs to the base URL it was configured with: the environment's
  // key to the environment's URL (the SDKs' pairing), the config file's key to
  // the config file's URL; either defaults to OpenAI's own. A key for OpenAI
  // never goes to a server named elsewhere, nor one for that server to OpenAI.
  const keys: RemoteKey[] = [];
  if (backend === "openai") {
    const envKey = env.OPENAI_API_KEY?.trim();
    if (envKey) keys.push({ source: "env OPENAI_API_KEY", boundTo: envBase ?? defaultOpenAIBase, read: () => envKey });
    const configBound = configBase ?? defaultOpenAIBase;
    const command = settings.api_key_command.trim();
    if (command) keys.push({ source: "api_key_command", boundTo: configBound, read: () => commandKey(command) });
    const file = expandHome(settings.api_key_file);
    if (file && isFile(file)) keys.push({ source: file, boundTo: configBound, read: () => fileKey(file) });
  }
  const key = keys.find((k) => k.boundTo === url);

  const named = source.model !== "default";
  const keepAlive =
    backend === "ollama" && source.keep_alive !== "default"
      ? settings.keep_alive < 0
        ? -1
        : formatKeepAlive(settings.keep_alive)
      : undefined;
  return {
    backend,
    url,
    urlSource,
    ...(named ? { model: settings.model } : {}),
    modelSource: named ? sourceText(source.model, "CMDAI_MODEL") : backend === "openai" ? "asked from the server" : "none",
    ...(key ? { key } : {}),
    heldBack: keys.filter((k) => k !== key),
    timeoutMs: timeoutMs(env),
    ...(keepAlive !== undefined ? { keepAlive } : {}),
  };
}
