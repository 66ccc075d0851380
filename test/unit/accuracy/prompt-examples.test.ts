// Requests that overlap NL2Bash or tldr (`exact_overlap`) must never be prompt
// examples; the test set itself must not leak into the prompt either.
import { expect, test } from "bun:test";
import { loadTasks } from "../../../bench/accuracy/dataset.ts";
import { machineFor } from "../../../bench/accuracy/generate.ts";
import { buildPrompt } from "../../../src/prompt/prompt.ts";

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, " ").trim();

/** The few-shot examples in cmdai's prompt: "Example request: X" followed by {"cmd": "Y"}. */
function examples(system: string): { request: string; cmd: string }[] {
  const lines = system.split("\n");
  const out: { request: string; cmd: string }[] = [];
  lines.forEach((line, i) => {
    const m = /^Example request:\s*(.*)$/i.exec(line);
    if (!m) return;
    const next = lines[i + 1] ?? "";
    let cmd = "";
    try {
      cmd = (JSON.parse(next) as { cmd?: string }).cmd ?? "";
    } catch {}
    out.push({ request: m[1]!, cmd });
  });
  return out;
}

test("no prompt example is an exact_overlap request, or any NL2SH-ALFA test request or command", () => {
  const tasks = loadTasks();
  const overlap = tasks.filter((t) => t.exact_overlap.length > 0);
  expect(overlap.length).toBeGreaterThan(0);
  for (const task of [tasks[0]!, tasks.find((t) => t.shell === "sh")!]) {
    const prompt = buildPrompt({ request: task.nl, shell: task.shell, cwd: "/", machine: machineFor(task) });
    const found = examples(prompt.system);
    // The parser must see what is there: every "Example request" line with its command.
    expect(found.length).toBe((prompt.system.match(/Example request:/gi) ?? []).length);
    for (const ex of found) {
      expect(ex.cmd).not.toBe("");
      const requests = new Set(tasks.map((t) => norm(t.nl)));
      const commands = new Set(tasks.flatMap((t) => [t.cmd, ...t.alternatives]).map(norm));
      expect(requests.has(norm(ex.request))).toBe(false);
      expect(commands.has(norm(ex.cmd))).toBe(false);
      expect(overlap.some((t) => norm(t.nl) === norm(ex.request) || norm(t.cmd) === norm(ex.cmd))).toBe(false);
    }
  }
});
