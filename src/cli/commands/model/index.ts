// `cmdai model`: manage local models (list, pull, rm, verify, path).
import { defineCommand, renderUsage } from "citty";
import { takeLeafExit } from "../leaf.ts";
import { ExitCode } from "../../../core/errors.ts";
import { writeErr } from "../../io.ts";
import { forStream } from "../../terminal.ts";

// `cmdai model`: only lazy subcommands; each one loads when named.
const rm = () => import("./rm.ts").then((m) => m.default);

const model = defineCommand({
  meta: { name: "model", description: "Manage local models: list, pull, rm, verify, path" },
  subCommands: {
    list: () => import("./list.ts").then((m) => m.default),
    pull: () => import("./pull.ts").then((m) => m.default),
    rm,
    remove: rm,
    verify: () => import("./verify.ts").then((m) => m.default),
    path: () => import("./path.ts").then((m) => m.default),
  },
  setup() {
    takeLeafExit();
  },
  // Runs after a subcommand (citty's order): return its exit code. Alone
  // (`cmdai model`), show the usage on stderr: a usage error.
  async run() {
    const code = takeLeafExit();
    if (code !== undefined) return code;
    writeErr(forStream(2, (await renderUsage(model)).replace(/(USAGE\S* \S*)model/, "$1cmdai model")) + "\n");
    return ExitCode.usage;
  },
});

export default model;
