import { defineCommand } from "citty";
import { jsonArg, rejectExtraWords } from "../args.ts";
import { logger } from "../logger.ts";
import { envName, formatKeepAlive, modelPath, resolveSettings, settingNames } from "../../config/config.ts";
import { writeOut } from "../io.ts";

export default defineCommand({
  meta: { name: "config", description: "Show the effective settings and where each came from" },
  args: { ...jsonArg },
  async run({ args }) {
    rejectExtraWords(args._, 0, "cmdai config");
    const resolved = resolveSettings({}, (m) => logger.warn(m));
    const { settings, source, file, fileExists } = resolved;
    const model = modelPath(settings);
    // A remote backend: where requests go, the server's model and the key's
    // origin (never the key). Nothing here contacts the server.
    const remote = settings.backend === "local" ? undefined : (await import("../../config/remote.ts")).resolveRemote(resolved);
    if (args.json) {
      const out = {
        file,
        file_exists: fileExists,
        ...(remote
          ? {
              remote: {
                url: { value: remote.url, source: remote.urlSource },
                model: { value: remote.model ?? null, source: remote.modelSource },
                api_key: remote.key ? { source: remote.key.source, sent_to: remote.key.boundTo } : null,
                keys_not_sent: remote.heldBack.map((k) => ({ source: k.source, only_sent_to: k.boundTo })),
                timeout_ms: remote.timeoutMs,
              },
            }
          : { model_path: model.path }),
        settings: Object.fromEntries(settingNames.map((n) => [n, { value: settings[n], source: source[n] }])),
      };
      writeOut(JSON.stringify(out) + "\n");
      return 0;
    }
    const width = Math.max(...[...settingNames, "file", "model path", "server model"].map((n) => n.length));
    const lines = settingNames.map((n) => {
      const from = source[n] === "env" ? `env ${envName(n)}` : source[n] === "config" ? "config file" : source[n];
      const value =
        n === "threads" && settings.threads === 0
          ? "0 (auto)"
          : n === "keep_alive"
            ? formatKeepAlive(settings.keep_alive)
            : settings[n] === ""
              ? '""'
              : String(settings[n]);
      return `${n.padEnd(width)}  ${value}  (${from})`;
    });
    lines.push(`${"file".padEnd(width)}  ${file}${fileExists ? "" : "  (not present; defaults apply)"}`);
    if (remote) {
      const path = remote.backend === "openai" ? "/chat/completions" : "/api/chat";
      lines.push(`${"url".padEnd(width)}  ${remote.url}${path}  (${remote.urlSource})`);
      lines.push(`${"server model".padEnd(width)}  ${remote.model ?? "-"}  (${remote.modelSource})`);
      if (remote.backend === "openai")
        lines.push(
          `${"api key".padEnd(width)}  ${remote.key ? `from ${remote.key.source}, sent to ${remote.key.boundTo} only` : "none sent"}`,
        );
      for (const k of remote.heldBack) lines.push(`${"".padEnd(width)}  the key from ${k.source} is not sent here: it is for ${k.boundTo}`);
    } else lines.push(`${"model path".padEnd(width)}  ${model.path}`);
    writeOut(lines.join("\n") + "\n");
    return 0;
  },
});
