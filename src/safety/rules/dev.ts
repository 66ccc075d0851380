// Developer and operations tools: git, containers, Kubernetes, cloud CLIs, databases.
import { hasOpt, operands } from "../argv.ts";
import type { Cmd, Word } from "../command.ts";
import { describeSource } from "../flow.ts";
import { subCommand } from "../unwrap.ts";
import type { Judgement } from "../judgement.ts";
import { KUBECTL_VALUED } from "../packs/kubernetes.ts";
import { CORE_PACKAGES } from "../packs/packages.ts";
import { EVERYTHING, UNKNOWN } from "../paths.ts";
import { staticOutput } from "../static-text.ts";

// ---- git ----------------------------------------------------------------------

/** git's global options that take a value: skipped to find the subcommand. */
const GIT_GLOBAL_VALUED = new Set(["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--super-prefix", "--config-env"]);

export function git(cmd: Cmd, j: Judgement, depth = 0) {
  const args = cmd.args;
  let i = 0;
  const aliases = new Map<string, string>();
  while (i < args.length && args[i]!.text.startsWith("-")) {
    // `git -c alias.nuke='reset --hard' nuke`: an alias defined for this one command.
    const m = args[i]!.text === "-c" ? /^alias\.([^=]+)=([\s\S]*)$/i.exec(args[i + 1]?.text ?? "") : null;
    if (m) aliases.set(m[1]!.toLowerCase(), m[2]!);
    i += GIT_GLOBAL_VALUED.has(args[i]!.text) ? 2 : 1;
  }
  const sub = args[i]?.text ?? "";
  const alias = aliases.get(sub.toLowerCase());
  if (alias !== undefined && depth < 3) {
    const at = args[i]!;
    if (alias.startsWith("!")) {
      j.nested(alias.slice(1), at);
      return;
    }
    const expanded = alias
      .trim()
      .split(/\s+/)
      .map((text): Word => ({ ...at, text, quoted: false, glob: false, dynamic: false, subs: [], exactBase: undefined }));
    return git({ ...cmd, args: [...args.slice(0, i), ...expanded, ...args.slice(i + 1)] }, j, depth + 1);
  }
  const rest = args.slice(i + 1);
  const sc: Cmd = { ...cmd, args: rest };
  const has = (short: string, ...long: string[]) => hasOpt(sc, short, ...long);
  const ops = operands(sc, [
    "-m",
    "-C",
    "-c",
    "-F",
    "-b",
    "-B",
    "-s",
    "--source",
    "-o",
    "--onto",
    "-X",
    "-S",
    "--strategy",
    "--author",
    "--date",
  ]);
  const span = cmd;
  switch (sub) {
    case "push": {
      if (has("", "--mirror")) return j.reportWord("git.mirror-push", span);
      if (has("f", "--force") || ops.some((w) => /^\+/.test(w.text))) return j.reportWord("git.force-push", span);
      if (has("", "--force-with-lease", "--force-if-includes")) return j.reportWord("git.force-push-lease", span);
      if (has("d", "--delete") || ops.slice(1).some((w) => /^:[^/]/.test(w.text))) return j.reportWord("git.delete-remote-ref", span);
      if (has("", "--prune")) return j.reportWord("git.delete-remote-ref", span);
      return;
    }
    case "reset":
      if (has("", "--hard")) return j.reportWord("git.reset-hard", span);
      if (has("", "--merge", "--keep")) return j.reportWord("git.discard-file", span);
      return;
    case "clean":
      if (has("n", "--dry-run")) return;
      if (has("fi", "--force", "--interactive")) return j.reportWord("git.clean", span);
      return;
    case "checkout":
    case "switch": {
      if (has("f", "--force", "--discard-changes")) return j.reportWord("git.discard-all", span);
      if (has("bBc", "--orphan", "--create", "--force-create")) return;
      if (sub === "switch") return;
      if (rest.some((w) => /^--pathspec-from-file(=|$)/.test(w.text))) return j.reportWord("git.discard-file", span);
      const dd = rest.findIndex((w) => w.text === "--");
      // `git checkout main a.txt b.txt`: the files after the ref are overwritten from it.
      const valuedOpts = /^(--conflict|--track|-t|--recurse-submodules|--unified|-U|--inter-hunk-context)$/;
      const plain = rest.filter(
        (w, k) =>
          !w.text.startsWith("-") &&
          !(k > 0 && valuedOpts.test(rest[k - 1]!.text) && /^(direct|inherit|merge|diff3|zdiff3|checkout|on-demand|\d+)$/.test(w.text)),
      );
      const paths = dd >= 0 ? rest.slice(dd + 1) : plain.length >= 2 ? plain.slice(1) : ops.filter((w) => /^\.\/?$|[*?]|^:\//.test(w.text));
      if (paths.length === 0) return;
      return j.reportWord(paths.some((w) => /^(\.|\.\/|\*|:\/|:\/\.)$/.test(w.text)) ? "git.discard-all" : "git.discard-file", span);
    }
    case "restore": {
      const staged = has("S", "--staged");
      const worktree = has("W", "--worktree");
      if (staged && !worktree) return;
      const paths = operands(sc, ["-s", "--source"]);
      if (paths.length === 0) return;
      return j.reportWord(paths.some((w) => /^(\.|\.\/|\*|:\/)$/.test(w.text)) ? "git.discard-all" : "git.discard-file", span);
    }
    case "stash": {
      const verb = ops[0]?.text ?? "";
      if (verb === "clear") return j.reportWord("git.stash-clear", span);
      if (verb === "drop") return j.reportWord("git.stash-drop", span);
      return;
    }
    case "branch":
      if (has("D") || (has("d", "--delete") && has("f", "--force"))) return j.reportWord("git.branch-force-delete", span);
      if (has("f", "--force") && ops.length > 0 && !has("", "--list", "--show-current")) return j.reportWord("git.branch-force-move", span);
      return;
    case "tag":
      if (has("d", "--delete")) return j.reportWord("git.tag-delete", span);
      return;
    case "reflog":
      if (ops[0]?.text === "expire" && rest.some((w) => /^--expire(-unreachable)?=(now|all|0)/.test(w.text)))
        return j.reportWord("git.expire-reflog", span);
      if (ops[0]?.text === "delete") return j.reportWord("git.tag-delete", span);
      return;
    case "gc":
      if (rest.some((w) => /^--prune=(now|all)/.test(w.text))) return j.reportWord("git.expire-reflog", span);
      return;
    case "prune":
      if (rest.some((w) => /^--expire(=|$)/.test(w.text))) return j.reportWord("git.expire-reflog", span);
      return;
    case "commit":
      if (has("", "--amend")) return j.reportWord("git.rebase", span);
      return;
    case "submodule":
      if (ops[0]?.text === "deinit" && has("f", "--force")) return j.reportWord("git.discard-all", span);
      return;
    case "filter-branch":
    case "filter-repo":
      return j.reportWord("git.rewrite-history", span);
    case "rebase":
      if (has("", "--abort", "--continue", "--skip", "--quit", "--show-current-patch")) return;
      return j.reportWord("git.rebase", span);
    case "update-ref":
      if (has("d")) return j.reportWord("git.delete-ref", span);
      return;
    case "worktree":
      if (ops[0]?.text === "remove" && has("f", "--force")) return j.reportWord("git.discard-file", span);
      return;
    case "rm":
      if (!has("", "--cached") && ops.length > 0) return j.reportWord("fs.delete", span);
      return;
  }
}

// ---- containers ------------------------------------------------------------------

/** `$(docker ps -aq)`, `$(docker volume ls -q)`: every item of a listing. */
function isEverything(w: Word): boolean {
  if (w.text.includes(EVERYTHING)) return true;
  if (!w.text.includes(UNKNOWN)) return false;
  return w.subs.some((s) =>
    s.some(
      (c) =>
        /^(docker|podman|nerdctl|kubectl)$/.test(c.name === "sudo" ? (c.args.find((x) => !x.text.startsWith("-"))?.text ?? "") : c.name) &&
        c.args.some((x) => /^(-\w*q\w*|--quiet|ls|ps|images|-a|--all)$/.test(x.text)),
    ),
  );
}

export function docker(cmd: Cmd, j: Judgement) {
  const args = cmd.args;
  let i = 0;
  while (i < args.length && args[i]!.text.startsWith("-"))
    i += /^(-H|--host|--context|-c|--config|-l|--log-level)$/.test(args[i]!.text) ? 2 : 1;
  let words = args.slice(i).map((w) => w.text);
  let objs = args.slice(i);
  // `docker container rm` = `docker rm`, `docker image rm` = `docker rmi`.
  if (/^(container|image|volume|network|system|builder|compose)$/.test(words[0] ?? "") || cmd.name.startsWith("docker-compose")) {
    // keep as is
  }
  if (cmd.name === "docker-compose" || cmd.name === "podman-compose") {
    words = ["compose", ...words];
    objs = [objs[0]!, ...objs];
  }
  const w0 = words[0] ?? "";
  const w1 = words[1] ?? "";
  const text = words.join(" ");
  const force = /(^|\s)(-f|--force|-af|-fa|-a\s+-f|-f\s+-a)(\s|$)/.test(text) || /(^|\s)-\w*f/.test(text);
  const all = /(^|\s)(-a|--all|-\w*a\w*)(\s|$)/.test(text);
  const volumes = /(^|\s)(--volumes|-v)(\s|$)/.test(text) || (/^(compose|rm)$/.test(w0) && /(^|\s)-[a-uw-z]*v[a-z]*(\s|$)/.test(text));
  const rest = objs.slice(w0 === "compose" || /^(container|image|volume|network|system|builder)$/.test(w0) ? 2 : 1);
  const targets = rest.filter((w) => !w.text.startsWith("-"));
  if (w0 === "compose") {
    const verb =
      words.find((t, k) => k > 0 && !t.startsWith("-") && /^(down|rm|up|run|exec|stop|kill|pull|build|ps|logs|config)$/.test(t)) ?? "";
    if (verb === "down") return j.reportWord(volumes ? "container.volume-remove" : "container.remove", cmd);
    if (verb === "rm" && volumes) return j.reportWord("container.volume-remove", cmd);
    if (verb === "rm") return j.reportWord("container.remove", cmd);
    if (verb === "run" || verb === "up") return hostAccess(cmd, rest, j);
    return;
  }
  if (
    (w0 === "system" || w0 === "volume" || w0 === "builder" || w0 === "image" || w0 === "container" || w0 === "network") &&
    w1 === "prune"
  ) {
    if ((w0 === "system" && (all || volumes) && force) || (w0 === "volume" && (force || all)) || (all && force))
      return j.reportWord("container.prune-all", cmd);
    return j.reportWord("container.prune", cmd);
  }
  if ((w0 === "network" && /^(rm|remove)$/.test(w1)) || (w0 === "buildx" && w1 === "prune")) return j.reportWord("container.prune", cmd);
  const isRm = w0 === "rm" || w0 === "rmi" || ((w0 === "container" || w0 === "image") && (w1 === "rm" || w1 === "remove"));
  if (w0 === "volume" && (w1 === "rm" || w1 === "remove"))
    return j.reportWord(targets.some(isEverything) ? "container.remove-all" : "container.volume-remove", cmd);
  if (isRm) {
    if (targets.some(isEverything)) return j.reportWord("container.remove-all", cmd);
    if (w0 === "rm" && volumes) return j.reportWord("container.volume-remove", cmd);
    if (targets.length) return j.reportWord("container.remove", cmd);
    return;
  }
  if (w0 === "run" || w0 === "create" || (w0 === "container" && (w1 === "run" || w1 === "create"))) return hostAccess(cmd, rest, j);
  if (w0 === "kill" || w0 === "stop") {
    if (targets.some(isEverything)) return j.reportWord("container.remove", cmd);
  }
}

/** `--privileged`, `-v /:/host`, the Docker socket, host PID namespace. */
function hostAccess(cmd: Cmd, rest: Word[], j: Judgement) {
  const t = rest.map((w) => w.text);
  let risky = t.some((x) => /^--privileged(=true)?$|^--pid=host$|^--cap-add=(ALL|SYS_ADMIN)$/.test(x));
  for (let k = 0; k < t.length; k++) {
    const v = /^(-v|--volume|--mount)$/.test(t[k]!)
      ? t[k + 1]
      : /^(--volume|--mount)=/.test(t[k]!)
        ? t[k]!.replace(/^[^=]+=/, "")
        : /^-v./.test(t[k]!)
          ? t[k]!.slice(2)
          : undefined;
    if (!v) continue;
    const src = /source=([^,]+)/.exec(v)?.[1] ?? v.split(":")[0] ?? "";
    if (
      /^\/(etc|root|boot|usr|var\/run\/docker\.sock|run\/docker\.sock|var\/lib|home|dev|proc|sys)?\/?$/.test(src) ||
      src === "/" ||
      /docker\.sock$/.test(src)
    )
      risky = true;
  }
  if (risky) j.reportWord("container.host-access", cmd);
  judgeContainerCommand(cmd, rest, j);
}

const RUN_VALUED =
  /^(-v|--volume|--mount|-e|--env|--env-file|-p|--publish|--name|-w|--workdir|--entrypoint|-u|--user|--network|--net|-h|--hostname|-l|--label|--cpus|-m|--memory|--restart|--device|--cap-add|--cap-drop|--security-opt|--platform|--add-host|--dns|--log-driver|--log-opt|--ulimit|--tmpfs|--shm-size|--runtime|--gpus|--pull|--ipc|--uts|--userns|--cgroupns|--stop-signal|--health-cmd|-a|--attach|--volumes-from|--link|--expose|--pid)$/;

/**
 * `docker run -v /:/host alpine rm -rf /host/*`: the command runs on the host's
 * files through the mount. Judge it with the mount points mapped back to host paths.
 */
function judgeContainerCommand(cmd: Cmd, rest: Word[], j: Judgement) {
  const mounts: [string, string][] = [];
  let i = 0;
  for (; i < rest.length; i++) {
    const t = rest[i]!.text;
    if (t === "--") {
      i++;
      break;
    }
    if (!t.startsWith("-")) break;
    const v = /^(-v|--volume)$/.test(t) ? rest[i + 1]?.text : /^--volume=/.test(t) ? t.slice(9) : /^-v./.test(t) ? t.slice(2) : undefined;
    if (v) {
      const [src, dst] = v.split(":");
      if (src && dst && src.startsWith("/")) mounts.push([dst.replace(/\/+$/, ""), src.replace(/\/+$/, "")]);
    }
    // A privileged container sees the host's disks under its own /dev.
    if (/^--privileged(=true)?$/.test(t)) mounts.push(["/dev", "/dev"]);
    if (RUN_VALUED.test(t)) i++;
  }
  const argv = rest.slice(i + 1);
  if (argv.length === 0 || mounts.length === 0) return;
  const shellC = /^(\S*\/)?(ba|z|da|k|a)?sh$/.test(argv[0]?.text ?? "");
  const mapped = argv.map((w, k) => {
    for (const [dst, src] of mounts) {
      if (dst && (w.text === dst || w.text.startsWith(dst + "/")))
        return { ...w, text: (src || "") + w.text.slice(dst.length) || "/", exactBase: undefined };
      // `dd of=/dev/sda`, `--target=/host/etc`: the path after `=`.
      const eq = w.text.indexOf("=");
      const value = eq > 0 ? w.text.slice(eq + 1) : "";
      if (dst && (value === dst || value.startsWith(dst + "/")))
        return { ...w, text: w.text.slice(0, eq + 1) + ((src || "") + value.slice(dst.length) || "/"), exactBase: undefined };
    }
    // `sh -c 'rm -rf /host/var/lib'`: the mount points inside the script text too.
    if (shellC && k > 0 && /^-\w*c$/.test(argv[k - 1]?.text ?? "")) {
      let text = w.text;
      for (const [dst, src] of mounts) {
        if (!dst) continue;
        const esc = dst.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        text = text.replace(new RegExp(`(^|[\\s'"=;&|(])${esc}(?=/|$|[\\s'";&|)])`, "g"), (_, pre: string) => pre + (src || "/"));
      }
      if (text !== w.text) return { ...w, text: text.replace(/(^|[\s'"=])\/\/+/g, "$1/"), exactBase: undefined };
    }
    return w;
  });
  if (mapped.every((w, k) => w === argv[k])) return;
  const sub = subCommand(cmd, mapped);
  if (sub) j.judge(sub);
}

const KUBECTL_GLOBAL_VALUED = new Set(KUBECTL_VALUED);

export function kubectl(cmd: Cmd, j: Judgement) {
  const t = cmd.args.map((w) => w.text);
  if (t.some((x) => /^--dry-run(=(client|server))?$/.test(x))) return;
  destroyEveryListed(cmd, j);
  let verbIdx = 0;
  while (verbIdx < t.length && t[verbIdx]!.startsWith("-")) verbIdx += KUBECTL_GLOBAL_VALUED.has(t[verbIdx]!) ? 2 : 1;
  const verb = t[verbIdx] ?? "";
  if (verb === "delete") {
    // `kustomize build overlays/prod | kubectl delete -f -`: every resource the rendered manifests define.
    const prev = cmd.pipe && cmd.pipe.index > 0 ? cmd.pipe.stages[cmd.pipe.index - 1] : undefined;
    if (
      prev &&
      t.some((x, k) => /^(-f|--filename)$/.test(x) && t[k + 1] === "-") &&
      (/^(kustomize|helm|jsonnet|ytt|cue|kapp|tk|helmfile|kcl)$/.test(prev.name) ||
        (/^(kubectl|oc)$/.test(prev.name) && prev.args.some((w) => w.text === "kustomize")))
    )
      return j.reportWord("k8s.delete-wide", cmd);
    const kinds = t
      .slice(verbIdx + 1)
      .filter((x) => !x.startsWith("-"))
      .map((x) => x.replace(/\/.*$/, ""));
    // Workloads, services, secrets and storage: deleting them takes something out of service (pods are recreated).
    const wide =
      t.some((x) => /^(--all|-A|--all-namespaces)$/.test(x)) ||
      /^(namespaces?|ns|pv|pvc|persistentvolumes?|persistentvolumeclaims?|crds?|customresourcedefinitions?|nodes?|no|clusterroles?|clusterrolebindings?|deploy|deployments?|statefulsets?|sts|daemonsets?|ds|services?|svc|ingress(es)?|ing|cronjobs?|cj|secrets?|configmaps?|cm|storageclass(es)?|sc|all|apiservices?|mutatingwebhookconfigurations?|validatingwebhookconfigurations?|hpa|horizontalpodautoscalers?|projects?)(\.[\w.]+)?$/.test(
        kinds[0] ?? "",
      ) ||
      cmd.args.some(isEverything) ||
      // Any other kind (a custom resource, an ingress route, a certificate) is configuration the cluster serves from.
      (!!kinds[0] &&
        !t.some((x) => /^(-f|--filename|-k|--kustomize)(=|$)/.test(x)) &&
        !/^(po|pods?|ev|events?|jobs?|rs|replicasets?|ep|endpoints?|endpointslices?|leases?|csr|certificatesigningrequests?|pdb|poddisruptionbudgets?)(\.[\w.]+)?$/.test(
          kinds[0],
        ));
    return j.reportWord(wide ? "k8s.delete-wide" : "k8s.delete", cmd);
  }
  if (/^(drain|cordon|taint)$/.test(verb)) return j.reportWord("k8s.delete", cmd);
  if (/^(apply|replace|patch|scale|rollout|edit|set|label|annotate|create|expose|autoscale)$/.test(verb)) {
    if (verb === "rollout" && /^(status|history)$/.test(t[verbIdx + 1] ?? "")) return;
    return j.reportWord("cloud.change", cmd);
  }
}

export function helm(cmd: Cmd, j: Judgement) {
  const verb = operands(cmd, ["-n", "--namespace", "--kube-context"])[0]?.text ?? "";
  if (cmd.args.some((w) => w.text === "--dry-run")) return;
  if (/^(uninstall|delete|del|un)$/.test(verb)) return j.reportWord("cloud.destroy", cmd);
  if (/^(install|upgrade|rollback)$/.test(verb)) return j.reportWord("cloud.change", cmd);
}

export function terraform(cmd: Cmd, j: Judgement) {
  const t = cmd.args.map((w) => w.text).filter((x) => !/^-chdir=/.test(x));
  if (t.some((x) => /^(-h|-help|--help)$/.test(x))) return;
  const verb = t.find((x) => !x.startsWith("-")) ?? "";
  if (verb === "destroy" || (verb === "apply" && t.includes("-destroy"))) return j.reportWord("cloud.destroy", cmd);
  if (
    verb === "apply" ||
    verb === "import" ||
    verb === "taint" ||
    verb === "untaint" ||
    (verb === "state" && /^(rm|mv|push|replace-provider)$/.test(t[t.indexOf("state") + 1] ?? "")) ||
    verb === "force-unlock"
  )
    return j.reportWord("cloud.change", cmd);
}

// ---- every resource a listing prints ------------------------------------------------

/** A command that lists every resource of a kind in the account, project or cluster (no filter). */
function listsEverything(c: Cmd): boolean {
  const t = c.args.map((w) => w.text);
  const ops = t.filter((x) => !x.startsWith("-"));
  // A filter or a selector narrows the listing; a projection (--query, -o name) does not.
  if (t.some((x) => /^(--filters?|--selector|-l|--field-selector|--prefix|--name-prefix)(=|$)/.test(x))) return false;
  if (t.some((x) => /^--query=?/.test(x)) && /\?|contains\(|starts_with\(|==/.test(t.join(" "))) return false;
  switch (c.name) {
    case "aws":
      return (ops[0] === "s3" && ops[1] === "ls" && ops.length === 2) || /^(describe|list)-/.test(ops[1] ?? "");
    case "gsutil":
      return ops[0] === "ls" && ops.length === 1;
    case "gcloud":
    case "az":
    case "doctl":
      return ops.includes("list") || (c.name === "gcloud" && ops[0] === "storage" && ops[1] === "ls" && ops.length === 2);
    case "kubectl":
    case "oc":
      return (
        ops[0] === "get" &&
        (t.some((x) => /^(-A|--all-namespaces)$/.test(x)) || /^(ns|namespaces?|pv|persistentvolumes?|crds?)$/.test(ops[1] ?? ""))
      );
    default:
      return false;
  }
}

/** Stages between a listing and its consumer that keep only some of the items. */
function narrows(c: Cmd): boolean {
  if (/^(grep|egrep|fgrep|rg|head|tail|sed)$/.test(c.name)) return !(c.name === "grep" && c.args.some((w) => /^-\w*v/.test(w.text)));
  if (/^(awk|gawk|mawk)$/.test(c.name)) return c.args.some((w) => /(^|[;}\s])(\/[^/]+\/|\$\d+\s*[~=!<>]|NR\s*[<>=])/.test(w.text));
  if (c.name === "jq") return c.args.some((w) => /select\(/.test(w.text));
  return false;
}

/** The destroy verbs, by CLI, of a command that can take many resources at once. */
function destroys(cmd: Cmd): boolean {
  const t = cmd.args.map((w) => w.text);
  const ops = t.filter((x) => !x.startsWith("-"));
  switch (cmd.name) {
    case "aws":
      return (
        /^(batch-)?(delete|terminate|remove|deregister|purge)-/.test(ops[1] ?? "") ||
        (ops[0] === "s3" && (ops[1] === "rb" || (ops[1] === "rm" && t.includes("--recursive"))))
      );
    case "gsutil":
      return ops[0] === "rb" || (ops[0] === "rm" && t.some((x) => /^-\w*[rR]/.test(x)));
    case "gcloud":
    case "az":
    case "doctl":
      return (
        ops.includes("delete") ||
        (cmd.name === "gcloud" && ops[0] === "storage" && ops[1] === "rm" && t.some((x) => /^(-r|--recursive)$/.test(x)))
      );
    case "kubectl":
    case "oc":
      return ops[0] === "delete";
    default:
      return false;
  }
}

/**
 * `aws s3 ls | awk '{print $3}' | xargs -I{} aws s3 rb s3://{} --force`,
 * `kubectl delete $(kubectl get ns -o name)`: a destroy fed every item of an
 * unfiltered listing destroys every bucket, instance, group or namespace there is.
 */
export function destroyEveryListed(cmd: Cmd, j: Judgement): boolean {
  if (!destroys(cmd)) return false;
  const fromPipe = (stages: Cmd[], upto: number) => {
    for (let k = upto - 1; k >= 0; k--) {
      const s = stages[k]!;
      if (listsEverything(s)) return true;
      if (narrows(s)) return false;
    }
    return false;
  };
  const fed =
    (cmd.pipe && cmd.pipe.index > 0 && fromPipe(cmd.pipe.stages, cmd.pipe.index)) ||
    cmd.args.some((w) => w.subs.some((p) => p.length > 0 && fromPipe(p, p.length))) ||
    // `for b in $(gsutil ls); do gsutil rm -r "$b"; done`: the loop variable stands for every item.
    cmd.args.some((w) => w.text.includes(EVERYTHING));
  if (fed) j.reportWord("cloud.destroy-every", cmd);
  return fed;
}

/** `gcloud … list | while read n; do gcloud … delete "$n"; done`: the loop's commands read the listing. */
export function destroyEveryListedInLoop(stages: Cmd[], j: Judgement) {
  stages.forEach((s, index) => {
    if (index > 0 && s.compound) for (const c of s.inner ?? []) destroyEveryListed({ ...c, pipe: { stages, index } }, j);
  });
}

export function aws(cmd: Cmd, j: Judgement) {
  destroyEveryListed(cmd, j);
  const ops = operands(cmd, ["--profile", "--region", "--output", "--query", "--endpoint-url", "--instance-ids", "--bucket", "--key"]);
  const service = ops[0]?.text ?? "";
  const op = ops[1]?.text ?? "";
  const t = cmd.args.map((w) => w.text);
  if (t.includes("--dryrun") || t.includes("--dry-run")) return;
  if (service === "s3") {
    if (op === "rm") return j.reportWord(t.includes("--recursive") ? "cloud.destroy" : "cloud.change", cmd);
    // An empty bucket too: its globally unique name is released for anyone to claim.
    if (op === "rb") return j.reportWord("cloud.destroy", cmd);
    if (op === "sync" && t.includes("--delete")) return j.reportWord("fs.mirror-delete", cmd);
    if (op === "mv") return j.reportWord("cloud.change", cmd);
    return;
  }
  if (
    /^(batch-)?(delete|terminate|remove|deregister|purge|disable|revoke|detach|release|cancel|stop|reboot|empty)-/.test(op) ||
    op === "rb" ||
    op === "delete"
  )
    return j.reportWord(/^(batch-)?(delete|terminate|purge|deregister|empty)/.test(op) ? "cloud.destroy" : "cloud.change", cmd);
  if (
    /^(create|put|update|modify|run|start|attach|associate|set|add|tag|untag|import|copy|restore|authorize|enable|register|send|publish|invoke)-/.test(
      op,
    )
  )
    return j.reportWord("cloud.change", cmd);
}

export function gcloud(cmd: Cmd, j: Judgement) {
  destroyEveryListed(cmd, j);
  const ops = operands(cmd, ["--project", "--zone", "--region", "--format", "--filter", "--account", "--configuration"]).map((w) => w.text);
  if (ops.includes("delete") || ops.includes("destroy")) return j.reportWord("cloud.destroy", cmd);
  if (ops.some((x) => /^(create|update|deploy|undeploy|set|add-iam-policy-binding|remove-iam-policy-binding|stop|reset|resize)$/.test(x)))
    return j.reportWord("cloud.change", cmd);
}

// ---- databases -------------------------------------------------------------------

/** Classifies SQL (and Mongo/Redis commands) by what they destroy. */
export function judgeSql(sql: string, span: { start: number; end: number }, j: Judgement) {
  // Comments and string literals are data: `ILIKE '%drop table%'` drops nothing.
  const s = sql
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, " ")
    .replace(/'(?:''|[^'])*'/g, "''")
    // `EXPLAIN DELETE …` only plans the statement; `EXPLAIN ANALYZE` runs it.
    .split(";")
    .filter((st) => !/^\s*explain\b(?!\s+(\([^)]*\banaly[sz]e\b|analy[sz]e\b))/i.test(st))
    .join(";");
  if (
    /\bdrop\s+(database|schema|table|collection|keyspace|index|view|user|role|warehouse|stage|stream|materialized\s+view)\b/i.test(s) ||
    /\.drop(Database|Collection)?\s*\(/.test(s) ||
    /\bdropDatabase\b/.test(s) ||
    // `ALTER TABLE t DROP COLUMN c`, `… DROP PARTITION p`: that column's or partition's data goes.
    /\balter\s+table\s+(if\s+exists\s+)?[\w."`[\]]+\s+drop\s+(?!(constraint|index|key|primary|foreign|check|default|not\s+null|identity|expression|unique)\b)/i.test(
      s,
    ) ||
    /\bdetach\s+delete\b/i.test(s)
  )
    return j.report("db.drop", span.start, span.end);
  if (
    /\btruncate\b/i.test(s) ||
    /\b(delete\s+from\s+[\w."`[\]]+|update\s+[\w."`[\]]+\s+set\s+.*?)\s+where\s+(true|1\s*=\s*1|1|'1'\s*=\s*'1')\s*(;|$|\))/im.test(
      s.trim(),
    ) ||
    /\bdelete\s+from\s+[\w."`[\]]+\s*(;|$|\))/im.test(s.trim()) ||
    /\bupdate\s+[\w."`[\]]+\s+set\s+(?![\s\S]*\bwhere\b)/i.test(s) ||
    /\.(deleteMany|remove)\s*\(\s*\{\s*\}\s*\)/.test(s) ||
    /\bflushall\b|\bflushdb\b/i.test(s)
  )
    return j.report(/\bflush(all|db)\b/i.test(s) ? "db.flush" : "db.delete-all", span.start, span.end);
  if (/\bgrant\s+all\b[\s\S]*?(\bon\s+(\*\.\*|all\s+tables|database\b|schema\b)|\bto\s+\S+@['"`]?%)/i.test(s))
    return j.report("db.grant-all", span.start, span.end);
  if (
    /\b(delete\s+from|update\s+[\w."`]+\s+set|insert\s+into|alter\s+table|create\s+(table|index|database)|grant|revoke|replace\s+into)\b/i.test(
      s,
    ) ||
    /\.(deleteOne|deleteMany|updateOne|updateMany|insertOne|insertMany|remove)\s*\(/.test(s)
  )
    return j.report("db.write", span.start, span.end);
}

const SQL_FLAGS: Record<string, string[]> = {
  psql: ["-c", "--command"],
  mysql: ["-e", "--execute"],
  mariadb: ["-e", "--execute"],
  mongosh: ["--eval"],
  mongo: ["--eval"],
  cqlsh: ["-e", "--execute"],
  clickhouse: ["-q", "--query"],
  "clickhouse-client": ["-q", "--query"],
  sqlcmd: ["-Q", "-q"],
  cockroach: ["-e", "--execute"],
  snowsql: ["-q", "--query"],
  "spark-sql": ["-e"],
  hive: ["-e"],
  beeline: ["-e"],
  trino: ["--execute"],
  presto: ["--execute"],
  sqlplus: [],
  "cypher-shell": [],
  bq: [],
};

export function dbClient(cmd: Cmd, j: Judgement) {
  const flags = SQL_FLAGS[cmd.name] ?? [];
  const args = cmd.args;
  let found = false;
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    for (const f of flags) {
      if (t === f && args[k + 1]) {
        judgeSql(args[k + 1]!.text, args[k + 1]!, j);
        found = true;
      } else if (t.startsWith(f + "=")) {
        judgeSql(t.slice(f.length + 1), args[k]!, j);
        found = true;
      }
    }
  }
  // Query as a positional word: `bq query 'SQL'`, `cypher-shell 'MATCH …'`.
  if (cmd.name === "bq" || cmd.name === "cypher-shell") {
    const ops = operands(cmd, [
      "-a",
      "--address",
      "-u",
      "--username",
      "-p",
      "--password",
      "-d",
      "--database",
      "--format",
      "--project_id",
      "--location",
    ]);
    const q = cmd.name === "bq" ? (ops[0]?.text === "query" ? ops[1] : undefined) : ops[0];
    if (q) {
      judgeSql(q.text, q, j);
      found = true;
    }
  }
  if (cmd.name === "sqlite3" || cmd.name === "duckdb") {
    const ops = operands(cmd, ["-cmd", "-separator"]);
    if (ops[1]) {
      judgeSql(
        ops
          .slice(1)
          .map((w) => w.text)
          .join(" "),
        ops[1],
        j,
      );
      found = true;
    }
  }
  if (found) return;
  if (cmd.stdinText) return judgeSql(cmd.stdinText, cmd.stdinWord ?? cmd, j);
  // `mysql db < file.sql`, `psql -f file.sql`: SQL nobody shows.
  const file =
    cmd.redirects.find((r) => r.op === "<" && r.target && !/^\/dev\//.test(r.target.text)) ??
    (/^(psql|sqlcmd|cqlsh|mongosh|mongo)$/.test(cmd.name)
      ? cmd.args.find((w, k) => /^(-f|--file|-i)$/.test(cmd.args[k - 1]?.text ?? ""))
      : undefined);
  // `psql -f <(echo 'TRUNCATE t;')`: the file is what the substitution prints.
  if (file && !("target" in file) && file.procSub && file.subs.length) {
    const text = staticOutput(file.subs[file.subs.length - 1]!);
    if (text !== null) return judgeSql(text, file, j);
  }
  if (file) return sqlFile("target" in file ? (file.target?.text ?? "") : file.text, cmd, j);
  if (cmd.pipe && cmd.pipe.index > 0) {
    const src = describeSource(cmd.pipe.stages, cmd.pipe.index);
    const text = src.text ?? (src.printed.length ? src.printed.join("\n") : null);
    const span = { start: cmd.pipe.stages[0]!.start, end: cmd.end };
    if (text) return judgeSql(text, span, j);
    // `cat reset.sql | psql`, `zcat dump.sql.gz | mysql db`: a file's SQL nobody shows.
    const prev = cmd.pipe.stages[cmd.pipe.index - 1]!;
    const f = /^(cat|zcat|gzcat|bzcat|xzcat|zstdcat|gunzip|pv|tac)$/.test(prev.name) ? operands(prev)[0] : undefined;
    if (f) sqlFile(f.text, span, j);
  }
}

/** SQL run from a file the checker cannot read: its name may still say what it does (`drop_all.sql`). */
function sqlFile(name: string, span: { start: number; end: number }, j: Judgement) {
  const base = name.split("/").pop() ?? name;
  if (/(^|[^a-z])(drop|destroy|nuke)/i.test(base)) return j.report("db.drop", span.start, span.end);
  if (/(^|[^a-z])(truncate|wipe|purge|delete[-_]?all|clear[-_]?all)/i.test(base)) return j.report("db.delete-all", span.start, span.end);
  j.report("db.run-file", span.start, span.end);
}

/** `DROP DATABASE mydb;` typed as a command line: SQL meant for a database shell. */
export function bareSql(cmd: Cmd, j: Judgement) {
  const text = cmd.argv.map((w) => w.text.replace(/[\uE000-\uE003]/g, "x")).join(" ");
  judgeSql(text, cmd, j);
}

/** `echo 'update delete host.example.com A' | nsupdate`: DNS changes read from the input. */
export function nsupdate(cmd: Cmd, j: Judgement) {
  if (cmd.args.some((w) => /^-[hV]$/.test(w.text))) return;
  const src = cmd.pipe && cmd.pipe.index > 0 ? describeSource(cmd.pipe.stages, cmd.pipe.index) : undefined;
  const text = cmd.stdinText ?? src?.text ?? (src?.printed.length ? src.printed.join("\n") : null);
  if (text && /^\s*(update\s+)?(delete|del)\b/im.test(text)) return j.reportWord("cloud.destroy", cmd);
  j.reportWord("cloud.change", cmd);
}

/**
 * `heroku run rails db:drop -a app`, `fly ssh console -C "rm -rf /data"`: a
 * command run on the app's machine is judged as that command.
 */
export function paasRun(cmd: Cmd, j: Judgement) {
  const t = cmd.args.map((w) => w.text);
  if (cmd.name === "heroku" || cmd.name === "dokku") {
    const at = t.findIndex((x) => /^run(:detached|:inside)?$/.test(x));
    if (at < 0) return;
    const valued = /^(-a|--app|-r|--remote|-e|--env|-s|--size|-t|--type)$/;
    let k = at + 1;
    if (cmd.name === "dokku") k++; // `dokku run APP CMD`
    while (k < t.length && t[k]!.startsWith("-")) k += valued.test(t[k]!) && !t[k]!.includes("=") ? 2 : 1;
    const rest = cmd.args.slice(k);
    if (rest[0] && /\s/.test(rest[0].text)) return void j.nested(rest[0].text, rest[0], rest[0].exactBase);
    const sub = subCommand(cmd, rest);
    if (sub) j.judge(sub);
    return;
  }
  // fly ssh console -C CMD, fly machine exec ID CMD
  for (let k = 0; k < t.length; k++) {
    const v = /^(-C|--command)$/.test(t[k]!) ? cmd.args[k + 1] : undefined;
    if (v) j.nested(v.text, v, v.exactBase);
  }
  const ex = t.indexOf("exec");
  if (ex > 0 && /^(machine|machines|m)$/.test(t[ex - 1] ?? "")) {
    const w = cmd.args.filter((x, k) => k > ex && !x.text.startsWith("-"))[1];
    if (w) j.nested(w.text, w, w.exactBase);
  }
}

export function redis(cmd: Cmd, j: Judgement) {
  const ops = operands(cmd, ["-h", "-p", "-a", "-n", "-u", "--user", "--pass", "-s", "-r", "-i", "--tls", "--cacert"]);
  const verb = (ops[0]?.text ?? "").toUpperCase();
  if (verb === "FLUSHALL" || verb === "FLUSHDB") return j.reportWord("db.flush", cmd);
  // `redis-cli --scan --pattern 'x*' | xargs redis-cli del`: every matching key.
  if (
    /^(DEL|UNLINK)$/.test(verb) &&
    cmd.pipe?.stages.some((s) => s.name === "redis-cli" && s.args.some((w) => /^(--scan|keys)$/i.test(w.text)))
  )
    return j.reportWord("db.delete-all", cmd);
  if (
    /^(DEL|UNLINK|SET|HSET|LPUSH|RPUSH|SADD|ZADD|EXPIRE|RENAME|HDEL|SREM|ZREM|LPOP|RPOP|INCR|DECR|CONFIG|SHUTDOWN|MSET|APPEND|GETDEL)$/.test(
      verb,
    )
  )
    return j.reportWord(verb === "SHUTDOWN" ? "sys.service-change" : "db.write", cmd);
  if (cmd.stdinText) return judgeSql(cmd.stdinText, cmd, j);
  // `printf 'FLUSHALL\n' | redis-cli`: the commands come from the pipe.
  if (!verb && cmd.pipe && cmd.pipe.index > 0) {
    const src = describeSource(cmd.pipe.stages, cmd.pipe.index);
    const text = src.text ?? (src.printed.length ? src.printed.join("\n") : null);
    if (text) judgeSql(text, { start: cmd.pipe.stages[0]!.start, end: cmd.end }, j);
  }
}

export function dropdb(cmd: Cmd, j: Judgement) {
  if (cmd.name === "mysqladmin") {
    if (cmd.args.some((w) => /^drop$/i.test(w.text))) j.reportWord("db.drop", cmd);
    else if (cmd.args.some((w) => /^shutdown$/i.test(w.text))) j.reportWord("sys.service-change", cmd);
    return;
  }
  if (operands(cmd, ["-h", "-p", "-U", "--host", "--port", "--username"]).length > 0) j.reportWord("db.drop", cmd);
}

// ---- packages ----------------------------------------------------------------------

const CORE = new RegExp(`^(?:${CORE_PACKAGES})$`);

/** `yes | sudo pacman -Rns linux`: every prompt answered yes, so a core package goes unasked. */
export function coreRemovalAnsweredYes(cmd: Cmd, j: Judgement) {
  const before = cmd.pipe && cmd.pipe.index > 0 ? cmd.pipe.stages[cmd.pipe.index - 1] : undefined;
  if (before?.name !== "yes" || (before.args[0] && !/^y(es)?$/i.test(before.args[0].text))) return;
  const t = cmd.args.map((w) => w.text);
  const removes = t.some((x) => /^(remove|purge|autoremove|erase|uninstall|rm|del|-R\w*|-e|--erase|--remove|--purge|-r|-P)$/.test(x));
  if (removes && t.some((x) => CORE.test(x))) j.report("pkg.remove-essential-forced", cmd.start, cmd.end);
}
