// The model of one simple command as the walk builds it and the rules read it:
// its words (evaluated as far as they can be known), redirections and the
// pipeline around it. Plain data: no parsing and no judgement here.

export interface Word {
  /** Value after quote removal and the expansions we know; markers from paths.ts for the rest. */
  text: string;
  start: number;
  end: number;
  quoted: boolean;
  /** Unquoted glob characters present. */
  glob: boolean;
  /** Contains an expansion whose value is unknown. */
  dynamic: boolean;
  /** Command and process substitutions inside the word, as pipelines of commands. */
  subs: Cmd[][];
  procSub?: boolean;
  /** Synthetic word for "every file below base" (from `find … -exec`, `find | xargs`). */
  tree?: { base: string; narrowed: boolean };
  /** Exact source offset of text[0] when the word is one plain or single-quoted string. */
  exactBase?: number;
  /** Carries a secret: a credential variable (`$AWS_SECRET_ACCESS_KEY`) or `$(cat ~/.ssh/id_rsa)`; the name of the variable if known. */
  secret?: string;
}

export interface Redirect {
  op: string;
  fd: number | null;
  target: Word | null;
  start: number;
  end: number;
}

export interface Cmd {
  /** Program name after unwrapping (`/usr/bin/rm` → `rm`); "" if computed at run time. */
  name: string;
  argv: Word[];
  args: Word[];
  asRoot: boolean;
  redirects: Redirect[];
  /** Text fed on stdin by a heredoc or here-string: string if known, null if not, undefined if none. */
  stdinText?: string | null;
  start: number;
  end: number;
  background: boolean;
  pipe?: { stages: Cmd[]; index: number };
  /** Known working directory (after `cd DIR &&`). */
  cwd?: string;
  /** Inside the body of these functions. */
  functions: string[];
  compound?: boolean;
  /** A redirection with no command at all (`> file`): truncates. */
  bare?: boolean;
  /** For a compound stage (subshell, block, loop): the commands inside it. */
  inner?: Cmd[];
  /** Files downloaded by earlier commands of the script (path → where from), for download-then-run. */
  downloads?: ReadonlyMap<string, { url: string; insecure: boolean }>;
  /** Files earlier commands of the script filled with secrets (`tar czf /tmp/k.tgz ~/.ssh`), by normalised path. */
  secretFiles?: ReadonlySet<string>;
  /** Text earlier commands of the script wrote to files (path → content), for scripts assembled then run. */
  written?: ReadonlyMap<string, string>;
  /** The heredoc/here-string word, for spans. */
  stdinWord?: Word;
  /** Environment set for this command only (`X=1 cmd`, `env X=1 cmd`, `sudo X=1 cmd`). */
  env?: { name: string; value: Word }[];
}
