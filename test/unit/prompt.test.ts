import { describe, expect, test } from "bun:test";
import { buildPrompt } from "../../src/prompt/prompt.ts";
import type { MachineContext } from "../../src/context/probe.ts";

const linux: MachineContext = { os: "Linux", distro: "Debian GNU/Linux 12", arch: "x64", userland: "GNU", tools: ["rg", "jq"] };
const mac: MachineContext = { os: "macOS", arch: "arm64", userland: "BSD", tools: [] };

describe("prompt", () => {
  test("tells the model the OS, userland, shell, directory and tools", () => {
    const p = buildPrompt({ request: "find big pdfs", shell: "zsh", cwd: "/home/ann", machine: linux });
    expect(p.system).toContain("Machine: Linux (Debian GNU/Linux 12), x64, GNU userland");
    expect(p.system).toContain("Shell: zsh");
    expect(p.user).toContain("Directory: /home/ann");
    expect(p.system).toContain("Tools: rg, jq");
    expect(p.user.endsWith("Request: find big pdfs")).toBe(true);
  });

  test("BSD userland is named for macOS and fish gets its syntax hint", () => {
    const p = buildPrompt({ request: "x", shell: "fish", cwd: "/", machine: mac });
    expect(p.system).toContain("macOS, arm64, BSD userland");
    expect(p.system).toContain("fish syntax");
    expect(p.system).not.toContain("Tools:");
  });

  test("the system prompt depends on the machine and shell only, not the request or directory (KV reuse)", () => {
    const a = buildPrompt({ request: "a", shell: "bash", cwd: "/a", machine: linux });
    const b = buildPrompt({ request: "b", shell: "bash", cwd: "/b", machine: linux });
    const c = buildPrompt({ request: "a", shell: "fish", cwd: "/a", machine: linux });
    expect(a.system).toBe(b.system);
    expect(a.user).not.toBe(b.user);
    expect(c.system).not.toBe(a.system);
  });

  test("a fix request carries the failed command and its status", () => {
    const p = buildPrompt({ request: "", shell: "bash", cwd: "/", machine: linux, fix: { command: "gti status", status: 127 } });
    expect(p.user).toContain("This command failed with exit status 127: gti status");
    expect(p.user).toContain("Request: fix it");
  });
});
