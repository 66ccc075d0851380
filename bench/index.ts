#!/usr/bin/env bun
// `bun run bench`: every benchmark, one after another (never in parallel: they
// measure time on a 2-core machine), each printed as a table with its baseline.
// `bun run bench helper safety` runs a subset.
const suites: Record<string, () => Promise<string>> = {
  helper: async () => (await import("./helper.ts")).runHelperBench(),
  safety: async () => (await import("./safety.ts")).runSafetyBench(),
  init: async () => (await import("./init.ts")).runInitBench(),
  download: async () => (await import("./download.ts")).runDownloadBench(),
  server: async () => (await import("./server.ts")).runServerBench(),
  accuracy: async () => (await import("./accuracy/main.ts")).runAccuracyBench(suiteArgs),
  remote: async () => (await import("./remote.ts")).runRemoteBench(),
};

// Flags after the suite names belong to the suites (`bun run bench accuracy --oracle gold`).
const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith("-"));
const wanted = firstFlag === -1 ? args : args.slice(0, firstFlag);
const suiteArgs = firstFlag === -1 ? [] : args.slice(firstFlag);
for (const name of wanted) {
  if (!(name in suites)) {
    console.error(`bench: unknown suite "${name}" (have: ${Object.keys(suites).join(", ")})`);
    process.exit(2);
  }
}
let failed = false;
for (const name of wanted.length ? wanted : Object.keys(suites)) {
  console.error(`bench: running ${name}...`);
  try {
    const text = await suites[name]!();
    // The last suite's last line is the output's last line (accuracy ends with `accuracy: N/300 (0.XX)`).
    console.log(name === (wanted.at(-1) ?? Object.keys(suites).at(-1)) ? text : text + "\n");
  } catch (e) {
    failed = true;
    console.log(`### ${name}\n\nfailed: ${(e as Error).message}\n`);
  }
}
process.exit(failed ? 1 : 0);

export {};
