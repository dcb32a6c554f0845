/**
 * `run --save-file <dir>`: a file envelope's bytes go to <dir>/<file_name>, and
 * the envelope printed on stdout carries file.path (absolute) in place of
 * content_base64. Nothing is created outside <dir> (a name that would escape
 * it is refused), and nothing is overwritten: when the name is taken, the
 * file is saved as "name (1).ext", "name (2).ext", ... (up to 999).
 */
import { mkdir, open } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { Envelope } from '../runtime/envelope.js';
import { cutToBytes, MAX_NAME_BYTES } from '../runtime/file.js';

export const MAX_NAME_ATTEMPTS = 1000;

export interface SavedFileEnvelope extends Omit<Envelope, 'file'> {
  file: { file_name: string; content_type: string; size_bytes: number; path: string };
}

export class SaveFileError extends Error {
  override readonly name = 'SaveFileError';
  readonly code = 'WRITE_FAILED';

  toJSON(): { code: 'WRITE_FAILED'; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** "report.pdf", then "report (1).pdf", "report (2).pdf", ...; the stem is cut so a variant stays within 255 bytes too. */
export function candidateName(name: string, attempt: number): string {
  if (attempt === 0) return name;
  const extension = extname(name);
  const stem = extension && extension !== name ? name.slice(0, -extension.length) : name;
  const suffix = ` (${attempt})${extension && extension !== name ? extension : ''}`;
  return cutToBytes(stem, MAX_NAME_BYTES - Buffer.byteLength(suffix, 'utf8')) + suffix;
}

/** The absolute path for `name` inside `dir`, or an error when the name is not one plain component of it. */
export function pathInside(dir: string, name: string): string {
  const root = resolve(dir);
  const target = resolve(root, name);
  if (name === '' || basename(name) !== name || /[/\\\u0000]/.test(name) || name === '.' || name === '..' || dirname(target) !== root) {
    throw new SaveFileError(`The response's file name ${JSON.stringify(name)} would leave ${JSON.stringify(root)}; not saved.`);
  }
  return target;
}

/** Writes the envelope's file into dir without overwriting anything; returns the envelope to print. */
export async function saveEnvelopeFile(envelope: Envelope, dir: string): Promise<SavedFileEnvelope> {
  const file = envelope.file;
  if (!file) throw new SaveFileError('The envelope has no file to save.');
  const root = resolve(dir);
  try {
    await mkdir(root, { recursive: true });
  } catch (error) {
    throw new SaveFileError(`Cannot create the --save-file directory ${JSON.stringify(root)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const bytes = Buffer.from(file.content_base64, 'base64');
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt += 1) {
    const path = pathInside(root, candidateName(file.file_name, attempt));
    let handle;
    try {
      // wx: create, fail if it exists (no silent overwrite, no following a planted symlink).
      handle = await open(path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new SaveFileError(`Cannot write ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      await handle.writeFile(bytes);
    } catch (error) {
      await handle.close().catch(() => {});
      throw new SaveFileError(`Cannot write ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    await handle.close();
    const { content_base64: _bytes, ...rest } = file;
    return { ...envelope, file: { ...rest, path } };
  }
  throw new SaveFileError(`${JSON.stringify(file.file_name)} and ${MAX_NAME_ATTEMPTS - 1} numbered variants already exist in ${JSON.stringify(root)}; not saved.`);
}
