/**
 * One schema file made self-contained: every file it references (transitively)
 * is embedded under its root `definitions`, and every `$ref` points inside the
 * document. What a client that sees only this schema (an MCP tool, `describe
 * --json`, an n8n node generator) needs to validate on its own.
 */
import { resolveSchemaPath, type SchemaReader } from './refs.js';
import { getSchema } from './schema-files.js';

export type { SchemaReader };

type Json = unknown;

/** `schemas/invicti/ScanTaskModel.json` -> `invicti.ScanTaskModel`: a definitions key with no `/` or `~` to escape. */
function definitionKey(path: string): string {
  return path.replace(/^schemas\//, '').replace(/\.json$/, '').replace(/[/~]/g, '.');
}

/**
 * The schema at `path` (relative to the package root, as connector.json names it) with every `$ref` internal.
 * `read` defaults to the package's schema files; generators pass their own to run on a temporary tree.
 */
export function bundleSchema(path: string, read: SchemaReader = getSchema): Record<string, unknown> {
  const prefixOf = new Map<string, string>([[path, '#']]);
  const embedded = new Map<string, Json>();
  const pending: string[] = [];

  const rewrite = (node: Json, file: string): Json => {
    if (Array.isArray(node)) return node.map((item) => rewrite(item, file));
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out[key] = rewriteRef(value, file);
      else out[key] = rewrite(value, file);
    }
    return out;
  };

  const rewriteRef = (ref: string, file: string): string => {
    const hash = ref.indexOf('#');
    const target = hash === 0 ? file : resolveSchemaPath(file, hash < 0 ? ref : ref.slice(0, hash));
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    let prefix = prefixOf.get(target);
    if (prefix === undefined) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) throw new Error(`bundleSchema: ${file} refers to an absolute URI (${ref}); only files under schemas/ can be bundled`);
      prefix = `#/definitions/${definitionKey(target)}`;
      prefixOf.set(target, prefix);
      pending.push(target);
    }
    return prefix === '#' ? `#${fragment}` : `${prefix}${fragment}`;
  };

  const { $id: _rootId, ...root } = read(path);
  const bundled = rewrite(root, path) as Record<string, unknown>;
  while (pending.length > 0) {
    const file = pending.shift()!;
    const { $id: _id, $schema: _schema, ...schema } = read(file);
    embedded.set(definitionKey(file), rewrite(schema, file));
  }
  if (embedded.size > 0) {
    const definitions = { ...((bundled.definitions as Record<string, unknown> | undefined) ?? {}) };
    for (const [key, schema] of embedded) {
      if (key in definitions) throw new Error(`bundleSchema: ${path} already has a definition named ${key}`);
      definitions[key] = schema;
    }
    bundled.definitions = definitions;
  }
  return bundled;
}
