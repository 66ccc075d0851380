// Download benchmark: `cmdai model pull` against curl on the same local server,
// in the same run. A 1 GB file of pseudo-random bytes is written to /tmp and
// served from a separate process (so the server's CPU is not charged to the
// client); every tool runs under /usr/bin/time -v for its max RSS.
//
//   bun bench/download.ts [--size-mb N] [--runs N]
//
// Reports MB/s, the ratio against `curl -o F URL` and against
// `curl -o F URL && sha256sum F` (per run, median and range), max RSS, for
// curl, curl + sync (durable, as cmdai), cmdai, and cmdai --no-sync; the same
// with the server throttled to ~100 MB/s; and a resume figure (kill at ~50 %,
// run again, bytes fetched).

import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFaultServer } from "../test/helpers/http-server.ts";

const root = join(import.meta.dir, "..");

export interface DownloadBenchOptions {
  /** File size in MB (default 1024). */
  sizeMb?: number;
  /** Runs per unthrottled measurement; the median is reported (default 5). */
  runs?: number;
  /** Throttled server rate in bytes/s (default 100 MB/s); 0 skips it. */
  throttle?: number;
  log?: (line: string) => void;
}

interface Measure {
  label: string;
  seconds: number;
  rssKb?: number;
  error?: string;
}

// ---------------------------------------------------------------- server --

/**
 * The server process: the tests' own server (test/helpers/http-server.ts), with
 * the kernel's sendfile when unthrottled, paced 256 kB socket writes otherwise.
 * GET /stats answers its request log.
 */
async function serve(file: string, portFile: string, rate: number) {
  const size = statSync(file).size;
  const server = startFaultServer({
    content: { file, etag: `"bench-${size}"` },
    bytesPerSecond: rate || undefined,
    sendfile: !rate,
    chunk: 256 * 1024,
    logPath: "/stats",
  });
  await Bun.write(portFile, String(server.port));
}

// ---------------------------------------------------------------- client --

function makeFile(path: string, sizeMb: number) {
  // Pseudo-random 16 MB block, varied per block so no two blocks are equal.
  const block = new Uint8Array(16 << 20);
  for (let i = 0; i < block.length; i += 65536) crypto.getRandomValues(block.subarray(i, i + 65536));
  const fd = openSync(path, "w");
  try {
    const total = sizeMb << 20;
    for (let done = 0, n = 0; done < total; n++) {
      const view = new DataView(block.buffer);
      view.setUint32(0, n);
      const len = Math.min(block.length, total - done);
      writeSync(fd, block, 0, len);
      done += len;
    }
  } finally {
    closeSync(fd);
  }
}

async function startServer(file: string, work: string, rate: number) {
  const portFile = join(work, `port-${rate}`);
  rmSync(portFile, { force: true });
  const proc = Bun.spawn(["bun", import.meta.path, "--serve", file, portFile, String(rate)], {
    stdout: "inherit",
    stderr: "inherit",
  });
  for (let i = 0; i < 200 && !existsSync(portFile); i++) await Bun.sleep(25);
  const port = Number(readFileSync(portFile, "utf8"));
  return { proc, base: `http://127.0.0.1:${port}` };
}

const hasTime = existsSync("/usr/bin/time");

