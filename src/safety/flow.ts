// Data flow: what the earlier stages of a pipeline print (downloaded, decoded,
// secret, or known text) and which later stage reads it as a program.
import { hasOpt, operands, optValue } from "./argv.ts";
import type { Cmd } from "./command.ts";
import { INTERPRETERS, SHELLS, classifyPath, isHistoryFile, isSecretPath, normalizePath } from "./paths.ts";
import { staticOutput } from "./static-text.ts";

export interface Source {
  remote?: { url: string; insecure: boolean };
  decoded: boolean;
  secret: boolean;
  /**
   * When the only secret is a token a CLI prints (`gh auth token`), a variable name standing for it
   * (`GITHUB_TOKEN`): sent to its own service (`api.github.com`) it is used, not leaked.
   */
  credentialVar?: string;
  /** Private but not credentials: shell history, system files, a whole home folder. */
  private: boolean;
  /** Text the producers print, when knowable. */
  text: string | null;
  /** Lines printed by echo/printf among the producers (for crontab). */
  printed: string[];
  listsCrontab: boolean;
  /** Commands printed from the shell history (`history`, `fc -l`). */
  history: boolean;
  producers: Cmd[];
}

const DECODERS: Record<string, (c: Cmd) => boolean> = {
  base64: (c) => hasOpt(c, "dD", "--decode"),
  base32: (c) => hasOpt(c, "d", "--decode"),
  basenc: (c) => hasOpt(c, "d", "--decode"),
  xxd: (c) => hasOpt(c, "r", "--revert"),
  rev: () => true,
  uudecode: () => true,
  openssl: (c) => c.args.some((w) => /^(enc|base64|aes|des)/.test(w.text)) && hasOpt(c, "d"),
  tr: (c) => c.args.some((w) => /n-za-m|N-ZA-M|[0-9]-/.test(w.text)),
  // One-line decoders: `perl -pe 's/(..)/chr(hex($1))/ge'`, `python3 -c 'import base64,sys;…b64decode…'`.
  perl: interpreterDecodes,
  python: interpreterDecodes,
  python3: interpreterDecodes,
  ruby: interpreterDecodes,
  node: interpreterDecodes,
  php: interpreterDecodes,
};

