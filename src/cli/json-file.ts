/**
 * Reading the JSON documents the CLI is given (--input, --connection). A file
 * that cannot be read is a usage error; one that is not JSON is invalid input
 * or configuration. Messages name the file and where the JSON breaks, never
 * its content: a connection file holds secrets, and V8's parse errors quote it.
 */
import { readFile } from 'node:fs/promises';
import { ConnectorError, type ErrorCode } from '../contract/errors.js';
import { UsageError } from './errors.js';

export async function readTextFile(path: string, flag: string, command: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new UsageError(`Cannot read the ${flag} file ${JSON.stringify(path)}: ${reason}.`, command);
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
