/**
 * Reading the JSON documents the CLI is given (--input, --connection). A file
 * that cannot be read is a usage error; one that is not JSON, or larger than
 * MAX_DOCUMENT_BYTES, is invalid input or configuration. Reading stops one
 * byte past the cap, whatever the source (a file, /dev/zero, a FIFO, stdin).
 * Messages name the file and where the JSON breaks, never its content: a
 * connection file holds secrets, and V8's parse errors quote it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ConnectorError, type ErrorCode } from '../contract/errors.js';
import { MAX_INPUT_BYTES } from '../contract/input-limits.js';
import { UsageError } from './errors.js';

/** An --input or --connection document (file or stdin) is at most 1 MiB, the runtime's input limit. */
export const MAX_DOCUMENT_BYTES = MAX_INPUT_BYTES;

function unreadable(error: unknown, path: string, flag: string, command: string): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
  return new UsageError(`Cannot read the ${flag} file ${JSON.stringify(path)}: ${reason}.`, command);
}

/** The error for a document past the cap; `what` is e.g. `The --input file "x.json"`. */
export function documentTooLarge(what: string, code: ErrorCode, limit = MAX_DOCUMENT_BYTES): ConnectorError {
  const message = `is larger than ${limit / (1024 * 1024)} MiB; reading stopped there`;
  return new ConnectorError(code, `${what} ${message}.`, [{ field: code === 'CONFIG_INVALID' ? 'connection' : '(input)', message }]);
}

/** Bytes read from stdin (io.readStdin) as text, or the too-large error. */
export function stdinText(data: string | Buffer, what: string, code: ErrorCode, limit = MAX_DOCUMENT_BYTES): string {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  if (bytes.length > limit) throw documentTooLarge(what, code, limit);
  return bytes.toString('utf8');
}

/**
 * The file at `path` as text, reading at most `limit` + 1 bytes: a regular
 * file, a device (/dev/zero) and a FIFO (`--input <(jq …)`) alike.
 */
export async function readTextFile(path: string, flag: string, command: string, code: ErrorCode, limit = MAX_DOCUMENT_BYTES): Promise<string> {
  // Synchronous reads: the CLI has nothing else to do meanwhile, and a cold `run` saves the thread-pool
  // round trips of open, read and close. The buffer grows as the document does, up to limit + 1 bytes.
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(error, path, flag, command);
  }
  try {
    let buffer = Buffer.allocUnsafe(Math.min(limit + 1, 64 * 1024));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        if (buffer.length > limit) break;
        const larger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 4));
        buffer.copy(larger, 0, 0, total);
        buffer = larger;
      }
      const bytesRead = readSync(fd, buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > limit) throw documentTooLarge(`The ${flag} file ${JSON.stringify(path)}`, code, limit);
    return buffer.toString('utf8', 0, total);
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    throw unreadable(error, path, flag, command);
  } finally {
    closeSync(fd);
  }
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Parses `text`; on failure a ConnectorError with `code` that says where, without quoting the text. */
export function parseJsonDocument(text: string, what: string, code: ErrorCode): unknown {
  const source = text.replace(/^\uFEFF/, '');
  if (source.trim() === '') throw new ConnectorError(code, `${what} is empty: expected a JSON document.`);
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const where = position === undefined ? (/end of JSON input/.test(String(error)) ? ' (it ends too early)' : '') : ` at ${lineColumn(source, Number(position))}`;
    throw new ConnectorError(code, `${what} is not valid JSON${where}.`);
  }
}
