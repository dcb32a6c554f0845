/**
 * How the CLI reports a failure: one JSON line on stderr,
 * {"error":{"code","message","details"?}}, and the exit status for its code.
 */
import { isConnectorError } from '../contract/errors.js';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/** A command line the CLI cannot act on: unknown command, action or flag, missing or bad argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';

  constructor(message: string, command?: string) {
    super(`${message} See: retest-connectors ${command ? `${command} ` : ''}--help`);
  }

  toJSON(): { code: 'USAGE'; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Writes the error line and returns the exit status. `scrub` removes secrets from the text. */
export function reportError(io: CliIo, error: unknown, scrub: (text: string) => string = (t) => t): ExitCode {
  if (isConnectorError(error) || error instanceof UsageError) {
    io.stderr(scrub(JSON.stringify({ error: error.toJSON() })) + '\n');
    return exitCodeForError(error.code);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(scrub(JSON.stringify({ error: { code: 'INTERNAL', message: `Internal error: ${message}` } })) + '\n');
  return EXIT.INTERNAL;
}
