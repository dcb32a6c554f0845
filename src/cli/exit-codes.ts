/**
 * The CLI's exit statuses, in one place: playbooks and scripts branch on them,
 * so they are part of the contract (README "Exit statuses", `--help`).
 */

export const EXIT = {
  /** An HTTP response with a 2xx status came back (or --dry-run / list / describe / help succeeded); a wait: outcome completed only. */
  OK: 0,
  /** An HTTP response came back with a non-2xx status (3xx included); the envelope is still on stdout. */
  HTTP_STATUS: 1,
  /** Usage error: unknown command, action or flag; missing or bad argument; unreadable --input/--connection file. */
  USAGE: 2,
  /** Invalid input or configuration (INPUT_INVALID, CONFIG_INVALID): nothing was sent. */
  INVALID: 3,
  /** Transport failure, no usable HTTP response (TIMEOUT, CONNECTION_FAILED, TLS_FAILED, RESPONSE_TOO_LARGE, REQUEST_FAILED). */
  TRANSPORT: 4,
  /** A wait action is pending (outcome pending: a single check, or timeout_s passed before a terminal state); the last status envelope, with wait.next_check_after_s, is on stdout. */
  WAIT_PENDING: 5,
  /** The request was processed, but its result could not be written (stdout on a full disk: ENOSPC, EIO; --save-file could not save the file). */
  WRITE_FAILED: 6,
  /** A wait action reached a terminal state that is not a success (outcome ended: e.g. Failed, Cancelled); the last status envelope is on stdout. */
  WAIT_UNSUCCESSFUL: 7,
  /** A bug: an error nobody anticipated. */
  INTERNAL: 70,
  /** Interrupted by SIGINT (Ctrl-C) or SIGTERM while running (code ABORTED); nothing on stdout. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table as shown by --help and the README. */
export const EXIT_STATUS_TABLE: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.OK, 'an HTTP response with a 2xx status came back (and --dry-run, list, describe, --help); for a wait action: outcome completed only'],
  [EXIT.HTTP_STATUS, 'an HTTP response with a non-2xx status came back; the envelope is still printed on stdout'],
  [EXIT.USAGE, 'usage error: unknown command, action or flag, missing or bad argument, unreadable file (code USAGE)'],
  [EXIT.INVALID, 'invalid input or configuration, nothing was sent (codes INPUT_INVALID, CONFIG_INVALID)'],
  [EXIT.TRANSPORT, 'no usable HTTP response (codes TIMEOUT, CONNECTION_FAILED, TLS_FAILED, RESPONSE_TOO_LARGE, REQUEST_FAILED)'],
  [EXIT.WAIT_PENDING, 'a wait action is pending (outcome pending): a single check (wait.once) or timeout_s came before a terminal state; check again after wait.next_check_after_s'],
  [EXIT.WRITE_FAILED, 'the request was processed but its result could not be written (stdout failed, e.g. a full disk, or --save-file could not save the file: code WRITE_FAILED)'],
  [EXIT.WAIT_UNSUCCESSFUL, 'a wait action ended in a terminal state that is not a success (outcome ended: e.g. Failed, Cancelled); the last status envelope is printed on stdout'],
  [EXIT.INTERNAL, 'internal error (code INTERNAL): a bug, please report it'],
  [EXIT.INTERRUPTED, 'interrupted by Ctrl-C (SIGINT) or SIGTERM (code ABORTED); what was known is on stderr'],
];

const BY_ERROR_CODE: Readonly<Record<string, ExitCode>> = {
  USAGE: EXIT.USAGE,
  UNKNOWN_ACTION: EXIT.USAGE,
  INPUT_INVALID: EXIT.INVALID,
  CONFIG_INVALID: EXIT.INVALID,
  TIMEOUT: EXIT.TRANSPORT,
  CONNECTION_FAILED: EXIT.TRANSPORT,
  TLS_FAILED: EXIT.TRANSPORT,
  RESPONSE_TOO_LARGE: EXIT.TRANSPORT,
  REQUEST_FAILED: EXIT.TRANSPORT,
  WRITE_FAILED: EXIT.WRITE_FAILED,
  ABORTED: EXIT.INTERRUPTED,
};

/** The exit status for an error code; a code this table does not know is an internal error. */
export function exitCodeForError(code: string): ExitCode {
  return BY_ERROR_CODE[code] ?? EXIT.INTERNAL;
}

/** The exit status for an HTTP response's status code. */
export function exitCodeForStatus(statusCode: number): ExitCode {
  return statusCode >= 200 && statusCode <= 299 ? EXIT.OK : EXIT.HTTP_STATUS;
}

/**
 * The exit status for an envelope. A wait: 0 only for outcome completed, 5 for pending (whatever its last
 * status: a 429 or no response in a single check is pending too), 7 for ended in an unsuccessful terminal
 * state; a wait that ended on a status waiting will not change (401, 404 ...) is 1, like any non-2xx.
 * Anything else by its status code.
 */
export function exitCodeForEnvelope(envelope: { status_code: number; wait?: { done: boolean; outcome?: string; timed_out?: boolean } }): ExitCode {
  const wait = envelope.wait;
  if (wait) {
    if (wait.outcome === 'pending' || (wait.outcome === undefined && !wait.done && wait.timed_out)) return EXIT.WAIT_PENDING;
    if (wait.outcome === 'ended' && envelope.status_code >= 200 && envelope.status_code <= 299) return EXIT.WAIT_UNSUCCESSFUL;
  }
  return exitCodeForStatus(envelope.status_code);
}
