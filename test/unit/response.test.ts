import { describe, expect, test } from "bun:test";
import { parseResponse } from "../../src/response/parse.ts";

// Realistic shapes of model output, and the command a user must get from each.
const cases: [name: string, raw: string, cmd: string | undefined][] = [
  ["plain JSON", '{"cmd": "ls -la"}', "ls -la"],
  ["JSON with whitespace and newline", '\n  { "cmd" : "df -h" }\n', "df -h"],
  ["JSON in a markdown fence", '```json\n{"cmd": "du -sh *"}\n```', "du -sh *"],
  ["text around the first object", 'Sure! Here it is: {"cmd": "pwd"} Hope that helps {"x":1}', "pwd"],
  ["other key name", '{"command": "uname -a"}', "uname -a"],
  ["think block before the answer", '<think>The user wants files. {"cmd":"rm -rf /"}</think>{"cmd": "ls"}', "ls"],
  ["unclosed think block yields nothing", '<think>still thinking {"cmd": "ls"}', undefined],
  ["escaped double quotes survive", String.raw`{"cmd": "grep -r \"TODO\" src"}`, 'grep -r "TODO" src'],
  ["double and single quotes together", String.raw`{"cmd": "echo \"it's $HOME\" | sed 's/a/b/'"}`, `echo "it's $HOME" | sed 's/a/b/'`],
  ["backslashes survive", String.raw`{"cmd": "find . -name '*.tmp' -exec rm {} \\;"}`, String.raw`find . -name '*.tmp' -exec rm {} \;`],
  ["braces inside the command string", '{"cmd": "awk \'{print $1}\' file"}', "awk '{print $1}' file"],
  ["bash fence without JSON", "```bash\n$ ps aux | grep node\n```", "ps aux | grep node"],
  ["inline backticks in prose", "You can run `git status` to see it.", "git status"],
  ["bare line", "ls -lh ~/Downloads", "ls -lh ~/Downloads"],
  ["bare line after chatter", "Here is the command:\nfind . -size +10M", "find . -size +10M"],
  ["bare line with braces that are not JSON", "find . -name '*.log' -exec gzip {} \\;", "find . -name '*.log' -exec gzip {} \\;"],
  ["command wrapped in backticks inside JSON", '{"cmd": "`date`"}', "date"],
  ["command substitution kept", '{"cmd": "echo $(date)"}', "echo $(date)"],
  [
    "multi-line loop joined into one line",
    '{"cmd": "for f in *.txt; do\\n  wc -l \\"$f\\"\\ndone"}',
    'for f in *.txt; do wc -l "$f"; done',
  ],
  ["two lines joined with ;", '{"cmd": "cd /tmp\\nls"}', "cd /tmp; ls"],
  ["backslash continuation", '{"cmd": "tar -czf a.tgz \\\\\\n  dir"}', "tar -czf a.tgz dir"],
  ["explanation kept", '{"cmd": "ls", "explanation": "lists files"}', "ls"],
  ["empty command", '{"cmd": ""}', undefined],
  ["whitespace command", '{"cmd": "   "}', undefined],
  ["empty output", "", undefined],
  ["control characters are not a command", '{"cmd": "ls \\u0007"}', undefined],
  ["truncated JSON is not salvaged into the line", '{"cmd": "ls -l', undefined],
];

describe("parseResponse", () => {
  for (const [name, raw, cmd] of cases) {
    test(name, () => {
      expect(parseResponse(raw)?.cmd).toBe(cmd as string);
    });
  }

  test("explanation is returned with the command", () => {
    expect(parseResponse('{"cmd": "ls", "explanation": " lists files "}')).toEqual({ cmd: "ls", explanation: "lists files" });
  });
});
