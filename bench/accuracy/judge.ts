// Judging an answer by execution, the way the official NL2SH-ALFA scorer
// (InterCode-ALFA 0.3.6, `BashEnv.get_reward`) does: the answer is right only if
// the file system ends in the same state as after the expected command AND the
// output matches. The scorer's output test is: same command text, or identical
// output, or a similarity above a threshold (the paper used mxbai embeddings,
// which need a model; the local judges below replace that last test and were
// calibrated in local_judge_calibration.json on gold vs second-gold pairs).
import type { FileState } from "./fixture.ts";
import { stateDiff } from "./fixture.ts";

export const judgeNames = ["exec_strict", "exec_normalized", "exec_tfidf_0.75", "exec_tfidf_0.5"] as const;
export type JudgeName = (typeof judgeNames)[number];
/**
 * The judge the headline figure uses: TF-IDF cosine >= 0.75 on the output.
 * Of the local judges it has the best recall (0.58) at the paper's precision
 * (0.98, against exec+mxbai-embed's 0.97); exec_tfidf_0.5 gains recall at
 * precision 0.96. See local_judge_calibration.json.
 */
export const primaryJudge: JudgeName = "exec_tfidf_0.75";

export interface Execution {
  output: string;
  exitCode: number;
  timedOut: boolean;
  state: Map<string, FileState>;
}

export interface Judgement {
  verdicts: Record<JudgeName, boolean>;
  stateEqual: boolean;
  /** How the states differ (first few paths), empty when equal. */
  stateDiff: string[];
  outputExact: boolean;
  outputNormalized: boolean;
  tfidf: number;
  sameCommand: boolean;
}

/** Lines with runs of whitespace collapsed, blank lines dropped, sorted. */
export function normalizeOutput(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "")
    .sort()
    .join("\n");
}

// scikit-learn's TfidfVectorizer defaults: lowercase, tokens of 2+ word characters,
// smooth idf (ln((1+n)/(1+df)) + 1), l2-normalised rows; fitted on the two texts.
const tokenRe = /[\p{L}\p{N}\p{M}_]{2,}/gu;
const tokens = (text: string) => text.toLowerCase().match(tokenRe) ?? [];

/**
 * TF-IDF cosine of two outputs, as the original InterCode scorer computes it.
 * When neither has a token (the vectorizer raises), identical texts score 1, else 0.
 */
export function tfidfCosine(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  if (ta.length === 0 && tb.length === 0) return a === b ? 1 : 0;
  const count = (ts: string[]) => {
    const m = new Map<string, number>();
    for (const t of ts) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  };
  const ca = count(ta);
  const cb = count(tb);
  const idf = (t: string) => Math.log(3 / (1 + (ca.has(t) ? 1 : 0) + (cb.has(t) ? 1 : 0))) + 1;
  const vec = (c: Map<string, number>) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, n] of c) {
      const w = n * idf(t);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
    return v;
  };
  const va = vec(ca);
  const vb = vec(cb);
  let dot = 0;
  for (const [t, w] of va) dot += w * (vb.get(t) ?? 0);
  return Math.min(1, dot);
}

/** Compares the answer's execution with the expected command's. */
export function judge(expectedCmd: string, expected: Execution, answerCmd: string, answer: Execution): Judgement {
  const diff = stateDiff(expected.state, answer.state);
  const stateEqual = diff.length === 0;
  const sameCommand = expectedCmd.trim() === answerCmd.trim();
  const outputExact = expected.output === answer.output;
  const outputNormalized = outputExact || normalizeOutput(expected.output) === normalizeOutput(answer.output);
  const tfidf = outputExact ? 1 : tfidfCosine(expected.output, answer.output);
  const out = (ok: boolean) => stateEqual && (sameCommand || ok);
  return {
    verdicts: {
      exec_strict: out(outputExact),
      exec_normalized: out(outputNormalized),
      "exec_tfidf_0.75": out(tfidf >= 0.75),
      "exec_tfidf_0.5": out(tfidf >= 0.5),
    },
    stateEqual,
    stateDiff: diff.slice(0, 5),
    outputExact,
    outputNormalized,
    tfidf: Math.round(tfidf * 1000) / 1000,
    sameCommand,
  };
}
