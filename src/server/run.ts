// A request as `cmdai` runs it by default: in the resident server, started on
// demand; in this process when the server cannot be used (one line says why).

import type { CommandRequest, CommandResult } from "../generate/generate.ts";
import type { Settings } from "../config/config.ts";
import { ServerClient, ServerUnavailable } from "./client.ts";
import { socketPath } from "./paths.ts";

export interface RunOptions {
  settings: Pick<Settings, "threads" | "keep_alive">;
  modelFile: string;
  /** The user chose keep_alive (config or env), rather than the default. */
  keepAliveSet?: boolean;
  /** One short line for the user when the server was replaced or could not be used. */
  note?: (message: string) => void;
  /** llama.cpp's log lines, when the request falls back to this process. */
  log?: (line: string) => void;
  socket?: string;
}

export async function generateViaServer(request: CommandRequest, opts: RunOptions): Promise<CommandResult> {
  const client = new ServerClient({
    socket: opts.socket ?? socketPath(),
    modelPath: opts.modelFile,
    threads: opts.settings.threads,
    keepAliveMs: opts.settings.keep_alive,
    sendKeepAlive: opts.keepAliveSet,
    note: opts.note,
  });
  let why: string;
  try {
    return await client.generate(request);
  } catch (e) {
    if (!(e instanceof ServerUnavailable)) throw e;
    why = e.message;
  }
  const { generateHere } = await import("../generate/backend.ts");
  const result = await generateHere(request, { settings: opts.settings, modelFile: opts.modelFile, log: opts.log });
  // Said only when the answer came: if this process fails too, its own error
  // is the one line worth showing (the shell shows the first).
  opts.note?.(`the server could not be used (${why}); generated in this process`);
  return result;
}
