// `cmdai model path`: where a model file is (or would be) on disk.
import { join } from "node:path";
import { CmdaiError, ExitCode } from "../../../core/errors.ts";
import { commonArgs, leaf, out, outJson } from "../leaf.ts";

export default leaf({
  name: "path",
  description: "Print the path of an installed model (default: the configured one)",
  args: {
    name: { type: "positional", required: false, description: "Catalogue name or file name (default: the configured model)" },
    ...commonArgs,
  },
  async run({ args, settings }) {
    const { findInstalled, fileSize } = await import("../../../models/store.ts");
    const { findModel } = await import("../../../models/catalogue.ts");
    const { sizeText } = await import("../../first-run.ts");
    const name: string = args.name ?? settings.model;
    let path: string | undefined;
    const entry = findModel(name);
    if (entry) path = join(settings.model_dir, entry.file);
    else if (!args.name && settings.model.includes("/")) path = settings.model;
    else path = findInstalled(settings.model_dir, name)?.path;
    if (!path) throw new CmdaiError(`unknown model "${name}" (see: cmdai model list)`, ExitCode.usage);
    if (fileSize(path) === undefined) {
      const how = entry ? `run: cmdai model pull ${entry.name} (${sizeText(entry)})` : "check the path";
      throw new CmdaiError(`${name} is not installed (no file at ${path}); ${how}`, ExitCode.noModel);
    }
    if (args.json) outJson({ name: entry?.name ?? name, path });
    else out(path);
    return 0;
  },
});
