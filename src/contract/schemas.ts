/**
 * The full schema registry: every file under schemas/ added to one Ajv
 * instance (strict mode, ajv-formats) and compiled on first use. Used by the
 * build scripts (precompiled validators, docs), tests and tools; the runtime
 * itself validates with the precompiled code in src/contract/validators.ts and never
 * loads Ajv's compiler.
 */
import { Ajv, type AnySchema, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { getSchema, listSchemaFiles } from './schema-files.js';

export { getSchema, listSchemaFiles };

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

export const SCHEMA_ID_BASE = 'https://retest-connectors.invalid/';

/** The one Ajv configuration of the bundle; `extra` adds build-time options (standalone code). */
export function createAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({
    strict: true,
    allErrors: true,
    allowUnionTypes: true,
    $data: true,
    verbose: true,
    // Connections mark secrets with format "password" so forms mask them; any string is valid.
    formats: { password: true },
    ...extra,
  });
  addFormats(ajv);
  return ajv;
}

export function schemaId(path: string): string {
  const schema = getSchema(path);
  return typeof schema.$id === 'string' ? schema.$id : SCHEMA_ID_BASE + path;
}

/** An Ajv with every schema file added (not yet compiled). */
export function createRegistry(extra: Options = {}): Ajv {
  const ajv = createAjv(extra);
  for (const path of listSchemaFiles()) ajv.addSchema(getSchema(path) as AnySchema, schemaId(path));
  return ajv;
}

let registry: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * The validator for the schema at `path`, COMPILED from the schema files (Ajv's compiler, cached): for
 * build scripts and tests, which check the schemas themselves. The runtime never compiles: it looks a
 * validator up with getValidator() of src/contract/validators.ts (precompiled code), the one lookup.
 */
export function compileValidator(path: string): ValidateFunction {
  let validate = compiled.get(path);
  if (!validate) {
    registry ??= createRegistry();
    validate = registry.getSchema(schemaId(path));
    if (!validate) throw new Error(`schema not registered: ${path}`);
    compiled.set(path, validate);
  }
  return validate;
}
