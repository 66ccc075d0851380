// The release archive for linux-x64 and install.sh, end to end: the real
// release is built once, served from 127.0.0.1, and installed into temporary
// HOMEs under dash and bash. Every failure case must install nothing.
//
// The server plays two parts: /gh/ is the official releases URL
// (CMDAI_RELEASES_URL, GitHub's .../releases in real use), the only place
// checksums are taken from; the other prefixes are mirrors (CMDAI_DOWNLOAD_URL),
// honest or forged, which only supply archives.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, linkSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipArchive, releaseTar, sourceDateEpoch, xzCommand } from "../../../scripts/release/archive.ts";
import { formatSums, parseSums, repoSlug } from "../../../scripts/release/formula.ts";
import { renderInstaller } from "../../../scripts/release/installer.ts";
import { tar } from "../../../scripts/release/tar.ts";
import { repoRoot } from "../../helpers/run.ts";
import { startFaultServer, sha256Hex } from "../models/server.ts";
import { tinyModel } from "../../helpers/model.ts";
import {
  buildRelease,
  fakeUname,
  installer,
  installTimeout,
  installerRun,
  listTree,
  mkdirp,
  releaseBuildTimeout,
  removeTemps,
  run,
  slowStepTimeout,
  tempDir,
  toolbox,
  userEnv,
  version,
} from "./helpers.ts";
import { serveFolders, type StaticServer } from "./server.ts";

const target = "linux-x64";
const base = `cmdai-${version}-${target}`;
const shells = ["dash", "bash"] as const;
const slug = repoSlug(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")));
const commit = Bun.spawnSync(["git", "rev-parse", "--short=10", "HEAD"], { cwd: repoRoot }).stdout.toString().trim();

let rel = "";
let server: StaticServer;
let sums: { sha256: string; file: string }[] = [];
let forgedDir = "";
let repoBefore = "";
let repoAfter = "";

/** What a run could change in the repository: the tracked and untracked files and their contents. */
function repoState(): string {
  const git = (...args: string[]) => Bun.spawnSync(["git", ...args], { cwd: repoRoot }).stdout.toString();
  return (
    git("status", "--porcelain", "--untracked-files=all") +
    new Bun.CryptoHasher("sha256").update(git("diff", "HEAD", "--binary")).digest("hex")
  );
}

beforeAll(async () => {
  repoBefore = repoState();
  rel = await buildRelease();
  repoAfter = repoState();
  sums = parseSums(readFileSync(join(rel, "SHA256SUMS"), "utf8"));
  // An honest mirror: the archives and nothing else. One with only the .tar.gz.
  const mirror = tempDir("mirror");
  for (const f of readdirSync(rel)) if (f.startsWith("cmdai-")) linkSync(join(rel, f), join(mirror, f));
  const gzOnly = tempDir("gzonly");
  linkSync(join(rel, `${base}.tar.gz`), join(gzOnly, `${base}.tar.gz`));
  // A forged mirror: both archives replaced by one whose binary even answers
  // --version as the real one does, and a SHA256SUMS (and an install.sh)
  // rewritten to match them.
  const forged = (forgedDir = tempDir("forged"));
  const impostor = new TextEncoder().encode(`#!/bin/sh\necho 'cmdai ${version} (${commit} ${target})'\n`);
  const forgedTar = tar(
    [
      { path: `${base}/`, mode: 0o755 },
      { path: `${base}/cmdai`, mode: 0o755, data: impostor },
    ],
    0,
  );
  writeFileSync(join(forged, `${base}.tar.gz`), Bun.gzipSync(forgedTar));
  writeFileSync(join(forged, `${base}.tar.xz`), Bun.spawnSync(xzCommand(0), { stdin: forgedTar }).stdout);
  const forgedSums = [`${base}.tar.gz`, `${base}.tar.xz`].map((f) => ({ sha256: sha256Hex(readFileSync(join(forged, f))), file: f }));
  writeFileSync(join(forged, "SHA256SUMS"), formatSums(forgedSums));
  writeFileSync(
    join(forged, "install.sh"),
    renderInstaller(readFileSync(installer, "utf8"), { slug, release: { version, sums: forgedSums } }),
  );
  // A release whose binary cannot run here (as with a too-old glibc), and the
  // releases URL that vouches for it.
  const broken = tempDir("broken");
  const fake = new TextEncoder().encode("#!/bin/sh\necho 'cmdai: /lib/libc.so.6: version GLIBC_2.99 not found' >&2\nexit 1\n");
  const archive = Bun.gzipSync(
    tar(
      [
        { path: `${base}/`, mode: 0o755 },
        { path: `${base}/cmdai`, mode: 0o755, data: fake },
      ],
      0,
    ),
  );
  writeFileSync(join(broken, `${base}.tar.gz`), archive);
  writeFileSync(join(broken, "SHA256SUMS"), `${sha256Hex(archive)}  ${base}.tar.gz\n`);
  const releases = (prefix: string, dir: string) => ({ [`${prefix}/latest/download`]: dir, [`${prefix}/download/v${version}`]: dir });
  server = serveFolders({ ...releases("gh", rel), ...releases("ghbroken", broken), rel, mirror, gzonly: gzOnly, forged, broken }, (req) => {
    // A download cut short: the first half of the archive, sent as if whole.
    const path = new URL(req.url).pathname;
    if (path.startsWith("/cut/")) {
      const name = path.slice(5);
      if (name === "SHA256SUMS") return new Response(Bun.file(join(rel, name)));
      const file = Bun.file(join(rel, name));
      return new Response(file.slice(0, Math.floor(file.size / 2)));
    }
    return undefined;
  });
}, releaseBuildTimeout);

afterAll(() => {
  server?.stop();
  removeTemps();
});

/** A fresh HOME, and the environment pointing the installer at the local mirror and releases URL. */
function setup(mirror = "rel", extra: Record<string, string> = {}) {
  const home = tempDir("home");
  const env = userEnv(home, { CMDAI_DOWNLOAD_URL: server.url(mirror), CMDAI_RELEASES_URL: server.url("gh"), ...extra });
  return { home, bin: join(home, ".local", "bin"), env };
}

/** A releases URL nothing answers at: GitHub, from a machine that can reach only a mirror. */
const unreachable = "http://127.0.0.1:1/releases";

/** The requests the server got since `before`, for the given prefix. */
const requestsSince = (before: number, prefix: string) => server.requests.slice(before).filter((p) => p.startsWith(`/${prefix}/`));

/** The one-line error of a checksum mismatch: want is the trusted hash, got the file's. */
function expectMismatch(r: { code: number; stderr: string }, file: string, want: string, got: string, source: string) {
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^cmdai-install: error: [^\n]*\n$/);
  expect(r.stderr).toContain(`checksum mismatch for ${file} from `);
  expect(r.stderr).toContain(`: want ${want} (${source}), got ${got}. The download is damaged or was changed; nothing was installed`);
}

