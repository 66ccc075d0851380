// Where the server's socket lives, and the checks that keep it private: the
// folder is the user's own, not a symlink, and closed to group and others
// (as atuin's daemon and ssh-agent do), so no other user can connect.

import { lstatSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CmdaiError, ExitCode } from "../core/errors.ts";

export function socketDir(env: Record<string, string | undefined> = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime?.startsWith("/")) return join(runtime, "cmdai");
  const tmp = env.TMPDIR?.startsWith("/") ? env.TMPDIR : "/tmp";
  return join(tmp, `cmdai-${process.getuid?.() ?? 0}`);
}

export const socketPath = (env?: Record<string, string | undefined>) => join(socketDir(env), "cmdai.sock");

/**
 * Creates the socket's folder (0700) when missing, and refuses one that is a
 * symlink, belongs to someone else, or is open to group or others.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") mkdirSync(dir, { recursive: true, mode: 0o700 });
    else if (code !== "EEXIST") throw unsafe(dir, `cannot create it (${code})`);
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw unsafe(dir, "it is a symlink");
  if (!st.isDirectory()) throw unsafe(dir, "it is not a folder");
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw unsafe(dir, `it belongs to uid ${st.uid}, not to you (uid ${uid})`);
  if ((st.mode & 0o077) !== 0)
    throw unsafe(dir, `it is open to other users (mode ${(st.mode & 0o777).toString(8)}); run: chmod 700 ${dir}`);
}

const unsafe = (dir: string, why: string) => new CmdaiError(`refusing the server folder ${dir}: ${why}`, ExitCode.cantCreate);
