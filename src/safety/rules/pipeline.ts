// A pipeline as a whole: text piped into a shell or interpreter is a program,
// and secrets piped into a network tool leave the machine.
import type { Cmd } from "../command.ts";
import { describeSource, readsProgramFromStdin } from "../flow.ts";
import type { Judgement } from "../judgement.ts";
import { judgeScriptSource } from "./exec.ts";

const NETWORK_SENDERS = new Set(["nc", "ncat", "netcat", "telnet", "socat", "curl", "wget", "openssl"]);

export function judgePipeline(stages: Cmd[], j: Judgement) {
  for (let i = 1; i < stages.length; i++) {
    const c = stages[i]!;
    const span = { start: stages[0]!.start, end: c.end };
    const kind = readsProgramFromStdin(c);
    if (kind) {
      // A shell between two network tools, or one feeding its output to the network: reverse shell.
      if (kind === "shell" && stages.slice(i + 1).some((s) => ["nc", "ncat", "netcat", "telnet", "socat", "openssl"].includes(s.name))) {
        j.report("net.reverse-shell", span.start, stages[stages.length - 1]!.end);
        continue;
      }
      judgeScriptSource(describeSource(stages, i), kind, c, j, span);
      continue;
    }
    if (NETWORK_SENDERS.has(c.name)) {
      const src = describeSource(stages, i);
      const sendsStdin =
        c.name !== "curl" && c.name !== "wget"
          ? true
          : c.args.some((w) => /^@-$|=@-$|^-$/.test(w.text)) || c.args.some((w) => w.text === "-T" || w.text === "--upload-file");
      if (src.secret && sendsStdin) j.report("net.exfiltrate-secret", span.start, span.end);
    }
  }
}
