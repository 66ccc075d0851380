import { defineCommand } from "citty";
export default defineCommand({ run() { process.stdout.write("TODO\n"); } });
