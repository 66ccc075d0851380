import { describe, expect, test } from "bun:test";
import { buildPrompt, systemPrompt } from "../src/prompt/prompt.ts";
import type { MachineContext } from "../src/context/probe.ts";

const linux: MachineContext = { os: "Linux", distro: "Debian GNU/Linux 12", arch: "x64", userland: "GNU", tools: ["rg", "jq"] };
const mac: MachineContext = { os: "macOS", arch: "arm64", userland: "BSD", tools: [] };

describe("prompt", () => {
  test("tells the model the OS, userland, shell, directory and tools", () => {
    const p = buildPrompt({ request: "find big pdfs", shell: "zsh", cwd: "/home/ann", machine: linux });
    expect(p.user).toContain("Linux (Debian GNU/Linux 12), x64, GNU userland");
    expect(p.user).toContain("Shell: zsh");
    expect(p.user).toContain("Directory: /home/ann");
    expect(p.user).toContain("Tools: rg, jq");
    expect(p.user.endsWith("Request: find big pdfs")).toBe(true);
  });

  test("BSD userland is named for macOS and fish gets its syntax hint", () => {
    const p = buildPrompt({ request: "x", shell: "fish", cwd: "/", machine: mac });
    expect(p.user).toContain("macOS, arm64, BSD userland");
    expect(p.user).toContain("fish syntax");
    expect(p.user).not.toContain("Tools:");
  });

  test("the system prompt never changes with the request (KV cache reuse)", () => {
    const a = buildPrompt({ request: "a", shell: "bash", cwd: "/a", machine: linux });
    const b = buildPrompt({ request: "b", shell: "fish", cwd: "/b", machine: mac });
    expect(a.system).toBe(systemPrompt);
    expect(b.system).toBe(systemPrompt);
  });

  test("a fix request carries the failed command and its status", () => {
    const p = buildPrompt({ request: "", shell: "bash", cwd: "/", machine: linux, fix: { command: "gti status", status: 127 } });
    expect(p.user).toContain("This command failed with exit status 127: gti status");
    expect(p.user).toContain("Request: fix it");
  });
});