function interpreterDecodes(c: Cmd): boolean {
  return c.args.some((w) =>
    /chr\s*\(\s*hex|pack\s*\(\s*['"]H|unpack\s*\(\s*['"]m|b64decode|b32decode|unhexlify|fromhex|decode64|base64_decode|hex2bin|atob\s*\(|Buffer\.from\([^)]*(base64|hex)|codecs\.decode|rot13|str_rot13/.test(
      w.text,
    ),
  );
}

/** curl/wget/nc… that print downloaded content on stdout. */
export function remoteFetch(c: Cmd): { url: string; insecure: boolean } | undefined {
  const urlWord = c.args.find((w) => /^[a-z][a-z0-9+.-]*:\/\//i.test(w.text) || /^\d{1,3}(\.\d{1,3}){3}([:/]|$)/.test(w.text));
  const host = (u: string) => u.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split(/[/:?#]/)[0] ?? "";
  const mk = (u: string, extraInsecure = false) => ({
    url: u,
    insecure: extraInsecure || /^(http|ftp|tftp):\/\//i.test(u) || /^\d{1,3}(\.\d{1,3}){3}$/.test(host(u)) || !/^[a-z]+:\/\//i.test(u),
  });
  // `curl -fsSL get.docker.com | sh`, `curl $URL | sh`: curl and wget fetch whatever their operand names.
  const target =
    urlWord ??
    (c.name === "curl" || c.name === "wget"
      ? c.args.find(
          (w, i) =>
            !w.text.startsWith("-") &&
            !/^-[a-zA-Z]*[oHdXuAexmwbcFTrCKEUyYztPQ]$|^--[\w-]+$/.test(c.args[i - 1]?.text ?? "") &&
            (/^[\uE000\uE001]/.test(w.text) || /^([\w-]+\.)+[a-z]{2,}(:\d+)?(\/\S*)?$|^localhost(:\d+)?(\/\S*)?$/i.test(w.text)),
        )
      : undefined);
  switch (c.name) {
    case "curl":
      if (!target) return;
      if (hasOpt(c, "oO", "--output", "--remote-name", "--remote-name-all", "--output-dir")) {
        const o = optValue(c, ["-o"], ["--output"]);
        if (!o || o.text !== "-") return;
      }
      return mk(target.text, hasOpt(c, "k", "--insecure"));
    case "wget": {
      const o = optValue(c, ["-O"], ["--output-document"]);
      const q = c.args.find((w) => /^-[a-zA-Z]*O-$/.test(w.text));
      // Without `-O -` wget saves a file and prints nothing, but `wget URL | sh` still means "run what it fetches".
      if (!target || (o && o.text !== "-" && !q)) return;
      return mk(target.text, hasOpt(c, "", "--no-check-certificate"));
    }
    case "fetch":
    case "http":
    case "https":
    case "xh":
    case "aria2c":
    case "lwp-request":
    case "GET":
    case "irm":
    case "iwr":
    case "Invoke-RestMethod":
    case "Invoke-WebRequest":
      return urlWord ? mk(urlWord.text) : undefined;
    case "nc":
    case "ncat":
    case "netcat":
    case "telnet":
    case "socat": {
      const hostWord = operands(c, ["-p", "-w", "-e", "-c", "-s"]).find((w) => /[a-z0-9]/i.test(w.text));
      return hostWord ? { url: hostWord.text, insecure: true } : undefined;
    }
  }
  return undefined;
}

/** Programs that print (or pack) the files named on their command line. */
const READERS = new Set([
  "cat",
  "head",
  "tail",
  "base64",
  "base32",
  "basenc",
  "xxd",
  "od",
  "hexdump",
  "tar",
  "zip",
  "7z",
  "gzip",
  "bzip2",
  "xz",
  "zstd",
  "less",
  "more",
  "tac",
  "strings",
  "cut",
  "grep",
  "sed",
  "awk",
  "jq",
  "yq",
  "sort",
  "dd",
  "gpg",
  "openssl",
  "sqlite3",
]);

/**
 * Environment variables that hold credentials by their name: `AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`,
 * `OPENAI_API_KEY`, `DB_PASSWORD`. Not `TOKEN_URL` or `PASSWORD_FILE`: the name must end in the secret word.
 */
export function secretVarName(name: string): boolean {
  return /(^|_)(SECRET(_ACCESS)?(_KEY)?|TOKEN|API_?KEY|ACCESS_KEY(_ID)?|PRIVATE_KEY|PASSWORD|PASSWD|PASS|CREDENTIALS?|SESSION_TOKEN|AUTH|CLIENT_SECRET)$/.test(
    name,
  );
}

/** A cloud instance's metadata service handing out its role's credentials or tokens. */
export const METADATA_CREDENTIALS =
  /^(https?:\/\/)?(169\.254\.169\.254|169\.254\.170\.2|\[fd00:ec2::254\]|metadata\.google\.internal|metadata)\/.*(security-credentials|identity\/oauth2\/token|service-accounts\/[^/]+\/(token|identity)|\/v2\/credentials|api\/token)/i;

/** The service each credential-printing CLI's token belongs to, as a variable-name prefix (see rules/exfil.ts VENDORS). */
const CREDENTIAL_VARS: Record<string, string> = {
  gh: "GITHUB_TOKEN",
  glab: "GITLAB_TOKEN",
  aws: "AWS_SECRET_ACCESS_KEY",
  gcloud: "GOOGLE_TOKEN",
  az: "AZURE_TOKEN",
  vault: "VAULT_TOKEN",
  bao: "VAULT_TOKEN",
  op: "OP_TOKEN",
  doppler: "DOPPLER_TOKEN",
  kubectl: "KUBE_TOKEN",
  security: "KEYCHAIN_PASSWORD",
  pass: "PASS_PASSWORD",
  gopass: "PASS_PASSWORD",
};

/** Commands that print a credential: `gh auth token`, `aws configure export-credentials`, `printenv`. */
function printsCredential(c: Cmd): boolean {
  const words = c.args.filter((w) => !w.text.startsWith("-")).map((w) => w.text);
  const sub = words.join(" ");
  switch (c.name) {
    case "gh":
      return /^auth token/.test(sub) || (/^auth status/.test(sub) && hasOpt(c, "t", "--show-token"));
    case "glab":
      return /^auth status/.test(sub) && hasOpt(c, "t", "--show-token");
    case "aws":
      return (
        /^configure (export-credentials|get (aws_secret_access_key|aws_session_token|aws_access_key_id))/.test(sub) ||
        /get-login-password|get-session-token|get-secret-value/.test(sub) ||
        // SSM parameters decrypted: SecureString values are secrets.
        (/^ssm get-parameters?(-by-path)?/.test(sub) && hasOpt(c, "", "--with-decryption"))
      );
    case "gcloud":
      return /^auth (application-default )?print-(access|identity)-token/.test(sub) || /^secrets versions access/.test(sub);
    case "az":
      return /^account get-access-token|^keyvault secret show/.test(sub);
    case "vault":
    case "bao":
      return /^(kv get|read|token create|print token)/.test(sub);
    case "op":
      return /^(read|item get)/.test(sub);
    case "pass":
    case "gopass":
      return /^(show )?[\w./-]+$/.test(sub) && !/^(ls|list|find|grep|init|git|insert|edit|generate|rm|mv|cp)\b/.test(sub);
    case "security":
      return /^find-(generic|internet)-password/.test(sub) && hasOpt(c, "wg");
    case "kubectl":
      return /^(get|describe) secrets?\b/.test(sub) && hasOpt(c, "o", "--output");
    case "doppler":
      return /^secrets( download| get)?/.test(sub);
    case "cat":
      return c.args.some((w) => /^\/proc\/[^/]+\/environ$/.test(w.text));
    case "curl":
    case "wget":
    case "http":
    case "xh":
      return c.args.some((w) => METADATA_CREDENTIALS.test(w.text));
  }
  return false;
}

/** A credential file, or a file this script filled with one earlier (`cp ~/.aws/credentials /tmp/c`). */
export function isSecretFile(text: string, c: Cmd): boolean {
  const path = normalizePath(text, c.cwd);
  return isSecretPath(path) || !!c.secretFiles?.has(path);
}

/** Files the stages of a pipeline fill with secrets: `cat key > f`, `tar czf f ~/.ssh`, `cp ~/.aws/credentials f`, `zip f .env`. */
export function secretOutputs(stages: Cmd[]): string[] {
  const out: string[] = [];
  stages.forEach((s, i) => {
    if (s.compound) return;
    const secretIn = (w: { text: string }) => isSecretFile(w.text.replace(/^--?[\w-]+=/, ""), s);
    for (const r of s.redirects)
      if (r.target && !r.target.dynamic && (r.op === ">" || r.op === ">>" || r.op === ">|") && describeSource(stages, i + 1).secret)
        out.push(normalizePath(r.target.text, s.cwd));
    if (s.name === "tee" && i > 0 && describeSource(stages, i).secret)
      for (const w of s.args) if (!w.text.startsWith("-")) out.push(normalizePath(w.text, s.cwd));
    const ops = operands(s, ["-f", "-C", "-o", "--output", "--file", "-t", "--target-directory"]);
    switch (s.name) {
      case "tar": {
        const f = optValue(s, ["-f"], ["--file"]) ?? (/^-?[a-zA-Z]*f$/.test(s.args[0]?.text ?? "") ? s.args[1] : undefined);
        if (f && f.text !== "-" && s.args.some(secretIn)) out.push(normalizePath(f.text, s.cwd));
        break;
      }
      case "zip":
      case "7z":
      case "7za":
      case "rar": {
        const files = ops.filter((w) => !/^(a|u)$/.test(w.text));
        if (files.length > 1 && files.slice(1).some(secretIn)) out.push(normalizePath(files[0]!.text, s.cwd));
        break;
      }
      case "cp":
      case "rsync":
      case "install":
      case "ln": {
        const dest = optValue(s, ["-t"], ["--target-directory"]) ?? ops[ops.length - 1];
        const srcs = ops.filter((w) => w !== dest);
        if (dest && !/^[^/]*:/.test(dest.text) && srcs.some(secretIn)) {
          out.push(normalizePath(dest.text, s.cwd));
          for (const w of srcs) out.push(normalizePath(`${dest.text}/${w.text.replace(/\/+$/, "").split("/").pop()}`, s.cwd));
        }
        break;
      }
      case "gpg":
      case "openssl":
      case "base64":
      case "gzip":
      case "xz":
      case "zstd": {
        const o = optValue(s, ["-o"], ["--output", "-out"]) ?? optValue(s, ["-out"], []);
        if (o && s.args.some(secretIn)) out.push(normalizePath(o.text, s.cwd));
        break;
      }
    }
  });
  return out;
}

function printsSecret(c: Cmd): boolean {
  if (["env", "printenv", "set", "export", "declare"].includes(c.name) && operands(c).length === 0) return true;
  if (c.name === "gpg" && hasOpt(c, "", "--export-secret-keys", "--export-secret-subkeys")) return true;
  if (printsCredential(c)) return true;
  // `base64 -w0 < ~/.git-credentials`: a credential file on stdin comes out transformed.
  if (c.redirects.some((r) => (r.op === "<" || r.op === "<>") && r.target && isSecretFile(r.target.text, c))) return true;
  // `echo $AWS_SECRET_ACCESS_KEY`, `printf %s "$K"` where K came from a key file.
  if ((c.name === "echo" || c.name === "printf") && c.args.some((w) => w.secret !== undefined)) return true;
  return READERS.has(c.name) && c.args.some((w) => isSecretFile(w.text.replace(/^--?[\w-]+=/, ""), c));
}

/** Files that are private without being credentials: shell history, system files and logs, a whole home folder. */
export function isPrivatePath(text: string, cwd?: string): boolean {
  const path = normalizePath(text, cwd);
  if (isHistoryFile(path)) return true;
  if (
    /^\/(etc\/(passwd|group|master\.passwd|ssh|ssl\/private|security|openvpn|wireguard|NetworkManager\/system-connections)|root|var\/mail|var\/spool\/mail|var\/lib\/(mysql|postgresql|redis))(\/|$)|^\/etc\/?$|^\/var\/log\/(auth\.log|secure|wtmp|btmp|lastlog|audit)/.test(
      path,
    )
  )
    return true;
  if (
    /(^|\/)\.(mozilla|thunderbird|config\/(google-chrome|chromium|BraveSoftware|microsoft-edge|Signal|discord|Slack))(\/|$)|Library\/(Messages|Mail|Cookies|Safari)(\/|$)/.test(
      path,
    )
  )
    return true;
  const { cls } = classifyPath(text, cwd);
  if (cls === "home" || cls === "root") return true;
  return /^(~|\uE002)\/(Documents|Desktop|Downloads|Pictures|Photos|Mail|\.local\/share|\.config)\/?$/.test(path);
}

/** What the first `upto` stages print, as far as it can be known. */
export function describeSource(stages: Cmd[], upto: number): Source {
  const producers: Cmd[] = [];
  for (let i = 0; i < upto; i++) {
    const s = stages[i]!;
    if (s.compound) producers.push(...(s.inner ?? []));
    else producers.push(s);
  }
  const src: Source = {
    decoded: false,
    secret: false,
    private: false,
    text: null,
    printed: [],
    listsCrontab: false,
    history: false,
    producers,
  };
  for (const p of producers) {
    src.remote ??= remoteFetch(p);
    if (DECODERS[p.name]?.(p)) src.decoded = true;
    if (p.name === "printf" && /\\x[0-9a-f]{2}|\\[0-7]{3}/i.test(p.args[0]?.text ?? "")) src.decoded = true;
    const credential = CREDENTIAL_VARS[p.name];
    if (printsCredential(p) && credential !== undefined) {
      if (!src.secret) src.credentialVar ??= credential;
      src.secret = true;
    } else if (printsSecret(p)) {
      src.secret = true;
      src.credentialVar = undefined;
    } else if (READERS.has(p.name) && p.args.some((w) => isPrivatePath(w.text, p.cwd))) src.private = true;
    if (p.name === "crontab" && hasOpt(p, "l")) src.listsCrontab = true;
    if (p.name === "history" || (p.name === "fc" && hasOpt(p, "l"))) src.history = true;
    // `cat <(crontab -l) <(echo …)`: look inside process substitutions too.
    for (const w of p.args) for (const s of w.subs) for (const q of s) if (q.name === "crontab" && hasOpt(q, "l")) src.listsCrontab = true;
    for (const w of p.args)
      for (const s of w.subs)
        for (const q of s)
          if (q.name === "echo" || q.name === "printf") {
            const t = staticOutput([q]);
            if (t !== null) src.printed.push(t);
          }
    if (p.name === "echo" || p.name === "printf") {
      const t = staticOutput([p]);
      if (t !== null) src.printed.push(t);
    }
  }
  const simple = stages.slice(0, upto).every((s) => !s.compound);
  src.text = simple ? staticOutput(stages, upto) : null;
  return src;
}

/** The text a command reads on stdin, when known: a here-string or heredoc, or what the earlier stages print. */
export function stdinText(cmd: Cmd): string | null {
  if (typeof cmd.stdinText === "string") return cmd.stdinText;
  if (cmd.stdinText === null || !cmd.pipe || cmd.pipe.index === 0) return null;
  const src = describeSource(cmd.pipe.stages, cmd.pipe.index);
  return src.text ?? (src.printed.length ? src.printed.join("") : null);
}

/** A shell or interpreter that will read its program from stdin. */
export function readsProgramFromStdin(c: Cmd): "shell" | "interpreter" | undefined {
  // A root shell with no command (`| sudo -s`, `| sudo -i`, `| su -`) runs what it reads.
  if (
    c.name === "sudo" &&
    hasOpt(c, "si", "--shell", "--login") &&
    operands(c, ["-u", "-g", "-U", "-h", "-p", "-C", "-D", "-r", "-t"]).length === 0
  )
    return "shell";
  if (c.name === "su" && !hasOpt(c, "c", "--command")) return "shell";
  if (SHELLS.has(c.name)) {
    // `sh -c "$(cat)"`: the script is whatever arrives on stdin.
    if (hasOpt(c, "c") && c.args.some((w) => w.subs.some((st) => st.length === 1 && st[0]!.name === "cat" && st[0]!.args.length === 0)))
      return "shell";
    if (hasOpt(c, "c")) return;
    const ops = operands(c, ["-o", "-O", "+O"]);
    if (ops.length === 0 || ops[0]!.text === "-" || ops[0]!.text === "/dev/stdin" || hasOpt(c, "s")) return "shell";
    return;
  }
  // fish: `… | source` runs what it reads; `at`/`batch` schedule it.
  if ((c.name === "source" || c.name === ".") && (c.args.length === 0 || c.args[0]!.text === "-" || c.args[0]!.text === "/dev/stdin"))
    return "shell";
  if ((c.name === "at" || c.name === "batch") && !hasOpt(c, "flcdr", "--list")) return "shell";
  // PowerShell's `… | iex`: Invoke-Expression runs what it reads.
  if (/^(iex|invoke-expression)$/i.test(c.name) && c.args.length === 0) return "interpreter";
  if (INTERPRETERS.has(c.name) || /^python[\d.]*$/.test(c.name)) {
    // `python3 -c "exec(sys.stdin.read())"`, `perl -e 'eval join "", <STDIN>'`: code that runs what it reads.
    if (
      c.args.some((w) =>
        /\b(exec|eval)\b\s*\(?\s*(sys\.stdin|open\(\s*0|input\(|<STDIN>|join\s*\(?\s*["']{2}\s*,\s*<STDIN>|STDIN\.read|\$stdin\.read|fs\.readFileSync\(\s*(0|["']\/dev\/stdin))/.test(
          w.text,
        ),
      )
    )
      return "interpreter";
    if (hasOpt(c, "cem", "--eval", "--module")) return;
    // `-m module`, `-mjson.tool`, `-c code`, `-e code`, `-r code`: the program is not stdin.
    if (c.args.some((w) => /^-[mcer]/.test(w.text) && !w.text.startsWith("--"))) return;
    const ops = operands(c);
    if (ops.length === 0 || ops[0]!.text === "-") return "interpreter";
  }
  return;
}

/** The file a download command saves, and where it comes from: `curl -o F URL`, `curl -O URL`, `wget URL`, `wget -O F URL`. */
export function downloadTarget(c: Cmd): { path: string; url: string; insecure: boolean } | undefined {
  // A URL, or a bare host with a path (`wget -qO x 203.0.113.4/x`: plain HTTP).
  const urlWord = c.args.find(
    (w) => /^(https?|ftp|tftp):\/\//i.test(w.text) || /^(\d{1,3}(\.\d{1,3}){3}|[\w-]+(\.[\w-]+)*\.[a-z]{2,})(:\d+)?\/\S*$/i.test(w.text),
  );
  if (!urlWord) return undefined;
  const url = /^[a-z]+:\/\//i.test(urlWord.text) ? urlWord.text : `http://${urlWord.text}`;
  const insecure = /^(http|ftp|tftp):\/\//i.test(url) || /^[a-z]+:\/\/\d{1,3}(\.\d{1,3}){3}([:/]|$)/i.test(url);
  const base =
    url
      .replace(/[?#].*$/, "")
      .replace(/\/+$/, "")
      .split("/")
      .pop() || "index.html";
  let path: string | undefined;
  switch (c.name) {
    case "curl": {
      const o = optValue(c, ["-o"], ["--output"]);
      if (o) path = o.text;
      else if (hasOpt(c, "O", "--remote-name", "--remote-name-all")) path = base;
      break;
    }
    case "wget": {
      const o = optValue(c, ["-O"], ["--output-document"]);
      if (o) path = o.text;
      else if (!hasOpt(c, "", "--spider")) {
        const dir = optValue(c, ["-P"], ["--directory-prefix"]);
        path = dir ? `${dir.text.replace(/\/+$/, "")}/${base}` : base;
      }
      break;
    }
    case "aria2c":
    case "fetch":
    case "http":
    case "xh": {
      const o = optValue(c, ["-o"], ["--output", "--out"]);
      path = o?.text ?? (c.name === "aria2c" || c.name === "fetch" ? base : undefined);
      break;
    }
  }
  if (!path || path === "-" || /^\/dev\//.test(path)) return undefined;
  return { path, url, insecure };
}

/** curl/wget options whose value is sent as the request body (`-F f=@file`, `-d @file`, `-T file`). */
export const UPLOAD_OPTIONS: ReadonlySet<string> = new Set([
  "-F",
  "--form",
  "-d",
  "--data",
  "--data-binary",
  "--data-raw",
  "--data-urlencode",
  "-T",
  "--upload-file",
  "--post-file",
  "--body-file",
]);
