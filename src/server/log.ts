// The server's log: one line per event, appended to
// $XDG_STATE_HOME/cmdai/server.log (private), rotated to server.log.1 when it
// passes maxBytes, so it never grows without bound. The user's request is
// written only with `cmdai serve --verbose`.

import { appendFileSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { stateDir } from "../config/paths.ts";

export const logFile = () => join(stateDir(), "server.log");

export interface ServerLog {
  (event: string, fields?: Record<string, unknown>): void;
  file: string;
}

/** The log's folder, private to the user. */
export const ensureLogDir = (file = logFile()) => mkdirSync(dirname(file), { recursive: true, mode: 0o700 });

export function openLog(file = logFile(), maxBytes = 1024 * 1024): ServerLog {
  try {
    ensureLogDir(file);
  } catch {}
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {}
  const log = ((event: string, fields: Record<string, unknown> = {}) => {
    const parts = [new Date().toISOString(), `pid=${process.pid}`, event];
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${k}=${JSON.stringify(v)}`);
    const line = parts.join(" ") + "\n";
    try {
      if (size + line.length > maxBytes) {
        renameSync(file, `${file}.1`);
        size = 0;
      }
      appendFileSync(file, line, { mode: 0o600 });
      size += Buffer.byteLength(line);
    } catch {
      // A log that cannot be written must never stop the server.
    }
  }) as ServerLog;
  log.file = file;
  return log;
}
