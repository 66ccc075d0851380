// The user's words as one request line, checked (length, control characters, UTF-8).
import { usageError } from "../core/errors.ts";

// The longest request worth sending: the model's context is small, and a
// pasted file is more likely a mistake than a request.
export const maxRequestChars = 2000;

/** Normalises the user's words into one request line, or throws a usage error. */
export function normaliseRequest(words: string[]): string {
  const text = words.join(" ");
  if (text.includes("\uFFFD")) throw usageError("the request is not valid UTF-8");
  // Line breaks and tabs from a multi-line buffer are just spacing.
  const flat = text.replace(/[\t\n\r]+/g, " ").trim();
  const control = /[\x00-\x1f\x7f]/.exec(flat);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, "0");
    throw usageError(`the request contains a control character (\\x${code}); remove it and try again`);
  }
  if (flat.length > maxRequestChars) throw usageError(`the request is too long (${flat.length} characters, at most ${maxRequestChars})`);
  return flat.replace(/ {2,}/g, " ");
}
