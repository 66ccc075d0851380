// One judgement: the findings the rules produce for one command. Rules write
// only to the Judgement they are given and never to the walk's state; the
// judge returns `judgement.findings` to the walk. Scripts found inside a
// command (`bash -c '…'`) and commands built from its words (`find -exec`,
// `xargs`) are judged through hooks the walk provides, so rule files need not
// import the walk or the judge.
import { RULES, type RuleId } from "./catalogue.ts";
import type { Cmd } from "./command.ts";
import { packOf } from "./packs/index.ts";
import type { DataRule } from "./packs/types.ts";
import type { Finding } from "./types.ts";

export interface Span {
  start: number;
  end: number;
}

export interface JudgeHooks {
  /**
   * Checks a script found inside the command. Offsets map back exactly when the
   * script is a plain string in the source (`exactBase`), else `span` is blamed.
   */
  nested(text: string, span: Span, exactBase?: number, opts?: { asRoot?: boolean }): Finding[];
  /** Judges a command built from another's words, like any other command. */
  command(cmd: Cmd): Finding[];
}

export function finding(rule: RuleId, start: number, end: number, detail?: string): Finding {
  const info = RULES[rule];
  const f: Finding = {
    rule,
    pack: packOf(rule),
    risk: info.risk,
    message: detail ? `${info.message} (${detail})` : info.message,
    start,
    end,
  };
  if (info.alternative) f.alternative = info.alternative;
  return f;
}

/** A finding of a data rule (packs/), blaming the whole command. */
export function dataFinding(rule: DataRule, span: Span): Finding {
  const f: Finding = { rule: rule.id, pack: packOf(rule.id), risk: rule.risk, message: rule.message, start: span.start, end: span.end };
  if (rule.alternative) f.alternative = rule.alternative;
  return f;
}

export class Judgement {
  readonly findings: Finding[] = [];

  constructor(private readonly hooks: JudgeHooks) {}

  report(rule: RuleId, start: number, end: number, detail?: string) {
    this.findings.push(finding(rule, start, end, detail));
  }

  reportWord(rule: RuleId, w: Span, detail?: string) {
    this.report(rule, w.start, w.end, detail);
  }

  reportData(rule: DataRule, span: Span) {
    this.findings.push(dataFinding(rule, span));
  }

  /** Judges a nested script; its findings become this judgement's and are returned. */
  nested(text: string, span: Span, exactBase?: number, opts?: { asRoot?: boolean }): Finding[] {
    const found = this.hooks.nested(text, span, exactBase, opts);
    this.findings.push(...found);
    return found;
  }

  /** Judges a command built from this one's words (`find -exec rm`, `xargs rm`). */
  judge(cmd: Cmd): Finding[] {
    const found = this.hooks.command(cmd);
    this.findings.push(...found);
    return found;
  }
}
