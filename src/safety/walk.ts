// The walk: turns the tree-sitter syntax tree of one script into simple
// commands (program + evaluated words + redirections + pipeline context) and
// hands each one, and each pipeline, to the judge it is given. It tracks what
// the shell would know while running: variables, the working directory after
// `cd`, the functions being defined. Every statement kind is visited: lists,
// pipelines, subshells, blocks, loops, functions, `$(…)`, backticks and `<(…)`.
// Node kinds that are not known here are reported ("not provably safe"), never
// skipped silently.
import { programName } from "./argv.ts";
import type { RuleId } from "./catalogue.ts";
import type { Cmd, Word } from "./command.ts";
import { finding, type JudgeHooks, type Span } from "./judgement.ts";
import type { Node, Tree } from "./parser.ts";
import { describeSource, downloadTarget, secretOutputs, secretVarName } from "./flow.ts";
import { type Listing, listing, readTargets } from "./listing.ts";
import { HOME, UNKNOWN, UNKNOWN_NONEMPTY, classifyPath, hasUnknown, normalizePath } from "./paths.ts";
import { decodeAnsiC, formatPrintf, staticOutput } from "./static-text.ts";
import { FIELD, FIELDS, expandBraces, splitFields, unescapeDq } from "./expand.ts";
import type { CheckShell, Finding } from "./types.ts";
import { unwrap } from "./unwrap.ts";

/** What the walk hands each command to: the judge (judge.ts), given by the checker. */
export interface Judge {
  command(cmd: Cmd, hooks: JudgeHooks): Finding[];
  pipeline(stages: Cmd[], hooks: JudgeHooks): Finding[];
}

export interface AnalysisContext {
  shell: CheckShell;
  depth: number;
  asRoot: boolean;
  vars: Map<string, string>;
  cwd?: string;
  parse(text: string): Tree | null;
  judge: Judge;
}

const MAX_DEPTH = 6;

const STATEMENT_CONTAINERS = new Set([
  "program",
  "compound_statement",
  "do_group",
  "if_statement",
  "elif_clause",
  "else_clause",
  "while_statement",
  "for_statement",
  "c_style_for_statement",
  "case_statement",
  "case_item",
  "subshell",
]);
// Node kinds inside words and expressions that only need their substitutions visited.
const EXPRESSION_KINDS = new Set([
  "word",
  "string",
  "raw_string",
  "ansi_c_string",
  "translated_string",
  "concatenation",
  "simple_expansion",
  "expansion",
  "arithmetic_expansion",
  "number",
  "brace_expression",
  "extglob_pattern",
  "binary_expression",
  "unary_expression",
  "ternary_expression",
  "postfix_expression",
  "parenthesized_expression",
  "test_operator",
  "variable_name",
  "special_variable_name",
  "regex",
  "array",
  "subscript",
  "string_content",
  "heredoc_body",
  "heredoc_content",
  "heredoc_start",
  "heredoc_end",
  "file_descriptor",
  "command_name",
]);

export class Walk {
  findings: Finding[] = [];
  vars: Map<string, string>;
  cwd: string | undefined;
  functions: string[] = [];
  /** Arrays and the positional parameters (`@`), as far as they are known. */
  private arrays = new Map<string, string[]>();
  /** What earlier commands of this script wrote to files, when known, by normalised path. */
  private written = new Map<string, string>();
  /** Variables holding a secret (`k=$(cat ~/.ssh/id_rsa)`, `for l in $(xxd -p key)`): "" or the credential it stands for. */
  private secretVars = new Map<string, string>();
  private secretFiles = new Set<string>();
  /** Files downloaded by earlier commands of this script, by normalised path. */
  private downloads = new Map<string, { url: string; insecure: boolean }>();
  /** Open compound stages collecting the commands built inside them. */
  private collectors: Cmd[][] = [];
  /** Loop variables that stand for every item of a listing (`find / | while read f`). */
  private lists = new Map<string, Listing>();
  /** Bodies of the functions defined so far, judged again when called with arguments. */
  private fnBodies = new Map<string, Node>();
  /** Functions surely defined by now (not in a branch or subshell): calling the name runs the function, not the program. */
  private shadows = new Set<string>();
  /** Commands whose program word is the command's own first word (no `command`, `sudo`, `env` in front). */
  private direct = new WeakSet<Cmd>();
  private calls = 0;
  /** What the next `while read` loop reads: set by the pipeline or redirection that feeds it. */
  private feed: Listing | undefined;
  /** Judges the commands built here, with this walk's variables and directory for nested scripts. */
  private readonly hooks: JudgeHooks = {
    nested: (text, span, exactBase, opts) => this.nested(text, span, exactBase, opts),
    command: (cmd) => this.ctx.judge.command(cmd, this.hooks),
  };

  constructor(
    readonly src: string,
    readonly ctx: AnalysisContext,
  ) {
    this.vars = new Map(ctx.vars);
    this.cwd = ctx.cwd;
  }

  // ---- reporting -------------------------------------------------------

  report(rule: RuleId, start: number, end: number, detail?: string) {
    this.findings.push(finding(rule, start, end, detail));
  }

  /**
   * Checks a script found inside this one (`bash -c '…'`, `eval`, text piped
   * into a shell). Offsets map back exactly when the script is a plain string
   * in the source, else the whole span of the outer word is blamed.
   */
  private nested(text: string, span: Span, exactBase?: number, opts: { asRoot?: boolean } = {}): Finding[] {
    if (this.ctx.depth + 1 > MAX_DEPTH) return [finding("parse.too-deep", span.start, span.end)];
    const inner = analyzeScript(text, {
      ...this.ctx,
      depth: this.ctx.depth + 1,
      asRoot: opts.asRoot ?? this.ctx.asRoot,
      vars: this.vars,
      cwd: this.cwd,
    });
    const mapped = inner.map((f) =>
      exactBase !== undefined && f.end <= text.length
        ? { ...f, start: f.start + exactBase, end: f.end + exactBase }
        : { ...f, start: span.start, end: span.end },
    );
    return mapped;
  }

