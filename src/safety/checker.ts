// The checker: bad-input handling, shell dialects, then the walk over the
// syntax tree, which hands each command to the judge.
import type { RuleId } from "./catalogue.ts";
import { braceCommands } from "./rules/disguise.ts";
import { joinContinuations, translateFish, translateZsh, zshQualifierCode } from "./dialects.ts";
import { judgeCommand, judgePipelineFlow } from "./judge.ts";
import { finding } from "./judgement.ts";
import { isPackOff, rulesByProgram, verifyPacks } from "./packs/index.ts";
import type { Tree } from "./parser.ts";
import { isBlocked, maxRisk, rank, type CheckOptions, type CheckResult, type Checker, type Finding } from "./types.ts";
import { analyzeScript, type Judge } from "./walk.ts";

const judge: Judge = { command: judgeCommand, pipeline: judgePipelineFlow };

/**
 * Longer commands are refused (graded critical) instead of parsed: checking
 * must stay fast (a 4 KB script of many commands takes ~15 ms), and the
 * generator never accepts a command longer than 4,000 characters.
 */
export const MAX_COMMAND_CHARS = 4096;

interface ParserLike {
  parse(text: string): Tree | null;
}

export function createChecker(parser: ParserLike): Checker {
  // Compile the packs now; check their examples just after, off the path of the first command
  // (the timer does not keep the process alive). Set CMDAI_DEBUG_SAFETY to see problems.
  rulesByProgram();
  setTimeout(() => {
    const problems = verifyPacks();
    if (problems.length && process.env.CMDAI_DEBUG_SAFETY) console.error(`cmdai: safety packs: ${problems.join("; ")}`);
  }, 0).unref?.();
  const parse = (text: string) => {
    try {
      return parser.parse(text);
    } catch {
      return null;
    }
  };
  return {
    check(cmd: string, opts: CheckOptions = {}): CheckResult {
      const level = opts.level ?? "moderate";
      const shell = opts.shell ?? "bash";
      const findings: Finding[] = [];
      const add = (rule: RuleId, start: number, end: number) => findings.push(finding(rule, start, end));
      let text = typeof cmd === "string" ? cmd : String(cmd ?? "");
      // tree-sitter's error recovery is superlinear on long chains (`a|a|a|…|`): bound the operators too.
      if (text.length > MAX_COMMAND_CHARS || countOperators(text) > MAX_OPERATORS) {
        add("input.too-long", 0, text.length);
        return finish(text, findings, level, opts.packsOff);
      }
      // NUL and terminal control characters: shells drop or mangle them, terminals hide text with them.
      const ctrl = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u009b]/.exec(text);
      if (ctrl) {
        add("input.control-chars", ctrl.index, ctrl.index + 1);
        text = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u009b]/g, " ");
      }
      const bad = text.indexOf("\uFFFD");
      if (bad >= 0 || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text))
        add("input.invalid-text", Math.max(bad, 0), Math.max(bad, 0) + 1);
      let source = text;
      let map: ((i: number) => number) | undefined;
      if (shell === "fish") ({ text: source, map } = translateFish(text));
      else {
        const joined = joinContinuations(text);
        if (joined) ({ text: source, map } = joined);
        if (shell === "zsh") {
          const q = zshQualifierCode(source);
          if (q) {
            const at = map ? [map(q.start), map(q.end)] : [q.start, q.end];
            add("parse.unknown-construct", at[0]!, at[1]!);
            const inner = analyzeScript(q.code, { shell, depth: 1, asRoot: false, vars: new Map(), parse, judge });
            findings.push(...inner.map((f) => ({ ...f, start: at[0]!, end: at[1]! })));
          }
          source = translateZsh(source);
        }
      }
      try {
        let inner = analyzeScript(source, { shell, depth: 0, asRoot: false, vars: new Map(), parse, judge });
        if (map) inner = inner.map((f) => ({ ...f, start: map!(f.start), end: map!(f.end) }));
        findings.push(...inner);
        for (const b of braceCommands(source))
          findings.push(
            ...analyzeScript(b.text, { shell, depth: 1, asRoot: false, vars: new Map(), parse, judge }).map((f) => ({
              ...f,
              start: b.start,
              end: b.end,
            })),
          );
        // Sockets opened by redirection: the parser cannot read every spelling (`196<>/dev/tcp/…`).
        const sock = DEV_TCP_SHELL.exec(text.replace(QUOTED_DATA, (m) => " ".repeat(m.length)));
        if (sock) add("net.reverse-shell", sock.index, sock.index + sock[0].length);
      } catch (e) {
        // Never crash and never call it safe: an internal failure is a finding.
        add("input.internal-error", 0, text.length);
        if (process.env.CMDAI_DEBUG_SAFETY) console.error(e);
      }
      return finish(cmd, findings, level, opts.packsOff);
    },
  };
}

/** `exec N<>/dev/tcp/…`, `sh … >& /dev/tcp/…`, `<>/dev/udp/…`: a socket wired to this shell. */
const DEV_TCP_SHELL =
  /\bexec\s+\d*\s*[<>]{1,2}&?\s*\/dev\/(tcp|udp)\/\S+|\d*<>\s*\/dev\/(tcp|udp)\/\S+|\b(ba|z|k|da|c|tc|fi)?sh\b[^;|&\n]*[<>]&?\s*\/dev\/(tcp|udp)\/\S+/;

/** Quoted arguments of programs that only print or search text (`echo 'bash -i >& /dev/tcp/…' >> notes.md`): data, not a socket. */
const QUOTED_DATA = /\b(echo|printf|grep|egrep|fgrep|rg|ag)\b(\s+-[\w-]+)*\s+('[^']*'|"(\\.|[^"\\])*")/g;

/** Pipes, list operators, parentheses and expansions: what makes a command long to parse. */
export const MAX_OPERATORS = 200;
function countOperators(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // | ; & ( ) $ `
    if (c === 124 || c === 59 || c === 38 || c === 40 || c === 41 || c === 36 || c === 96) n++;
  }
  return n;
}

function finish(cmd: string, all: Finding[], level: CheckOptions["level"], packsOff: readonly string[] = []): CheckResult {
  // One finding per rule and span, none from a pack switched off; worst first, then by position.
  const seen = new Set<string>();
  const findings = all.filter((f) => {
    if (packsOff.length && isPackOff(f.pack ?? "core", packsOff)) return false;
    // Spans always point into the command, whatever a nested script mapped them to.
    f.end = Math.min(Math.max(f.end, 0), cmd.length);
    f.start = Math.min(Math.max(f.start, 0), f.end);
    const key = `${f.rule}:${f.start}:${f.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  findings.sort((a, b) => rank(b.risk) - rank(a.risk) || a.start - b.start);
  const risk = findings.reduce((r, f) => maxRisk(r, f.risk), "safe" as CheckResult["risk"]);
  return { cmd, risk, blocked: isBlocked(risk, level ?? "moderate"), findings };
}
