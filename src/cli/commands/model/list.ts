// `cmdai model list`: the catalogue and what is installed, with what vouched for each file.
import { commonArgs, leaf, out, outJson } from "../leaf.ts";

export default leaf({
  name: "list",
  description: "List the catalogue and the models installed",
  args: { ...commonArgs },
  async run({ args, settings }) {
    const { scanModels, lockPath } = await import("../../../models/store.ts");
    const { lockHolder } = await import("../../../models/lock.ts");
    const { formatBytes } = await import("../../../models/format.ts");
    const { modelPath } = await import("../../../config/config.ts");
    const configured = modelPath(settings);
    const models = scanModels(settings.model_dir).map((m) => ({
      ...m,
      downloadingPid: lockHolder(lockPath(m.path))?.pid,
      isDefault: m.path === configured.path,
    }));
    if (args.json) {
      outJson({
        model_dir: settings.model_dir,
        configured: settings.model,
        models: models.map((m) => ({
          name: m.name,
          file: m.file,
          path: m.path,
          catalogue: m.entry !== undefined,
          repo: m.entry?.repo,
          size: m.entry?.size ?? m.size,
          size_exact: m.entry ? m.entry.sizeExact : m.size !== undefined,
          licence: m.entry?.licence,
          ram: m.entry?.ram,
          sha256: m.entry?.sha256 ?? m.recordedSha256,
          configured: m.isDefault,
          installed: m.size !== undefined,
          installed_size: m.size,
          // Checked against a digest when downloaded (verified_by says whose), and no failed check since.
          verified: m.size !== undefined && m.recordedSha256 !== undefined && !m.state?.failed && m.state?.verified_by !== "unverified",
          verified_by: m.size !== undefined && m.recordedSha256 ? (m.state?.verified_by ?? "recorded") : undefined,
          digest_from: m.state?.digest_from,
          failed_verification: m.state?.failed !== undefined,
          partial_bytes: m.partialBytes,
          downloading_pid: m.downloadingPid,
        })),
      });
      return 0;
    }
    const rows = models.map((m) => {
      const size = m.size ?? m.entry?.size;
      const sizeText = size === undefined ? "-" : `${m.size === undefined && !m.entry?.sizeExact ? "~" : ""}${formatBytes(size)}`;
      let status: string;
      if (m.downloadingPid) status = `downloading (pid ${m.downloadingPid})`;
      else if (m.size !== undefined && m.state?.failed) status = "FAILED verification: not used; pull it again";
      else if (m.size !== undefined) status = !m.recordedSha256 ? "installed, unverified" : installedStatus(m.state);
      else if (m.partialBytes !== undefined) {
        const pct = m.entry ? ` ${Math.floor((m.partialBytes / m.entry.size) * 100)}%` : "";
        status = `partial${pct} (${formatBytes(m.partialBytes)}): pull resumes`;
      } else status = "-";
      return [`${m.name}${m.isDefault ? " *" : ""}`, sizeText, m.entry ? formatBytes(m.entry.ram) : "-", m.entry?.licence ?? "-", status];
    });
    const head = ["NAME", "SIZE", "RAM", "LICENCE", "STATUS"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
    const lines = [fmt(head), ...rows.map(fmt), "", `* configured model   models in ${settings.model_dir}`];
    out(lines.join("\n"));
    return 0;
  },
});

/** "installed", qualified by what vouched for the digest recorded at download. */
function installedStatus(state: { verified_by: string; digest_from?: string } | undefined): string {
  if (state?.verified_by === "unverified") return "installed, UNVERIFIED (--allow-unverified)";
  if (state?.verified_by === "server") return `installed (digest from ${state.digest_from ?? "a mirror"})`;
  return "installed";
}