  // ---- statements -------------------------------------------------------

  run(root: Node) {
    if (root.hasError) {
      const err = findError(root);
      this.report("parse.error", err?.startIndex ?? 0, err?.endIndex ?? this.src.length);
    }
    this.visit(root);
  }

  visit(node: Node) {
    switch (node.type) {
      case "command":
        this.pipeline([node], node);
        return;
      case "pipeline":
        this.pipeline(node.namedChildren.filter(isNode), node);
        return;
      case "redirected_statement":
        this.redirected(node);
        return;
      case "list":
        this.list(node);
        return;
      case "negated_command":
        for (const c of node.namedChildren) if (c) this.visit(c);
        return;
      case "subshell": {
        const saved = { cwd: this.cwd, vars: new Map(this.vars), fns: new Map(this.fnBodies), shadows: new Set(this.shadows) };
        this.statements(node);
        this.cwd = saved.cwd;
        this.vars = saved.vars;
        this.fnBodies = saved.fns;
        this.shadows = saved.shadows;
        return;
      }
      case "function_definition":
        this.functionDefinition(node);
        return;
      case "variable_assignment":
        this.assign(node, true);
        return;
      case "variable_assignments":
        for (const c of node.namedChildren) if (c) this.assign(c, true);
        return;
      case "declaration_command":
        for (const c of node.namedChildren) {
          if (!c) continue;
          if (c.type === "variable_assignment") this.assign(c, true);
          else this.scan(c);
        }
        return;
      case "unset_command":
        for (const c of node.namedChildren) {
          if (!c) continue;
          const w = this.word(c);
          if (/^HIST(FILE|SIZE|FILESIZE)$/.test(w.text)) this.report("history.disable", node.startIndex, node.endIndex);
          this.vars.delete(w.text);
        }
        return;
      case "test_command":
      case "comment":
      case "command_substitution":
      case "process_substitution":
      case "file_redirect":
      case "heredoc_redirect":
      case "herestring_redirect":
        this.scan(node);
        return;
      case "for_statement":
        this.forLoop(node);
        return;
      case "while_statement": {
        const feed = this.feed;
        this.feed = undefined;
        this.loop(node);
        this.readLoop(node, feed);
        return;
      }
      case "ERROR":
        this.statements(node);
        return;
      default:
        if (STATEMENT_CONTAINERS.has(node.type)) {
          this.statements(node);
          return;
        }
        if (EXPRESSION_KINDS.has(node.type)) {
          this.scan(node);
          return;
        }
        this.report("parse.unknown-construct", node.startIndex, node.endIndex, node.type);
        this.statements(node);
    }
  }

