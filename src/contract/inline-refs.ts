/**
 * A schema with every $ref replaced by its target, for consumers that cannot
 * resolve references across files (a form renderer such as rjsf in the
 * palette, a tool listing). The referring node's own keywords (title,
 * description, examples) are kept over the target's. The schemas have no
 * cycles; a cycle is reported rather than looped on.
 */
import { refTarget } from './refs.js';
import { getSchema } from './schema-files.js';

type Json = Record<string, unknown>;

function inline(node: unknown, file: string, seen: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, file, seen));
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Json;
  const out: Json = {};
  if (typeof $ref === 'string') {
    const key = `${file}#${$ref}`;
    if (seen.includes(key)) throw new Error(`${file}: $ref cycle through ${$ref}`);
    const resolved = refTarget(file, $ref);
    const { $id: _id, $schema: _schema, definitions: _definitions, ...body } = inline(resolved.node, resolved.file, [...seen, key]) as Json;
    Object.assign(out, body);
  }
  for (const [name, value] of Object.entries(rest)) {
    // Keys under properties/definitions are names, not keywords; their values are schemas all the same.
    out[name] = inline(value, file, seen);
  }
  return out;
}

/** The schema at `path` (as connector.json names it) with no $ref left. */
export function inlineRefs(path: string): Json {
  const { definitions: _definitions, ...schema } = inline(getSchema(path), path, []) as Json;
  return schema;
}

const inlined = new Map<string, Json>();

/** inlineRefs(path), worked out once (validation errors take titles and examples from it). */
export function inlinedSchema(path: string): Json {
  let schema = inlined.get(path);
  if (!schema) {
    schema = inlineRefs(path);
    inlined.set(path, schema);
  }
  return schema;
}
