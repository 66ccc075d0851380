#!/usr/bin/env bun
import { interruptTakenOver } from "./core/interrupt.ts";
import { main } from "./cli/main.ts";

// Ctrl-C: stop at once with the conventional status; nothing half-written
// reaches stdout (the command is printed in one write at the very end).
// A download takes the signal over, to keep its part file resumable.
process.on("SIGINT", () => {
  if (!interruptTakenOver()) process.exit(130);
});

const code = await main(process.argv.slice(2));
// Exit now rather than wait for llama.cpp's threads and handles to wind down
// (~15 ms on every key press): all output was written synchronously (cli/io.ts).
process.exit(code);
