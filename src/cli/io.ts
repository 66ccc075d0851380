// Output goes straight to file descriptors 1 and 2, synchronously. Node's
// process.stdout/stderr streams take ~8 ms to set up in a compiled binary,
// and that was paid on every `cmdai init` and every key press; a plain write
// costs nothing to set up, and all of it has reached the OS before exit.

import { writeSync } from "node:fs";
import { CmdaiError, ExitCode } from "../core/errors.ts";
import { isTerminal } from "./terminal.ts";

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: 1 | 2, text: string) {
  let buf = Buffer.from(text);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A non-blocking pipe inherited from the parent: wait for room.
      if (code === "EAGAIN") Atomics.wait(pause, 0, 0, 1);
      // The reader went away (`cmdai ... | head -c0`): not worth a message.
      else if (code === "EPIPE") return fd === 1 ? process.exit(0) : undefined;
      // A message that cannot be shown has nowhere else to go.
      else if (fd === 2) return;
      else {
        const why = /^[A-Z]+: ([^,]+)/.exec((e as Error).message)?.[1] ?? (e as Error).message;
        throw new CmdaiError(`cannot write the output: ${why}`, ExitCode.io, e);
      }
    }
  }
}

/** The product's output: a command, JSON, a script. */
export const writeOut = (text: string) => writeAll(1, text);
/** Messages for the user. */
export const writeErr = (text: string) => writeAll(2, text);

/** stderr as a minimal stream, for code that takes one (progress output). */
export const stderrSink = {
  get isTTY() {
    return isTerminal(2);
  },
  /** The terminal's width (progress bars only, so the stream's cost is fine). */
  get columns(): number | undefined {
    return process.stderr.columns;
  },
  write: (text: string) => writeErr(text),
};
