// `cmdai model pull`: a verified, resumable download, with progress on stderr.
import { CmdaiError, ExitCode } from "../../../core/errors.ts";
import { commonArgs, leaf, out, outJson } from "../leaf.ts";

export default leaf({
  name: "pull",
  description: "Download a model (catalogue name or https URL), resuming and verifying",
  args: {
    name: { type: "positional", required: false, description: "Catalogue name or URL (default: the configured model)" },
    sha256: { type: "string", description: "Expected SHA-256 (needed when the server sends no X-Linked-Etag: a plain URL or mirror)" },
    "allow-unverified": {
      type: "boolean",
      description: "Install the file even when no SHA-256 is known for it (no pin, no X-Linked-Etag); it is marked unverified",
    },
    force: { type: "boolean", description: "Download again even if a verified copy is present" },
    sync: {
      type: "boolean",
      default: true,
      description:
        "Flush the file to disk before putting it in place (--no-sync: sooner on a fast link, but a power cut just after may leave it damaged)",
    },
    ...commonArgs,
  },
  async run({ args, settings }) {
    const { resolvePullTarget, pull } = await import("../../../models/pull.ts");
    const { createProgress, progressMode } = await import("../../progress.ts");
    const { withCancel } = await import("../../../models/cancel.ts");
    const what: string = args.name ?? settings.model;
    if (!args.name && settings.model.includes("/"))
      throw new CmdaiError(`the configured model is a file (${settings.model}); name a model or URL to pull`, ExitCode.usage);
    const target = resolvePullTarget(what, settings.model_dir, { sha256: args.sha256, allowUnverified: Boolean(args["allow-unverified"]) });
    const progress = createProgress({ label: target.name, mode: progressMode(Boolean(args.json)) });
    try {
      const r = await withCancel((signal) =>
        pull(target, { signal, onEvent: progress, force: Boolean(args.force), sync: args.sync !== false }),
      );
      if (args.json)
        outJson({
          name: target.name,
          path: r.path,
          sha256: r.sha256,
          size: r.size,
          verified_by: r.verifiedBy,
          digest_from: r.digestFrom,
          downloaded: r.downloaded,
          resumed_from: r.resumedFrom,
          already_present: r.alreadyPresent,
        });
      else out(r.path);
      return 0;
    } finally {
      progress.clear();
    }
  },
});
