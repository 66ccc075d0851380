// Ctrl-C normally ends cmdai at once with status 130 (see src/main.ts). Work
// that must clean up first (a download keeping its part file resumable) takes
// the signal over while it runs. A counter, not process.listenerCount, because
// libraries may add SIGINT listeners of their own.
let takenOver = 0;

export function interruptTakenOver(): boolean {
  return takenOver > 0;
}

/** Handles SIGINT/SIGTERM with `onSignal` until the returned function is called. */
export function takeOverInterrupt(onSignal: (sig: NodeJS.Signals) => void): () => void {
  takenOver++;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    takenOver--;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
