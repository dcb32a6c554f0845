/**
 * schemas/ -> src/generated/types.ts, with json-schema-to-typescript.
 *
 *   npm run generate            write the file
 *   npm run generate -- --check exit 1 when the checked-in file is stale (CI)
 *
 * All schema files are compiled as ONE document, so a shared definition
 * (ScanTaskModel, Envelope, ...) is declared once however many schemas use it.
 * Titles are kept only where they name a type: on each file's root and on
 * shared definitions. The per-property titles are there for forms, and would
 * otherwise turn every property into its own type alias.
 */
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { join } from 'node:path';
import { packageRoot } from '../src/contract/package-root.js';
import { getSchema, listSchemaFiles } from '../src/contract/schema-files.js';
import { writeOrCheck } from './lib/write-or-check.js';

const OUT = join(packageRoot, 'src/generated/types.ts');

type Json = Record<string, unknown>;

const CONSTRAINING = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', 'properties', 'items', 'not'];

const VALUES = ['examples', 'default', 'const', 'enum', 'formatMinimum', 'formatMaximum'];

const pascal = (id: string) => id.split(/[_-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** The type name a schema file is declared under. */
function typeName(file: string, schema: Json): string {
  const m = /^schemas\/actions\/(.+)\.(input|output)\.json$/.exec(file);
  if (m) return pascal(m[1]!) + pascal(m[2]!);
  const c = /^schemas\/connections\/(.+)\.json$/.exec(file);
  if (c) return pascal(c[1]!) + 'Connection';
  if (typeof schema.title !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(schema.title)) {
    throw new Error(`${file}: a shared schema needs a PascalCase title to name its type`);
  }
  return schema.title;
}

function buildDocument(): JSONSchema {
  const files = listSchemaFiles();
  const nameOfFile = new Map<string, string>();
  const schemas = new Map<string, Json>();
  for (const file of files) {
    const schema = getSchema(file);
    schemas.set(file, schema);
    nameOfFile.set(file, typeName(file, schema));
  }

  const definitions: Record<string, Json> = {};
  const declare = (name: string, schema: Json, where: string) => {
    if (definitions[name]) throw new Error(`${where}: type name ${name} is declared twice`);
    definitions[name] = schema;
  };

  for (const [file, schema] of schemas) {
    const rewrite = (node: unknown, depth: number): unknown => {
      if (Array.isArray(node)) return node.map((n) => rewrite(n, depth + 1));
      if (!node || typeof node !== 'object') return node;
      // Draft-07 ignores a $ref's siblings (a property's title, description, examples for forms): the type is the target's, under its own name.
      const target = (node as Json).$ref;
      if (typeof target === 'string') return { $ref: resolveRef(file, target, nameOfFile) };
      const out: Json = {};
      for (const [key, value] of Object.entries(node as Json)) {
        if (key === '$id' || key === '$schema' || key === 'definitions') continue;
        if (key === 'title' && depth > 0) continue;
        if (VALUES.includes(key)) {
          out[key] = value; // instance values, not schemas
          continue;
        }
        if (key === '$ref' && typeof value === 'string') {
          out.$ref = resolveRef(file, value, nameOfFile);
          continue;
        }
        // "properties" maps names to schemas: its keys are not keywords.
        if (key === 'properties' && value && typeof value === 'object') {
          out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, rewrite(v, depth + 1)]));
          continue;
        }
        out[key] = rewrite(value, depth + 1);
      }
      // A schema that constrains nothing (only annotations) accepts any JSON value.
      if (!CONSTRAINING.some((k) => k in out)) out.tsType = 'unknown';
      return out;
    };
    const root = rewrite(schema, 0) as Json;
    root.title = nameOfFile.get(file);
    declare(nameOfFile.get(file)!, root, file);
    const local = (schema.definitions ?? {}) as Record<string, Json>;
    for (const [name, def] of Object.entries(local)) {
      const hoisted = rewrite(def, 0) as Json;
      hoisted.title = name;
      declare(name, hoisted, `${file}#/definitions/${name}`);
    }
  }
  return {
    title: 'RetestConnectorsSchemas',
    description: 'Index of every schema in schemas/, one property per type.',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.keys(definitions).map((n) => [n, { $ref: `#/definitions/${n}` }])),
    definitions,
  } as JSONSchema;
}

/** A $ref inside `file` -> a ref into the combined document's definitions. */
function resolveRef(file: string, ref: string, nameOfFile: Map<string, string>): string {
  if (ref.startsWith('#/definitions/')) return ref; // local definitions are hoisted under the same name
  const [target, fragment] = ref.split('#');
  const dir = file.split('/').slice(0, -1);
  for (const part of target!.split('/')) {
    if (part === '..') dir.pop();
    else if (part !== '.') dir.push(part);
  }
  const name = nameOfFile.get(dir.join('/'));
  if (!name) throw new Error(`${file}: $ref ${ref} points at no schema file`);
  if (fragment) return `#${fragment}`;
  return `#/definitions/${name}`;
}

const BANNER = `/* eslint-disable */
/**
 * GENERATED by scripts/generate-types.ts from schemas/ -- do not edit by hand.
 * Run \`npm run generate\` after changing a schema; CI fails when this file is stale.
 */`;

/** Drop json2ts's notes about the synthetic index document, and the (empty) index itself. */
const tidy = (ts: string) =>
  ts
    .replace(/ \*\n \* This interface was referenced by `RetestConnectorsSchemas`'s JSON-Schema\n \* via the `definition` "[A-Za-z0-9]+"\.\n/g, '')
    .replace(/\/\*\*\n \* This interface was referenced by `RetestConnectorsSchemas`'s JSON-Schema\n \* via the `definition` "[A-Za-z0-9]+"\.\n \*\/\n/g, '')
    .replace(/\n\/\*\*\n \* Index of every schema in schemas\/, one property per type\.\n \*\/\nexport interface RetestConnectorsSchemas \{\}\n/, '\n');

const source = tidy(await compile(buildDocument(), 'RetestConnectorsSchemas', {
  bannerComment: BANNER,
  unreachableDefinitions: true,
  // Open schemas (ScanTaskModel accepts unknown future properties) need no index signature in TypeScript.
  additionalProperties: false,
  format: true,
  style: { singleQuote: true, printWidth: 120 },
}));

writeOrCheck(OUT, source);
