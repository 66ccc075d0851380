// `cmdai serve`: run the resident server in the foreground.
import { defineCommand } from "citty";
import { verboseArg } from "../args.ts";
import { usageError } from "../../core/errors.ts";
import { logger, setVerbose } from "../logger.ts";

// `cmdai serve`: the resident server in the foreground. Clients start it on
// demand (detached, output to the log); a systemd --user unit or a launchd
// agent can run it too. It exits after keep-alive with nothing to do.
export default defineCommand({
  meta: { name: "serve", description: "Run the resident server in the foreground (clients start it on demand)" },
  args: {
    "keep-alive": {
      type: "string",
      description: "Idle time before it exits: 30s, 10m, 0 (after each answer), -1 (never) (env CMDAI_KEEP_ALIVE)",
      valueHint: "DURATION",
    },
    model: { type: "string", alias: "m", description: "Load this model at start", valueHint: "PATH|NAME" },
    threads: { type: "string", description: "CPU threads for the model loaded at start" },
    ...verboseArg,
  },
  async run({ args }) {
    setVerbose(Boolean(args.verbose));
    const [{ resolveSettings, parseDuration, formatKeepAlive, modelPath }, { serve }, { openLog }, { socketPath }] = await Promise.all([
      import("../../config/config.ts"),
      import("../../server/serve.ts"),
      import("../../server/log.ts"),
      import("../../server/paths.ts"),
    ]);
    const { settings } = resolveSettings({ threads: args.threads }, (m) => logger.warn(m));
    let keepAliveMs = settings.keep_alive;
    if (args["keep-alive"] !== undefined) {
      const ms = parseDuration(args["keep-alive"]);
      if (ms === undefined)
        throw usageError(`--keep-alive must be a duration like 30s, 10m, 0 or -1; got ${JSON.stringify(args["keep-alive"])}`);
      keepAliveMs = ms;
    }
    let preload: { path: string; threads: number } | undefined;
    if (args.model) {
      const { resolve } = await import("node:path");
      preload = { path: resolve(modelPath({ ...settings, model: args.model }).path), threads: settings.threads };
    }
    const log = openLog();
    const socket = socketPath();
    await serve({
      socket,
      keepAliveMs,
      log,
      verbose: Boolean(args.verbose),
      preload,
      onReady: ({ pid }) => logger.info(`serving on ${socket} (pid ${pid}, keep-alive ${formatKeepAlive(keepAliveMs)}, log ${log.file})`),
    });
    return 0;
  },
});
