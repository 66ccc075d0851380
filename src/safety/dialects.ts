// fish and zsh are not bash. fish is translated into the bash that means the
// same for the checker (keeping a map back to the original offsets); zsh is
// parsed as bash after blanking glob qualifiers, which tree-sitter-bash
// cannot read. Anything left over that does not parse is a parse error, which
// is never graded safe.

/** fish keywords that only structure the script: blanked so the commands they wrap remain. */
const FISH_BLANK = new Set(["and", "or", "not", "begin", "end", "else", "if", "while"]);

export function translateFish(src: string): { text: string; map: (i: number) => number } {
  const out: string[] = [];
  const pos: number[] = [];
  const emit = (s: string, at: number) => {
    for (const ch of s) {
      out.push(ch);
      pos.push(at);
    }
  };
  let i = 0;
  let atCmd = true;
  const n = src.length;
  // Open blocks, so the `end` of a `for` becomes `done`; `pendingDo` until the loop's header ends.
  const blocks: string[] = [];
  let pendingDo = false;
  while (i < n) {
    const ch = src[i]!;
    if (pendingDo && (ch === ";" || ch === "\n")) {
      emit("; do ", i++);
      pendingDo = false;
      atCmd = true;
      continue;
    }
    if (ch === "'") {
      // fish single quotes allow \' and \\.
      emit("'", i);
      i++;
      while (i < n && src[i] !== "'") {
        if (src[i] === "\\" && (src[i + 1] === "'" || src[i + 1] === "\\")) {
          if (src[i + 1] === "'") emit("'\\''", i);
          else emit("\\", i);
          i += 2;
          continue;
        }
        emit(src[i]!, i);
        i++;
      }
      if (i < n) emit("'", i++);
      atCmd = false;
      continue;
    }
    if (ch === '"') {
      emit('"', i++);
      while (i < n && src[i] !== '"') {
        if (src[i] === "\\" && i + 1 < n) {
          emit(src.slice(i, i + 2), i);
          i += 2;
          continue;
        }
        emit(src[i]!, i++);
      }
      if (i < n) emit('"', i++);
      atCmd = false;
      continue;
    }
    if (ch === "\\" && i + 1 < n) {
      emit(src.slice(i, i + 2), i);
      i += 2;
      atCmd = false;
      continue;
    }
    if (ch === "#" && (i === 0 || /\s|;/.test(src[i - 1]!))) {
      while (i < n && src[i] !== "\n") emit(src[i]!, i++);
      continue;
    }
    if (ch === "(") {
      emit(i > 0 && src[i - 1] === "$" ? "(" : "$(", i);
      i++;
      atCmd = true;
      continue;
    }
    if (ch === ";" || ch === "\n" || ch === "|" || ch === "&") {
      emit(ch, i++);
      atCmd = true;
      continue;
    }
    if (/\s/.test(ch)) {
      emit(ch, i++);
      continue;
    }
    // A word.
    let j = i;
    while (j < n && !/[\s;|&()'"\\]/.test(src[j]!)) j++;
    if (j === i) {
      // `)` and any other single character that ends nothing we track.
      emit(ch, i++);
      atCmd = false;
      continue;
    }
    const word = src.slice(i, j);
    if (atCmd && /^(begin|if|while|function|switch)$/.test(word)) blocks.push(word);
    const closes = atCmd && word === "end" ? blocks.pop() : undefined;
    if (closes === "for") {
      emit("done", i);
      i = j;
      atCmd = false;
      continue;
    }
    if (closes === "function") {
      // The end of a function body: `}` (bash wants a `;` or newline before it, which fish has too).
      emit("}", i);
      i = j;
      atCmd = false;
      continue;
    }
    if (atCmd && word === "function") {
      // `function f [--argument-names a b] [-d DESC]; BODY; end` → `f() { a="$1"; b="$2"; BODY; }`.
      let k = j;
      while (k < n && src[k] !== ";" && src[k] !== "\n") k++;
      const header = src.slice(j, k).trim().split(/\s+/);
      const name = header[0] ?? "";
      const an = header.findIndex((h) => h === "-a" || h === "--argument-names");
      const params: string[] = [];
      if (an >= 0)
        for (const p of header.slice(an + 1))
          if (/^[A-Za-z_]\w*$/.test(p)) params.push(p);
          else break;
      if (/^[A-Za-z_][\w-]*$/.test(name)) {
        emit(`${name}() { ${params.map((p, x) => `${p}="$${x + 1}"; `).join("")}`, i);
        i = k < n && src[k] === ";" ? k + 1 : k;
        atCmd = true;
        continue;
      }
    }
    if (atCmd && word === "for" && /^\s+[A-Za-z_]\w*\s+in\b/.test(src.slice(j))) {
      // `for x in a b; …; end` → `for x in a b; do …; done`: the loop variable takes each value.
      blocks.push("for");
      pendingDo = true;
      emit(word, i);
      i = j;
      atCmd = false;
      continue;
    }
    if (atCmd && (FISH_BLANK.has(word) || word === "function")) {
      // `function name --args…` goes up to the end of the statement.
      if (word === "function") while (j < n && src[j] !== ";" && src[j] !== "\n") j++;
      // `begin;`, `end;`: the `;` would leave an empty statement, which bash rejects.
      const m = /^[ \t]*;/.exec(src.slice(j));
      if (m) j += m[0].length;
      emit(" ".repeat(j - i), i);
      i = j;
      continue;
    }
    if (atCmd && (word === "for" || word === "switch" || word === "case")) {
      // `for x in a b` → `echo     a b`: the list stays visible (and its substitutions checked).
      let k = j;
      if (word === "for") {
        const m = /^\s+\S+\s+in\b/.exec(src.slice(j));
        if (m) k = j + m[0].length;
      }
      const len = k - i;
      emit(("echo" + " ".repeat(Math.max(0, len - 4))).slice(0, Math.max(4, len)), i);
      i = k;
      atCmd = false;
      continue;
    }
    // `$argv` is bash's `"$@"`, `$argv[N]` its `$N`.
    emit(word.replace(/\$argv\[(\d)\]/g, '"$$$1"').replace(/\$argv(?![\w[])/g, '"$$@"'), i);
    i = j;
    atCmd = false;
  }
  const text = out.join("");
  return { text, map: (k: number) => (k < pos.length ? pos[k]! : src.length) };
}

// Glob qualifiers like `*(.)` and `*(om[1])`: blank zsh glob qualifiers (same length, offsets unchanged).
export function translateZsh(src: string): string {
  // `=cmd` at the start of a word is the path of cmd: the same program.
  src = src.replace(/(^|[\s;|&(])=(?=[A-Za-z_])/g, "$1 ");
  // `$=cmd` splits the value into words: read as `$cmd`, which the checker splits anyway.
  src = src.replace(/\$=(?=[A-Za-z_])/g, " $");
  // The precommand modifier `- cmd` (run with a dash before argv[0]) runs cmd.
  src = src.replace(/(^|[;|&(]|&&|\|\|)(\s*)-(?=\s+[A-Za-z_/.~])/g, "$1$2 ");
  // Parameter flags `${(z)x}`, `${(s: :)x}`, `${(U)x}`: bash cannot read them. Splitting flags become
  // `${=x}`, the others `${x}`, padded with empty quotes so offsets do not move.
  src = src.replace(/\$\{\(([^()]*)\)([A-Za-z_]\w*)\}/g, (m, flags: string, name: string) => {
    const head = /[zsf]/.test(flags) ? "${=" : "${";
    const d = m.length - head.length - name.length - 1;
    return `${head}${name}}${d % 2 === 0 ? '""'.repeat(d / 2) : `$''${'""'.repeat((d - 3) / 2)}`}`;
  });
  return src.replace(
    /(^|[\s;|&])([^\s;|&()'"]*[*?][^\s;|&()'"]*)(\([^()\s;|&]*\))(?=$|[\s;|&)])/g,
    (_m, pre: string, g: string, q: string) => pre + g + " ".repeat(q.length),
  );
}

/**
 * bash, sh and zsh drop a backslash-newline before reading words, so
 * `gi\<newline>t reset --hard` is `git reset --hard`. Removed here (outside
 * single quotes), with a map back to the original offsets.
 */
export function joinContinuations(src: string): { text: string; map: (i: number) => number } | undefined {
  if (!src.includes("\\\n")) return undefined;
  let text = "";
  const pos: number[] = [];
  let single = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === "'" && (single || src[i - 1] !== "\\")) single = !single;
    if (!single && ch === "\\" && src[i + 1] === "\n") {
      i++;
      continue;
    }
    if (!single && ch === "\\" && i + 1 < src.length) {
      text += ch + src[i + 1];
      pos.push(i, i + 1);
      i++;
      continue;
    }
    text += ch;
    pos.push(i);
  }
  return { text, map: (k: number) => (k < pos.length ? pos[k]! : src.length) };
}

/** zsh glob qualifiers that run code: `*(e:'CMD':)`, `*(+func)`. Returns the code, if any. */
export function zshQualifierCode(src: string): { code: string; start: number; end: number } | undefined {
  const m = /[*?\]]\((?:[^()\s]*?)(?:e([^\w\s()])(.*?)\1|\+(\w+))[^()]*\)/.exec(src);
  if (!m) return undefined;
  return { code: (m[2] ?? m[3] ?? "").replace(/^'(.*)'$/s, "$1"), start: m.index, end: m.index + m[0].length };
}