  /** Visits the children of a container in order, tracking `cd` across `;`. */
  private statements(node: Node) {
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === "command" || c.type === "pipeline" || c.type === "redirected_statement" || c.type === "list") {
        this.visit(c);
        this.afterStatement(c, ";");
      } else this.visit(c);
    }
  }

  private list(node: Node) {
    const left = node.child(0);
    const op = node.child(1)?.type ?? ";";
    const right = node.child(2);
    if (left) this.visit(left);
    if (left) this.afterStatement(left, op);
    if (right) this.visit(right);
  }

  /** `cd DIR && …` runs in DIR; `cd DIR; …` may run where we started if cd fails. */
  private pendingCd: string | undefined;
  private afterStatement(_node: Node, op: string) {
    const cd = this.pendingCd;
    this.pendingCd = undefined;
    if (cd === undefined) return;
    const { cls } = classifyPath(cd, this.cwd);
    const alwaysExists = cls === "root" || cls === "home" || cls === "system";
    if (op === "&&" || alwaysExists) this.cwd = hasUnknown(cd) ? undefined : normalizeCd(cd, this.cwd);
    else if (op === "||") return;
    else this.cwd = undefined;
  }

  private functionDefinition(node: Node) {
    const name = node.childForFieldName("name")?.text ?? node.namedChild(0)?.text ?? "";
    this.functions.push(name);
    const body = node.childForFieldName("body") ?? node.namedChildren.find((c) => c && c.type !== "word");
    if (body) {
      this.fnBodies.set(name, body);
      this.visit(body);
    }
    this.functions.pop();
    if (unconditional(node)) this.shadows.add(name);
    else this.shadows.delete(name);
  }

  /** `rm() { echo "$@"; }; rm -rf /` runs the function: the program of that name is not run. */
  private callsFunction(cmd: Cmd): boolean {
    return this.shadows.has(cmd.name) && this.direct.has(cmd) && cmd.argv[0]?.text === cmd.name;
  }

  /** `f() { "$@"; }; f rm -rf ~`: a call runs the body with its arguments as `$@`, `$1`…. */
  private callFunction(cmd: Cmd) {
    const body = this.fnBodies.get(cmd.name);
    if (!body || !this.direct.has(cmd) || this.calls >= 4 || this.functions.includes(cmd.name) || cmd.args.length === 0) return;
    const saved = this.arrays.get("@");
    this.arrays.set(
      "@",
      cmd.args.map((w) => w.text),
    );
    this.calls++;
    this.functions.push(cmd.name);
    this.visit(body);
    this.functions.pop();
    this.calls--;
    if (saved) this.arrays.set("@", saved);
    else this.arrays.delete("@");
  }

  /**
   * `for d in / /home; do rm -rf "$d"; done`: when the list is known (a few
   * plain words), the body is judged once for each value; otherwise once with
   * the variable unknown.
   */
  private forLoop(node: Node) {
    const name = node.childForFieldName("variable")?.text;
    const body = node.childForFieldName("body");
    const valueNodes = node.childrenForFieldName("value").filter(isNode);
    const values: string[] = [];
    const listed: Listing[] = [];
    let known = !!name && valueNodes.length > 0;
    for (const v of valueNodes) {
      const w = this.word(v);
      // `for d in $(ls /)`, `for f in $(find ~ -type f)`: each value is an item of that listing.
      const l = w.dynamic && w.subs.length === 1 && w.text === UNKNOWN ? listing(w.subs[0]!) : undefined;
      if (l) {
        listed.push(l);
        continue;
      }
      // A glob stays as its pattern: `for f in ~/.ssh/id_*` holds the files the pattern names.
      if (w.dynamic) known = false;
      if (name && w.secret !== undefined) this.secretVars.set(name, w.secret);
      values.push(...w.text.split(FIELDS).filter((x) => x !== ""));
    }
    if (!body || !name) {
      this.statements(node);
      return;
    }
    if (known && values.length <= 8) {
      for (const v of values) {
        this.vars.set(name, v);
        this.visit(body);
      }
      for (const l of listed) this.withListing(name, l, () => this.visit(body));
    } else {
      this.vars.set(name, UNKNOWN_NONEMPTY);
      this.visit(body);
    }
    this.vars.delete(name);
  }

  /** Runs `visit` with the loop variable standing for each item of a listing. */
  private withListing(name: string, l: Listing, visit: () => void) {
    for (const v of l.items ?? [l.text]) {
      this.vars.set(name, v);
      if (l.tree && !l.items) this.lists.set(name, l);
      visit();
      this.lists.delete(name);
    }
  }

  /**
   * `find / | while read f; do rm -rf "$f"; done`, `while read d; do …; done < <(lsblk -p)`:
   * the variable `read` sets holds each item the feeding pipeline prints.
   */
  private readLoop(node: Node, feed: Listing | undefined) {
    const cond = node.childForFieldName("condition");
    const names = cond ? readTargets(cond.text) : undefined;
    if (!names) {
      this.statements(node);
      return;
    }
    const name = names[0]!;
    for (const n of names) {
      this.vars.set(n, UNKNOWN_NONEMPTY);
      this.lists.delete(n);
    }
    if (feed) this.withListing(name, feed, () => this.statements(node));
    else this.statements(node);
    for (const n of names) this.vars.delete(n);
  }

  /** The items a redirection feeds a loop: `< <(cmd)`, `<<< "$(cmd)"`, a here-string or heredoc. */
  private redirectFeed(cmd: Cmd): Listing | undefined {
    const input = cmd.redirects.find((r) => r.op === "<" && r.target?.procSub);
    if (input?.target?.subs.length) return listing(input.target.subs[input.target.subs.length - 1]!);
    if (typeof cmd.stdinText === "string") {
      const items = cmd.stdinText.split(/\s+/).filter((x) => x !== "");
      return items.length ? { text: items[0]!, items: items.slice(0, 8) } : undefined;
    }
    const subs = cmd.stdinWord?.subs;
    if (subs?.length === 1) return listing(subs[0]!);
    return undefined;
  }

  /** `while true; do … & done`: starts background jobs without end. */
  private loop(node: Node) {
    const cond = node.childForFieldName("condition");
    const condText = cond?.text.trim() ?? "";
    if (!/^(true|:|\[\s*1\s*\]|\(\(\s*1\s*\)\)|\[\[\s*1\s*\]\])\s*;?$/.test(condText)) return;
    const body = node.childForFieldName("body");
    if (body && containsBackground(body)) this.report("exec.process-flood", node.startIndex, node.endIndex);
  }

  private assign(node: Node, persist: boolean): [string, string, Word | undefined] | undefined {
    const name = node.childForFieldName("name")?.text ?? node.namedChild(0)?.text;
    const valueNode = node.childForFieldName("value");
    if (!name) return;
    if (persist) this.lists.delete(name);
    if (valueNode?.type === "array") {
      const items = valueNode.namedChildren
        .filter(isNode)
        .flatMap((c) => this.word(c).text.split(FIELDS))
        .filter((s) => s !== "");
      if (persist) this.arrays.set(name, items);
    }
    const value = valueNode ? this.word(valueNode) : undefined;
    // An assignment does not split words: `x=$y` keeps y's spaces.
    const text = valueNode?.type === "array" ? (this.arrays.get(name)?.[0] ?? "") : (value?.text.replace(FIELDS, " ") ?? "");
    if (persist) this.vars.set(name, text);
    if (persist && value?.secret !== undefined) this.secretVars.set(name, value.secret);
    // Exported or set for the shell: every later program; for one command: only from a temporary or hidden place.
    if (
      /^(LD_PRELOAD|LD_AUDIT|DYLD_INSERT_LIBRARIES)$/.test(name) &&
      text !== "" &&
      (persist || /(^|:)\/(tmp|var\/tmp|dev\/shm)\/|\/\.[^/]+\//.test(text))
    )
      this.report("persist.ld-preload", node.startIndex, node.endIndex);
    if (/^HIST(FILE|SIZE|FILESIZE)$/.test(name) && (text === "" || text === "0" || text === "/dev/null"))
      this.report("history.disable", node.startIndex, node.endIndex);
    // `PROMPT_COMMAND='CMD'`: bash runs it before every prompt.
    if (persist && name === "PROMPT_COMMAND" && value && !value.dynamic && text.trim())
      this.findings.push(...this.nested(text, { start: node.startIndex, end: node.endIndex }));
    return [name, text, value];
  }

  /** Visits substitutions found anywhere below a node that is not a statement. */
  scan(node: Node) {
    if (node.type === "command_substitution" || node.type === "process_substitution") {
      this.substitution(node);
      return;
    }
    for (const c of node.namedChildren) if (c) this.scan(c);
  }

  // ---- pipelines and commands -------------------------------------------

  private redirected(node: Node) {
    const body = node.childForFieldName("body");
    const redirectNodes = node.namedChildren.filter((c): c is Node => !!c && c !== body && c.type.endsWith("redirect"));
    if (body && (body.type === "command" || body.type === "pipeline")) {
      this.pipeline(body.type === "pipeline" ? body.namedChildren.filter(isNode) : [body], node, redirectNodes);
      return;
    }
    // Redirections of a block apply to all of it: judge them on a stand-in command.
    const cmd = this.emptyCmd(node, isBackground(node));
    cmd.bare = !body;
    const extra: Node[] = [];
    if (body?.type === "while_statement") {
      // `while read x; do …; done < <(cmd)`: what feeds the loop is known before its body runs.
      for (const r of redirectNodes) this.redirect(r, cmd, extra);
      this.feed = this.redirectFeed(cmd);
      this.visit(body);
      this.feed = undefined;
    } else {
      if (body) this.visit(body);
      for (const r of redirectNodes) this.redirect(r, cmd, extra);
    }
    this.findings.push(...this.ctx.judge.command(cmd, this.hooks));
    for (const e of extra) this.visit(e);
  }

  /** `background` is filled in by the caller: finding a node's next sibling is linear in web-tree-sitter. */
  private emptyCmd(node: Node, background = false): Cmd {
    return {
      name: "",
      argv: [],
      args: [],
      asRoot: this.ctx.asRoot,
      redirects: [],
      start: node.startIndex,
      end: node.endIndex,
      background,
      functions: [...this.functions],
      cwd: this.cwd,
      compound: true,
    };
  }

  /**
   * Builds every stage of a pipeline first (so data-flow rules can see what
   * feeds what), then judges each command and the pipeline as a whole.
   */
  pipeline(stageNodes: Node[], whole: Node, extraRedirects: Node[] = []): Cmd[] {
    const stages: Cmd[] = [];
    const later: Node[] = [];
    const background = isBackground(whole);
    // tree-sitter nests `a | b 2>&1 | c` as pipeline(redirected(pipeline(a | b)) | c): flatten it.
    const flat: { node: Node; reds: Node[] }[] = [];
    const add = (n: Node, reds: Node[]) => {
      if (n.type === "pipeline") {
        const kids = n.namedChildren.filter(isNode);
        kids.forEach((k, i) => add(k, i === kids.length - 1 ? reds : []));
        return;
      }
      if (n.type === "redirected_statement") {
        const body = n.childForFieldName("body");
        if (body?.type === "pipeline") {
          const own = n.namedChildren.filter((c): c is Node => !!c && c !== body && c.type.endsWith("redirect"));
          add(body, [...own, ...reds]);
          return;
        }
      }
      flat.push({ node: n, reds });
    };
    stageNodes.forEach((n, i) => add(n, i === stageNodes.length - 1 ? extraRedirects : []));
    for (const { node: n, reds } of flat) {
      const cmd = this.stage(n, reds, later, stages);
      cmd.background = background;
      stages.push(cmd);
    }
    // `cat <<EOF | sh`: the rest of the pipeline sits inside the heredoc node.
    for (const extra of later.splice(0)) {
      if (extra.type === "pipeline") {
        for (const n of extra.namedChildren) if (n) stages.push(this.stage(n, [], later));
      } else later.push(extra);
    }
    stages.forEach((s, index) => (s.pipe = { stages, index }));
    for (const s of stages) {
      if (s.compound || this.callsFunction(s)) continue;
      // `X='…' bash -c 'eval "$X"'`: a script run by this command sees the settings made for it.
      const saved = s.env?.length ? new Map(this.vars) : undefined;
      for (const { name, value } of s.env ?? []) this.vars.set(name, value.text);
      this.findings.push(...this.ctx.judge.command(s, this.hooks));
      if (saved) this.vars = saved;
    }
    for (const s of stages) if (!s.compound && this.fnBodies.has(s.name)) this.callFunction(s);
    if (stages.length > 1) this.findings.push(...this.ctx.judge.pipeline(stages, this.hooks));
    for (const s of stages) if (s.name === "cd" && stages.length === 1) this.pendingCd = s.args[0]?.text ?? HOME;
    for (const s of stages) {
      const d = downloadTarget(s);
      if (d) this.downloads.set(normalizePath(d.path, s.cwd), d);
    }
    // Downloads saved by the shell or by tee: `curl URL > f`, `wget -O- URL | sudo tee /usr/local/bin/f`.
    stages.forEach((s, i) => {
      const outs = [
        ...(s.name === "tee" && i > 0 ? s.args.filter((w) => !w.text.startsWith("-")).map((w) => ({ w, upto: i })) : []),
        ...s.redirects.filter((r) => r.target && (r.op === ">" || r.op === ">|")).map((r) => ({ w: r.target!, upto: i + 1 })),
      ];
      for (const { w, upto } of outs) {
        if (w.dynamic || /^\/dev\//.test(w.text)) continue;
        const remote = describeSource(stages, upto).remote;
        if (remote) this.downloads.set(normalizePath(w.text, s.cwd), remote);
      }
    });
    for (const p of secretOutputs(stages)) this.secretFiles.add(p);
    // `echo 'rm -rf ~' > x.sh`: remember what a script file will contain, in case it is run later.
    const last = stages[stages.length - 1]!;
    for (const r of last.redirects) {
      if (!r.target || r.target.dynamic || (r.op !== ">" && r.op !== ">>" && r.op !== ">|")) continue;
      const text = staticOutput(stages);
      const path = normalizePath(r.target.text, last.cwd);
      if (text === null) this.written.delete(path);
      else this.written.set(path, (r.op === ">>" ? (this.written.get(path) ?? "") : "") + text);
    }
    for (const n of later) this.visit(n);
    return stages;
  }

  private stage(n: Node, redirectNodes: Node[], later: Node[], prior: Cmd[] = []): Cmd {
    // `find / | while read f; do …; done`: the loop reads what the earlier stages print.
    const fed = (x: Node | null | undefined) => {
      if (x?.type === "while_statement" && prior.length) this.feed = listing(prior);
    };
    if (n.type === "redirected_statement") {
      const body = n.childForFieldName("body");
      const reds = n.namedChildren.filter((c): c is Node => !!c && c !== body && c.type.endsWith("redirect"));
      if (body?.type === "command") return this.command(body, [...reds, ...redirectNodes], later);
      const cmd = this.emptyCmd(n);
      cmd.inner = [];
      this.collectors.push(cmd.inner);
      fed(body);
      if (body) this.visit(body);
      this.feed = undefined;
      this.collectors.pop();
      for (const r of [...reds, ...redirectNodes]) this.redirect(r, cmd, later);
      return cmd;
    }
    if (n.type === "command") return this.command(n, redirectNodes, later);
    const cmd = this.emptyCmd(n);
    cmd.inner = [];
    this.collectors.push(cmd.inner);
    fed(n);
    this.visit(n);
    this.feed = undefined;
    this.collectors.pop();
    for (const r of redirectNodes) this.redirect(r, cmd, later);
    return cmd;
  }

  private command(node: Node, redirectNodes: Node[], later: Node[]): Cmd {
    const words: Word[] = [];
    const cmd = this.emptyCmd(node);
    cmd.compound = false;
    const env = new Map<string, string>();
    const envWords: { name: string; value: Word }[] = [];
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === "variable_assignment") {
        const kv = this.assign(c, false);
        if (kv) env.set(kv[0], kv[1]);
        if (kv?.[2]) envWords.push({ name: kv[0], value: kv[2] });
      } else if (c.type.endsWith("redirect")) words.push(...this.redirect(c, cmd, later));
      else if (c.type === "command_name") words.push(this.word(c.namedChild(0) ?? c));
      else if (c.type === "subshell" || c.type === "ERROR") this.visit(c);
      else words.push(this.word(c));
    }
    // `"git" >/dev/null reset --hard`: words after a redirection are still the command's.
    for (const r of redirectNodes) words.push(...this.redirect(r, cmd, later));
    splitFields(words);
    expandBraces(words, this.src);
    // `${CMD:-rm} -rf /`: a program name whose variable is unknown may well be its default.
    const first = words[0];
    if (first?.dynamic) {
      const d = /^"?\$\{[A-Za-z_]\w*:?[-=]([\w./+-]+)\}"?$/.exec(this.src.slice(first.start, first.end));
      if (d) {
        words[0] = { ...first, text: d[1]!, dynamic: false };
        this.report("exec.dynamic-command", first.start, first.end);
      }
    }
    if (words.length === 0) {
      // Only assignments: `x=rm` persists in the shell.
      for (const [k, v] of env) this.vars.set(k, v);
      return cmd;
    }
    // `$(which rm) -rf /`: the name is known, but still computed when the command runs.
    if (first?.subs.some((st) => st.length === 1 && /^(which|command|type)$/.test(st[0]!.name)))
      this.report("exec.dynamic-command", first.start, first.end);
    const u = unwrap(words);
    if (u.argv[0] === words[0]) this.direct.add(cmd);
    cmd.argv = u.argv;
    cmd.args = u.argv.slice(1);
    cmd.name = u.argv.length ? programName(u.argv[0]!) : "";
    // `/bin/r? -rf /`: a program name that is a glob is whatever file it matches when it runs.
    if (u.argv[0]?.glob && /[*?[]/.test(cmd.name)) cmd.name = "";
    cmd.asRoot = this.ctx.asRoot || u.asRoot;
    if (u.cwd !== undefined) cmd.cwd = normalizeCd(u.cwd, this.cwd);
    for (const [name, value] of u.env) envWords.push({ name, value });
    if (envWords.length) cmd.env = envWords;
    // `read -r a b <<< TEXT`, `mapfile -t arr <<< TEXT`: the variables take the text's fields or lines
    // (a `while read x` loop's variable is set by the loop, from what feeds it).
    if ((cmd.name === "read" || cmd.name === "mapfile" || cmd.name === "readarray") && cmd.stdinText !== undefined) {
      const names = cmd.name === "read" ? readTargets(`read ${cmd.args.map((w) => w.text).join(" ")}`) : undefined;
      const arr = cmd.name === "read" ? undefined : cmd.args.filter((w) => /^[A-Za-z_]\w*$/.test(w.text)).pop()?.text;
      const text = typeof cmd.stdinText === "string" ? cmd.stdinText : undefined;
      if (arr) {
        if (text !== undefined) this.arrays.set(arr, text.replace(/\n$/, "").split("\n"));
        else this.arrays.delete(arr);
      }
      for (const [k, n] of (names ?? []).entries()) {
        const fields = text === undefined ? undefined : (text.split("\n")[0] ?? "").trim().split(/[ \t]+/);
        this.lists.delete(n);
        if (cmd.args.some((w) => /^-[a-zA-Z]*a$/.test(w.text))) {
          if (fields) this.arrays.set(n, fields);
          continue;
        }
        this.vars.set(n, fields ? (k === names!.length - 1 ? fields.slice(k).join(" ") : (fields[k] ?? "")) : UNKNOWN);
      }
    }
    // `printf -v NAME FORMAT ARGS…` assigns what printf would print.
    if (cmd.name === "printf" && cmd.args[0]?.text === "-v" && cmd.args[1] && cmd.args[2]) {
      const rest = cmd.args.slice(2);
      this.lists.delete(cmd.args[1].text);
      this.vars.set(
        cmd.args[1].text,
        rest.some((w) => hasUnknown(w.text))
          ? UNKNOWN
          : formatPrintf(
              rest[0]!.text,
              rest.slice(1).map((w) => w.text),
            ),
      );
    }
    cmd.downloads = this.downloads;
    cmd.secretFiles = this.secretFiles;
    cmd.written = this.written;
    // `set -- a b` sets the positional parameters.
    if (cmd.name === "set" && cmd.args[0]?.text === "--")
      this.arrays.set(
        "@",
        cmd.args.slice(1).map((w) => w.text),
      );
    // fish assigns with `set [-gx…] NAME VALUE…`.
    if (this.ctx.shell === "fish" && cmd.name === "set") {
      const rest = cmd.args.filter((w) => !w.text.startsWith("-"));
      if (rest[0] && !rest[0].dynamic)
        this.vars.set(
          rest[0].text,
          rest
            .slice(1)
            .map((w) => w.text)
            .join(" "),
        );
      const secret = rest.slice(1).find((w) => w.secret !== undefined)?.secret;
      if (rest[0] && secret !== undefined) this.secretVars.set(rest[0].text, secret);
    }
    for (const c of this.collectors) c.push(cmd);
    return cmd;
  }

  /** Records a redirection on the command; returns words the parser put after its target (they are arguments). */
  private redirect(node: Node, cmd: Cmd, later: Node[]): Word[] {
    const extra: Word[] = [];
    if (node.type === "file_redirect") {
      let op = "";
      let fd: number | null = null;
      let target: Word | null = null;
      for (let i = 0; i < node.childCount; i++) {
        const c = node.child(i);
        if (!c) continue;
        if (!c.isNamed) op ||= c.type;
        else if (c.type === "file_descriptor") fd = Number(c.text);
        else if (!target) target = this.word(c);
        else extra.push(this.word(c));
      }
      cmd.redirects.push({ op, fd, target, start: node.startIndex, end: node.endIndex });
      // `bash < <(echo CMD)`: stdin is what the substitution prints.
      const t = target as Word | null;
      if (op === "<" && (fd === null || fd === 0) && t?.procSub && t.subs.length) {
        cmd.stdinText = staticOutput(t.subs[t.subs.length - 1]!);
        cmd.stdinWord = t;
      }
    } else if (node.type === "herestring_redirect") {
      const w = node.namedChild(0);
      if (w) {
        const word = this.word(w);
        cmd.stdinText = word.dynamic ? null : word.text + "\n";
        cmd.stdinWord = word;
      }
    } else if (node.type === "heredoc_redirect") {
      const start = node.namedChildren.find((c) => c?.type === "heredoc_start");
      const body = node.namedChildren.find((c) => c?.type === "heredoc_body");
      const quoted = !!start && /['"\\]/.test(start.text);
      if (body) {
        if (quoted) cmd.stdinText = body.text;
        else {
          const w = this.heredocWord(body);
          cmd.stdinText = w.dynamic ? null : w.text;
        }
        cmd.stdinWord = { text: body.text, start: body.startIndex, end: body.endIndex, quoted, glob: false, dynamic: false, subs: [] };
        if (quoted) cmd.stdinWord.exactBase = body.startIndex;
      } else cmd.stdinText = null;
      for (const c of node.namedChildren) {
        if (!c || c === body || c === start || c.type === "heredoc_end") continue;
        if (c.type === "file_redirect" || c.type === "herestring_redirect") extra.push(...this.redirect(c, cmd, later));
        else later.push(c);
      }
    } else this.report("parse.unknown-construct", node.startIndex, node.endIndex, node.type);
    return extra;
  }

  private heredocWord(body: Node): Word {
    const w: Word = { text: "", start: body.startIndex, end: body.endIndex, quoted: true, glob: false, dynamic: false, subs: [] };
    let pos = body.startIndex;
    for (const c of body.namedChildren) {
      if (!c) continue;
      if (c.type === "heredoc_content") continue;
      w.text += this.src.slice(pos, c.startIndex);
      this.evalInto(c, w, true);
      pos = c.endIndex;
    }
    w.text += this.src.slice(pos, body.endIndex);
    return w;
  }

  // ---- words -------------------------------------------------------------

  word(node: Node): Word {
    const w: Word = { text: "", start: node.startIndex, end: node.endIndex, quoted: false, glob: false, dynamic: false, subs: [] };
    this.evalInto(node, w, false);
    // `"$f"` where f stands for every file below a directory (`find DIR | while read f`).
    if (this.lists.size) {
      const m = /^"?\$\{?([A-Za-z_]\w*)\}?"?$/.exec(node.text);
      const l = m ? this.lists.get(m[1]!) : undefined;
      if (l?.tree) w.tree = l.tree;
    }
    if (node.type === "raw_string") w.exactBase = node.startIndex + 1;
    else if (node.type === "word" && !node.text.includes("\\")) w.exactBase = node.startIndex;
    else if (node.type === "string" && !w.dynamic && node.namedChildCount <= 1 && !node.text.includes("\\"))
      w.exactBase = node.startIndex + 1;
    return w;
  }

  private evalInto(node: Node, w: Word, inDq: boolean) {
    switch (node.type) {
      case "word":
      case "command_name": {
        let raw = node.text;
        // History expansion (`!!`, `!-2`, `!rm`, `!$`): text of an earlier command, not known here.
        if (!inDq && this.ctx.shell !== "fish" && w.text === "" && /^!(!|-?\d|[A-Za-z_./?#$^*:])/.test(raw)) {
          w.text += UNKNOWN;
          w.dynamic = true;
          return;
        }
        if (!inDq && w.text === "" && raw.startsWith("~")) {
          const m = /^~([A-Za-z_][\w.-]*)?(?=\/|$)/.exec(raw);
          if (m) {
            w.text += HOME;
            raw = raw.slice(m[0].length);
          }
        }
        if (!inDq && /(^|[^\\])[*?]|(^|[^\\])\[.*\]/.test(raw)) w.glob = true;
        w.text += inDq ? unescapeDq(raw) : raw.replace(/\\\n/g, "").replace(/\\(.)/gs, "$1");
        return;
      }
      case "raw_string":
        w.quoted = true;
        w.text += node.text.slice(1, node.text.endsWith("'") && node.text.length > 1 ? -1 : undefined);
        return;
      case "string":
      case "translated_string": {
        w.quoted = true;
        const open = node.type === "translated_string" ? 2 : 1;
        let pos = node.startIndex + open;
        const end = node.text.endsWith('"') && node.endIndex - 1 >= pos ? node.endIndex - 1 : node.endIndex;
        for (const c of node.namedChildren) {
          if (!c || c.type === "string_content") continue;
          w.text += unescapeDq(this.src.slice(pos, c.startIndex));
          this.evalInto(c, w, true);
          pos = c.endIndex;
        }
        if (end > pos) w.text += unescapeDq(this.src.slice(pos, end));
        return;
      }
      case "ansi_c_string":
        w.quoted = true;
        w.text += decodeAnsiC(node.text.slice(2, node.text.endsWith("'") ? -1 : undefined));
        return;
      case "concatenation":
        for (const c of node.children) if (c) this.evalInto(c, w, inDq);
        return;
      case "simple_expansion": {
        const name = node.namedChild(0)?.text ?? node.text.slice(1);
        w.text += this.lookup(name, w, inDq);
        return;
      }
      case "expansion":
        w.text += this.expansion(node, w, inDq);
        return;
      case "command_substitution": {
        const stages = this.substitution(node);
        w.subs.push(stages);
        const src = describeSource(stages, stages.length);
        if (src.secret) w.secret ??= src.credentialVar ?? "";
        const out = staticOutput(stages);
        if (out !== null) w.text += out.replace(/\n+$/, "");
        else if (stages.length === 1 && stages[0]!.name === "pwd") w.text += this.cwd ?? ".";
        // The top of the repository holds the current directory: deleting it deletes this one too.
        else if (stages.length === 1 && stages[0]!.name === "git" && stages[0]!.args.some((a) => a.text === "--show-toplevel"))
          w.text += this.cwd ?? ".";
        else {
          w.text += UNKNOWN;
          w.dynamic = true;
        }
        return;
      }
      case "process_substitution":
        w.subs.push(this.substitution(node));
        w.procSub = true;
        w.text += "/dev/fd/63";
        return;
      case "arithmetic_expansion":
        this.scan(node);
        w.text += UNKNOWN_NONEMPTY;
        w.dynamic = true;
        return;
      case "number":
      case "string_content":
      case "heredoc_content":
        w.text += node.text;
        return;
      case "brace_expression":
      case "extglob_pattern":
        w.glob = true;
        w.text += node.text;
        return;
      default:
        if (!node.isNamed) {
          w.text += node.text;
          return;
        }
        this.scan(node);
        w.text += node.text;
        w.dynamic = true;
    }
  }

  private lookup(name: string, w: Word, inDq = true): string {
    if (name === "HOME") return HOME;
    const held = this.secretVars.get(name);
    if (held !== undefined) w.secret ??= held;
    else if (secretVarName(name)) w.secret ??= name;
    // `rm${IFS}-rf${IFS}/`: the default IFS, unquoted, only separates words.
    if (name === "IFS" && !this.vars.has("IFS")) return inDq ? " " : FIELD;
    const list =
      name === "@" || name === "*"
        ? this.arrays.get("@")
        : /^[1-9]$/.test(name)
          ? this.arrays.get("@")?.slice(Number(name) - 1, Number(name))
          : this.ctx.shell === "zsh"
            ? this.arrays.get(name) // zsh: `$arr` is every element
            : undefined;
    if (list) return name === "*" && inDq ? list.join(" ") : list.join(FIELD);
    const v = this.vars.get(name);
    if (v !== undefined) {
      if (hasUnknown(v)) w.dynamic = true;
      if (inDq) return v;
      // Unquoted: split on IFS (default blanks), as the shell does.
      const ifs = this.vars.get("IFS");
      if (ifs === undefined) return v.replace(/[ \t\n]+/g, FIELD);
      if (hasUnknown(ifs)) {
        w.dynamic = true;
        return UNKNOWN;
      }
      return ifs ? v.replace(new RegExp(`[${ifs.replace(/[\]\\^-]/g, "\\$&")}]+`, "g"), FIELD) : v;
    }
    w.dynamic = true;
    if (name === "SHELL") return "/bin/sh";
    if (name === "PWD") return this.cwd ?? UNKNOWN_NONEMPTY;
    if (/^(USER|LOGNAME|HOSTNAME|UID|EUID|SHELL|PATH|TMPDIR)$/.test(name)) return UNKNOWN_NONEMPTY;
    return UNKNOWN;
  }

  /** The default of `${X:-DEFAULT}` evaluated as a word, when the expansion has one. */
  private defaultWord(node: Node, inDq: boolean): Word | undefined {
    const kids = node.children.filter(isNode);
    const op = kids.findIndex((c) => !c.isNamed && /^:?[-=]$/.test(c.type));
    if (op < 0) return undefined;
    const d: Word = { text: "", start: node.startIndex, end: node.endIndex, quoted: inDq, glob: false, dynamic: false, subs: [] };
    for (const c of kids.slice(op + 1)) {
      if (!c.isNamed && c.type === "}") break;
      this.evalInto(c, d, inDq);
    }
    if (!inDq) d.text = d.text.replace(/^~(?=\/|$)/, HOME);
    return d;
  }

  private expansion(node: Node, w: Word, inDq: boolean): string {
    // zsh `${=cmd}`, `${(z)cmd}`, `${(s: :)cmd}` split the value into words (`${~x}`, `${^x}` change globbing and arrays).
    const z = this.ctx.shell === "zsh" ? /^\$\{(\([^)]*\))?([=~^]*)([A-Za-z_]\w*)\}$/.exec(node.text) : null;
    if (z && (z[1] || z[2])) return this.lookup(z[3]!, w, inDq && !z[2]!.includes("=") && !/[zsf]/.test(z[1] ?? ""));
    const m = /^\$\{(#?)([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])(.*)\}$/s.exec(node.text);
    this.scan(node);
    if (!m) {
      w.dynamic = true;
      return UNKNOWN;
    }
    const [, hash, name, rest] = m as unknown as [string, string, string, string];
    if (hash) {
      w.dynamic = true;
      return UNKNOWN_NONEMPTY;
    }
    const known = name === "HOME" || this.vars.has(name);
    if (rest === "") return this.lookup(name, w, inDq);
    const arr = /^\[([@*]|\d+)\]$/.exec(rest);
    if (arr && this.arrays.has(name)) {
      const items = this.arrays.get(name)!;
      if (/^\d+$/.test(arr[1]!)) return items[Number(arr[1])] ?? "";
      return arr[1] === "*" && inDq ? items.join(" ") : items.join(FIELD);
    }
    if (rest === "@P" || rest === "@E") {
      // Prompt and escape expansion run what the value holds: judge it as a script.
      if (!known) {
        this.report("exec.eval-dynamic", node.startIndex, node.endIndex);
        w.dynamic = true;
        return UNKNOWN;
      }
      const v = this.lookup(name, w, true);
      this.findings.push(...this.nested(v, { start: node.startIndex, end: node.endIndex }));
      return v;
    }
    if (/^:?\?/.test(rest)) return known ? this.lookup(name, w) : ((w.dynamic = true), UNKNOWN_NONEMPTY);
    if (/^:?[-=]/.test(rest)) {
      if (known) return this.lookup(name, w);
      const dflt = rest.replace(/^:?[-=]/, "");
      // `${X:-/}`, `${X:-$HOME}`: when X is unset the default is the value, and nothing says X is set.
      const d = this.defaultWord(node, inDq);
      if (dflt && d && !d.dynamic) {
        if (/^:?=/.test(rest)) this.vars.set(name, d.text);
        return inDq ? d.text : d.text.replace(/[ \t\n]+/g, FIELD);
      }
      w.dynamic = true;
      return dflt ? UNKNOWN_NONEMPTY : UNKNOWN;
    }
    w.dynamic = true;
    return UNKNOWN;
  }

  /** Visits the commands of `$(…)`, backticks or `<(…)` and returns them as one pipeline. */
  substitution(node: Node): Cmd[] {
    const inner = node.namedChildren.filter(isNode);
    let stages: Cmd[] = [];
    const saved = { cwd: this.cwd, vars: new Map(this.vars), shadows: new Set(this.shadows) };
    for (const c of inner) {
      if (c.type === "pipeline") stages = this.pipeline(c.namedChildren.filter(isNode), c);
      else if (c.type === "command") stages = this.pipeline([c], c);
      else if (c.type === "redirected_statement") {
        const body = c.childForFieldName("body");
        const reds = c.namedChildren.filter((x): x is Node => !!x && x !== body && x.type.endsWith("redirect"));
        if (body?.type === "command" || body?.type === "pipeline")
          stages = this.pipeline(body.type === "pipeline" ? body.namedChildren.filter(isNode) : [body], c, reds);
        else this.visit(c);
      } else this.visit(c);
    }
    this.cwd = saved.cwd;
    this.vars = saved.vars;
    this.shadows = saved.shadows;
    return stages;
  }
}

// ---- helpers ---------------------------------------------------------------

const isNode = (n: Node | null): n is Node => !!n;

/** A function definition that surely runs before what follows it: not in a branch, loop, subshell, pipeline or other function. */
function unconditional(node: Node): boolean {
  for (let n: Node = node, p = node.parent; p; n = p, p = p.parent) {
    if (p.type === "program") return true;
    if (p.type === "compound_statement" && p.parent?.type !== "function_definition") continue;
    if (p.type === "list" && (p.child(0)?.id === n.id || p.child(1)?.type === ";")) continue;
    return false;
  }
  return false;
}

function findError(node: Node): Node | undefined {
  if (node.type === "ERROR" || node.isMissing) return node;
  for (const c of node.children) {
    if (c && (c.hasError || c.isMissing || c.type === "ERROR")) return findError(c) ?? c;
  }
  return undefined;
}

function isBackground(node: Node): boolean {
  const next = node.nextSibling;
  return !!next && !next.isNamed && next.type === "&";
}

function containsBackground(node: Node): boolean {
  for (const c of node.children) {
    if (!c) continue;
    if (!c.isNamed && c.type === "&") return true;
    if (c.isNamed && containsBackground(c)) return true;
  }
  return false;
}

function normalizeCd(dir: string, cwd?: string): string {
  const { path } = classifyPath(dir, cwd);
  return path.startsWith("~") ? path.replace(/^~/, HOME) : path;
}

/** Parses and analyses one script; used for the top level and for nested scripts. */
export function analyzeScript(text: string, ctx: AnalysisContext): Finding[] {
  const tree = ctx.parse(text);
  const a = new Walk(text, ctx);
  if (!tree) {
    a.report("parse.error", 0, text.length);
    return a.findings;
  }
  try {
    a.run(tree.rootNode);
  } finally {
    tree.delete();
  }
  return a.findings;
}
