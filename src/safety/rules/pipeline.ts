// A pipeline as a whole: text piped into a shell or interpreter is a program,
// and secrets piped into a network tool leave the machine.
import type { Cmd } from "../command.ts";
import { describeSource, readsProgramFromStdin } from "../flow.ts";
import type { Judgement } from "../judgement.ts";
import { SHELLS } from "../paths.ts";
import { judgeScriptSource } from "./exec.ts";

const NETWORK_SENDERS = new Set(["nc", "ncat", "netcat", "telnet", "socat", "curl", "wget", "openssl"]);

const NETWORK_TOOLS = ["nc", "ncat", "netcat", "telnet", "socat", "openssl"];

export function judgePipeline(stages: Cmd[], j: Judgement) {
  // `sh 0</tmp/p | nc HOST PORT 1>/tmp/p`: a shell whose output goes to the network, input from a fifo.
  // (tree-sitter reads `a && sh <f | nc …` as `(a && sh <f) | nc …`: then the shell is the group's last command.)
  const first = stages[0]!.compound ? (stages[0]!.inner?.[stages[0]!.inner.length - 1] ?? stages[0]!) : stages[0]!;
  if (
    SHELLS.has(first.name) &&
    !first.args.some((w) => /^-[a-zA-Z]*c/.test(w.text)) &&
    stages.slice(1).some((s) => NETWORK_TOOLS.includes(s.name))
  )
    j.report("net.reverse-shell", first.start, stages[stages.length - 1]!.end);
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
