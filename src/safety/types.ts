import type { Level } from "../config/config.ts";

export type Risk = "safe" | "moderate" | "high" | "critical";
export const risks: readonly Risk[] = ["safe", "moderate", "high", "critical"];

export interface Finding {
  rule: string;
  /** The pack the rule belongs to (`filesystem`, `vcs`, `cloud-aws`, …); `core` cannot be switched off. */
  pack?: string;
  risk: Risk;
  message: string;
  /** Offsets into `cmd` in JavaScript string units (UTF-16 code units), end exclusive. */
  start: number;
  end: number;
  alternative?: string;
}

export interface CheckResult {
  cmd: string;
  risk: Risk;
  blocked: boolean;
  findings: Finding[];
}

export type CheckShell = "bash" | "zsh" | "fish" | "sh";
export interface CheckOptions {
  shell?: CheckShell;
  level?: Level;
  /** Packs whose findings are dropped (`cloud` also drops `cloud-aws`, …). `core` is never dropped. */
  packsOff?: readonly string[];
}

export interface Checker {
  check(cmd: string, opts?: CheckOptions): CheckResult;
}

export const rank = (r: Risk) => risks.indexOf(r);
export const maxRisk = (a: Risk, b: Risk): Risk => (rank(a) >= rank(b) ? a : b);

/** strict blocks high and critical, moderate blocks critical, permissive blocks nothing. */
export function isBlocked(risk: Risk, level: Level): boolean {
  if (level === "permissive") return false;
  if (level === "strict") return rank(risk) >= rank("high");
  return risk === "critical";
}
