// `cmdai model rm`: delete a model and any partial download of it.
import { CmdaiError, ExitCode } from "../../../core/errors.ts";
import { logger } from "../../logger.ts";
import { commonArgs, leaf, outJson } from "../leaf.ts";

export default leaf({
  name: "rm",
  description: "Delete a downloaded model (and any partial download of it)",
  args: {
    name: { type: "positional", required: true, description: "Catalogue name or file name" },
    ...commonArgs,
  },
  async run({ args, settings }) {
    const store = await import("../../../models/store.ts");
    const { lockHolder } = await import("../../../models/lock.ts");
    const { formatBytes } = await import("../../../models/format.ts");
    const name: string = args.name;
    const m = store.findInstalled(settings.model_dir, name);
    if (!m) throw new CmdaiError(`${name} is not installed in ${settings.model_dir} (see: cmdai model list)`, ExitCode.noModel);
    const holder = lockHolder(store.lockPath(m.path));
    if (holder)
      throw new CmdaiError(`${m.name} is being downloaded by another cmdai (pid ${holder.pid}); try again when it is done`, ExitCode.usage);
    const removed: string[] = [];
    let freed = 0;
    for (const p of [m.path, store.partPath(m.path), store.metaPath(m.path), store.shaPath(m.path), store.statePath(m.path)]) {
      const size = store.fileSize(p);
      if (size === undefined) continue;
      store.removeQuietly(p);
      if (store.fileSize(p) === undefined) {
        removed.push(p);
        freed += size;
      }
    }
    if (removed.length === 0) throw new CmdaiError(`${m.name} is not installed (nothing at ${m.path})`, ExitCode.noModel);
    if (args.json) outJson({ name: m.name, removed, freed });
    else logger.info(`removed ${m.name} (${formatBytes(freed)} freed)`);
    return 0;
  },
});
