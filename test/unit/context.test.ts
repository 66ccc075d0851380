import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineContext, probeMachine } from "../../src/context/probe.ts";

const root = mkdtempSync(join(tmpdir(), "cmdai-ctx-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeBin(dir: string, names: string[]) {
  mkdirSync(dir, { recursive: true });
  for (const n of names) {
    writeFileSync(join(dir, n), "#!/bin/sh\n");
    chmodSync(join(dir, n), 0o755);
  }
}

describe("machine context", () => {
  test("finds the tools on PATH and ignores non-executables", () => {
    const bin = join(root, "bin1");
    fakeBin(bin, ["rg", "jq", "ls"]);
    writeFileSync(join(bin, "fd"), "not executable");
    const ctx = probeMachine(bin);
    expect(ctx.tools).toEqual(["rg", "jq"]);
    expect(ctx.os).toBe(process.platform === "linux" ? "Linux" : ctx.os);
  });

  test("recognises a busybox userland", () => {
    const bin = join(root, "bb");
    fakeBin(bin, ["busybox"]);
    symlinkSync(join(bin, "busybox"), join(bin, "ls"));
    expect(probeMachine(bin).userland).toBe("busybox");
  });

  test("the cache is reused, and refreshed when a tool is installed", () => {
    const bin = join(root, "bin2");
    const cache = join(root, "cache");
    fakeBin(bin, ["jq"]);
    expect(machineContext(cache, bin).tools).toEqual(["jq"]);
    const file = join(cache, "context.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Same PATH, unchanged folder: the cached answer is used as is.
    const doctored = JSON.parse(readFileSync(file, "utf8"));
    doctored.context.tools = ["from-cache"];
    writeFileSync(file, JSON.stringify(doctored));
    expect(machineContext(cache, bin).tools).toEqual(["from-cache"]);
    // Installing a program changes the folder's mtime: probe again.
    fakeBin(bin, ["fzf"]);
    utimesSync(bin, new Date(), new Date(Date.now() + 5000));
    expect(machineContext(cache, bin).tools).toEqual(["jq", "fzf"]);
  });

  test("a corrupt cache file is ignored", () => {
    const bin = join(root, "bin3");
    const cache = join(root, "cache3");
    fakeBin(bin, ["jq"]);
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, "context.json"), "{not json");
    expect(machineContext(cache, bin).tools).toEqual(["jq"]);
  });
});
