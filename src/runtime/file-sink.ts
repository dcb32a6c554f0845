/**
 * A report written to disk as it arrives (RunOptions.saveFileTo, the CLI's
 * --save-file, the n8n node's "save to directory"): the body never sits in
 * memory whole, so a 100 MiB report costs a few buffers, not five copies of
 * itself (docs/performance.md). It is written under a temporary name in the
 * target directory and given its final name only once complete: a full disk
 * or a cut connection leaves no truncated file under the report's name (the
 * temporary file is removed), and a rerun saves under the name, not beside a
 * corrupt one. Nothing is overwritten: the final name is taken with link(),
 * which fails on an existing name (a planted symlink included), and the next
 * numbered name is tried: "name (1).ext", "name (2).ext" ... (up to 999).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { link, lstat, mkdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { ConnectorError } from '../contract/errors.js';
import { cutToBytes, MAX_NAME_BYTES } from './file.js';
import type { BodySink } from './transport.js';

export const MAX_NAME_ATTEMPTS = 1000;

/** What the envelope says of a saved file, in place of its bytes. */
export interface SavedFile {
  file_name: string;
  content_type: string;
  size_bytes: number;
  /** Absolute path of the file written. */
  path: string;
}

/** The name and type of the file a response head announces. */
export type DescribeFile = (rawHeaders: string[]) => { file_name: string; content_type: string };

/**
 * The file system calls a write stream makes (Node's createWriteStream `fs` option: open, write,
 * writev, close). Tests pass one whose write fails (ENOSPC) instead of filling a disk.
 */
export type WriteStreamFs = NonNullable<Exclude<Parameters<typeof createWriteStream>[1], string | undefined>['fs']>;

function writeFailed(message: string): ConnectorError {
  return new ConnectorError('WRITE_FAILED', message);
}

const reasonOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** "report.pdf", then "report (1).pdf", "report (2).pdf", ...; the stem is cut so a variant stays within 255 bytes too. */
export function candidateName(name: string, attempt: number): string {
  if (attempt === 0) return name;
  const extension = extname(name);
  const stem = extension && extension !== name ? name.slice(0, -extension.length) : name;
  const suffix = ` (${attempt})${extension && extension !== name ? extension : ''}`;
  return cutToBytes(stem, MAX_NAME_BYTES - Buffer.byteLength(suffix, 'utf8')) + suffix;
}

/** The absolute path for `name` inside `dir`, or WRITE_FAILED when the name is not one plain component of it. */
export function pathInside(dir: string, name: string): string {
  const root = resolve(dir);
  const target = resolve(root, name);
  if (name === '' || basename(name) !== name || /[/\\\u0000]/.test(name) || name === '.' || name === '..' || dirname(target) !== root) {
    throw writeFailed(`The response's file name ${JSON.stringify(name)} would leave ${JSON.stringify(root)}; not saved.`);
  }
  return target;
}

/**
 * Gives the complete file at `temp` its final name in `root` without overwriting anything: link() to the
 * first free candidate, then the temporary name goes. A file system without hard links (EPERM, ENOTSUP)
 * gets rename() onto a name lstat() found free.
 */
async function claimName(root: string, temp: string, fileName: string): Promise<string> {
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt += 1) {
    const path = pathInside(root, candidateName(fileName, attempt));
    try {
      await link(temp, path);
      await unlink(temp).catch(() => {});
      return path;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') throw writeFailed(`Cannot save ${JSON.stringify(path)}: ${reasonOf(error)}`);
      const taken = await lstat(path).then(
        () => true,
        (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
      );
      if (taken) continue;
      await rename(temp, path).catch((e: unknown) => {
        throw writeFailed(`Cannot save ${JSON.stringify(path)}: ${reasonOf(e)}`);
      });
      return path;
    }
  }
  throw writeFailed(`${JSON.stringify(fileName)} and ${MAX_NAME_ATTEMPTS - 1} numbered variants already exist in ${JSON.stringify(root)}; not saved.`);
}

/** Streams a 2xx body to a temporary file in `dir`; commit() names it, and a failed or abandoned write leaves nothing behind. */
export class FileSink implements BodySink {
  readonly root: string;
  private current: { temp: string; out: WriteStream; meta: { file_name: string; content_type: string }; done: Promise<boolean> } | undefined;

  constructor(
    dir: string,
    private readonly describe: DescribeFile,
    private readonly fs?: WriteStreamFs,
  ) {
    this.root = resolve(dir);
  }

  /** Creates the directory (and parents) before anything is sent: a directory that cannot exist fails the call first. */
  async prepare(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
    } catch (error) {
      throw writeFailed(`Cannot create the directory ${JSON.stringify(this.root)} for the file: ${reasonOf(error)}; nothing was sent.`);
    }
  }

  open(head: { statusCode: number; rawHeaders: string[] }): Writable | undefined {
    if (head.statusCode < 200 || head.statusCode > 299) return undefined;
    const meta = this.describe(head.rawHeaders);
    // Hidden, unique, in the target directory: the final link() or rename() never crosses a file system.
    const temp = resolve(this.root, `.retest-${randomUUID()}.part`);
    // flush: the bytes are on disk before the file gets its name.
    const out = createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true, ...(this.fs ? { fs: this.fs } : {}) });
    let finished = false;
    out.once('finish', () => (finished = true));
    const done = new Promise<boolean>((resolveDone) => {
      out.once('close', () => {
        // Destroyed before the end (a failed write, a cut connection, a timeout): the partial file goes.
        if (!finished || out.errored) void unlink(temp).catch(() => {});
        resolveDone(finished && !out.errored);
      });
    });
    this.current = { temp, out, meta, done };
    return out;
  }

  failed(error: Error): ConnectorError {
    const name = this.current?.meta.file_name ?? 'the file';
    return writeFailed(
      `Cannot write ${JSON.stringify(name)} in ${JSON.stringify(this.root)}: ${reasonOf(error)}. The server answered; nothing was saved under that name (the partial file was removed).`,
    );
  }

  /** After a failed call: resolves once the partial file (if any) is closed and gone. */
  async discard(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.out.destroy();
    await current.done;
    await unlink(current.temp).catch(() => {});
  }

  /** After the transport resolved: waits for the file to be closed, then gives it its final name. */
  async commit(sizeBytes: number): Promise<SavedFile> {
    const current = this.current;
    if (!current) throw writeFailed('No file was opened to save.');
    if (!(await current.done)) throw this.failed(current.out.errored ?? new Error('the write did not complete'));
    try {
      const path = await claimName(this.root, current.temp, current.meta.file_name);
      return { file_name: current.meta.file_name, content_type: current.meta.content_type, size_bytes: sizeBytes, path };
    } catch (error) {
      await unlink(current.temp).catch(() => {});
      throw error;
    }
  }
}
