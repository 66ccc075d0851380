// The prompt and the JSON schema of the answer: pure functions of the request and the machine facts.
import type { MachineContext } from "../context/probe.ts";

/** The shells a command can be written for. */
export const shells = ["bash", "zsh", "fish", "sh"] as const;

export interface PromptInput {
  request: string;
  shell: (typeof shells)[number];
  cwd: string;
  machine: MachineContext;
  /** Set when asking for a fix of a failed command instead of a new one. */
  fix?: { command: string; status?: number };
  explain?: boolean;
}

export interface Prompt {
  /**
   * Instructions plus the machine's stable facts (OS, userland, tools, shell):
   * identical across requests on one machine, so its evaluated tokens are
   * reused, in process and from the saved prompt state.
   */
  system: string;
  /** What changes per request: the directory and the request itself. */
  user: string;
}

// Kept short: every token here is evaluated on each cold start without a saved state.
export const instructions = `Write one shell command that does what the user asks, on the machine described.
Reply with JSON only: {"cmd": "<command>"}.
Use the flags of the machine's userland and only tools it has; prefer POSIX tools.
Do the least destructive thing that works. No sudo unless asked. Quote paths and patterns.
Example request: files changed today
{"cmd": "find . -maxdepth 1 -type f -mtime -1"}`;

/** The system prompt for a machine and shell. */
export function systemPrompt(machine: MachineContext, shell: PromptInput["shell"]): string {
  const m = machine;
  const lines = [
    instructions,
    `Machine: ${m.os}${m.distro ? ` (${m.distro})` : ""}, ${m.arch}, ${m.userland} userland`,
    `Shell: ${shell}${shell === "fish" ? " (fish syntax: (cmd) not $(cmd), and/or not &&/||)" : ""}`,
  ];
  if (m.tools.length) lines.push(`Tools: ${m.tools.join(", ")}`);
  return lines.join("\n");
}

/** The prompt for one request. */
export function buildPrompt(input: PromptInput): Prompt {
  const lines = [`Directory: ${input.cwd}`];
  if (input.fix) {
    const status = input.fix.status === undefined ? "" : ` with exit status ${input.fix.status}`;
    lines.push(`This command failed${status}: ${input.fix.command}`);
    lines.push(`Request: ${input.request || "fix it"}`);
  } else lines.push(`Request: ${input.request}`);
  if (input.explain) lines.push(`Also add "explanation": one short sentence.`);
  return { system: systemPrompt(input.machine, input.shell), user: lines.join("\n") };
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
