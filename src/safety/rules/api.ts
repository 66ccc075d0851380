// Services reached without a dedicated rule: HTTP APIs called with curl and
// friends (`curl -X DELETE …`, a POST to `…/_delete_by_query`), and the long
// tail of service CLIs (stripe, rpk, nats, fastly, …) whose delete verbs no
// pack lists. Both destroy remote data that no local undo brings back.
import { operands, optValue } from "../argv.ts";
import type { Cmd, Word } from "../command.ts";
import { stdinText } from "../flow.ts";
import type { Judgement } from "../judgement.ts";

const HTTP_CLIENTS = new Set(["curl", "wget", "http", "https", "xh", "xhs", "curlie"]);

/** A part of an endpoint's path that deletes, resets or closes what it names (`_delete_by_query`, `delete_series`, `_close`). */
const DESTRUCTIVE_PART = /^(?:delete|destroy|purge|wipe|drop|truncate|reset|flush|flushall|flushdb|erase)$/i;
function destructiveEndpoint(url: string): boolean {
  const path = url.replace(/^(?:https?:\/\/)?[^/]*/i, "");
  return path.split(/[/?&#=]/).some((seg) => seg === "_close" || seg.split(/[-_.]/).some((p) => DESTRUCTIVE_PART.test(p)));
}
const WRITE_METHODS = /^(?:POST|PUT|PATCH)$/i;

function httpMethod(cmd: Cmd): { method: string; word: Word } | undefined {
  if (cmd.name === "curl" || cmd.name === "curlie") {
    const w = optValue(cmd, ["-X"], ["--request"]);
    if (w) return { method: w.text.toUpperCase(), word: w };
  } else if (cmd.name === "wget") {
    const w = optValue(cmd, [], ["--method"]);
    if (w) return { method: w.text.toUpperCase(), word: w };
  } else {
    // httpie and xh: `http DELETE url`, `xh delete url` (after option values such as `--auth u:p`).
    const m = operands(cmd)
      .slice(0, 3)
      .find((w) => /^(?:GET|HEAD|OPTIONS|POST|PUT|PATCH|DELETE)$/i.test(w.text));
    if (m) return { method: m.text.toUpperCase(), word: m };
  }
  return undefined;
}

const SENDS_DATA =
  /^(?:-d|--data(?:-binary|-raw|-urlencode|-ascii)?|--json|-F|--form(?:-string)?|--post-data|--post-file|--body-data|--body-file)(?:=|$)/;

/** `curl -X DELETE https://api…/items/3`, `http DELETE …`, a POST to `…/_delete_by_query`. */
export function httpWrites(cmd: Cmd, j: Judgement) {
  if (!HTTP_CLIENTS.has(cmd.name)) return;
  const m = httpMethod(cmd);
  if (m?.method === "DELETE") {
    j.reportWord("api.http-delete", m.word);
    return;
  }
  const writes =
    (m && WRITE_METHODS.test(m.method)) || cmd.args.some((w) => SENDS_DATA.test(w.text)) || /^-d./.test(cmd.args[0]?.text ?? "");
  if (!writes) return;
  const endpoint = operands(cmd).find((w) => /^(?:https?:\/\/)?[\w.-]+(?::\d+)?\/\S*$/i.test(w.text) && destructiveEndpoint(w.text));
  if (endpoint) j.reportWord("api.http-destructive-endpoint", endpoint);
}

/** Verbs that delete or reset a resource, as a subcommand word or one part of it (`apps:destroy`, `delete-bucket`). */
const DELETE_VERB =
  /^(?:delete|del|destroy|purge|drop|wipe|erase|nuke|terminate|truncate|flushall|flushdb|obliterate|decommission|deprovision|unregister|deregister|revoke|reset|unpublish|yank|expunge|rm|rmi|remove|uninstall)$/;
/** Tools whose delete verbs drop a local package, toolchain, setting or list entry: a change, easy to redo. */
const LOCAL_PACKAGES = new Set([
  // package managers and plugin managers no pack lists
  "nala",
  "opkg",
  "pkcon",
  "prt-get",
  "deb-get",
  "wajig",
  "pamac",
  "yay",
  "paru",
  "tlmgr",
  "pixi",
  "phive",
  "omf",
  "fisher",
  "haxelib",
  "meteor",
  "apm",
  "cordova",
  "flutter",
  "hyprpm",
  "unopkg",
  "swupd",
  "pecl",
  "pipenv",
  "bower",
  "rvm",
  "goenv",
  "jenv",
  "sdkmanager",
  "tfenv",
  "krew",
  // settings, histories and local lists
  "zoxide",
  "autojump",
  "watchman",
  "xauth",
  "bluetoothctl",
  "cliphist",
  "dconf",
  "gsettings",
  "kwriteconfig5",
  "kwriteconfig6",
  "hyprctl",
  "xdg-desktop-menu",
  "xdg-mime",
  "gnome-extensions",
  "todo",
  "todo.sh",
  "task",
  "watson",
  "pueue",
  "resolvectl",
  "conda",
  "mamba",
  "micromamba",
  "uv",
  "bun",
  "deno",
  "cargo",
  "rustup",
  "nvm",
  "fnm",
  "volta",
  "pyenv",
  "rbenv",
  "asdf",
  "mise",
  "rtx",
  "sdk",
  "flatpak",
  "mas",
  "pipx",
  "go",
  "dotnet",
  "composer",
  "stack",
  "cabal",
  "opam",
  "gem",
  "bundle",
  "mix",
  "nix-env",
  "guix",
  "port",
  "choco",
  "scoop",
  "winget",
  "vagrant",
  "pnpm",
]);

/** The first non-option words, where a CLI puts its subcommands. */
function leadingWords(cmd: Cmd, n: number): Word[] {
  const out: Word[] = [];
  for (const w of cmd.args) {
    if (w.text === "--") break;
    if (w.text.startsWith("-")) continue;
    out.push(w);
    if (out.length === n) break;
  }
  return out;
}

/**
 * A program no rule knows, told to delete something: `stripe customers delete
 * cus_1`, `heroku apps:destroy`, `nats kv del bucket`, `kafka-topics --delete`.
 * Runs only for programs with neither a code rule nor a data rule.
 */
export function unknownCliDelete(cmd: Cmd, j: Judgement): boolean {
  const verbOf = (t: string) => /^[a-z][a-z0-9]*(?:[-:_][a-z0-9]+)*$/.test(t) && t.split(/[-:_]/).some((p) => DELETE_VERB.test(p));
  const verb =
    leadingWords(cmd, 3).find((w) => !w.dynamic && verbOf(w.text)) ??
    cmd.args.find((w) => /^--(?:delete|destroy|purge|drop|wipe)$/.test(w.text));
  if (!verb) return false;
  if (cmd.args.some((w) => w.text === "--help" || w.text === "-h" || w.text === "help")) return false;
  const local = LOCAL_PACKAGES.has(cmd.name) && !/^(?:purge|destroy|wipe|erase|nuke|obliterate)$/.test(verb.text);
  j.reportWord(local || verb.text === "uninstall" ? "api.cli-remove-local" : "api.cli-delete", verb, `${cmd.name} ${verb.text}`);
  return true;
}

/** Runtime API commands that take a service out: HAProxy's admin socket. */
const ADMIN_SOCKET_COMMAND =
  /^\s*(?:disable\s+(?:server|frontend|backend)|shutdown\s+(?:frontend|sessions|session)|del\s+(?:server|map|acl)|clear\s+(?:table|map|acl)|set\s+server\s+\S+\s+state\s+(?:maint|drain))/im;

/**
 * Commands a service takes on its control channel (`echo 'disable server be/web1' | socat stdio
 * /run/haproxy/admin.sock`; nsupdate is rules/dev.ts's), and the delete verbs of a CLI run from a
 * jar no pack knows (`java -jar tool.jar … delete-job x`).
 */
export function controlChannel(cmd: Cmd, j: Judgement, packMatched: boolean) {
  if (cmd.name === "socat" || cmd.name === "nc" || cmd.name === "ncat") {
    if (cmd.args.some((w) => /\.sock(?:et)?$|^unix-connect:/i.test(w.text)) && ADMIN_SOCKET_COMMAND.test(stdinText(cmd) ?? ""))
      j.report("api.admin-socket", cmd.start, cmd.end);
    return;
  }
  if (cmd.name === "java" && !packMatched) {
    const at = cmd.args.findIndex((w) => w.text === "-jar");
    const jar = cmd.args[at + 1];
    if (at < 0 || !jar) return;
    const name = (jar.text.split("/").pop() ?? "").replace(/\.jar$/, "");
    unknownCliDelete({ ...cmd, name, args: skipOptionValues(cmd.args.slice(at + 2)) }, j);
  }
}

/** Drops `-opt value` pairs of a jar's own options (`-s URL -auth u:t delete-job x` → `delete-job x`). */
function skipOptionValues(args: Word[]): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    if (/^-{1,2}[a-zA-Z][\w-]*$/.test(t) && args[i + 1] && !args[i + 1]!.text.startsWith("-") && /[:/.@=]/.test(args[i + 1]!.text)) {
      i++;
      continue;
    }
    out.push(args[i]!);
  }
  return out;
}
