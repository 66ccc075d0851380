// The judge: every command the walk builds comes here. It applies what holds
// for any command (redirections, a program name computed at run time, fork
// bombs), then the program's own rules from rules/programs.ts, or the policy
// for programs nobody listed. It returns findings; it keeps no state.
import type { Cmd } from "./command.ts";
import { Judgement, type JudgeHooks } from "./judgement.ts";
import { rulesByProgram } from "./packs/index.ts";
import { isDryRun } from "./packs/match.ts";
import { classifyPath, isBlockDevice, normalizePath } from "./paths.ts";
import { controlChannel, httpWrites, unknownCliDelete } from "./rules/api.ts";
import { destroyEveryListedInLoop } from "./rules/dev.ts";
import { disguisedProgram, runsDownloaded } from "./rules/exec.ts";
import { NETWORK_SINKS, findToNetwork, secretsIntoLoop, secretsThroughXargs, secretsToNetwork } from "./rules/exfil.ts";
import { envCommands } from "./rules/hooks.ts";
import { judgePipeline } from "./rules/pipeline.ts";
import { HOOKS, PROGRAMS, READ_ONLY } from "./rules/programs.ts";
import { onlyInspects } from "./rules/system.ts";
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
  destroyEveryListedInLoop(stages, j);
  secretsIntoLoop(stages, j);
  return j.findings;
}

function judgeInto(cmd: Cmd, j: Judgement) {
  for (const r of cmd.redirects) judgeRedirect(cmd, r, j);
  if (cmd.compound) return;
  if (cmd.env) envCommands(cmd, j);
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
  httpWrites(cmd, j);
  // Tools that only show what they would do with --dry-run, --what-if, … change nothing.
  const words = cmd.args.map((w) => w.text);
  const data = rulesByProgram().get(cmd.name);
  const dryRun = isDryRun(words) || words.includes("--help");
  if ((data || DRY_RUN_AWARE.has(cmd.name)) && dryRun) return;
  const before = j.findings.length;
  if (data) for (const c of data) if (c.test(words)) j.reportData(c.rule, cmd);
  controlChannel(cmd, j, j.findings.length > before);

  const handler = PROGRAMS[cmd.name] ?? (/^mkfs\./.test(cmd.name) ? PROGRAMS.mkfs : undefined);
  if (handler) {
    handler(cmd, j);
    return;
  }
  if (READ_ONLY.has(cmd.name)) return;
  // The long tail of service CLIs no pack knows: a delete verb is enough, unless it only previews.
  // Not for programs whose hook judges what they run (parallel, nohup, …): their words are a command.
  if (!data && !HOOKS[cmd.name] && cmd.name !== "string" && !dryRun && unknownCliDelete(cmd, j)) return;
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
  if (onlyInspects(cmd)) return;
  const device = cmd.args.find((w) => isBlockDevice(normalizePath(w.text.replace(/^[a-z]+=/, ""))));
  // `blockdev --getsize64 /dev/sda`: a read verb, and every option only asks.
  const asks = listsOnly(cmd) && cmd.args.every((w) => !w.text.startsWith("-") || READ_OPTION.test(w.text));
  if (device && !asks) j.reportWord("disk.unknown-device", device);
  else if (device) return;
  else if (cmd.asRoot && !onlyReads(cmd) && !listsOnly(cmd) && !plainUnmount(cmd)) j.report("priv.as-root", cmd.start, cmd.end);
}

/** A subcommand or option that only shows something (`sudo nginx -t`, `sudo rabbitmqctl list_queues`, `sudo wg show`). */
const READ_VERB =
  /^(?:list|ls|show|status|get|describe|info|version|help|inspect|check|verify|validate|test|view|top|stats?)(?:[-_:]\w+)*$/;
const READ_FLAG = /^(?:-t|-T|--test|--check|--verify|--validate|-v|-V|--version|-h|--help|--status|--list|-l)$/;
function onlyReads(cmd: Cmd): boolean {
  const first = cmd.args.find((w) => !w.text.startsWith("-"));
  if (first) return READ_VERB.test(first.text);
  return cmd.args.length > 0 && cmd.args.every((w) => READ_FLAG.test(w.text));
}

/** `sudo umount /mnt/usb`: as harmless as `sudo mount` (forced, lazy and every-mount forms have their own rules). */
const plainUnmount = (cmd: Cmd) => cmd.name === "umount" && cmd.args.length > 0 && cmd.args.every((w) => w.text !== "/");

/** `sudo btrfs subvolume show /`, `sudo tmutil listlocalsnapshots /`: a read verb as (or after) the subcommand. */
const LIST_VERB = /^(list[\w-]*|ls|show[\w-]*|status|info|print|get|display|detail|describe|version|usage|df|du)$/;
/** Long options that only ask (`--list-all`, `--getsize64`, `--report`). Short ones mean different things to each tool. */
const READ_OPTION = /^--(list(-[\w-]+)?|get[\w-]*|query[\w-]*|report|status)$/;
function listsOnly(cmd: Cmd): boolean {
  const opts = cmd.args.filter((w) => w.text.startsWith("-"));
  if (opts.length > 0 && opts.every((w) => READ_OPTION.test(w.text))) return true;
  const pos = cmd.args.filter((w) => !w.text.startsWith("-")).slice(0, 2);
  return pos.length > 0 && (LIST_VERB.test(pos[0]!.text) || (/^[a-z]+$/.test(pos[0]!.text) && LIST_VERB.test(pos[1]?.text ?? "")));
}
