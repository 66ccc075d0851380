// A file-system error (permissions, a read-only or full disk, a file where a
// folder should be) as one line that says what could not be done, where, and
// what to do, with exit 74 (sysexits' EX_IOERR). Never "internal error".

import { CmdaiError, ExitCode } from "./errors.ts";

const reasons: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the disk",
  EDQUOT: "disk quota exceeded",
  ENOTDIR: "a part of that path is a file, not a folder",
  EISDIR: "it is a folder",
  ENOENT: "no such file or folder",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many open files",
};

const verbs: Record<string, string> = {
  mkdir: "create the folder",
  open: "open",
  read: "read",
  write: "write",
  rename: "rename",
  unlink: "delete",
  rmdir: "delete the folder",
  scandir: "list the folder",
  chmod: "change the permissions of",
  copyfile: "copy",
  stat: "read",
  statfs: "check the free space of",
  fsync: "flush",
  ftruncate: "truncate",
};

export interface FsErrorLike {
  code?: string;
  syscall?: string;
  path?: string;
  dest?: string;
  message?: string;
}

export function isFsError(e: unknown): e is FsErrorLike & Error {
  const err = e as FsErrorLike;
  return typeof err?.code === "string" && err.code in reasons && (typeof err.path === "string" || typeof err.syscall === "string");
}

/**
 * The user's message for a file-system error, or undefined for anything else.
 * `hint(path)` says what to do about that path (which setting moves it).
 */
export function fsError(e: unknown, hint: (path: string | undefined, code: string) => string): CmdaiError | undefined {
  if (!isFsError(e)) return undefined;
  const code = e.code!;
  const verb = verbs[e.syscall ?? ""] ?? "use";
  const where = e.path ? ` ${e.path}${e.dest ? ` to ${e.dest}` : ""}` : "";
  return new CmdaiError(`cannot ${verb}${where}: ${reasons[code]}; ${hint(e.path, code)}`, ExitCode.io, e);
}
