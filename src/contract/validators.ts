/**
 * The runtime's validators: Ajv standalone code generated at build time from
 * the schemas (src/generated/validators/, one module per schema), so a run
 * loads plain functions instead of compiling schemas.
 *
 * The library loads every validator with this module (its prepareAction and
 * dryRun are synchronous). The CLI bundle starts with none and loads, before
 * it runs an action, only that action's (loadValidators), which keeps ~370 KB
 * of validator code out of a cold `run`.
 */
import type { ValidateFunction } from 'ajv';
import { validatorLoaders } from '../generated/validator-loaders.js';
import { validators } from '../generated/validators.js';

const loaded = new Map<string, ValidateFunction>();

export function getValidator(path: string): ValidateFunction {
  const validate = validators[path] ?? loaded.get(path);
  if (validate) return validate;
  if (validatorLoaders[path]) throw new Error(`the validator for ${path} was not loaded: call loadValidators() before running the action`);
  throw new Error(`no precompiled validator for ${path}: run \`npm run generate\``);
}

/** Makes getValidator() find the validators of these schema paths (a no-op where they are loaded already). */
export async function loadValidators(paths: Iterable<string>): Promise<void> {
  for (const path of paths) {
    if (validators[path] || loaded.has(path)) continue;
    const load = validatorLoaders[path];
    if (!load) throw new Error(`no precompiled validator for ${path}: run \`npm run generate\``);
    loaded.set(path, await load());
  }
}

/** Every schema path with a validator (the MCP server offers every action). */
export const allValidatorPaths = (): string[] => Object.keys(validatorLoaders);
