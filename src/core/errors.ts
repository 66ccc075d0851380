// Exit codes are a contract with the shell scripts and with users' scripts
// (see README "Exit codes"); keep them stable.
export const ExitCode = {
  ok: 0,
  blocked: 1,
  usage: 2,
  noModel: 3,
  modelLoad: 4,
  noCommand: 5,
  /**
   * The remote model server cannot be used: host down or unknown, TLS failure,
   * a redirect, or an answer that is not the API (an HTML page, bad JSON,
   * missing fields, over 1 MB). sysexits' EX_UNAVAILABLE.
   */
  unavailable: 69,
  /** The server's socket or folder cannot be made private (sysexits' EX_CANTCREAT). */
  cantCreate: 73,
  /** The output could not be written (a full disk, say): sysexits' EX_IOERR. */
  /** A download could not reach its server (offline, DNS, refused) or kept failing. */
  network: 6,
  /** A file or folder could not be read or written (permissions, a read-only or full disk): sysexits' EX_IOERR. */
  io: 74,
  /** The remote server did not answer in time, is rate-limiting (429) or failed (5xx): try again later. sysexits' EX_TEMPFAIL. */
  tempFail: 75,
  /** The remote server refused the API key (401/403). sysexits' EX_NOPERM. */
  noPerm: 77,
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: printed as one line, mapped to an exit code. */
export class CmdaiError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.usage,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "CmdaiError";
  }
}

export const usageError = (message: string) => new CmdaiError(message, ExitCode.usage);
