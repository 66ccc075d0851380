import type { ArgsDef, CommandDef } from "citty";
import { jsonArg, oneOf, shellFromEnv, shells, verboseArg } from "../args.ts";
import { ExitCode, usageError } from "../../core/errors.ts";
import { logger, setVerbose } from "../logger.ts";
import { writeOut } from "../io.ts";

export const generateArgs = {
  model: {
    type: "string",
    alias: "m",
    description: "GGUF file or catalogue name (the server's model with a remote backend)",
    valueHint: "PATH|NAME",
  },
  backend: { type: "string", description: "Where the model runs: local, openai or ollama", valueHint: "NAME" },
  shell: { type: "string", description: "Target shell: bash, zsh, fish or sh", valueHint: "SHELL" },
  level: { type: "string", description: "Safety level: strict, moderate or permissive" },
  threads: { type: "string", description: "CPU threads for the model" },
  explain: { type: "boolean", description: "Also ask for a one-line explanation" },
  fix: { type: "string", description: "Propose a fix for this failed command", valueHint: "CMD" },
  status: { type: "string", description: "Exit status of the failed command (with --fix)" },
  input: { type: "boolean", default: true, description: "Allow prompts (--no-input never asks)" },
  "max-chars": { type: "string", description: "Longest command accepted, in characters" },
  ...jsonArg,
  ...verboseArg,
} as const satisfies ArgsDef;

// A plain command object (citty's defineCommand only adds types): the request
// is what every key press runs, so src/cli/main.ts parses its flags itself
// (parseFlags, from these same definitions) and skips loading citty, ~2.7 ms
// of a ~13 ms key press against a warm server.
export default {
  meta: { name: "cmdai", description: "Turn a request into a shell command" },
  args: generateArgs,
  async run({ args }) {
    setVerbose(Boolean(args.verbose));
    const { normaliseRequest } = await import("../../generate/request.ts");
    // `cmdai -` reads the request from stdin (argv is limited to 128 KB a word).
    const words = args._.length === 1 && args._[0] === "-" ? [await readStdin()] : args._;
    const request = words.length || !args.fix ? normaliseRequest(words) : "";
    if (!request && !args.fix) throw usageError('nothing to do: give a request, e.g. cmdai "list files by size"');
    const shell = oneOf(args.shell, shells, "--shell") ?? shellFromEnv();
    const status = args.status === undefined ? undefined : Number(args.status);
    if (status !== undefined && !Number.isInteger(status)) throw usageError("--status must be a whole number");
    if (status !== undefined && !args.fix) throw usageError("--status goes with --fix CMD (the exit status of CMD)");
    const {
      maxCharsRange: [least, most],
    } = await import("../../generate/pipeline.ts");
    const maxChars = args["max-chars"] === undefined ? undefined : Number(args["max-chars"]);
    if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= least && maxChars <= most))
      throw usageError(`--max-chars must be a whole number from ${least} to ${most}`);

    const { packsOff, resolveSettings } = await import("../../config/config.ts");
    const { cacheDir } = await import("../../config/paths.ts");
    const resolved = resolveSettings({ model: args.model, level: args.level, threads: args.threads, backend: args.backend }, (m) =>
      logger.warn(m),
    );
    const { settings } = resolved;
    // A remote backend's model is the server's: nothing to find or download here.
    const remote = settings.backend === "local" ? undefined : (await import("../../config/remote.ts")).resolveRemote(resolved);
    // A missing default model is offered for download on a terminal (first run).
    const modelFile = remote
      ? ""
      : await (await import("../first-run.ts")).ensureModel({ settings, interactive: args.input !== false, json: Boolean(args.json) });

    const { machineContext } = await import("../../context/probe.ts");
    const req = {
      request,
      shell,
      cwd: process.cwd(),
      level: settings.level,
      packsOff: packsOff(settings),
      machine: machineContext(cacheDir()),
      explain: Boolean(args.explain),
      ...(args.fix ? { fix: { command: args.fix, ...(status !== undefined ? { status } : {}) } } : {}),
      ...(maxChars ? { maxChars } : {}),
    };
    const log = (line: string) => logger.debug(`llama.cpp: ${line}`);
    // A remote backend is asked from this process; a local model runs in the
    // resident server (started on demand) unless server = false.
    const outcome =
      !remote && settings.server
        ? await (await import("../../server/run.ts")).generateViaServer(req, {
            settings,
            modelFile,
            keepAliveSet: resolved.source.keep_alive !== "default",
            note: (message) => logger.warn(message),
            log,
          })
        : await (await import("../../generate/backend.ts")).generateHere(req, {
            settings,
            modelFile,
            ...(remote ? { remote } : {}),
            debug: (line) => logger.debug(line),
            log,
          });
    logger.debug(`model said: ${outcome.raw}`);

    const worst = outcome.findings.find((f) => f.risk === outcome.risk) ?? outcome.findings[0];
    const reason = worst ? `${worst.message}${worst.alternative ? ` (safer: ${worst.alternative})` : ""}` : "";
    if (args.json) {
      const total = performance.now();
      writeOut(
        JSON.stringify({
          cmd: outcome.blocked ? null : outcome.cmd,
          risk: outcome.risk,
          blocked: outcome.blocked,
          findings: (await import("./check.ts")).toJson(outcome).findings, // as `cmdai check --json`
          explanation: outcome.explanation ?? null,
          model: outcome.model,
          timings_ms: {
            load: round(outcome.timings.load),
            prompt: round(outcome.timings.prompt),
            generate: round(outcome.timings.generate),
            check: round(outcome.timings.check),
            total: round(total),
          },
        }) + "\n",
      );
    }
    if (outcome.blocked) {
      logger.error(`blocked (${outcome.risk} risk at level ${settings.level}): ${reason}`);
      return ExitCode.blocked;
    }
    if (outcome.risk !== "safe") logger.warn(`${outcome.risk} risk: ${reason}`);
    // stdout stays the command alone; the explanation is a message.
    if (!args.json && outcome.explanation) logger.info(outcome.explanation);
    if (!args.json) writeOut(outcome.cmd + "\n");
    return ExitCode.ok;
  },
} satisfies CommandDef<typeof generateArgs>;

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Reads stdin, but stops early once it is clearly longer than any request. */
async function readStdin(limit = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > limit) break;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}
