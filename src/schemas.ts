/**
 * The schema registry: every file under schemas/ is added to one Ajv instance
 * (strict mode, ajv-formats) and compiled on first use, once per process.
 */
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from './package-root.js';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

export const SCHEMA_ID_BASE = 'https://retest-connectors.invalid/';

export function createAjv(): Ajv {
  const ajv = new Ajv({
    strict: true,
    allErrors: true,
    allowUnionTypes: true,
    $data: true,
    verbose: true,
    // Connections mark secrets with format "password" so forms mask them; any string is valid.
    formats: { password: true },
  });
  addFormats(ajv);
  return ajv;
}

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

export function readSchemaFile(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot, path), 'utf8')) as Record<string, unknown>;
}

function loadSchemaFiles(): Map<string, Record<string, unknown>> {
  return new Map(listSchemaFiles().map((path) => [path, readSchemaFile(path)]));
}

let registry: { ajv: Ajv; files: Map<string, Record<string, unknown>> } | undefined;
const compiled = new Map<string, ValidateFunction>();

function getRegistry() {
  if (!registry) {
    const ajv = createAjv();
    const files = loadSchemaFiles();
    for (const [path, schema] of files) ajv.addSchema(schema as AnySchema, schemaId(path, schema));
    registry = { ajv, files };
  }
  return registry;
}

function schemaId(path: string, schema: Record<string, unknown>): string {
  return typeof schema.$id === 'string' ? schema.$id : SCHEMA_ID_BASE + path;
}

/** The parsed schema at `path` (relative to the package root, as connector.json names it). */
export function getSchema(path: string): Record<string, unknown> {
  const schema = getRegistry().files.get(path);
  if (!schema) throw new Error(`schema file not found: ${path}`);
  return schema;
}

/** The compiled validator for the schema at `path`; compiled once, then cached. */
export function getValidator(path: string): ValidateFunction {
  let validate = compiled.get(path);
  if (!validate) {
    const { ajv } = getRegistry();
    const id = schemaId(path, getSchema(path));
    validate = ajv.getSchema(id);
    if (!validate) throw new Error(`schema not registered: ${path}`);
    compiled.set(path, validate);
  }
  return validate;
}
