// `cmdai server`: status and stop for the resident server.
import { defineCommand, renderUsage } from "citty";
import { takeLeafExit } from "../leaf.ts";
import { ExitCode } from "../../../core/errors.ts";
import { writeErr } from "../../io.ts";

// `cmdai server`: look at or stop the resident server (`cmdai serve` runs it).
const server = defineCommand({
  meta: { name: "server", description: "The resident server: status, stop" },
  subCommands: {
    status: () => import("./status.ts").then((m) => m.default),
    stop: () => import("./stop.ts").then((m) => m.default),
  },
  setup() {
    takeLeafExit();
  },
  async run() {
    const code = takeLeafExit();
    if (code !== undefined) return code;
    writeErr((await renderUsage(server)) + "\n");
    return ExitCode.usage;
  },
});

export default server;
