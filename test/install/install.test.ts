// The release archive for linux-x64 and install.sh, end to end: the real
// release is built once, served from 127.0.0.1, and installed into temporary
// HOMEs under dash and bash. Every failure case must install nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, linkSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseSums, repoSlug } from "../../scripts/release/formula.ts";
import { tar } from "../../scripts/release/tar.ts";
import { repoRoot } from "../helpers/run.ts";
import { startFaultServer, sha256Hex } from "../models/server.ts";
import { tinyModel } from "../helpers/model.ts";
import {
  buildRelease,
  fakeUname,
  installerRun,
  listTree,
  mkdirp,
  removeTemps,
  run,
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

beforeAll(async () => {
  rel = await buildRelease();
  sums = parseSums(readFileSync(join(rel, "SHA256SUMS"), "utf8"));
  // A mirror with only the .tar.gz, and one whose SHA256SUMS is wrong.
  const gzOnly = tempDir("gzonly");
  linkSync(join(rel, `${base}.tar.gz`), join(gzOnly, `${base}.tar.gz`));
  writeFileSync(join(gzOnly, "SHA256SUMS"), sums.filter((s) => s.file.endsWith(".gz")).map((s) => `${s.sha256}  ${s.file}\n`).join(""));
  const bad = tempDir("bad");
  for (const f of readdirSync(rel)) if (f.startsWith("cmdai-")) linkSync(join(rel, f), join(bad, f));
  writeFileSync(join(bad, "SHA256SUMS"), sums.map((s) => `${"0".repeat(64)}  ${s.file}\n`).join(""));
  // A release whose binary cannot run here (as with a too-old glibc).
  const broken = tempDir("broken");
  const fake = new TextEncoder().encode("#!/bin/sh\necho 'cmdai: /lib/libc.so.6: version GLIBC_2.99 not found' >&2\nexit 1\n");
  const archive = Bun.gzipSync(tar([{ path: `${base}/`, mode: 0o755 }, { path: `${base}/cmdai`, mode: 0o755, data: fake }], 0));
  writeFileSync(join(broken, `${base}.tar.gz`), archive);
  writeFileSync(join(broken, "SHA256SUMS"), `${sha256Hex(archive)}  ${base}.tar.gz\n`);
  server = serveFolders({ rel, gzonly: gzOnly, bad, broken }, (req) => {
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
}, 180_000);

afterAll(() => {
  server?.stop();
  removeTemps();
});

/** A fresh HOME, and the environment pointing the installer at the local server. */
function setup(mirror = "rel", extra: Record<string, string> = {}) {
  const home = tempDir("home");
  return { home, bin: join(home, ".local", "bin"), env: userEnv(home, { CMDAI_DOWNLOAD_URL: server.url(mirror), ...extra }) };
}

/** Runs the installed binary from a clean environment. */
const cmdai = (bin: string, args: string[], home: string) =>
  run([join(bin, "cmdai"), ...args], { HOME: home, PATH: "/usr/bin:/bin" }, home);

function expectNothingInstalled(home: string) {
  expect(listTree(home)).toEqual([]);
}

describe("the linux-x64 release archive", () => {
  test("SHA256SUMS lists the archives and install.sh with their real hashes", () => {
    expect(sums.map((s) => s.file).sort()).toEqual([`${base}.tar.gz`, `${base}.tar.xz`, "install.sh"]);
    for (const s of sums) expect(sha256Hex(readFileSync(join(rel, s.file)))).toBe(s.sha256);
  });

  test("holds the binary, completions/, shell/, README, LICENSE and third-party notices, in gz and xz alike", async () => {
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
  });

  test("the binary is an x86-64 ELF that prints version, commit and target; notices name what is inside", async () => {
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
    for (const name of ["## Bun ", "## llama.cpp ", "## @node-llama-cpp/linux-x64 ", "## node-llama-cpp ", "## citty ", "## web-tree-sitter ", "## smol-toml "])
      expect(notices).toContain(name);
    expect(readFileSync(join(dir, base, "LICENSE"), "utf8")).toContain("cmdai contributors");
  });

  test("install.sh names the repository of package.json, in the repo and in the release", () => {
    for (const file of [join(repoRoot, "install.sh"), join(rel, "install.sh")])
      expect(readFileSync(file, "utf8")).toMatch(new RegExp(`^CMDAI_REPO="${slug.replace("/", "\\/")}"$`, "m"));
  });
});

describe("install.sh, statically", () => {
  test("is shellcheck-clean as POSIX sh and parses under dash", async () => {
    const sc = await run(["shellcheck", "--shell=sh", "--severity=style", join(repoRoot, "install.sh")], { PATH: "/usr/bin:/bin" });
    expect(sc.stdout + sc.stderr).toBe("");
    expect(sc.code).toBe(0);
    expect((await run(["dash", "-n", join(repoRoot, "install.sh")], { PATH: "/usr/bin:/bin" })).code).toBe(0);
  });

  test("--help prints usage; an unknown option is an error", async () => {
    const home = tempDir("home");
    const h = await installerRun("dash", ["--help"], userEnv(home));
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("--shell-setup");
    const bad = await installerRun("dash", ["--frobnicate"], userEnv(home));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown option '--frobnicate'");
    expectNothingInstalled(home);
  });
});

for (const sh of shells) {
  describe(`install.sh under ${sh}`, () => {
    test("fresh install: verified, fast, and the binary works from a clean environment", async () => {
      const { home, bin, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
      const r = await installerRun(sh, [], env);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      console.error(`  ${sh}: fresh install (.tar.gz) in ${(r.ms / 1000).toFixed(2)} s`);
      expect(r.ms).toBeLessThan(5000);
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
    }, 30_000);

    test("upgrade in place: an older cmdai is replaced and the user is told", async () => {
      const { home, bin, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
      mkdirp(bin);
      writeFileSync(join(bin, "cmdai"), "#!/bin/sh\necho 'cmdai 0.0.1 (0123456789 linux-x64)'\n");
      chmodSync(join(bin, "cmdai"), 0o755);
      const r = await installerRun(sh, [], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Replaced cmdai 0.0.1 (0123456789 linux-x64) with cmdai ${version} (${commit} ${target}) in ${bin}/cmdai`);
      expect((await cmdai(bin, ["--version"], home)).stdout).toBe(`cmdai ${version} (${commit} ${target})\n`);
      expect(readdirSync(bin)).toEqual(["cmdai"]); // no temporary files left
    }, 30_000);

    test("--shell-setup twice: one init line, the rc file backed up once, and zsh picks it up", async () => {
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
    }, 30_000);

    test("--uninstall removes the binary, completions and the rc line, and keeps models", async () => {
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
    }, 30_000);

    test("checksum mismatch: nothing is installed and want/got are shown", async () => {
      for (const mirror of ["bad", "cut"]) {
        const { home, env } = setup(mirror, { CMDAI_ARCHIVE: "gz" });
        const r = await installerRun(sh, ["--shell-setup"], env);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^cmdai-install: error: checksum mismatch for cmdai-.*\.tar\.gz: want [0-9a-f]{64}, got [0-9a-f]{64}\..*nothing was installed\n$/);
        expectNothingInstalled(home);
      }
    }, 30_000);

    test("a binary that does not run here is never installed, and the old one stays", async () => {
      const fresh = setup("broken");
      const r = await installerRun(sh, [], fresh.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("the downloaded cmdai does not run on this machine: cmdai: /lib/libc.so.6: version GLIBC_2.99 not found");
      expectNothingInstalled(fresh.home);
      const { home, bin, env } = setup("broken");
      mkdirp(bin);
      writeFileSync(join(bin, "cmdai"), "#!/bin/sh\necho 'cmdai 0.0.1 (0123456789 linux-x64)'\n");
      chmodSync(join(bin, "cmdai"), 0o755);
      expect((await installerRun(sh, [], env)).code).toBe(1);
      expect(readdirSync(bin)).toEqual(["cmdai"]);
      expect((await run([join(bin, "cmdai")], { PATH: "/usr/bin:/bin" })).stdout).toBe("cmdai 0.0.1 (0123456789 linux-x64)\n");
      expect(listTree(home)).toEqual([".local/", ".local/bin/", ".local/bin/cmdai"]);
    }, 30_000);

    test("unsupported platforms are refused before any download", async () => {
      for (const [os, cpu] of [["Linux", "riscv64"], ["Linux", "i686"], ["FreeBSD", "amd64"]]) {
        const { home, env } = setup();
        const before = server.requests.length;
        const r = await installerRun(sh, [], { ...env, PATH: toolbox([], { uname: fakeUname(os!, cpu!) }) });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`unsupported platform: ${os} ${cpu}`);
        expect(server.requests.length).toBe(before);
        expectNothingInstalled(home);
      }
    }, 30_000);

    test("a platform missing from the release is a clear error", async () => {
      const { home, env } = setup();
      const r = await installerRun(sh, [], { ...env, PATH: toolbox([], { uname: fakeUname("Linux", "aarch64") }) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("no cmdai build for linux-arm64");
      expectNothingInstalled(home);
    }, 30_000);
  });
}

describe("install.sh: downloaders, formats, versions, permissions", () => {
  test("uses wget when curl is missing, and fails clearly when both are", async () => {
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
  }, 30_000);

  test("prefers .tar.xz when xz is there, and falls back to .tar.gz without it or when the mirror lacks it", async () => {
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
      expect(fetched).toEqual([`/${mirror}/${base}${want}`]);
      console.error(`  install from ${want} in ${(r.ms / 1000).toFixed(2)} s`);
      expect((await cmdai(bin, ["--version"], home)).code).toBe(0);
    }
  }, 30_000);

  test("--version picks that version, and an unknown one is an error", async () => {
    const { home, bin, env } = setup("rel", { CMDAI_ARCHIVE: "gz" });
    const ok = await installerRun("dash", ["--version", `v${version}`], env);
    expect(ok.code).toBe(0);
    expect((await cmdai(bin, ["--version"], home)).stdout).toStartWith(`cmdai ${version} `);
    const other = setup();
    const r = await installerRun("dash", ["--version", "9.9.9"], other.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no cmdai 9.9.9 build for linux-x64");
    expectNothingInstalled(other.home);
  }, 30_000);

  test("no write access to the install folder: refused before downloading, nothing installed", async () => {
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
  }, 30_000);

  test("--with-model installs, then pulls the default model from the hub (HF_ENDPOINT)", async () => {
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
  }, 30_000);
});

describe("the formula from this release's SHA256SUMS", () => {
  test("its linux-x64 url and hash are the release's own", async () => {
    const { renderFormula } = await import("../../scripts/release/formula.ts");
    const { targets } = await import("../../scripts/release/targets.ts");
    // Only linux-x64 is built here: the other three get stand-in lines.
    const all = [
      ...sums,
      ...targets.filter((t) => t.name !== target).map((t, i) => ({ sha256: String(i + 1).repeat(64), file: `cmdai-${version}-${t.name}.tar.xz` })),
    ];
    const file = join(tempDir("formula"), "cmdai.rb");
    writeFileSync(file, renderFormula({ slug, version, description: "Test", license: "MIT", sums: all }));
    const probe = Bun.spawnSync(["ruby", join(import.meta.dir, "formula-probe.rb"), file]);
    expect(probe.exitCode).toBe(0);
    const linux = JSON.parse(probe.stdout.toString()).platforms[target];
    const xz = sums.find((s) => s.file === `${base}.tar.xz`)!;
    expect(linux).toEqual({ url: `https://github.com/${slug}/releases/download/v${version}/${base}.tar.xz`, sha256: xz.sha256 });
  });
});
