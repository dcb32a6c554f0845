/**
 * How the CLI reports a failure: one JSON line on stderr,
 * {"error":{"code","message","details"?}}, and the exit status for its code.
 */
import { type ConnectorError, ERROR_BRAND, isBrandedError, isConnectorError } from '../contract/errors.js';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { terminalSafeJson } from '../runtime/neutralise.js';
import { scrubDeep } from '../runtime/scrub-deep.js';

/** A command line the CLI cannot act on: unknown command, action or flag, missing or bad argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly [ERROR_BRAND] = 'UsageError';
  readonly code = 'USAGE';

  constructor(message: string, command?: string) {
    super(`${message} See: retest-connectors ${command ? `${command} ` : ''}--help`);
  }

  toJSON(): { code: 'USAGE'; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * The result could not be written (stdout on a full disk, a broken device).
 * `processed` says whether the vendor already acted on the request: then
 * running the command again may act twice.
 */
export class WriteError extends Error {
  override readonly name = 'WriteError';
  readonly [ERROR_BRAND] = 'WriteError';
  readonly code = 'WRITE_FAILED';

  constructor(cause: unknown, processed?: string) {
    const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
    const why = errno === 'ENOSPC' ? 'ENOSPC, no space left on device' : (errno ?? (cause instanceof Error ? cause.message : String(cause)));
    super(
      processed
        ? `The request was processed (${processed}) but its result could not be written to stdout (${why}). Check the vendor before running it again.`
        : `The result could not be written to stdout (${why}).`,
    );
  }

  toJSON(): { code: 'WRITE_FAILED'; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * Writes the error line and returns the exit status. `scrub` removes secrets from each string before the line is
 * serialised (after, a secret with " or \ would be looked for raw and missed in its JSON-escaped spelling).
 */
export function reportError(io: CliIo, error: unknown, scrub: (text: string) => string = (t) => t): ExitCode {
  // By brand, not instanceof: a command's bundle carries its own copy of these classes (scripts/build-cli.ts).
  if (isConnectorError(error) || isBrandedError(error, 'UsageError') || isBrandedError(error, 'WriteError')) {
    const known = error as ConnectorError | UsageError | WriteError;
    io.stderr(terminalSafeJson(JSON.stringify({ error: scrubDeep(known.toJSON(), scrub) })) + '\n');
    return exitCodeForError(known.code);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(terminalSafeJson(JSON.stringify({ error: { code: 'INTERNAL', message: scrub(`Internal error: ${message}`) } })) + '\n');
  return EXIT.INTERNAL;
}
