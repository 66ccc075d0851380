import { defineCommand } from "citty";
import { CmdaiError } from "../../errors.ts";

// Placeholder until its issue lands: fails clearly rather than pretending.
export default defineCommand({
  meta: { name: "model", description: "not available yet" },
  run() {
    throw new CmdaiError("'cmdai model' is not available in this build yet");
  },
});
