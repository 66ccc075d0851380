import { defineCommand } from "citty";
import { CmdaiError } from "../errors.ts";

// Placeholder until its issue lands: fails clearly rather than pretending.
export default defineCommand({
  meta: { name: "check", description: "not available yet" },
  run() {
    throw new CmdaiError("'cmdai check' is not available in this build yet");
  },
});
