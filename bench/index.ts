#!/usr/bin/env bun
// `bun run bench`: every benchmark, one after another (never in parallel: they
// measure time on a 2-core machine), each printed as a table with its baseline.
// `bun run bench helper safety` runs a subset.
const suites: Record<string, () => Promise<string>> = {
  helper: async () => (await import("./helper.ts")).runHelperBench(),
  safety: async () => (await import("./safety.ts")).runSafetyBench(),
  init: async () => (await import("./init.ts")).runInitBench(),
  download: async () => (await import("./download.ts")).runDownloadBench(),
  remote: async () => (await import("./remote.ts")).runRemoteBench(),
};

const wanted = process.argv.slice(2);
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
    console.log((await suites[name]!()) + "\n");
  } catch (e) {
    failed = true;
    console.log(`### ${name}\n\nfailed: ${(e as Error).message}\n`);
  }
}
process.exit(failed ? 1 : 0);

export {};
