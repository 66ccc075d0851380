#!/usr/bin/env bun
// Builds the release: one archive per target holding the single-file binary,
// completions/, shell/, README.md, LICENSE and THIRD_PARTY_NOTICES.md, plus
// SHA256SUMS, the installer (install.sh with its repository from package.json
// and this release's checksums baked in: scripts/release/installer.ts) and the
// Homebrew formula (cmdai.rb).
//
//   bun run release [--targets linux-x64,linux-arm64,darwin-arm64,darwin-x64]
//                   [--out dist/release] [--formats gz,xz] [--xz-level 9] [--jobs 1] [--baseline]
//
// Everything is written into --out, nothing into the repository: the formula
// committed as Formula/cmdai.rb is the one the release workflow
// (.github/workflows/release.yml) builds, publishes and commits back, so a
// local run on another machine never rewrites a tracked file.
//
// Cross-target natives come from `npm pack @node-llama-cpp/<pkg>@<version>`,
// checked against the integrity recorded in bun.lock and cached in
// dist/cache/natives/. The formula is written only when all four targets are built.
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatSums, renderFormula, repoSlug, type SumLine } from "./release/formula.ts";
import { renderInstaller } from "./release/installer.ts";
import { folderFiles, gzipArchive, releaseTar, sourceDateEpoch, xzCommand } from "./release/archive.ts";
import { artifactBase, binaryKind, expectedKind, findTarget, hostTarget, targets, type Target } from "./release/targets.ts";

