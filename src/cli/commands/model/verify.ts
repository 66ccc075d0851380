// `cmdai model verify`: hash installed models again and compare with a trusted digest.
import { CmdaiError, ExitCode } from "../../../core/errors.ts";
import { logger } from "../../logger.ts";
import { commonArgs, leaf, out, outJson } from "../leaf.ts";

// Re-hashes installed models and compares with the pinned digest (catalogue)
// or the one recorded when the file was downloaded and verified.
export default leaf({
  name: "verify",
  description: "Re-check installed models against their SHA-256",
  args: {
    name: { type: "positional", required: false, description: "Catalogue name or file name (default: every installed model)" },
    ...commonArgs,
  },
  async run({ args, settings }) {
    const { scanModels, findInstalled, readState, writeState } = await import("../../../models/store.ts");
    const { sha256File } = await import("../../../models/hash.ts");
    let models: ReturnType<typeof scanModels>;
    if (args.name) {
      const m = findInstalled(settings.model_dir, args.name);
      if (!m || m.size === undefined)
        throw new CmdaiError(`${args.name} is not installed${m?.entry ? `; run: cmdai model pull ${m.entry.name}` : ""}`, ExitCode.noModel);
      models = [m];
    } else {
      models = scanModels(settings.model_dir).filter((m) => m.size !== undefined);
      if (models.length === 0) throw new CmdaiError(`no model installed in ${settings.model_dir}; run: cmdai model pull`, ExitCode.noModel);
    }
    const results = models.map((m) => {
      const expected = m.entry?.sha256 ?? m.recordedSha256;
      const actual = sha256File(m.path);
      const state = readState(m.path);
      // "unverified": unchanged since it was downloaded, but nothing vouched for that digest.
      const status = !expected
        ? "unknown"
        : actual !== expected
          ? "mismatch"
          : !m.entry?.sha256 && state?.verified_by === "unverified"
            ? "unverified"
            : "ok";
      // A failed check is recorded: the model is not used until it is pulled again.
      try {
        if (status === "mismatch" && expected)
          writeState(m.path, { verified_by: "recorded", ...state, failed: { at: new Date().toISOString(), expected, actual } });
        else if (status !== "mismatch" && state?.failed) {
          const { failed: _failed, ...rest } = state;
          writeState(m.path, rest);
        }
      } catch (e) {
        logger.warn(`cannot record the result beside ${m.path}: ${(e as Error).message}`);
      }
      return { name: m.name, path: m.path, catalogue: m.entry !== undefined, status, expected, actual };
    });
    if (args.json) outJson({ ok: results.every((r) => r.status === "ok"), models: results });
    else
      out(
        results
          .map((r) =>
            r.status === "ok"
              ? `${r.name}: OK (sha256 ${r.actual})`
              : r.status === "mismatch"
                ? `${r.name}: FAILED (expected sha256 ${r.expected}, got ${r.actual})`
                : r.status === "unverified"
                  ? `${r.name}: UNVERIFIED (sha256 ${r.actual}; unchanged since it was downloaded, but no trusted digest vouches for it)`
                  : `${r.name}: UNKNOWN (sha256 ${r.actual}; no recorded digest to compare with)`,
          )
          .join("\n"),
      );
    const bad = results.filter((r) => r.status === "mismatch");
    const unknown = results.filter((r) => r.status === "unknown" || r.status === "unverified");
    if (bad.length) {
      logger.error(
        `${bad.map((r) => r.name).join(", ")} failed verification and will not be used; download again with: cmdai model pull ${bad[0]!.catalogue ? bad[0]!.name : "<URL> --sha256 HEX"}`,
      );
      return ExitCode.blocked; // 1, like sha256sum -c
    }
    // Not a mismatch (1), but nothing trusted to compare with either: 3, the
    // "no (verified) model" code, with the command that gets one.
    if (unknown.length) {
      const first = unknown[0]!;
      logger.warn(
        `${unknown.map((r) => r.name).join(", ")}: no trusted digest to verify against; to get one: cmdai model pull ${first.catalogue ? first.name : "<URL>"} --force --sha256 HEX`,
      );
      return ExitCode.noModel;
    }
    return 0;
  },
});
