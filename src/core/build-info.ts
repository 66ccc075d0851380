// Which cmdai this is: version, commit and target.
import pkg from "../../package.json" with { type: "json" };

// Replaced at build time by scripts/build.ts (`define`); from source they fall back.
declare const CMDAI_COMMIT: string | undefined;
declare const CMDAI_TARGET: string | undefined;

export const version: string = pkg.version;
export const commit: string = typeof CMDAI_COMMIT === "string" ? CMDAI_COMMIT : "source";
export const target: string = typeof CMDAI_TARGET === "string" ? CMDAI_TARGET : `${process.platform}-${process.arch}`;
export const versionLine = () => `cmdai ${version} (${commit} ${target})`;