const root = resolve(import.meta.dir, "..");
const { values } = parseArgs({
  options: {
    targets: { type: "string", default: targets.map((t) => t.name).join(",") },
    out: { type: "string", default: join(root, "dist", "release") },
    formats: { type: "string", default: "gz,xz" },
    "xz-level": { type: "string", default: "9" },
    jobs: { type: "string", default: "1" },
    baseline: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  // The usage is the comment at the top of this file.
  const head = readFileSync(import.meta.path, "utf8")
    .split("\n")
    .slice(1);
  console.log(
    head
      .slice(
        0,
        head.findIndex((l) => !l.startsWith("//")),
      )
      .map((l) => l.replace(/^\/\/ ?/, ""))
      .join("\n"),
  );
  process.exit(0);
}

class ReleaseError extends Error {}
const fail = (msg: string): never => {
  throw new ReleaseError(msg);
};
const log = (msg: string) => console.error(`release: ${msg}`);
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

function run(cmd: string[], opts: { cwd?: string; quiet?: boolean } = {}): string {
  const r = Bun.spawnSync(cmd, { cwd: opts.cwd ?? root, stdout: "pipe", stderr: opts.quiet ? "pipe" : "inherit" });
  if (r.exitCode !== 0) fail(`${cmd.join(" ")} failed (exit ${r.exitCode})${opts.quiet ? `: ${(r.stderr?.toString() ?? "").trim()}` : ""}`);
  return r.stdout.toString();
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const version: string = pkg.version;
const slug = repoSlug(pkg);
const nlcVersion: string = JSON.parse(readFileSync(join(root, "node_modules", "node-llama-cpp", "package.json"), "utf8")).version;
const formats = values.formats.split(",").map((f) => f.trim());
for (const f of formats) if (f !== "gz" && f !== "xz") fail(`--formats: "${f}" is not gz or xz`);
const xzLevel = Number(values["xz-level"]);
if (!Number.isInteger(xzLevel) || xzLevel < 0 || xzLevel > 9) fail("--xz-level must be 0-9");
const jobs = Math.max(1, Number(values.jobs) || 1);
const wanted: Target[] = values.targets.split(",").map((n) => findTarget(n.trim()));
const outDir = resolve(values.out);

/** Folders that must ship and must not be empty (another part of the tree writes them). */
function checkShippedFolder(name: string) {
  if (folderFiles(root, name).length === 0) fail(`${name}/ is missing or empty: the archives must carry it`);
}

/** sha512 integrity of an @node-llama-cpp package as bun.lock records it. */
function lockedIntegrity(name: string, ver: string): string {
  const lock = readFileSync(join(root, "bun.lock"), "utf8");
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const m = new RegExp(`"${esc(name)}@${esc(ver)}"[^\\n]*?"(sha512-[A-Za-z0-9+/=]+)"`).exec(lock);
  if (!m) fail(`bun.lock records no integrity for ${name}@${ver}; run bun install after changing node-llama-cpp`);
  return m![1]!;
}

/** The unpacked @node-llama-cpp/<natives> package for a target, at node-llama-cpp's exact version. */
function nativesFor(t: Target): string {
  const name = `@node-llama-cpp/${t.natives}`;
  const installed = join(root, "node_modules", "@node-llama-cpp", t.natives);
  if (existsSync(join(installed, "package.json"))) {
    const v = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).version;
    if (v === nlcVersion) return installed;
    log(`installed ${name} is ${v}, node-llama-cpp is ${nlcVersion}: fetching ${nlcVersion}`);
  }
  const cache = join(root, "dist", "cache", "natives", `${t.natives}-${nlcVersion}`);
  const unpacked = join(cache, "package");
  if (existsSync(join(cache, ".verified"))) return unpacked;
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), "cmdai-natives-"));
  try {
    log(`npm pack ${name}@${nlcVersion}`);
    const packed = JSON.parse(
      run(["npm", "pack", `${name}@${nlcVersion}`, "--pack-destination", tmp, "--json", "--silent"], { quiet: true }),
    );
    const file = join(tmp, packed[0].filename);
    const got = `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
    const want = lockedIntegrity(name, nlcVersion);
    if (got !== want) fail(`${name}@${nlcVersion}: integrity mismatch\n  want ${want} (bun.lock)\n  got  ${got}`);
    run(["tar", "-xzf", file, "-C", cache], { quiet: true });
    writeFileSync(join(cache, ".verified"), want + "\n");
    return unpacked;
  } catch (e) {
    rmSync(cache, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function checkKind(what: string, path: string, t: Target) {
  const head = new Uint8Array(readFileSync(path).subarray(0, 64 * 1024));
  const got = binaryKind(head);
  const want = expectedKind(t);
  if (got.format !== want.format || got.arch !== want.arch)
    fail(`${what} ${relative(root, path)} is ${got.format}/${got.arch}, expected ${want.format}/${want.arch} for ${t.name}`);
  if (got.format === "macho" && what === "binary" && !got.signed)
    fail(`${relative(root, path)} has no code signature; macOS would kill it`);
  return got;
}

/** Runs xz as a child process; several can run while the next target builds (--jobs). */
const running = new Set<Promise<void>>();
async function xzJob(input: Uint8Array, outFile: string) {
  while (running.size >= jobs) await Promise.race(running);
  const p = (async () => {
    const proc = Bun.spawn(xzCommand(xzLevel), {
      stdin: new Blob([input]),
      stdout: Bun.file(outFile),
      stderr: "pipe",
    });
    const code = await proc.exited;
    if (code !== 0) fail(`xz failed (exit ${code}): ${await new Response(proc.stderr).text()}`);
  })();
  const tracked = p.finally(() => running.delete(tracked));
  tracked.catch(() => {}); // reported where the jobs are awaited
  running.add(tracked);
  await Promise.resolve();
}

function sha256File(path: string): string {
  const h = new Bun.CryptoHasher("sha256");
  h.update(readFileSync(path));
  return h.digest("hex");
}

/**
 * The install.sh published with the release: the committed (generic) one with
 * the repository from package.json and this release's checksums baked in.
 */
function releaseInstaller(release?: { version: string; sums: SumLine[] }): string {
  try {
    return renderInstaller(readFileSync(join(root, "install.sh"), "utf8"), { slug, release });
  } catch (e) {
    return fail((e as Error).message);
  }
}

/** Compressed size of a hello-world binary for the same target: the floor any Bun executable pays. */
async function baseline(t: Target): Promise<{ raw: number; gz: number; xz?: number }> {
  const dir = mkdtempSync(join(tmpdir(), "cmdai-baseline-"));
  try {
    writeFileSync(join(dir, "hello.ts"), 'console.log("hello");\n');
    run(["bun", "build", "--compile", `--target=${t.bun}`, join(dir, "hello.ts"), "--outfile", join(dir, "hello")], { quiet: true });
    const raw = readFileSync(join(dir, "hello"));
    const gz = Bun.gzipSync(raw, { level: 9, memLevel: 9 }).length;
    let xz: number | undefined;
    if (formats.includes("xz")) {
      await xzJob(new Uint8Array(raw), join(dir, "hello.xz"));
      await Promise.all(running);
      xz = statSync(join(dir, "hello.xz")).size;
    }
    return { raw: raw.length, gz, xz };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const started = performance.now();
  checkShippedFolder("shell");
  checkShippedFolder("completions");
  for (const f of ["README.md", "LICENSE", "install.sh"]) if (!existsSync(join(root, f))) fail(`${f} is missing`);
  if (formats.includes("xz") && Bun.spawnSync(["xz", "--version"], { stdout: "ignore", stderr: "ignore" }).exitCode !== 0)
    fail("xz is not installed (needed for .tar.xz; or pass --formats gz)");
  const commit = run(["git", "rev-parse", "--short=10", "HEAD"], { quiet: true }).trim();
  let mtime = 0;
  try {
    mtime = sourceDateEpoch(root);
  } catch (e) {
    fail((e as Error).message);
  }
  releaseInstaller(); // the template is checked before anything is built

  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir))
    if (/^cmdai-.*\.tar\.(gz|xz)$|^SHA256SUMS$|^cmdai\.rb$|^install\.sh$|^\.stage$/.test(f))
      rmSync(join(outDir, f), { recursive: true, force: true });
  const stage = join(outDir, ".stage");

  const rows: { target: string; raw: number; files: string[]; base?: Awaited<ReturnType<typeof baseline>> }[] = [];
  for (const t of wanted) {
    const natives = nativesFor(t);
    const addon = readdirSync(join(natives, "bins"));
    if (addon.length !== 1) fail(`${natives}/bins should hold one folder, found ${addon.join(", ")}`);
    checkKind("llama-addon.node of", join(natives, "bins", addon[0]!, "llama-addon.node"), t);

    const base = artifactBase(version, t.name);
    const dir = join(stage, base);
    mkdirSync(dir, { recursive: true });
    const exe = join(dir, "cmdai");
    log(`building ${t.name} with ${relative(root, natives) || natives}`);
    run(["bun", "run", join(root, "scripts", "build.ts"), "--target", t.bun, "--natives", natives, "--outfile", exe]);
    const kind = checkKind("binary", exe, t);
    if (t.name === hostTarget()) {
      const v = Bun.spawnSync([exe, "--version"], { env: { HOME: mkdtempSync(join(tmpdir(), "cmdai-rel-home-")), PATH: "/usr/bin:/bin" } });
      const line = v.stdout.toString();
      const want = `cmdai ${version} (${commit} ${t.name})\n`;
      if (v.exitCode !== 0 || line !== want)
        fail(`${base}/cmdai --version printed ${JSON.stringify(line)}, expected ${JSON.stringify(want)}`);
    }

    // Same inputs, same bytes (see scripts/release/archive.ts for what can still differ).
    const archive = await releaseTar({
      root,
      version,
      target: t.name,
      binary: new Uint8Array(readFileSync(exe)),
      nativesDir: natives,
      mtime,
    });
    const files: string[] = [];
    // xz runs as a child process first, so gzip (in this thread) overlaps it.
    if (formats.includes("xz")) {
      await xzJob(archive, join(outDir, `${base}.tar.xz`));
      files.push(`${base}.tar.xz`);
    }
    if (formats.includes("gz")) {
      writeFileSync(join(outDir, `${base}.tar.gz`), gzipArchive(archive));
      files.push(`${base}.tar.gz`);
    }
    log(`${t.name}: ${kind.format} ${kind.arch}${kind.signed ? " (signed)" : ""}, binary ${mb(statSync(exe).size)}`);
    rows.push({ target: t.name, raw: statSync(exe).size, files, base: values.baseline ? await baseline(t) : undefined });
    rmSync(dir, { recursive: true, force: true });
  }
  await Promise.all(running);
  rmSync(stage, { recursive: true, force: true });

  const sums: SumLine[] = [];
  for (const r of rows) for (const f of r.files) sums.push({ sha256: sha256File(join(outDir, f)), file: f });
  writeFileSync(join(outDir, "install.sh"), releaseInstaller({ version, sums }));
  chmodSync(join(outDir, "install.sh"), 0o755);
  sums.push({ sha256: sha256File(join(outDir, "install.sh")), file: "install.sh" });
  writeFileSync(join(outDir, "SHA256SUMS"), formatSums(sums));

  if (wanted.length === targets.length) {
    writeFileSync(join(outDir, "cmdai.rb"), renderFormula({ slug, version, license: pkg.license, sums }));
  } else log("formula not written: it needs all four targets");

  const size = (f: string) => statSync(join(outDir, f)).size;
  console.log(`\ncmdai ${version} (${commit}) -> ${relative(process.cwd(), outDir) || "."}`);
  console.log("| target | binary | .tar.gz | .tar.xz | bare Bun runtime: raw / gz / xz |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) {
    const gz = r.files.find((f) => f.endsWith(".gz"));
    const xz = r.files.find((f) => f.endsWith(".xz"));
    const b = r.base ? `${mb(r.base.raw)} / ${mb(r.base.gz)} / ${r.base.xz ? mb(r.base.xz) : "-"}` : "-";
    console.log(`| ${r.target} | ${mb(r.raw)} | ${gz ? mb(size(gz)) : "-"} | ${xz ? mb(size(xz)) : "-"} | ${b} |`);
  }
  console.log(`\n${readFileSync(join(outDir, "SHA256SUMS"), "utf8")}`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

try {
  await main();
} catch (e) {
  if (e instanceof ReleaseError) {
    console.error(`release: error: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
