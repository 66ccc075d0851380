// First run: the configured model is a catalogue name whose file is missing.
// On a terminal, ask once and download it with progress; otherwise fail with
// one line that gives the exact command to run.

import { CmdaiError, ExitCode } from "../core/errors.ts";
import { modelPath, type Settings } from "../config/config.ts";
import { catalogue, findModel, type CatalogueEntry } from "../models/catalogue.ts";
import { formatBytes } from "../models/format.ts";
import { lockHolder } from "../models/lock.ts";
import type { PullOptions } from "../models/pull.ts";
import { lockPath, usableModelFile } from "../models/store.ts";
import { writeErr } from "./io.ts";
import { canAsk } from "./terminal.ts";

export interface EnsureModelOptions {
  settings: Settings;
  /** False under --no-input (the shell integration): never prompt. */
  interactive: boolean;
  /** Progress as JSON lines on stderr. */
  json?: boolean;
  /** For tests: answer the question instead of reading the terminal. */
  ask?: (question: string) => Promise<boolean>;
  /** For tests: downloader options (timeouts, backoff). */
  download?: PullOptions;
}

export const sizeText = (e: CatalogueEntry) => `${e.sizeExact ? "" : "~"}${formatBytes(e.size)}`;

/**
 * The path of a usable model file. Throws CmdaiError(ExitCode.noModel) with a
 * one-line message naming the exact command when there is none.
 */
export async function ensureModel(opts: EnsureModelOptions): Promise<string> {
  const { path, catalogueName } = modelPath(opts.settings);
  if (!catalogueName) {
    if (usableModelFile(path)) return path;
    const names = catalogue.map((m) => m.name).join(", ");
    throw new CmdaiError(`model file not found: ${path} (give an existing GGUF file, or one of: ${names})`, ExitCode.noModel);
  }
  const entry = findModel(catalogueName)!;
  const command = `cmdai model pull ${entry.name}`;
  if (usableModelFile(path, command)) return path;
  const holder = lockHolder(lockPath(path));
  const missing = holder
    ? `${entry.name} is being downloaded by another cmdai (pid ${holder.pid}); wait for it, or run: ${command}`
    : // One line that fits 80 columns after "cmdai: error: " (the key binding
      // shows it), and works from there: no flag can be passed through the key.
      `no model; run: cmdai model pull (${sizeText(entry)}), or set CMDAI_MODEL=FILE`;

  const terminal = canAsk();
  if (!opts.interactive || (!opts.ask && !terminal)) throw new CmdaiError(missing, ExitCode.noModel);
  const question = `Download ${entry.name} (${sizeText(entry)}) now? [Y/n] `;
  const yes = await (opts.ask ?? askTerminal)(question);
  if (!yes) throw new CmdaiError(missing, ExitCode.noModel);

  // The downloader (ofetch and friends) loads only when there is something to fetch.
  const [{ pull, resolvePullTarget }, { createProgress, progressMode }, { withCancel }] = await Promise.all([
    import("../models/pull.ts"),
    import("./progress.ts"),
    import("../models/cancel.ts"),
  ]);
  const target = resolvePullTarget(entry.name, opts.settings.model_dir);
  const progress = createProgress({ label: entry.name, mode: progressMode(opts.json ?? false) });
  try {
    const result = await withCancel((signal) => pull(target, { signal, onEvent: progress, ...opts.download }));
    return result.path;
  } finally {
    progress.clear();
  }
}

async function askTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline");
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    let answered = false;
    // Ctrl-C or Ctrl-D leave the cursor on the prompt's line: end it, so the
    // message that follows starts a line of its own.
    const endLine = () => !answered && writeErr("\n");
    const answer = await new Promise<string | undefined>((resolve, reject) => {
      rl.on("SIGINT", () => {
        endLine();
        answered = true;
        reject(new CmdaiError("cancelled", ExitCode.cancelled));
      });
      rl.on("close", () => {
        endLine(); // Ctrl-D
        answered = true;
        resolve(undefined);
      });
      rl.question(`cmdai: ${question}`, (a) => {
        answered = true;
        resolve(a);
      });
    });
    return answer !== undefined && /^\s*(y|yes)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}
