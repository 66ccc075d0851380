// Ctrl-C during a download: abort it cleanly and keep what can be resumed.
import { takeOverInterrupt } from "../core/interrupt.ts";

// Ctrl-C (or SIGTERM) during a download aborts it cleanly: the part file and
// its sidecar stay for a resume, the lock is released, and the command exits 130.
export async function withCancel<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const release = takeOverInterrupt((sig) => ac.abort(new Error(`interrupted by ${sig}`)));
  try {
    return await run(ac.signal);
  } finally {
    release();
  }
}
