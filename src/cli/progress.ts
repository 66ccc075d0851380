// Download progress on stderr: one redrawn line on a terminal, a quiet line
// every few seconds otherwise, or one JSON object per event for scripts.

import type { DownloadEvent } from "../models/download.ts";
import { formatBytes, formatDuration, formatRate } from "../models/format.ts";
import { stderrSink } from "./io.ts";
import { canRedraw } from "./terminal.ts";

export type ProgressMode = "tty" | "lines" | "json" | "none";

export interface ProgressOptions {
  label: string;
  mode?: ProgressMode;
  stream?: { isTTY?: boolean; columns?: number; write(text: string): unknown };
  /** Redraw interval on a terminal. */
  ttyIntervalMs?: number;
  /** Line interval off a terminal. */
  lineIntervalMs?: number;
  /** Interval between JSON progress events. */
  jsonIntervalMs?: number;
}

export function progressMode(json: boolean, stream: { isTTY?: boolean } = stderrSink): ProgressMode {
  if (json) return "json";
  return canRedraw(stream) ? "tty" : "lines";
}

export interface Progress {
  (e: DownloadEvent): void;
  /** Clears a drawn bar (before printing something else, or on error). */
  clear(): void;
}

const bar = (fraction: number, width: number) => {
  const cells = Math.max(0, Math.min(width, fraction * width));
  const full = Math.floor(cells);
  const partial = " ▏▎▍▌▋▊▉"[Math.floor((cells - full) * 8)] ?? "";
  return "█".repeat(full) + (full < width ? partial : "") + " ".repeat(Math.max(0, width - full - 1));
};

export function createProgress(opts: ProgressOptions): Progress {
  const out = opts.stream ?? stderrSink;
  const mode = opts.mode ?? progressMode(false, out);
  const label = opts.label;
  let drawn = false;
  let lastDraw = 0;
  let lastLine = 0;
  let lastJson = 0;
  let lastPercentStep = -1;

  const write = (s: string) => out.write(s);
  const clear = () => {
    if (drawn) write("\r\x1b[2K");
    drawn = false;
  };
  const say = (text: string) => {
    clear();
    write(`cmdai: ${text}\n`);
  };

  const describe = (e: Extract<DownloadEvent, { type: "progress" }>) => {
    const pct = e.total ? Math.floor((e.received / e.total) * 100) : undefined;
    const amount = e.total ? `${formatBytes(e.received)}/${formatBytes(e.total)}` : formatBytes(e.received);
    const eta = e.etaSec !== undefined && e.etaSec >= 1 && e.received !== e.total ? `, ETA ${formatDuration(e.etaSec)}` : "";
    return { pct, amount, rate: formatRate(e.bytesPerSec), eta };
  };

  const report = ((e: DownloadEvent) => {
    if (mode === "none") return;
    if (mode === "json") {
      if (e.type === "progress") {
        const now = performance.now();
        if (now - lastJson < (opts.jsonIntervalMs ?? 500) && e.received !== e.total) return;
        lastJson = now;
      }
      write(JSON.stringify({ event: e.type, model: label, ...withoutType(e) }) + "\n");
      return;
    }
    switch (e.type) {
      case "waiting":
        say(`another cmdai${e.pid ? ` (pid ${e.pid})` : ""} is downloading ${label}; waiting for it`);
        return;
      case "rehash":
        if (e.bytes > 0) say(`resuming ${label}: checking the ${formatBytes(e.bytes)} already downloaded`);
        return;
      case "start":
        if (e.attempt === 1)
          say(
            e.offset > 0
              ? `resuming ${label} at ${formatBytes(e.offset)}${e.total ? ` of ${formatBytes(e.total)}` : ""}`
              : `downloading ${label}${e.total ? ` (${formatBytes(e.total)})` : ""}`,
          );
        return;
      case "retry":
        say(`warning: ${e.reason}; retrying in ${formatDuration(e.delayMs / 1000)} (attempt ${e.attempt + 1})`);
        return;
      case "restart":
        say(`warning: ${e.reason}`);
        return;
      case "verifying":
        return;
      case "done":
        clear();
        if (e.alreadyPresent) say(`${label} is already downloaded; ${trust(e)}`);
        else say(`downloaded ${label} (${formatBytes(e.size)}${e.seconds > 0.5 ? ` in ${formatDuration(e.seconds)}` : ""}), ${trust(e)}`);
        return;
      case "progress": {
        const now = performance.now();
        const d = describe(e);
        if (mode === "tty") {
          if (now - lastDraw < (opts.ttyIntervalMs ?? 100) && e.received !== e.total) return;
          lastDraw = now;
          const cols = out.columns && out.columns > 0 ? out.columns : 80;
          const tail = ` ${d.amount}  ${d.rate}${d.eta.replace(",", " ")}`;
          const head = `cmdai: ${label} ${d.pct !== undefined ? `${String(d.pct).padStart(3)}% ` : ""}`;
          const room = cols - head.length - tail.length - 3;
          const line =
            d.pct !== undefined && room >= 10
              ? `${head}▕${bar(e.received / e.total!, Math.min(30, room))}▏${tail}`
              : `${head}${tail.trim()}`;
          write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
          drawn = true;
          return;
        }
        // Off a terminal: every 10 % or every lineIntervalMs, whichever first.
        const step = d.pct !== undefined ? Math.floor(d.pct / 10) : -1;
        if (step === lastPercentStep && now - lastLine < (opts.lineIntervalMs ?? 10_000)) return;
        if (d.pct === undefined && now - lastLine < (opts.lineIntervalMs ?? 10_000)) return;
        lastPercentStep = step;
        lastLine = now;
        say(`${label}: ${d.pct !== undefined ? `${d.pct}% ` : ""}(${d.amount}, ${d.rate}${d.eta})`);
        return;
      }
    }
  }) as Progress;
  report.clear = clear;
  return report;
}

/** What vouches for the file, in words that match `verified_by` (never "verified" when nothing did). */
function trust(e: Extract<DownloadEvent, { type: "done" }>): string {
  switch (e.verifiedBy) {
    case "pinned":
      return "sha256 verified (pinned digest)";
    case "hub":
      return `sha256 verified (digest from ${e.digestFrom ?? "the hub"})`;
    case "server":
      return `sha256 matches the digest ${e.digestFrom ?? "the server"} sent (a mirror's own word: not checked against the hub)`;
    case "recorded":
      return "sha256 recorded when it was downloaded";
    case "unverified":
      return "NOT verified: no SHA-256 was known for it (--allow-unverified)";
  }
}

/** The event's fields in snake_case, like every other JSON cmdai prints. */
function withoutType(e: DownloadEvent): Record<string, unknown> {
  const { type: _type, ...rest } = e;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}
