// The one place that decides whether a stream is a terminal, whether it gets
// colour, and whether progress may redraw in place. The logger, usage and help
// rendering and download progress all ask here, so they never disagree.
//
// - colour: a terminal, NO_COLOR unset or empty (no-color.org), TERM not "dumb";
//   FORCE_COLOR (non-empty, not "0") turns it on anywhere.
// - redraw (a progress bar with "\r"): a terminal whose TERM is not "dumb".

type Fd = 0 | 1 | 2;
type Env = Record<string, string | undefined>;

/** Whether fd is a terminal; node:tty is loaded only when this is asked. */
export function isTerminal(fd: Fd): boolean {
  const { isatty } = require("node:tty") as typeof import("node:tty");
  return isatty(fd);
}

const cache = new Map<Fd, boolean>();

/** Whether text written to fd may carry ANSI colour. Decided once per fd. */
export function useColor(fd: 1 | 2, env: Env = process.env, terminal?: boolean): boolean {
  if (terminal === undefined && cache.has(fd)) return cache.get(fd)!;
  const force = env.FORCE_COLOR;
  const on =
    force !== undefined && force !== "" && force !== "0" ? true : !env.NO_COLOR && env.TERM !== "dumb" && (terminal ?? isTerminal(fd));
  if (terminal === undefined) cache.set(fd, on);
  return on;
}

/** Whether the user can be asked a question: stdin and stderr are both terminals. */
export const canAsk = () => isTerminal(0) && isTerminal(2);

/** Whether a line may be redrawn in place on this stream (progress bars). */
export function canRedraw(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

const ansi = /\x1b\[[0-9;]*[A-Za-z]/g;
export const stripAnsi = (text: string) => text.replace(ansi, "");

/** Text for fd: as given when it may be coloured, without escapes otherwise. */
export const forStream = (fd: 1 | 2, text: string) => (useColor(fd) ? text : stripAnsi(text));
