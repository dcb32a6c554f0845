/**
 * The runtime's validators: Ajv standalone code generated at build time from
 * the schemas (src/generated/validators.ts), so a run loads plain functions
 * instead of compiling schemas.
 */
import type { ValidateFunction } from 'ajv';
import { validators } from '../generated/validators.js';

const byPath = validators as unknown as Record<string, ValidateFunction>;

export function getValidator(path: string): ValidateFunction {
  const validate = byPath[path];
  if (!validate) throw new Error(`no precompiled validator for ${path}: run \`npm run generate\``);
  return validate;
}
