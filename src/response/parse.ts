// Turns whatever the model wrote into one shell command. The grammar normally
// guarantees `{"cmd": "..."}`, but a remote backend or a model without grammar
// support may wrap it in prose, markdown fences or <think> blocks; the parser
// accepts those shapes and never invents a command.

export interface ParsedResponse {
  cmd: string;
  explanation?: string;
}

const commandKeys = ["cmd", "command", "shell", "bash"];

/** Returns the command, or undefined when the text holds no usable one. */
export function parseResponse(raw: string): ParsedResponse | undefined {
  const text = raw.replace(/<think>[\s\S]*?(<\/think>|$)/gi, "").trim();
  if (!text) return undefined;

  for (const candidate of jsonCandidates(text)) {
    const parsed = fromJson(candidate);
    if (parsed !== "not an answer") return parsed;
  }
  // Broken JSON (cut off, or an empty answer) is not a command to salvage.
  if (text.startsWith("{")) return undefined;
  // Not JSON: a fenced block (may span lines), an inline `code` span, or the
  // first line that is not chatter.
  const fence = /```[a-zA-Z]*[ \t]*\n?([\s\S]*?)(```|$)/.exec(text);
  if (fence) return clean(fence[1]!.replace(/^\$\s+/gm, ""));
  const inline = /`([^`\n]+)`/.exec(text);
  if (inline) return clean(inline[1]!);
  const line = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !/^(here('s| is)|sure|the command|command:)\b/i.test(l));
  return line ? clean(line) : undefined;
}

/** Each balanced `{...}` in the text, outermost first, in order. */
function* jsonCandidates(text: string): Generator<string> {
  for (let start = text.indexOf("{"); start !== -1; start = text.indexOf("{", start + 1)) {
    const end = matchBrace(text, start);
    if (end !== -1) yield text.slice(start, end + 1);
  }
}

/** Index of the brace closing the one at `start`, honouring JSON strings. */
function matchBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/** The answer an object gives; "not an answer" when it holds no command field. */
function fromJson(candidate: string): ParsedResponse | undefined | "not an answer" {
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch {
    return "not an answer";
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return "not an answer";
  const obj = value as Record<string, unknown>;
  const key = commandKeys.find((k) => typeof obj[k] === "string");
  if (!key) return "not an answer";
  const parsed = clean(obj[key] as string);
  const explanation = typeof obj.explanation === "string" ? obj.explanation.trim() : "";
  return parsed && explanation ? { ...parsed, explanation } : parsed;
}

/** Strips wrapping a model likes to add; rejects what cannot be a command. */
function clean(cmd: string): ParsedResponse | undefined {
  let c = cmd.trim();
  // A command wrapped whole in backticks (`ls -la`) — but keep `$(...)` and inner backticks.
  if (/^`[^`]+`$/.test(c)) c = c.slice(1, -1).trim();
  c = c.replace(/^\$\s+/, "");
  // The result goes onto one shell line: drop backslash continuations and
  // join separate lines the way a shell would read them.
  if (c.includes("\n")) c = joinLines(c.replace(/\\\n\s*/g, ""));
  if (!c || /[\x00-\x08\x0b-\x1f\x7f]/.test(c)) return undefined;
  return { cmd: c };
}

/** `a\nb` → `a; b`, but `do\nx`, `|\nx`, `&&\nx` → a plain space. */
function joinLines(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.reduce((out, line) => (/(\bdo|\bthen|\belse|[{|&;(])$/.test(out) ? `${out} ${line}` : `${out}; ${line}`));
}

/** True once `text` is one complete JSON object (and so the answer is done). */
export function isWholeJson(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith("{") || !t.endsWith("}")) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}