/** Runs the installed binary from a clean environment. */
const cmdai = (bin: string, args: string[], home: string) =>
  run([join(bin, "cmdai"), ...args], { HOME: home, PATH: "/usr/bin:/bin" }, home);

function expectNothingInstalled(home: string) {
  expect(listTree(home)).toEqual([]);
}

describe("the linux-x64 release archive", () => {
  test("building it writes only into --out: no file of the repository changes (Formula/cmdai.rb included)", () => {
    expect(repoAfter).toBe(repoBefore);
  });

  test(
    "SHA256SUMS lists the archives and install.sh with their real hashes",
    () => {
      expect(sums.map((s) => s.file).sort()).toEqual([`${base}.tar.gz`, `${base}.tar.xz`, "install.sh"]);
      for (const s of sums) expect(sha256Hex(readFileSync(join(rel, s.file)))).toBe(s.sha256);
    },
    slowStepTimeout,
  );

  test(
    "holds the binary, completions/, shell/, README, LICENSE and third-party notices, in gz and xz alike",
    async () => {
      const want = [
        `${base}/`,
        `${base}/LICENSE`,
        `${base}/README.md`,
        `${base}/THIRD_PARTY_NOTICES.md`,
        `${base}/cmdai`,
        `${base}/completions/`,
        ...readdirSync(join(repoRoot, "completions")).map((f) => `${base}/completions/${f}`),
        `${base}/shell/`,
        ...readdirSync(join(repoRoot, "shell")).map((f) => `${base}/shell/${f}`),
      ].sort();
      for (const ext of ["gz", "xz"]) {
        const r = await run(["tar", "-tf", join(rel, `${base}.tar.${ext}`)], { PATH: "/usr/bin:/bin" });
        expect(r.code).toBe(0);
        expect(r.stdout.trim().split("\n").sort()).toEqual(want);
      }
    },
    slowStepTimeout,
  );

  test(
    "the binary is an x86-64 ELF that prints version, commit and target; notices name what is inside",
    async () => {
      const dir = tempDir("unpack");
      expect((await run(["tar", "-xzf", join(rel, `${base}.tar.gz`), "-C", dir], { PATH: "/usr/bin:/bin" })).code).toBe(0);
      const exe = join(dir, base, "cmdai");
      const head = readFileSync(exe).subarray(0, 20);
      expect([...head.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
      expect(head.readUInt16LE(18)).toBe(0x3e);
      expect(statSync(exe).mode & 0o777).toBe(0o755);
      const v = await run([exe, "--version"], { HOME: dir, PATH: "/usr/bin:/bin" });
      expect(v.stdout).toBe(`cmdai ${version} (${commit} ${target})\n`);
      const notices = readFileSync(join(dir, base, "THIRD_PARTY_NOTICES.md"), "utf8");
      for (const name of [
        "## Bun ",
        "## llama.cpp ",
        "## @node-llama-cpp/linux-x64 ",
        "## node-llama-cpp ",
        "## citty ",
        "## web-tree-sitter ",
        "## smol-toml ",
      ])
        expect(notices).toContain(name);
      expect(readFileSync(join(dir, base, "LICENSE"), "utf8")).toContain("cmdai contributors");
    },
    slowStepTimeout,
  );

  test(
    "is reproducible: rebuilt twice from its own binary, the .tar.gz and .tar.xz are byte-identical to the release's",
    async () => {
      const dir = tempDir("rebuild");
      expect((await run(["tar", "-xzf", join(rel, `${base}.tar.gz`), "-C", dir, `${base}/cmdai`], { PATH: "/usr/bin:/bin" })).code).toBe(0);
      const input = {
        root: repoRoot,
        version,
        target,
        binary: new Uint8Array(readFileSync(join(dir, base, "cmdai"))),
        nativesDir: join(repoRoot, "node_modules", "@node-llama-cpp", target),
        mtime: sourceDateEpoch(repoRoot),
      };
      const [first, second] = [await releaseTar(input), await releaseTar(input)];
      expect(sha256Hex(second)).toBe(sha256Hex(first));
      const gz = gzipArchive(first);
      expect(gz[9]).toBe(3); // gzip's OS byte: Unix, wherever it was built
      expect(sha256Hex(gz)).toBe(sums.find((s) => s.file === `${base}.tar.gz`)!.sha256);
      const xz = Bun.spawnSync(xzCommand(0), { stdin: first }); // the tests' release uses --xz-level 0
      expect(xz.exitCode).toBe(0);
      expect(sha256Hex(new Uint8Array(xz.stdout))).toBe(sums.find((s) => s.file === `${base}.tar.xz`)!.sha256);
    },
    slowStepTimeout,
  );

  test("install.sh names the repository of package.json, in the repo and in the release", () => {
    for (const file of [join(repoRoot, "install.sh"), join(rel, "install.sh")])
      expect(readFileSync(file, "utf8")).toMatch(new RegExp(`^CMDAI_REPO="${slug.replace("/", "\\/")}"$`, "m"));
  });

  test("its install.sh is the committed one with the archives' SHA256SUMS lines baked in; the committed one has none", () => {
    const template = readFileSync(installer, "utf8");
    expect(renderInstaller(template, { slug })).toBe(template); // the generic installer is the template itself
    const published = readFileSync(join(rel, "install.sh"), "utf8");
    expect(published).toBe(renderInstaller(template, { slug, release: { version, sums } }));
    const archives = sums.filter((s) => s.file.startsWith("cmdai-")).map((s) => `${s.sha256}  ${s.file}`);
    expect(published).toContain(`\nbaked_version="${version}"\nbaked_sums='\n${archives.join("\n")}\n'\n`);
    expect(template).toContain(`\nbaked_version=""\nbaked_sums=''\n`);
  });
});

describe("install.sh, statically", () => {
  test(
    "is shellcheck-clean as POSIX sh and parses under dash, generic and as published",
    async () => {
      for (const file of [installer, join(rel, "install.sh")]) {
        const sc = await run(["shellcheck", "--shell=sh", "--severity=style", file], { PATH: "/usr/bin:/bin" });
        expect(sc.stdout + sc.stderr).toBe("");
        expect(sc.code).toBe(0);
        expect((await run(["dash", "-n", file], { PATH: "/usr/bin:/bin" })).code).toBe(0);
      }
    },
    slowStepTimeout,
  );

  test(
    "--help prints usage; an unknown option is an error",
    async () => {
      const home = tempDir("home");
      const h = await installerRun("dash", ["--help"], userEnv(home));
      expect(h.code).toBe(0);
      expect(h.stdout).toContain("--shell-setup");
      const bad = await installerRun("dash", ["--frobnicate"], userEnv(home));
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("unknown option '--frobnicate'");
      expectNothingInstalled(home);
    },
    slowStepTimeout,
  );
});

for (const sh of shells) {
  describe(`install.sh under ${sh}`, () => {
    test(
      "fresh install: verified, and the binary works from a clean environment",
      async () => {
        const { home, bin, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
        const r = await installerRun(sh, [], env);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        console.error(`  ${sh}: fresh install (.tar.gz) in ${(r.ms / 1000).toFixed(2)} s`);
        expect(r.stdout).toContain(`Installed cmdai ${version} (${commit} ${target}) to ${bin}/cmdai`);
        // The one line to add, with PATH since ~/.local/bin is not on it.
        expect(r.stdout).toContain(
          `  export PATH="$HOME/.local/bin:$PATH"; fpath=("$HOME/.local/share/zsh/site-functions" $fpath); eval "$(cmdai init zsh)"`,
        );
        expect(listTree(home)).toEqual([
          ".config/",
          ".config/fish/",
          ".config/fish/completions/",
          ".config/fish/completions/cmdai.fish",
          ".local/",
          ".local/bin/",
          ".local/bin/cmdai",
          ".local/share/",
          ".local/share/bash-completion/",
          ".local/share/bash-completion/completions/",
          ".local/share/bash-completion/completions/cmdai",
          ".local/share/zsh/",
          ".local/share/zsh/site-functions/",
          ".local/share/zsh/site-functions/_cmdai",
        ]);
        const v = await cmdai(bin, ["--version"], home);
        expect(v.stdout).toBe(`cmdai ${version} (${commit} ${target})\n`);
        const check = await cmdai(bin, ["check", "--", "ls -la"], home);
        expect(check.stderr).toBe("");
        expect(check.code).toBe(0);
        const init = await cmdai(bin, ["init", "zsh"], home);
        expect(init.code).toBe(0);
        expect(init.stdout).toContain("cmdai-widget");
      },
      installTimeout,
    );

    test(
      "upgrade in place: an older cmdai is replaced and the user is told",
      async () => {
        const { home, bin, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
        mkdirp(bin);
        writeFileSync(join(bin, "cmdai"), "#!/bin/sh\necho 'cmdai 0.0.1 (0123456789 linux-x64)'\n");
        chmodSync(join(bin, "cmdai"), 0o755);
        const r = await installerRun(sh, [], env);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(
          `Replaced cmdai 0.0.1 (0123456789 linux-x64) with cmdai ${version} (${commit} ${target}) in ${bin}/cmdai`,
        );
        expect((await cmdai(bin, ["--version"], home)).stdout).toBe(`cmdai ${version} (${commit} ${target})\n`);
        expect(readdirSync(bin)).toEqual(["cmdai"]); // no temporary files left
      },
      installTimeout,
    );

    test(
      "--shell-setup twice: one init line, the rc file backed up once, and zsh picks it up",
      async () => {
        const { home, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
        const rc = join(home, ".zshrc");
        writeFileSync(rc, "# my settings\nsetopt no_beep");
        const first = await installerRun(sh, ["--shell-setup"], env);
        expect(first.code).toBe(0);
        expect(first.stdout).toMatch(/Shell setup: added the init line to .*\.zshrc \(backup: .*\.zshrc\.cmdai-backup-\d+\)/);
        const second = await installerRun(sh, ["--shell-setup"], env);
        expect(second.code).toBe(0);
        expect(second.stdout).toContain("already sets cmdai up; left unchanged");
        const text = readFileSync(rc, "utf8");
        expect(text.match(/cmdai init zsh/g)?.length).toBe(1);
        expect(text.startsWith("# my settings\nsetopt no_beep\n\n# cmdai shell integration")).toBe(true);
        const backups = readdirSync(home).filter((f) => f.startsWith(".zshrc.cmdai-backup-"));
        expect(backups.length).toBe(1);
        expect(readFileSync(join(home, backups[0]!), "utf8")).toBe("# my settings\nsetopt no_beep");
        // A new interactive zsh: cmdai on PATH, the widget bound, completion found by compinit.
        const z = await run(
          ["zsh", "-i", "-c", "whence -p cmdai; bindkey '^G'; autoload -Uz compinit; compinit -u -D; print -r -- $_comps[cmdai]"],
          { HOME: home, PATH: "/usr/bin:/bin", TERM: "dumb" },
          home,
        );
        expect(z.stdout).toBe(`${home}/.local/bin/cmdai\n"^G" cmdai-widget\n_cmdai\n`);
      },
      installTimeout,
    );

    test(
      "--uninstall removes the binary, completions and the rc line, and keeps models",
      async () => {
        const { home, bin, env } = setup("rel", { CMDAI_ARCHIVE: "gz", SHELL: "/bin/bash" });
        const rc = join(home, ".bashrc");
        writeFileSync(rc, "alias ll='ls -l'\n");
        expect((await installerRun(sh, ["--shell-setup"], env)).code).toBe(0);
        expect(readFileSync(rc, "utf8")).toContain('eval "$(cmdai init bash)"');
        const b = await run(["bash", "-i", "-c", "type -t __cmdai_widget; complete -p cmdai 2>/dev/null | head -c 0"], {
          HOME: home,
          PATH: "/usr/bin:/bin",
          TERM: "dumb",
        });
        expect(b.stdout).toBe("function\n");
        mkdirp(join(home, ".cache", "cmdai", "models"));
        const u = await installerRun(sh, ["--uninstall"], env);
        expect(u.code).toBe(0);
        expect(u.stdout).toContain(`Removed: ${bin}/cmdai`);
        expect(u.stdout).toContain("Models and caches are kept in");
        expect(readFileSync(rc, "utf8")).toBe("alias ll='ls -l'\n");
        expect(existsSync(join(bin, "cmdai"))).toBe(false);
        expect(listTree(home).filter((p) => !p.endsWith("/") && !p.includes("cmdai-backup"))).toEqual([".bashrc"]);
        const again = await installerRun(sh, ["--uninstall"], env);
        expect(again.code).toBe(0);
        expect(again.stdout).toContain("cmdai is not installed");
      },
      installTimeout,
    );

    test(
      "a forged mirror (changed archive, SHA256SUMS rewritten to match) or a cut download: nothing installed, one line with want/got",
      async () => {
        const want = sums.find((s) => s.file === `${base}.tar.gz`)!.sha256;
        const forgedGot = sha256Hex(readFileSync(join(forgedDir, `${base}.tar.gz`)));
        for (const mirror of ["forged", "cut"]) {
          const { home, env } = setup(mirror, { CMDAI_ARCHIVE: "gz" });
          const before = server.requests.length;
          const r = await installerRun(sh, ["--shell-setup"], env);
          const got = mirror === "forged" ? forgedGot : expect.stringMatching(/^[0-9a-f]{64}$/);
          expect(r.stderr).toMatch(/^cmdai-install: error: [^\n]*\n$/);
          expect(r.code).toBe(1);
          const m =
            /checksum mismatch for (\S+) from \S+: want ([0-9a-f]{64}) \((\S+)\), got ([0-9a-f]{64})\. The download is damaged or was changed; nothing was installed$/m.exec(
              r.stderr,
            );
          expect({ file: m?.[1], want: m?.[2], source: m?.[3], got: m?.[4] }).toEqual({
            file: `${base}.tar.gz`,
            want,
            source: server.url("gh/latest/download/SHA256SUMS"),
            got,
          });
          expect(requestsSince(before, mirror)).toEqual([`/${mirror}/${base}.tar.gz`]); // the mirror's SHA256SUMS is never read
          expectNothingInstalled(home);
        }
      },
      installTimeout,
    );

    test(
      "a binary that does not run here is never installed, and the old one stays",
      async () => {
        const fresh = setup("broken", { CMDAI_RELEASES_URL: server.url("ghbroken") });
        const r = await installerRun(sh, [], fresh.env);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(
          "the downloaded cmdai does not run on this machine: cmdai: /lib/libc.so.6: version GLIBC_2.99 not found",
        );
        expectNothingInstalled(fresh.home);
        const { home, bin, env } = setup("broken", { CMDAI_RELEASES_URL: server.url("ghbroken") });
        mkdirp(bin);
        writeFileSync(join(bin, "cmdai"), "#!/bin/sh\necho 'cmdai 0.0.1 (0123456789 linux-x64)'\n");
        chmodSync(join(bin, "cmdai"), 0o755);
        expect((await installerRun(sh, [], env)).code).toBe(1);
        expect(readdirSync(bin)).toEqual(["cmdai"]);
        expect((await run([join(bin, "cmdai")], { PATH: "/usr/bin:/bin" })).stdout).toBe("cmdai 0.0.1 (0123456789 linux-x64)\n");
        expect(listTree(home)).toEqual([".local/", ".local/bin/", ".local/bin/cmdai"]);
      },
      installTimeout,
    );

    test(
      "unsupported platforms are refused before any download",
      async () => {
        for (const [os, cpu] of [
          ["Linux", "riscv64"],
          ["Linux", "i686"],
          ["FreeBSD", "amd64"],
        ]) {
          const { home, env } = setup();
          const before = server.requests.length;
          const r = await installerRun(sh, [], { ...env, PATH: toolbox([], { uname: fakeUname(os!, cpu!) }) });
          expect(r.code).toBe(1);
          expect(r.stderr).toContain(`unsupported platform: ${os} ${cpu}`);
          expect(server.requests.length).toBe(before);
          expectNothingInstalled(home);
        }
      },
      installTimeout,
    );

    test(
      "a platform missing from the release is a clear error",
      async () => {
        const { home, env } = setup();
        const r = await installerRun(sh, [], { ...env, PATH: toolbox([], { uname: fakeUname("Linux", "aarch64") }) });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain("no cmdai build for linux-arm64");
        expectNothingInstalled(home);
      },
      installTimeout,
    );
  });
}

describe("install.sh: downloaders, formats, versions, permissions", () => {
  test(
    "uses wget when curl is missing, and fails clearly when both are",
    async () => {
      const { home, bin, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
      const w = await installerRun("dash", [], { ...env, PATH: toolbox(["curl"]) });
      expect(w.stderr).toBe("");
      expect(w.code).toBe(0);
      expect((await cmdai(bin, ["--version"], home)).code).toBe(0);
      const none = setup();
      const n = await installerRun("dash", [], { ...none.env, PATH: toolbox(["curl", "wget"]) });
      expect(n.code).toBe(1);
      expect(n.stderr).toContain("need curl or wget");
      expectNothingInstalled(none.home);
    },
    installTimeout,
  );

  test(
    "prefers .tar.xz when xz is there, and falls back to .tar.gz without it or when the mirror lacks it",
    async () => {
      const cases: [string, Record<string, string>, string[], string][] = [
        ["rel", {}, [], ".tar.xz"],
        ["rel", {}, ["xz"], ".tar.gz"],
        ["gzonly", {}, [], ".tar.gz"],
      ];
      for (const [mirror, extra, without, want] of cases) {
        const { home, bin, env } = setup(mirror, extra);
        const before = server.requests.length;
        const r = await installerRun("dash", [], { ...env, PATH: toolbox(without) });
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const fetched = server.requests.slice(before).filter((p) => p.includes(".tar."));
        // The checksums name both formats; a mirror without the .tar.xz answers 404 and the .tar.gz is next.
        const tried = mirror === "gzonly" ? [`/${mirror}/${base}.tar.xz`] : [];
        expect(fetched).toEqual([...tried, `/${mirror}/${base}${want}`]);
        console.error(`  install from ${want} in ${(r.ms / 1000).toFixed(2)} s`);
        expect((await cmdai(bin, ["--version"], home)).code).toBe(0);
      }
    },
    installTimeout,
  );

  test(
    "--version picks that version, and an unknown one is an error",
    async () => {
      const { home, bin, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
      const ok = await installerRun("dash", ["--version", `v${version}`], env);
      expect(ok.code).toBe(0);
      expect((await cmdai(bin, ["--version"], home)).stdout).toStartWith(`cmdai ${version} `);
      const other = setup();
      const r = await installerRun("dash", ["--version", "9.9.9"], other.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot download ${server.url("gh/download/v9.9.9/SHA256SUMS")} (is v9.9.9 a cmdai release?)`);
      expectNothingInstalled(other.home);
    },
    installTimeout,
  );

  test(
    "no write access to the install folder: refused before downloading, nothing installed",
    async () => {
      const { home, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
      chmodSync(home, 0o755);
      const locked = mkdirp(join(home, "locked"));
      chmodSync(locked, 0o555);
      const asUser = process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : [];
      const before = server.requests.length;
      const r = await installerRun("dash", [], { ...env, CMDAI_INSTALL_DIR: join(locked, "bin") }, asUser);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no write access to ${locked}`);
      expect(server.requests.length).toBe(before);
      expect(listTree(home)).toEqual(["locked/"]);
    },
    installTimeout,
  );

  test(
    "--with-model installs, then pulls the default model from the hub (HF_ENDPOINT)",
    async () => {
      const model = new Uint8Array(readFileSync(await tinyModel()));
      const hub = startFaultServer({ content: { data: model } });
      try {
        const { home, env } = setup("rel", { CMDAI_ARCHIVE: "gz", HF_ENDPOINT: hub.url("") });
        const r = await installerRun("dash", ["--with-model"], env);
        expect(r.stderr).not.toContain("error");
        expect(r.code).toBe(0);
        const models = join(home, ".cache", "cmdai", "models");
        const files = listTree(models).filter((f) => f.endsWith(".gguf"));
        expect(files.length).toBe(1);
        expect(sha256Hex(readFileSync(join(models, files[0]!)))).toBe(sha256Hex(model));
      } finally {
        hub.stop();
      }
    },
    installTimeout,
  );
});

describe("install.sh: what the archive is checked against", () => {
  const gz = () => sums.find((s) => s.file === `${base}.tar.gz`)!.sha256;
  const forgedGz = () => sha256Hex(readFileSync(join(forgedDir, `${base}.tar.gz`)));
  const releaseInstaller = () => join(rel, "install.sh");

  test(
    "an honest mirror supplies only the archive: the checksums come from the releases URL",
    async () => {
      const { home, bin, env } = setup("mirror", { CMDAI_ARCHIVE: "gz" });
      const before = server.requests.length;
      const r = await installerRun("dash", [], env);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Checked: the SHA-256 of ${base}.tar.gz matches ${server.url("gh/latest/download/SHA256SUMS")}`);
      expect(server.requests.slice(before)).toEqual(["/gh/latest/download/SHA256SUMS", `/mirror/${base}.tar.gz`]);
      expect((await cmdai(bin, ["--version"], home)).stdout).toBe(`cmdai ${version} (${commit} ${target})\n`);
    },
    installTimeout,
  );

  test(
    "the release's own install.sh has its checksums baked in: it installs from a mirror with GitHub unreachable",
    async () => {
      for (const archive of ["gz", "xz"]) {
        const { home, bin, env } = setup("mirror", { CMDAI_ARCHIVE: archive, CMDAI_RELEASES_URL: unreachable });
        const before = server.requests.length;
        const r = await run(["dash", releaseInstaller()], env);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`Checked: the SHA-256 of ${base}.tar.${archive} matches the checksums in this installer`);
        expect(server.requests.slice(before)).toEqual([`/mirror/${base}.tar.${archive}`]);
        expect((await cmdai(bin, ["--version"], home)).stdout).toBe(`cmdai ${version} (${commit} ${target})\n`);
      }
      // Without a mirror it fetches the archive of its own version (not "latest"), and nothing else.
      const { home, bin, env } = setup("mirror", { CMDAI_ARCHIVE: "gz" });
      delete env.CMDAI_DOWNLOAD_URL;
      const before = server.requests.length;
      const r = await run(["dash", releaseInstaller()], env);
      expect(r.code).toBe(0);
      expect(server.requests.slice(before)).toEqual([`/gh/download/v${version}/${base}.tar.gz`]);
      expect((await cmdai(bin, ["--version"], home)).code).toBe(0);
    },
    installTimeout,
  );

  test(
    "the release's own install.sh refuses the forged mirror, and its own forged copy cannot vouch for it",
    async () => {
      for (const sh of ["dash", "bash"]) {
        const { home, env } = setup("forged", { CMDAI_ARCHIVE: "gz", CMDAI_RELEASES_URL: unreachable });
        const r = await run([sh, releaseInstaller()], env);
        expectMismatch(r, `${base}.tar.gz`, gz(), forgedGz(), "the checksums in this installer");
        expectNothingInstalled(home);
      }
      // The forger's own install.sh does install its archive: which is why the
      // installer must come from the releases URL (or a copy checked against it), never from a mirror.
      const { env } = setup("forged", { CMDAI_ARCHIVE: "gz", CMDAI_RELEASES_URL: unreachable });
      expect((await run(["dash", join(forgedDir, "install.sh")], env)).code).toBe(0);
    },
    installTimeout,
  );

  test(
    "--version of another release: the release's install.sh fetches that release's SHA256SUMS from the releases URL",
    async () => {
      const { home, env } = setup("mirror");
      const r = await run(["dash", releaseInstaller(), "--version", "9.9.9"], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot download ${server.url("gh/download/v9.9.9/SHA256SUMS")} (is v9.9.9 a cmdai release?)`);
      expectNothingInstalled(home);
    },
    installTimeout,
  );

  test(
    "only a mirror reachable: the generic install.sh stops and says what works; --version with --sha256 does",
    async () => {
      const { home, bin, env } = setup("mirror", { CMDAI_ARCHIVE: "gz", CMDAI_RELEASES_URL: unreachable });
      const before = server.requests.length;
      const r = await installerRun("dash", [], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `cmdai-install: error: cannot download ${unreachable}/latest/download/SHA256SUMS, which the archive is checked against`,
      );
      expect(r.stderr).toContain(
        "run the install.sh published with the release (its checksums are baked in), or pass --version V --sha256 HASH",
      );
      expect(server.requests.length).toBe(before); // not even the archive
      expectNothingInstalled(home);

      const pinned = await installerRun("dash", ["--version", version, "--sha256", gz().toUpperCase()], env);
      expect(pinned.stderr).toBe("");
      expect(pinned.code).toBe(0);
      expect(pinned.stdout).toContain(`Checked: the SHA-256 of ${base}.tar.gz matches --sha256`);
      expect((await cmdai(bin, ["--version"], home)).code).toBe(0);

      const other = setup("forged", { CMDAI_ARCHIVE: "gz", CMDAI_RELEASES_URL: unreachable });
      const wrong = await installerRun("dash", ["--version", version, "--sha256", gz()], other.env);
      expectMismatch(wrong, `${base}.tar.gz`, gz(), forgedGz(), "--sha256");
      expectNothingInstalled(other.home);
      const noVersion = await installerRun("dash", ["--sha256", gz()], other.env);
      expect(noVersion.stderr).toContain("--sha256 needs --version V");
      const short = await installerRun("dash", ["--version", version, "--sha256", "abc"], other.env);
      expect(short.stderr).toContain("--sha256: 'abc' is not a SHA-256");
      expectNothingInstalled(other.home);
    },
    installTimeout,
  );

  test(
    "the releases URL must be https: the checksums are only as good as where they come from",
    async () => {
      const { home, env } = setup("mirror", { CMDAI_RELEASES_URL: "http://example.com/releases" });
      const before = server.requests.length;
      const r = await installerRun("dash", [], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("CMDAI_RELEASES_URL must be an https URL");
      expect(server.requests.length).toBe(before);
      expectNothingInstalled(home);
    },
    installTimeout,
  );
});

describe("the formula from this release's SHA256SUMS", () => {
  test(
    "its linux-x64 url and hash are the release's own",
    async () => {
      const { renderFormula } = await import("../../../scripts/release/formula.ts");
      const { targets } = await import("../../../scripts/release/targets.ts");
      // Only linux-x64 is built here: the other three get stand-in lines.
      const all = [
        ...sums,
        ...targets
          .filter((t) => t.name !== target)
          .map((t, i) => ({ sha256: String(i + 1).repeat(64), file: `cmdai-${version}-${t.name}.tar.xz` })),
      ];
      const file = join(tempDir("formula"), "cmdai.rb");
      writeFileSync(file, renderFormula({ slug, version, description: "Test", license: "MIT", sums: all }));
      const probe = Bun.spawnSync(["ruby", join(import.meta.dir, "formula-probe.rb"), file]);
      expect(probe.exitCode).toBe(0);
      const linux = JSON.parse(probe.stdout.toString()).platforms[target];
      const xz = sums.find((s) => s.file === `${base}.tar.xz`)!;
      expect(linux).toEqual({ url: `https://github.com/${slug}/releases/download/v${version}/${base}.tar.xz`, sha256: xz.sha256 });
    },
    slowStepTimeout,
  );
});
