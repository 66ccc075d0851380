// The packs: every data rule, indexed by program. Each rule's examples are
// checked against its own matcher when the packs load (verifyPacks: words
// only, a few microseconds each, run by the checker just after it loads; the
// whole checker runs them again in test/unit/safety/packs.test.ts), so a rule that
// contradicts its examples is reported instead of going unnoticed.
import { compile, exampleWords, type Compiled } from "./match.ts";
import { cloudAws } from "./cloud-aws.ts";
import { cloudAzure } from "./cloud-azure.ts";
import { cloudGcp } from "./cloud-gcp.ts";
import { containers } from "./containers.ts";
import { cloudOther } from "./cloud-other.ts";
import { cloudPaas } from "./cloud-paas.ts";
import { credentials } from "./credentials.ts";
import { databases } from "./databases.ts";
import { network } from "./network.ts";
import { iac } from "./iac.ts";
import { kubernetes } from "./kubernetes.ts";
import { packages } from "./packages.ts";
import { persistence } from "./persistence.ts";
import { storage } from "./storage.ts";
import { system } from "./system.ts";
import type { Pack } from "./types.ts";
import { vcs } from "./vcs.ts";

export type { DataRule, Pack } from "./types.ts";

export const PACKS: readonly Pack[] = [
  storage,
  system,
  persistence,
  vcs,
  containers,
  kubernetes,
  iac,
  cloudAws,
  cloudGcp,
  cloudAzure,
  cloudPaas,
  cloudOther,
  databases,
  packages,
  network,
  credentials,
];

/**
 * Pack names of the rules written as code (catalogue.ts), by rule-id prefix.
 * `core` (input, parsing, code execution) cannot be switched off.
 */
const CODE_RULE_PACKS: Record<string, string> = {
  input: "core",
  parse: "core",
  exec: "core",
  fs: "filesystem",
  disk: "storage",
  git: "vcs",
  container: "containers",
  k8s: "kubernetes",
  cloud: "cloud",
  db: "databases",
  pkg: "packages",
  sys: "system",
  priv: "system",
  history: "system",
  cron: "persistence",
  persist: "persistence",
  net: "network",
  secret: "credentials",
  api: "api",
};
const CODE_RULE_OVERRIDES: Record<string, string> = {
  "fs.append-startup-file": "persistence",
  "fs.clobber-startup-file": "persistence",
  "fs.authorized-keys": "persistence",
  "net.exfiltrate-secret": "credentials",
  "net.copy-secret": "credentials",
  "fs.delete-secret": "credentials",
};

/** The pack a rule id belongs to. */
export function packOf(ruleId: string): string {
  const dot = ruleId.indexOf(".");
  const prefix = dot < 0 ? ruleId : ruleId.slice(0, dot);
  return CODE_RULE_OVERRIDES[ruleId] ?? CODE_RULE_PACKS[prefix] ?? (PACKS.some((p) => p.name === prefix) ? prefix : "core");
}

/** Every pack name a user can switch off (`cloud` also switches off `cloud-aws`, `cloud-gcp`, `cloud-azure`). */
export const packNames: readonly string[] = [
  ...new Set([...Object.values(CODE_RULE_PACKS), ...PACKS.map((p) => p.name)].filter((n) => n !== "core")),
].sort();

/** True when `pack` is switched off by one of the names (`cloud` covers `cloud-*`). */
export function isPackOff(pack: string, off: readonly string[]): boolean {
  if (pack === "core") return false;
  return off.some((o) => o === pack || pack.startsWith(o + "-"));
}

let index: Map<string, Compiled[]> | undefined;
let compiled: Compiled[] = [];

/** Data rules by program name, compiled once (well under a millisecond). */
export function rulesByProgram(): Map<string, Compiled[]> {
  if (index) return index;
  const built = new Map<string, Compiled[]>();
  compiled = [];
  for (const pack of PACKS)
    for (const rule of pack.rules) {
      const c = compile(rule);
      compiled.push(c);
      for (const p of rule.when.program) built.set(p, [...(built.get(p) ?? []), c]);
    }
  index = built;
  return built;
}

let problems: string[] | undefined;

/**
 * Checks every data rule against its own examples (on the words alone) and
 * that ids are unique and start with their pack's name. Returns the problems,
 * empty when all is well. A few milliseconds: the checker runs it once right
 * after it loads, off the path of the first command; the tests run it too.
 */
export function verifyPacks(): string[] {
  if (problems) return problems;
  rulesByProgram();
  const found: string[] = [];
  const ids = new Set<string>();
  for (const pack of PACKS)
    for (const rule of pack.rules) {
      if (!rule.id.startsWith(pack.name + ".")) found.push(`${rule.id}: id must start with "${pack.name}."`);
      if (ids.has(rule.id)) found.push(`${rule.id}: duplicate id`);
      ids.add(rule.id);
    }
  for (const c of compiled) found.push(...exampleProblems(c));
  problems = found;
  return found;
}

function exampleProblems(c: Compiled): string[] {
  const out: string[] = [];
  const { rule } = c;
  const check = (cmd: string, want: boolean) => {
    const words = exampleWords(cmd);
    const program = (words[0] ?? "").split("/").pop() ?? "";
    const got = rule.when.program.includes(program) && c.test(words.slice(1));
    if (got !== want) out.push(`${rule.id}: ${JSON.stringify(cmd)} should ${want ? "" : "not "}match`);
  };
  for (const m of rule.examples.match) check(m, true);
  for (const m of rule.examples.notMatch) check(m, false);
  return out;
}
