// The judge: every command the walk builds comes here. It applies what holds
// for any command (redirections, a program name computed at run time, fork
// bombs), then the program's own rules from rules/programs.ts, or the policy
// for programs nobody listed. It returns findings; it keeps no state.
import type { Cmd } from "./command.ts";
import { Judgement, type JudgeHooks } from "./judgement.ts";
import { rulesByProgram } from "./packs/index.ts";
import { isDryRun } from "./packs/match.ts";
import { classifyPath, isBlockDevice, normalizePath } from "./paths.ts";
import { disguisedProgram, runsDownloaded } from "./rules/exec.ts";
import { NETWORK_SINKS, findToNetwork, secretsIntoLoop, secretsThroughXargs, secretsToNetwork } from "./rules/exfil.ts";
import { judgePipeline } from "./rules/pipeline.ts";
import { HOOKS, PROGRAMS, READ_ONLY } from "./rules/programs.ts";
import { judgeRedirect } from "./rules/write.ts";
import type { Finding } from "./types.ts";

export function judgeCommand(cmd: Cmd, hooks: JudgeHooks): Finding[] {
  const j = new Judgement(hooks);
  judgeInto(cmd, j);
  return j.findings;
}

/** A pipeline of two or more stages, as a whole (each stage is judged on its own too). */
export function judgePipelineFlow(stages: Cmd[], hooks: JudgeHooks): Finding[] {
  const j = new Judgement(hooks);
  judgePipeline(stages, j);
  secretsIntoLoop(stages, j);
  return j.findings;
}

function judgeInto(cmd: Cmd, j: Judgement) {
  for (const r of cmd.redirects) judgeRedirect(cmd, r, j);
  if (cmd.compound) return;
  disguisedProgram(cmd, j);
  if (cmd.name === "xargs") secretsThroughXargs(cmd, j);
  if (cmd.name === "find") findToNetwork(cmd, j);
  if (cmd.name === "") {
    if (cmd.argv.length === 0) return;
    // The program name comes from a variable or substitution we cannot evaluate.
    const destructive = cmd.args.some((w) => {
      const { cls } = classifyPath(w.text, cmd.cwd);
      return cls === "root" || cls === "home" || cls === "system";
    });
    j.reportWord(destructive ? "exec.dynamic-command-destructive" : "exec.dynamic-command", cmd.argv[0]!);
    return;
  }
  // Fork bombs: a function that calls itself in a pipeline or in the background.
  if (cmd.functions.includes(cmd.name) && (cmd.background || (cmd.pipe && cmd.pipe.stages.length > 1)))
    j.report("exec.fork-bomb", cmd.start, cmd.end);

  HOOKS[cmd.name]?.(cmd, j);
  if (NETWORK_SINKS.has(cmd.name)) secretsToNetwork(cmd, j);
  runsDownloaded(cmd, j);
  // Tools that only show what they would do with --dry-run, --what-if, … change nothing.
  const words = cmd.args.map((w) => w.text);
  const data = rulesByProgram().get(cmd.name);
  if ((data || DRY_RUN_AWARE.has(cmd.name)) && (isDryRun(words) || words.includes("--help"))) return;
  if (data) for (const c of data) if (c.test(words)) j.reportData(c.rule, cmd);

  const handler = PROGRAMS[cmd.name] ?? (/^mkfs\./.test(cmd.name) ? PROGRAMS.mkfs : undefined);
  if (handler) {
    handler(cmd, j);
    return;
  }
  if (READ_ONLY.has(cmd.name)) return;
  unknownProgram(cmd, j);
}

/** Programs with code rules whose --dry-run (or --what-if) changes nothing. Not shells or wrappers: there it is an argument. */
const DRY_RUN_AWARE = new Set([
  "git",
  "kubectl",
  "oc",
  "helm",
  "terraform",
  "tofu",
  "aws",
  "gcloud",
  "az",
  "doctl",
  "docker",
  "podman",
  "rsync",
  "apt",
  "apt-get",
  "dnf",
  "yum",
  "zypper",
  "npm",
  "pnpm",
  "yarn",
  "pip",
  "pip3",
  "cargo",
  "gem",
  "twine",
  "poetry",
  "uv",
  "brew",
  "systemctl",
]);

/**
 * Programs not listed anywhere. In cases.jsonl "safe" means "reads or creates
 * nothing harmful" and "moderate" means "changes things": most unlisted
 * programs a model writes are ordinary tools run on ordinary files (builds,
 * formatters, viewers), and grading them all moderate would bury real
 * warnings. So an unknown program is safe on its own, but not when it is
 * given a disk device, or run as root (then we cannot vouch for what it
 * changes: moderate). Dangerous arguments are still caught by the generic
 * checks (redirections, substitutions, pipes into shells).
 */
function unknownProgram(cmd: Cmd, j: Judgement) {
  const device = cmd.args.find((w) => isBlockDevice(normalizePath(w.text.replace(/^[a-z]+=/, ""))));
  if (device) j.reportWord("disk.unknown-device", device);
  else if (cmd.asRoot) j.report("priv.as-root", cmd.start, cmd.end);
}
