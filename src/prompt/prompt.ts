import type { MachineContext } from "../context/probe.ts";

export interface PromptInput {
  request: string;
  shell: "bash" | "zsh" | "fish" | "sh";
  cwd: string;
  machine: MachineContext;
  /** Set when asking for a fix of a failed command instead of a new one. */
  fix?: { command: string; status?: number };
  explain?: boolean;
}

export interface Prompt {
  /** Identical across requests, so its evaluated tokens can be reused. */
  system: string;
  user: string;
}

// Kept short: every token here is evaluated on each cold start.
export const systemPrompt = `You translate a request into one shell command for the user's machine.
Rules:
- Answer with JSON only: {"cmd": "<the command>"}.
- One line. Use only tools that exist on the machine; prefer standard POSIX tools.
- Use the flags of the machine's userland (GNU, BSD or busybox differ).
- Do the least destructive thing that fulfils the request; never add sudo unless asked.
- Quote paths and patterns correctly for the target shell.
Examples:
Request: list files modified today
{"cmd": "find . -maxdepth 1 -type f -mtime -1"}
Request: show disk usage of this folder
{"cmd": "du -sh ."}`;

/** The per-request message: machine facts, then what the user asked for. */
export function buildPrompt(input: PromptInput): Prompt {
  const m = input.machine;
  const lines = [
    `OS: ${m.os}${m.distro ? ` (${m.distro})` : ""}, ${m.arch}, ${m.userland} userland`,
    `Shell: ${input.shell}${input.shell === "fish" ? " (fish syntax: use (cmd) not $(cmd), and/or not &&/||)" : ""}`,
    `Directory: ${input.cwd}`,
  ];
  if (m.tools.length) lines.push(`Tools: ${m.tools.join(", ")}`);
  if (input.fix) {
    const status = input.fix.status === undefined ? "" : ` with exit status ${input.fix.status}`;
    lines.push(`This command failed${status}: ${input.fix.command}`);
    lines.push(`Request: ${input.request || "fix it"}`);
  } else lines.push(`Request: ${input.request}`);
  if (input.explain) lines.push(`Also add "explanation": one short sentence.`);
  return { system: systemPrompt, user: lines.join("\n") };
}

/** The JSON schema the grammar enforces; the bound forces random or rambling output to end. */
export function responseSchema(maxChars: number, explain = false) {
  return {
    type: "object",
    properties: {
      cmd: { type: "string", minLength: 1, maxLength: maxChars },
      ...(explain ? { explanation: { type: "string", maxLength: 160 } } : {}),
    },
    required: explain ? ["cmd", "explanation"] : ["cmd"],
  } as const;
}
