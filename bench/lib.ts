// Small helpers shared by the benchmarks: timing statistics and tables.

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** A markdown table; every cell is already a string. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

export const ms = (x: number) =>
  x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(x < 10 ? 1 : 0)} ms`;
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
export const ratio = (x: number) => `${x.toFixed(2)}×`;
export const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

export interface Timed {
  ms: number;
  /** When the first line of stdout arrived (before the process had exited). */
  firstLineMs: number;
  maxRss: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a process to completion; wall time and its peak resident memory. */
export async function timed(cmd: string[], env: Record<string, string | undefined> = process.env): Promise<Timed> {
  const started = performance.now();
  const proc = Bun.spawn(cmd, { env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let firstLineMs = NaN;
  const readOut = async () => {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) {
      text += decoder.decode(chunk, { stream: true });
      if (Number.isNaN(firstLineMs) && text.includes("\n")) firstLineMs = performance.now() - started;
    }
    return text + decoder.decode();
  };
  const [stdout, stderr, code] = await Promise.all([readOut(), new Response(proc.stderr).text(), proc.exited]);
  const elapsed = performance.now() - started;
  // resourceUsage().maxRSS is in bytes on Bun.
  return { ms: elapsed, firstLineMs, maxRss: proc.resourceUsage()?.maxRSS ?? 0, code, stdout, stderr };
}

export async function repeat(n: number, cmd: string[], env?: Record<string, string | undefined>) {
  const runs: Timed[] = [];
  for (let i = 0; i < n; i++) runs.push(await timed(cmd, env));
  const failed = runs.find((r) => r.code !== 0);
  if (failed) throw new Error(`${cmd.join(" ")} exited ${failed.code}: ${failed.stderr.trim()}`);
  return runs;
}
