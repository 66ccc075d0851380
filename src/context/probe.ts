// The machine facts the prompt names (OS, userland, notable tools), probed once and cached until PATH changes.
import { mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { writeFileAtomic } from "../core/atomic-write.ts";
import { platform, arch } from "node:os";
import { join } from "node:path";

/** Facts about the machine the command is written for (stable between runs). */
export interface MachineContext {
  os: "Linux" | "macOS" | "FreeBSD" | "other";
  distro?: string;
  arch: string;
  /** Which flavour of ls/sed/find/date the user has: flags differ between them. */
  userland: "GNU" | "BSD" | "busybox";
  /** Notable tools found on PATH (fd, rg, jq, ...). */
  tools: string[];
}

// Tools whose presence changes what the best command is. Near-universal ones
// (git, curl, python3, ...) are left out: each name costs prompt tokens.
export const probedTools = [
  "fd",
  "fdfind",
  "rg",
  "jq",
  "yq",
  "fzf",
  "bat",
  "eza",
  "tree",
  "rsync",
  "7z",
  "ffmpeg",
  "convert",
  "magick",
  "docker",
  "podman",
  "kubectl",
  "systemctl",
  "brew",
  "apt",
  "dnf",
  "pacman",
  "apk",
  "gsed",
  "gawk",
  "gfind",
  "pv",
  "parallel",
  "xclip",
  "wl-copy",
  "pbcopy",
] as const;

const osName = (p: string): MachineContext["os"] =>
  p === "linux" ? "Linux" : p === "darwin" ? "macOS" : p === "freebsd" ? "FreeBSD" : "other";

const pathDirs = (path: string) => [...new Set(path.split(":").filter((d) => d.startsWith("/")))];

function isExecutable(file: string): boolean {
  try {
    const s = statSync(file);
    return s.isFile() && (s.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function which(name: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const file = join(dir, name);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

function detectUserland(os: MachineContext["os"], dirs: string[]): MachineContext["userland"] {
  const ls = which("ls", dirs);
  let real = "";
  try {
    real = ls ? realpathSync(ls) : "";
  } catch {}
  if (/busybox|toybox/.test(real)) return "busybox";
  if (os === "Linux") return "GNU";
  // macOS and the BSDs, unless GNU coreutils come first on PATH (gnubin).
  return /coreutils|gnubin/.test(real) ? "GNU" : "BSD";
}

function detectDistro(os: MachineContext["os"]): string | undefined {
  if (os !== "Linux") return undefined;
  try {
    const text = readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/** Probes the machine from scratch: a few dozen stat calls. */
export function probeMachine(path = process.env.PATH ?? ""): MachineContext {
  const dirs = pathDirs(path);
  const os = osName(platform());
  const distro = detectDistro(os);
  return {
    os,
    ...(distro ? { distro } : {}),
    arch: arch(),
    userland: detectUserland(os, dirs),
    tools: probedTools.filter((t) => which(t, dirs) !== undefined),
  };
}

/**
 * What the cache is valid for: the PATH and each PATH folder's mtime, which
 * changes when a program is installed into or removed from it.
 */
export function cacheKey(path: string): string {
  const parts = [platform(), arch(), path];
  for (const dir of pathDirs(path)) {
    try {
      parts.push(String(statSync(dir).mtimeMs));
    } catch {
      parts.push("-");
    }
  }
  return Bun.hash(parts.join("\0")).toString(36);
}

/** The machine context, from the cache when it is still valid (< 1 ms). */
export function machineContext(cacheDir: string, path = process.env.PATH ?? ""): MachineContext {
  const file = join(cacheDir, "context.json");
  const key = cacheKey(path);
  try {
    const cached = JSON.parse(readFileSync(file, "utf8"));
    if (cached?.key === key && cached.context) return cached.context as MachineContext;
  } catch {}
  const context = probeMachine(path);
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    // Write then rename, so a concurrent reader never sees half a file.
    writeFileAtomic(file, JSON.stringify({ key, context }));
  } catch {
    // A read-only cache only costs speed.
  }
  return context;
}