/** Runs a shell command under /usr/bin/time -v; wall seconds and max RSS of the heaviest process. */
async function timed(label: string, script: string, env: Record<string, string | undefined> = process.env): Promise<Measure> {
  const report = join(tmpdir(), `cmdai-bench-time-${process.pid}.txt`);
  const argv = hasTime ? ["/usr/bin/time", "-v", "-o", report, "sh", "-c", script] : ["sh", "-c", script];
  const t0 = performance.now();
  const p = Bun.spawn(argv, { env, stdout: "ignore", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  const seconds = (performance.now() - t0) / 1000;
  const rss = hasTime ? readFileSync(report, "utf8").match(/Maximum resident set size \(kbytes\): (\d+)/)?.[1] : undefined;
  rmSync(report, { force: true });
  if (code !== 0) return { label, seconds, error: stderr.split("\n").find((l) => l.includes("error")) ?? `exit ${code}` };
  return { label, seconds, rssKb: rss ? Number(rss) : undefined };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runDownloadBench(opts: DownloadBenchOptions = {}): Promise<string> {
  const sizeMb = opts.sizeMb ?? 1024;
  const runs = opts.runs ?? 5;
  const throttle = opts.throttle ?? 100_000_000;
  const log = opts.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const bytes = sizeMb << 20;
  const work = mkdtempSync(join(tmpdir(), "cmdai-bench-dl-"));
  const servers: { proc: ReturnType<typeof Bun.spawn> }[] = [];
  try {
    const src = join(work, "model.gguf");
    log(`writing ${sizeMb} MB test file`);
    makeFile(src, sizeMb);
    log("hashing it (sha256sum) for --sha256");
    const sha = (await Bun.$`sha256sum ${src}`.text()).split(" ")[0]!;
    const curl = Bun.which("curl");
    const sha256sum = Bun.which("sha256sum");
    const out = join(work, "out");
    mkdirSync(out);
    const modelDir = join(work, "models");
    const env = { ...process.env, CMDAI_MODEL_DIR: modelDir, XDG_CONFIG_HOME: join(work, "config"), NO_COLOR: "1" };
    // The compiled binary, as users run it (`bun run bench` builds it first).
    const dist = join(root, "dist/cmdai");
    const cmdai = existsSync(dist) ? dist : `bun ${join(root, "src/main.ts")}`;
    const clean = () => {
      rmSync(modelDir, { recursive: true, force: true });
      rmSync(join(out, "f"), { force: true });
    };

    const suite = async (rate: number, n: number) => {
      const server = await startServer(src, work, rate);
      servers.push(server);
      const url = `${server.base}/files/model.gguf`;
      const results: Record<string, Measure[]> = { curl: [], curlSha: [], curlSync: [], cmdai: [], cmdaiNoSync: [] };
      for (let i = 0; i < n; i++) {
        if (curl) {
          clean();
          results.curl!.push(await timed("curl", `curl -sS -o ${out}/f ${url}`));
          clean();
          results.curlSha!.push(await timed("curl+sha256sum", `curl -sS -o ${out}/f ${url} && ${sha256sum ?? "sha256sum"} ${out}/f`));
          // cmdai makes the file durable (fsync) before renaming it into place; curl alone does not.
          clean();
          results.curlSync!.push(await timed("curl+sync", `curl -sS -o ${out}/f ${url} && sync ${out}/f`));
        }
        clean();
        results.cmdai!.push(await timed("cmdai", `${cmdai} model pull ${url} --sha256 ${sha}`, env));
        clean();
        results.cmdaiNoSync!.push(await timed("cmdai --no-sync", `${cmdai} model pull ${url} --sha256 ${sha} --no-sync`, env));
        log(`  ${rate ? `${rate / 1e6} MB/s` : "unthrottled"} run ${i + 1}/${n} done`);
      }
      server.proc.kill();
      return results;
    };

    log(`unthrottled: ${runs} run(s) of each`);
    const fast = await suite(0, runs);
    let slow: Awaited<ReturnType<typeof suite>> | undefined;
    if (throttle) {
      log(`throttled to ${throttle / 1e6} MB/s: 1 run of each`);
      slow = await suite(throttle, 1);
    }

    // Resume: kill at ~50 % (server paced so the kill lands mid-file), run again.
    log("resume: kill at ~50%, run again");
    clean();
    const paced = await startServer(src, work, 200_000_000);
    servers.push(paced);
    const url = `${paced.base}/files/model.gguf`;
    const part = join(modelDir, "model.gguf.part");
    const first = Bun.spawn(["sh", "-c", `exec ${cmdai} model pull ${url} --sha256 ${sha}`], { env, stdout: "ignore", stderr: "ignore" });
    for (let i = 0; i < 2000 && (existsSync(part) ? statSync(part).size : 0) < bytes / 2; i++) await Bun.sleep(10);
    first.kill("SIGKILL");
    await first.exited;
    const kept = existsSync(part) ? statSync(part).size : 0;
    const again = Bun.spawn(["sh", "-c", `${cmdai} model pull ${url} --sha256 ${sha} --json`], { env, stdout: "pipe", stderr: "ignore" });
    const [againOut, againCode] = await Promise.all([new Response(again.stdout).text(), again.exited]);
    const stats = (await (await fetch(`${paced.base}/stats`)).json()) as { range?: string; start: number; sent: number }[];
    paced.proc.kill();
    const resumed = againCode === 0 ? JSON.parse(againOut) : undefined;
    const rangeStart = stats.at(-1)?.start ?? 0;

    // ------------------------------------------------------------ table --
    const mbps = (m: Measure[]) => (m.length ? bytes / 1e6 / median(m.map((x) => x.seconds)) : NaN);
    const rss = (m: Measure[]) =>
      m.length && m.every((x) => x.rssKb) ? `${Math.round(Math.max(...m.map((x) => x.rssKb!)) / 1024)} MB` : "n/a";
    const lines: string[] = [];
    lines.push(
      `Download benchmark: ${sizeMb} MB file, local server (separate process) on 127.0.0.1, median of ${runs} unthrottled run(s); ratios are per run, median (min–max); cmdai is \`${cmdai.replace(root + "/", "")}\``,
    );
    if (!curl) lines.push("curl: NOT FOUND on PATH, ratios against curl are unavailable");
    lines.push("");
    lines.push("| server | tool | MB/s | vs curl | vs curl + sha256sum | max RSS |");
    lines.push("|---|---|---:|---:|---:|---:|");
    // Run i of each tool ran back to back, so the ratio is taken per run (the
    // machine's speed drifts between runs) and the median of those is shown.
    const paired = (m: Measure[], base: Measure[]) => {
      const rs = m.flatMap((x, i) => (base[i] && !x.error && !base[i]!.error ? [base[i]!.seconds / x.seconds] : []));
      if (!rs.length) return "n/a";
      const f = (x: number) => x.toFixed(2);
      return rs.length > 1 ? `${f(median(rs))}x (${f(Math.min(...rs))}–${f(Math.max(...rs))})` : `${f(rs[0]!)}x`;
    };
    const rows = (name: string, r: Record<string, Measure[]>) => {
      const errs = Object.values(r)
        .flat()
        .filter((m) => m.error);
      for (const [key, label] of [
        ["curl", "curl -o F URL"],
        ["curlSha", "curl -o F URL && sha256sum F"],
        ["curlSync", "curl -o F URL && sync F (durable, as cmdai)"],
        ["cmdai", "cmdai model pull URL --sha256 (durable: fsync, then rename)"],
        ["cmdaiNoSync", "cmdai model pull URL --sha256 --no-sync (as curl: no fsync)"],
      ] as const) {
        const m = r[key]!;
        if (!m.length) {
          lines.push(`| ${name} | ${label} | missing | | | |`);
          continue;
        }
        const v = mbps(m);
        lines.push(`| ${name} | ${label} | ${v.toFixed(0)} | ${paired(m, r.curl!)} | ${paired(m, r.curlSha!)} | ${rss(m)} |`);
      }
      for (const e of errs) lines.push(`| ${name} | ${e.label} FAILED: ${e.error} | | | | |`);
    };
    rows("unthrottled", fast);
    if (slow) rows(`~${throttle / 1e6} MB/s`, slow);
    lines.push("");
    lines.push(
      resumed
        ? `Resume: killed at ${(kept / 1e6).toFixed(0)} MB of ${(bytes / 1e6).toFixed(0)} MB (${((kept / bytes) * 100).toFixed(0)}%); the rerun asked for bytes=${rangeStart}- and fetched ${(resumed.downloaded / 1e6).toFixed(0)} MB; re-downloaded bytes already on disk: ${Math.max(0, kept - rangeStart)}; verified sha256 ${resumed.sha256 === sha ? "matches" : "DOES NOT MATCH"}`
        : `Resume: the rerun FAILED (exit ${againCode})`,
    );
    lines.push("");
    lines.push("cmdai hashes while it streams (on a worker thread) and fsyncs the file before renaming it into place, so a");
    lines.push("power cut never leaves a corrupt model under the final name; `curl -o F` alone does not wait for the disk");
    lines.push(
      "(its data may still be in the page cache when it exits), hence the `&& sync F` row; `--no-sync` is cmdai without that step.",
    );
    const table = lines.join("\n");
    return table;
  } finally {
    for (const s of servers) s.proc.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  if (argv[0] === "--serve") {
    await serve(argv[1]!, argv[2]!, Number(argv[3] ?? 0));
  } else {
    const num = (flag: string) => {
      const i = argv.indexOf(flag);
      return i >= 0 ? Number(argv[i + 1]) : undefined;
    };
    const table = await runDownloadBench({ sizeMb: num("--size-mb"), runs: num("--runs"), throttle: num("--throttle") });
    process.stdout.write(table + "\n");
  }
}
