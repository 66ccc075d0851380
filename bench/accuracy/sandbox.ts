// Runs one command inside one fixture copy, and nowhere else.
//
// bubblewrap (preferred): the copy is mounted as `/`, the host's /usr and /etc
// read-only on top, a private /dev and /proc (with /proc/sys read-only), new
// network (loopback only), PID, IPC and UTS namespaces, a cleared environment,
// HOME=/root and cwd=/ inside the copy. Fallback when bwrap is missing:
// `unshare` (mount, net, pid, uts, ipc namespaces) with the same read-only
// binds and a chroot into the copy; this needs root or unprivileged user
// namespaces. With neither, nothing is run.
//
// Root inside keeps only the capabilities a container's root has for files and
// processes (Docker's defaults minus mknod, chroot, setfcap and setpcap): as
// measured here, root under bwrap otherwise keeps CAP_SYS_ADMIN and can
// `mount -o remount,rw /usr` and write to the host, and /proc/sys stays
// writable unless covered. A process and file-size limit (prlimit) keeps a
// runaway command from starving the shared machine within its 5 s.
import { mkdirSync, readdirSync, symlinkSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { Userland } from "./fixture.ts";

export type SandboxKind = "bwrap" | "unshare";

export interface Sandbox {
  kind: SandboxKind;
  /** A folder of busybox applet links (mounted as /bin for the Alpine fixture), when busybox is installed. */
  busyboxApplets?: string;
}

export interface RunOptions {
  /** "bash" runs `bash -c`; "sh" runs the fixture's /bin/sh (busybox when available). */
  shell: "bash" | "sh";
  userland: Userland;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Bytes of output kept; the command is killed once it writes more. */
  outputCap?: number;
}

export interface RunResult {
  /** stdout and stderr interleaved, as the upstream scorer reads them. */
  output: string;
  exitCode: number;
  timedOut: boolean;
  truncated: boolean;
  ms: number;
}

export const defaultTimeoutMs = 5000;
export const defaultOutputCap = 256 * 1024;

const gnuPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// Alpine's applets come first, as in the upstream image where ls, find, sed ... are busybox.
const busyboxPath = "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin";

/** What a container's root may do to files and processes; everything else (mount, mknod, sysctl, time, modules) is dropped. */
const keptCaps = ["chown", "dac_override", "fowner", "fsetid", "kill", "setgid", "setuid", "net_bind_service", "net_raw", "audit_write"];
// Threads of uid 0 machine-wide count against --nproc: leave room for everyone else's.
const limits = ["--nproc=4096", `--fsize=${256 * 1024 * 1024}`];

const works = (args: string[]) => {
  try {
    return Bun.spawnSync(args, { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
  } catch {
    return false;
  }
};

/** The best sandbox this machine offers, checked by running it once; undefined = none (then nothing may run). */
export function detectSandbox(workDir: string, prefer?: SandboxKind): Sandbox | undefined {
  const bwrapOk =
    prefer !== "unshare" && !!Bun.which("bwrap") && works(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--", "/bin/true"]);
  // setpriv drops root's capabilities inside: without it the fallback would not be a sandbox.
  const unshareOk = !bwrapOk && !!Bun.which("unshare") && !!Bun.which("setpriv") && works(unshareBase().concat(["/bin/true"]));
  const kind: SandboxKind | undefined = bwrapOk ? "bwrap" : unshareOk ? "unshare" : undefined;
  if (!kind) return undefined;
  return { kind, ...(busyboxApplets(workDir) ? { busyboxApplets: busyboxApplets(workDir) } : {}) };
}

/** Links for every busybox applet, made once under the work folder (outside every copy). */
function busyboxApplets(workDir: string): string | undefined {
  const busybox = Bun.which("busybox");
  if (!busybox) return undefined;
  const dir = join(workDir, "busybox-bin");
  if (existsSync(join(dir, "sh"))) return dir;
  const list = Bun.spawnSync([busybox, "--list"], { stdout: "pipe" });
  if (list.exitCode !== 0) return undefined;
  mkdirSync(dir, { recursive: true });
  for (const applet of list.stdout.toString().split("\n").filter(Boolean)) {
    try {
      symlinkSync(busybox, join(dir, applet));
    } catch {}
  }
  return readdirSync(dir).length ? dir : undefined;
}

function unshareBase(): string[] {
  const root = process.getuid?.() === 0;
  return [
    "unshare",
    ...(root ? [] : ["--map-root-user"]),
    "--mount",
    "--net",
    "--pid",
    "--uts",
    "--ipc",
    "--fork",
    "--kill-child",
    "--propagation",
    "private",
    "--",
  ];
}

// Inside the new namespaces: bind the system read-only into the copy, then chroot.
const unshareScript = `set -e
c=$1; applets=$2; host=$3; shift 3
echo "$host" > /proc/sys/kernel/hostname
for d in usr etc; do mount --rbind "/$d" "$c/$d"; mount -o remount,bind,ro "$c/$d"; done
mount -t tmpfs -o mode=755,size=64k tmpfs "$c/dev"
for d in null zero full random urandom tty; do : > "$c/dev/$d"; mount --bind "/dev/$d" "$c/dev/$d"; done
mount -t proc proc "$c/proc"
for p in sys sysrq-trigger irq bus; do
  if [ -e "$c/proc/$p" ]; then mount --bind "$c/proc/$p" "$c/proc/$p"; mount -o remount,bind,ro "$c/proc/$p"; fi
done
if [ -n "$applets" ]; then mount --bind "$applets" "$c/bin"; mount -o remount,bind,ro "$c/bin"; fi
exec chroot "$c" "$@"`;

/** The argv that runs `cmd` inside `copy`. */
export function sandboxArgv(sandbox: Sandbox, copy: string, cmd: string, opts: RunOptions): string[] {
  const busybox = opts.userland === "busybox" && !!sandbox.busyboxApplets;
  const env: Record<string, string> = {
    HOME: "/root",
    PATH: busybox ? busyboxPath : gnuPath,
    HOSTNAME: "nl2sh-alfa",
    ...opts.env,
  };
  const shellArgv = [
    ...(Bun.which("prlimit") ? ["/usr/bin/prlimit", ...limits, "--"] : []),
    ...(opts.shell === "bash" ? ["/bin/bash", "-c", cmd] : ["/bin/sh", "-c", cmd]),
  ];
  if (sandbox.kind === "bwrap") {
    return [
      "bwrap",
      "--bind",
      copy,
      "/",
      "--ro-bind",
      "/usr",
      "/usr",
      "--ro-bind",
      "/etc",
      "/etc",
      ...(busybox ? ["--ro-bind", sandbox.busyboxApplets!, "/bin"] : []),
      "--dev",
      "/dev",
      "--proc",
      "/proc",
      "--ro-bind",
      "/proc/sys",
      "/proc/sys",
      "--ro-bind-try",
      "/proc/sysrq-trigger",
      "/proc/sysrq-trigger",
      "--cap-drop",
      "ALL",
      ...keptCaps.flatMap((c) => ["--cap-add", `CAP_${c.toUpperCase()}`]),
      "--unshare-net",
      "--unshare-pid",
      "--unshare-ipc",
      "--unshare-uts",
      "--unshare-cgroup-try",
      "--hostname",
      env.HOSTNAME!,
      "--die-with-parent",
      "--new-session",
      "--clearenv",
      ...Object.entries(env).flatMap(([k, v]) => ["--setenv", k, v]),
      "--chdir",
      "/",
      "--",
      ...shellArgv,
    ];
  }
  const dropCaps = [
    "/usr/bin/setpriv",
    `--bounding-set=-all,${keptCaps.map((c) => `+${c}`).join(",")}`,
    "--inh-caps=-all",
    "--no-new-privs",
  ];
  const envArgv = ["/usr/bin/env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  return [
    ...unshareBase(),
    "/bin/sh",
    "-c",
    unshareScript,
    "sh",
    copy,
    busybox ? sandbox.busyboxApplets! : "",
    env.HOSTNAME!,
    ...dropCaps,
    ...envArgv,
    ...shellArgv,
  ];
}

/** Runs `cmd` in the copy with a time limit and an output cap; never throws for the command's own failure. */
export async function runSandboxed(sandbox: Sandbox, copy: string, cmd: string, opts: RunOptions): Promise<RunResult> {
  const cap = opts.outputCap ?? defaultOutputCap;
  const argv = sandboxArgv(sandbox, copy, cmd, opts);
  const started = performance.now();
  // One pipe for both streams, so they interleave as in a container's exec output.
  const proc = Bun.spawn(["/bin/sh", "-c", 'exec "$@" 2>&1', "sh", ...argv], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "ignore",
    env: { PATH: process.env.PATH ?? gnuPath },
  });
  let timedOut = false;
  let truncated = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, opts.timeoutMs ?? defaultTimeoutMs);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of proc.stdout) {
      if (size + chunk.length > cap) {
        chunks.push(chunk.subarray(0, cap - size));
        size = cap;
        truncated = true;
        proc.kill("SIGKILL");
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch {}
  const exitCode = await proc.exited;
  clearTimeout(timer);
  const output = Buffer.concat(chunks).toString("utf8");
  return { output, exitCode: timedOut ? 124 : exitCode, timedOut, truncated, ms: performance.now() - started };
}
