// The sandbox cannot write outside its copy (tried, for every sandbox this machine has),
// has no network, a cleared environment, a time limit and an output cap.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFixture, copyFixture, snapshot, stateDiff } from "../../../bench/accuracy/fixture.ts";
import { detectSandbox, runSandboxed, type Sandbox, type SandboxKind } from "../../../bench/accuracy/sandbox.ts";

const work = mkdtempSync(join(tmpdir(), "cmdai-sandbox-test-"));
afterAll(() => {
  Bun.spawnSync(["chmod", "-R", "u+rwx", work]);
  rmSync(work, { recursive: true, force: true });
});
const template = join(work, "template");
buildFixture("fs_1", template);

const kinds = (["bwrap", "unshare"] as SandboxKind[])
  .map((k) => detectSandbox(work, k))
  .filter((s, i, all): s is Sandbox => !!s && all.findIndex((x) => x?.kind === s.kind) === i);

test("this machine has a sandbox (CI needs bubblewrap or util-linux's unshare)", () => {
  expect(kinds.length).toBeGreaterThan(0);
});

let n = 0;
async function inCopy(sandbox: Sandbox, cmd: string, opts: { timeoutMs?: number; outputCap?: number } = {}) {
  const copy = join(work, `copy-${n++}`);
  await copyFixture(template, copy);
  const r = await runSandboxed(sandbox, copy, cmd, { shell: "bash", userland: "gnu", ...opts });
  return { ...r, copy };
}

for (const sandbox of kinds) {
  describe(`sandbox: ${sandbox.kind}`, () => {
    test("writes outside the copy fail and change nothing; writes inside land in the copy", async () => {
      const canary = join(work, "canary");
      writeFileSync(canary, "untouched\n");
      const hostTmp = join(tmpdir(), `cmdai-sandbox-escape-${process.pid}`);
      const before = snapshot(template);
      const r = await inCopy(
        sandbox,
        [
          `echo pwned > ${canary}`, // the host path of a file beside the copies
          `mkdir -p ${work}/escaped`,
          `echo pwned > ${hostTmp}`,
          "echo pwned > /etc/cmdai-escape",
          "touch /usr/cmdai-escape",
          "rm -f /usr/bin/env",
          "echo inside > /testbed/inside.txt",
          "echo home > ~/home.txt",
          "cd .. && cd .. && echo up > up.txt",
          "echo done",
        ].join("; "),
      );
      expect(r.output).toContain("done");
      expect(readFileSync(canary, "utf8")).toBe("untouched\n");
      expect(existsSync(join(work, "escaped"))).toBe(false);
      expect(existsSync(hostTmp)).toBe(false);
      expect(existsSync("/etc/cmdai-escape")).toBe(false);
      expect(existsSync("/usr/cmdai-escape")).toBe(false);
      expect(existsSync("/usr/bin/env")).toBe(true);
      expect(readFileSync(join(r.copy, "testbed/inside.txt"), "utf8")).toBe("inside\n");
      expect(readFileSync(join(r.copy, "root/home.txt"), "utf8")).toBe("home\n");
      expect(readFileSync(join(r.copy, "up.txt"), "utf8")).toBe("up\n"); // `..` of / is / inside the copy
      expect(stateDiff(before, snapshot(template))).toEqual([]);
    });

    test("root inside cannot remount, mknod, chroot out, write /proc/sys, or lift its limits", async () => {
      const r = await inCopy(
        sandbox,
        [
          "mount -o remount,rw /usr 2>/dev/null && echo REMOUNTED",
          "mkdir -p /tmp/m && mount -t tmpfs none /tmp/m 2>/dev/null && echo MOUNTED",
          "mknod /tmp/disk b 8 0 2>/dev/null && echo MKNOD",
          // rewriting a sysctl with its own value: harmless if it ever succeeds
          "(cat /proc/sys/kernel/core_pattern > /proc/sys/kernel/core_pattern) 2>/dev/null && echo SYSCTL",
          "chroot / /bin/true 2>/dev/null && echo CHROOT",
          "grep -q 'cap_sys_admin' <(capsh --decode=$(awk '/CapEff/ {print $2}' /proc/self/status) 2>/dev/null) && echo SYS_ADMIN",
          "awk '/Max file size/ {print \"fsize\", $4}' /proc/self/limits",
          "echo w > /tmp/ro-file && chmod 400 /tmp/ro-file && echo again >> /tmp/ro-file && echo dac-override-kept",
        ].join("; "),
      );
      for (const bad of ["REMOUNTED", "MOUNTED", "MKNOD", "SYSCTL", "CHROOT", "SYS_ADMIN"]) expect(r.output).not.toContain(bad);
      expect(r.output).toContain(`fsize ${256 * 1024 * 1024}`);
      expect(r.output).toContain("dac-override-kept"); // a container's root writes read-only files, as upstream
    });

    test("no network but loopback, cleared environment, HOME and cwd inside the copy", async () => {
      const r = await inCopy(
        sandbox,
        "ls /sys/class/net 2>/dev/null || cut -d: -f1 /proc/net/dev | tail -n +3; env | sort; pwd; echo host=$(cat /proc/sys/kernel/hostname)",
      );
      const lines = r.output.split("\n").map((l) => l.trim());
      expect(lines.filter((l) => /^(lo|eth\d|en\w+|wl\w+)$/.test(l))).toEqual(["lo"]);
      expect(lines).toContain("HOME=/root");
      expect(lines).toContain("host=nl2sh-alfa"); // the same in both sandboxes, never the host's name
      expect(lines).toContain("/");
      expect(lines.some((l) => /^(USER|TERM|CMDAI_\w+|BUN_\w+)=/.test(l))).toBe(false);
    });

    test("a command is killed at the time limit, and at the output cap", async () => {
      const slow = await inCopy(sandbox, "sleep 30", { timeoutMs: 500 });
      expect(slow.timedOut).toBe(true);
      const loud = await inCopy(sandbox, "yes", { outputCap: 10_000 });
      expect(loud.truncated).toBe(true);
      expect(loud.output.length).toBe(10_000);
    }, 20_000);
  });
}
