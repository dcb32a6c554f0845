/**
 * Following a `$ref` between the schema files, in one place: the bundler, the
 * inliner (palette), `describe` and the n8n generator all read refs the same way.
 * Refs are relative file paths (`../invicti/X.json`), optionally with a JSON
 * Pointer fragment (`../shared/inputs.json#/definitions/Guid`), or a bare fragment.
 */
import { posix } from 'node:path';
import { fragmentTokens } from './json-pointer.js';
import { getSchema } from './schema-files.js';

/** Reads a schema file by its path relative to the package root (getSchema, or a test's own tree). */
export type SchemaReader = (path: string) => Record<string, unknown>;

/** `../invicti/X.json` relative to `schemas/actions/a.json` -> `schemas/invicti/X.json`. */
export function resolveSchemaPath(from: string, relative: string): string {
  return posix.normalize(posix.join(posix.dirname(from), relative));
}

/** The node a `$ref` written in `file` points at, and the file that node lives in. */
export function refTarget(file: string, ref: string, read: SchemaReader = getSchema): { node: unknown; file: string } {
  const hash = ref.indexOf('#');
  const path = hash < 0 ? ref : ref.slice(0, hash);
  const targetFile = path ? resolveSchemaPath(file, path) : file;
  let node: unknown = read(targetFile);
  for (const key of fragmentTokens(hash < 0 ? '' : ref.slice(hash + 1))) {
    node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === undefined) throw new Error(`${file}: $ref ${ref} points at nothing`);
  }
  return { node, file: targetFile };
}
