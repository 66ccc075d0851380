// A short way to write a data rule.
import type { Risk } from "../types.ts";
import type { DataRule, When } from "./types.ts";

export function rule(
  id: string,
  risk: Risk,
  message: string,
  when: When,
  match: string[],
  notMatch: string[],
  alternative?: string,
): DataRule {
  return { id, risk, message, when, examples: { match, notMatch }, ...(alternative ? { alternative } : {}) };
}
