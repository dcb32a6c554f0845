/**
 * The schema files under schemas/, read with fs only: cheap enough for the
 * runtime's start-up (no validator library is loaded here).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from './package-root.js';

/** Every schema file under schemas/, as a path relative to the package root, sorted. */
export function listSchemaFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) out.push(relative(packageRoot, full).split('\\').join('/'));
    }
  };
  walk(join(packageRoot, 'schemas'));
  return out.sort();
}

const cache = new Map<string, Record<string, unknown>>();

/** The parsed schema at `path` (relative to the package root, as connector.json names it), read once. */
export function getSchema(path: string): Record<string, unknown> {
  let schema = cache.get(path);
  if (!schema) {
    try {
      schema = JSON.parse(readFileSync(join(packageRoot, path), 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`schema file not readable: ${path} (${(error as Error).message})`);
    }
    cache.set(path, schema);
  }
  return schema;
}
