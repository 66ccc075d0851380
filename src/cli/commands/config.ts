import { defineCommand } from "citty";
import { jsonArg, rejectExtraWords } from "../args.ts";
import { logger } from "../logger.ts";
import { envName, formatDuration, modelPath, resolveSettings, settingNames } from "../../config/config.ts";
import { writeOut } from "../io.ts";

export default defineCommand({
  meta: { name: "config", description: "Show the effective settings and where each came from" },
  args: { ...jsonArg },
  run({ args }) {
    rejectExtraWords(args._, 0, "cmdai config");
    const { settings, source, file, fileExists } = resolveSettings({}, (m) => logger.warn(m));
    const model = modelPath(settings);
    if (args.json) {
      const out = {
        file,
        file_exists: fileExists,
        model_path: model.path,
        settings: Object.fromEntries(settingNames.map((n) => [n, { value: settings[n], source: source[n] }])),
      };
      writeOut(JSON.stringify(out) + "\n");
      return 0;
    }
    const width = Math.max(...[...settingNames, "file", "model path"].map((n) => n.length));
    const lines = settingNames.map((n) => {
      const from = source[n] === "env" ? `env ${envName(n)}` : source[n] === "config" ? "config file" : source[n];
      const value =
        n === "threads" && settings.threads === 0
          ? "0 (auto)"
          : n === "keep_alive"
            ? formatDuration(settings.keep_alive)
            : n === "safety_packs_off" && !settings.safety_packs_off
              ? "none"
              : String(settings[n]);
      return `${n.padEnd(width)}  ${value}  (${from})`;
    });
    lines.push(`${"file".padEnd(width)}  ${file}${fileExists ? "" : "  (not present; defaults apply)"}`);
    lines.push(`${"model path".padEnd(width)}  ${model.path}`);
    writeOut(lines.join("\n") + "\n");
    return 0;
  },
});
