// Rules as data. A pack groups the rules of one domain (filesystem, vcs,
// kubernetes, cloud-aws, …) so it can be switched off as a whole
// (config `safety_packs_off`). A data rule names the program, its
// subcommand words, the options that must (or must not) be present, and
// carries examples that must and must not match: they are checked when the
// packs load (packs/index.ts, cheaply, on the words alone) and by
// test/unit/safety/packs.test.ts through the whole checker.
import type { Risk } from "../types.ts";

export interface When {
  /** Program names, after wrappers (`sudo`, `env`, …) are peeled off. */
  program: string[];
  /** Options that take a separate value (`-n prod`), skipped when looking for subcommand words. */
  valued?: string[];
  /** The leading non-option words, in order; each an anchored regular expression (`delete|rm`). */
  sub?: string[];
  /** For each group, at least one option present. `-r` also matches inside `-rf`; `--x` also `--x=v`; `--x=` is a prefix. */
  flags?: string[][];
  /** None of these options present. Dry-run spellings are always excluded (see DRY_RUN). */
  unless?: string[];
  /** Some non-option word after `sub` matches this anchored regular expression. */
  operand?: string;
  /** Some word matches this anchored regular expression (`--replicas=0`). */
  word?: string;
  /** No non-option word after `sub` (`pkill -u bob` signals everything of bob; `pkill -u bob x` does not). */
  noOperand?: boolean;
  /** The value of one of these options matches `value` (anchored): `-C /`, `--directory=/`. */
  option?: { names: string[]; value: string };
}

export interface DataRule {
  /** Unique id, `<pack>.<what>`, shown by `cmdai check --explain`. */
  id: string;
  risk: Risk;
  message: string;
  alternative?: string;
  when: When;
  /** Commands that must produce this rule, and commands that must not. */
  examples: { match: string[]; notMatch: string[] };
}

export interface Pack {
  name: string;
  description: string;
  rules: DataRule[];
}

/** Options that make any command only show what it would do. `--dry-run=none` is not one. */
export const DRY_RUN = ["--dry-run", "--dryrun", "--what-if", "--whatif", "--preview", "--preview-only", "--simulate"];
