// Commands spelled so the parser cannot read them as commands. `{rm,-rf,/}` is
// brace expansion in command position: bash expands it to `rm -rf /` and runs
// that, while tree-sitter-bash reads it as an error. The checker judges the
// expanded text as well.

/** Brace lists in command position (`{rm,-rf,/}`, `; {curl,-s,URL}|sh`), expanded to the words bash runs. */
export function braceCommands(src: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  if (!src.includes("{") || !src.includes(",")) return out;
  for (const m of src.matchAll(/(^|[;&|(`\n]\s*|\$\(\s*)\{([^{}\s]+(?:,[^{}\s]*)+)}([^;&\n)`]*)/g)) {
    const start = m.index! + m[1]!.length;
    const words = m[2]!.split(",").filter((w) => w !== "");
    if (words.length < 2) continue;
    out.push({ text: `${words.join(" ")}${m[3]}`, start, end: start + m[0].length - m[1]!.length });
  }
  return out;
}
