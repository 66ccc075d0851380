// Shell expansions that need no state of the walk: field splitting at the marks
// the walk leaves where an unquoted or list expansion splits, brace expansion,
// and the backslash rules of double quotes.
import type { Word } from "./command.ts";
import { HOME } from "./paths.ts";

/** Marks where an expansion splits into separate words (`$a` with spaces, `"${arr[@]}"`, `"$@"`). */
export const FIELD = "\uE010";
export const FIELDS = /\uE010+/;

/** Splits words at the field marks unquoted or list expansions left, in place. */
export function splitFields(words: Word[]) {
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!;
    if (!w.text.includes(FIELD)) continue;
    const parts = w.text.split(FIELDS).filter((p) => p !== "");
    words.splice(i, 1, ...parts.map((text) => ({ ...w, text, exactBase: undefined })));
  }
}

/**
 * Brace expansion, in place: `rm -rf /{bin,etc}` is `rm -rf /bin /etc`, `{/,~}` is `/` and the home
 * directory (tilde expansion comes after). Only words written without quotes, at most 16 results.
 */
export function expandBraces(words: Word[], src: string) {
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!;
    if (!w.text.includes("{") || !w.text.includes(",") || /['"]/.test(src.slice(w.start, w.end))) continue;
    let out = [w.text];
    for (let guard = 0; guard < 4; guard++) {
      const next: string[] = [];
      let changed = false;
      for (const t of out) {
        const m = /\{([^{}]*,[^{}]*)\}/.exec(t);
        if (!m) {
          next.push(t);
          continue;
        }
        changed = true;
        for (const alt of m[1]!.split(",")) next.push(t.slice(0, m.index) + alt + t.slice(m.index + m[0].length));
      }
      out = next.slice(0, 16);
      if (!changed) break;
    }
    if (out.length < 2) continue;
    words.splice(
      i,
      1,
      ...out.map((text) => {
        const t = text.replace(/^~(?=\/|$)/, HOME);
        return { ...w, text: t, glob: /[*?[]/.test(t), exactBase: undefined };
      }),
    );
  }
}

/** Removes the backslashes double quotes remove (before `$`, backquote, `"`, `\\` and a newline). */
export function unescapeDq(s: string): string {
  return s.replace(/\\\n/g, "").replace(/\\([$`"\\])/g, "$1");
}
