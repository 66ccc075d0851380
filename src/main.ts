#!/usr/bin/env bun
import { main } from "./cli/main.ts";

// A closed pipe (`cmdai ... | head -c0`) is not an error worth a message.
process.stdout.on?.("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
});

process.exitCode = await main(process.argv.slice(2));
