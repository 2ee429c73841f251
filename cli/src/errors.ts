/**
 * @module
 * Exit codes scripts can rely on (documented in docs/cli.md) and the one error type that carries
 * them. Commands throw `CliError`; `run.ts` prints its message as one line on stderr and exits
 * with its code. Nothing else decides an exit code.
 */
export const ExitCode = {
  OK: 0,
  /** The function ran and failed: an invocation or execution ended in `error` or `timeout`. */
  FUNCTION_FAILED: 1,
  /** Bad flags or arguments, unreadable files, invalid JSON/YAML, bad configuration. */
  USAGE: 2,
  /** The function or execution does not exist (HTTP 404). */
  NOT_FOUND: 3,
  /** The server refused the request (any other 4xx: validation, conflict, 429 backpressure…). */
  REJECTED: 4,
  /** The server is unreachable or failed (network error, 5xx). */
  UNAVAILABLE: 5,
  /** `exec get --watch` gave up (its --timeout passed) while the execution was still running. */
  WATCH_TIMEOUT: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** Extra lines printed after the message (e.g. validation details). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(ExitCode.USAGE, message);

/** The exit code for an HTTP error status. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 404) return ExitCode.NOT_FOUND;
  if (status >= 400 && status < 500) return ExitCode.REJECTED;
  return ExitCode.UNAVAILABLE;
}
