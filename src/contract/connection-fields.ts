/**
 * A connection's fields as its schema declares them, with `$ref`s followed
 * (the transport settings are declared once, in schemas/shared/transport.json,
 * and every connection schema takes them by $ref). Every reader of a
 * connection's fields (defaults, environment variables, secrets) reads them
 * here, so a field declared by reference looks exactly like one declared inline.
 */
import { refTarget } from './refs.js';
import { getSchema } from './schema-files.js';

/** The one file of transport settings (verify_ssl, allow_plain_http, ca_file, http_proxy, timeout_ms, max_response_bytes). */
export const TRANSPORT_SCHEMA = 'schemas/shared/transport.json';

export interface FieldSchema {
  readonly type?: string | string[];
  readonly default?: unknown;
  readonly writeOnly?: boolean;
  readonly format?: string;
  readonly title?: string;
  readonly description?: string;
  readonly [keyword: string]: unknown;
}

export interface ConnectionField {
  readonly name: string;
  /** The property's schema, its $ref followed (a sibling description or title of the ref wins, as forms show it). */
  readonly schema: FieldSchema;
  readonly required: boolean;
}

const cache = new Map<string, readonly ConnectionField[]>();

/** Follows a chain of $refs from `node` (in `file`) to the schema that declares the field. */
function dereference(file: string, node: Record<string, unknown>): FieldSchema {
  let current = node;
  let at = file;
  for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
    if (hops > 16) throw new Error(`${file}: $ref chain too long at ${String(node.$ref)}`);
    const { $ref, ...siblings } = current;
    const target = refTarget(at, $ref as string);
    current = { ...(target.node as Record<string, unknown>), ...siblings };
    at = target.file;
  }
  return current as FieldSchema;
}

/** The fields of the connection schema at `schemaPath` (as connector.json names it), in declaration order. */
export function connectionFields(schemaPath: string): readonly ConnectionField[] {
  let fields = cache.get(schemaPath);
  if (!fields) {
    const schema = getSchema(schemaPath) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    const required = new Set(schema.required ?? []);
    fields = Object.freeze(
      Object.entries(schema.properties ?? {}).map(([name, node]) => Object.freeze({ name, schema: dereference(schemaPath, node), required: required.has(name) })),
    );
    cache.set(schemaPath, fields);
  }
  return fields;
}

/** Every field's default, from the schema that declares it. */
export function connectionDefaults(schemaPath: string): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const { name, schema } of connectionFields(schemaPath)) if (schema.default !== undefined) defaults[name] = schema.default;
  return defaults;
}

/** The names of the transport settings, in the transport schema's order. */
export function transportFieldNames(): string[] {
  return Object.keys((getSchema(TRANSPORT_SCHEMA).properties ?? {}) as Record<string, unknown>);
}
