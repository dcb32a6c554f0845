// The runtime's validator registry: the library has every schema's validator at once (prepareAction and
// dryRun stay synchronous); loadValidators, which the CLI calls before a run, is then a no-op; a path
// no schema has is a clear error either way.
import { describe, expect, test } from '@jest/globals';
import { manifest } from '../../src/contract/manifest.js';
import { allValidatorPaths, getValidator, loadValidators } from '../../src/contract/validators.js';
import { validatorPathsFor } from '../../src/runtime/run.js';

describe('validators', () => {
  test('every connection and action input schema has one, loaded with the library', () => {
    const paths = [...Object.values(manifest.connections).map((c) => c.schema), ...manifest.actions.map((a) => a.input_schema)];
    expect(new Set(allValidatorPaths())).toEqual(new Set(paths));
    for (const path of paths) expect(typeof getValidator(path)).toBe('function');
  });

  test('loadValidators is a no-op for loaded ones and refuses an unknown path', async () => {
    const before = getValidator('schemas/connections/invicti.json');
    await loadValidators(allValidatorPaths());
    expect(getValidator('schemas/connections/invicti.json')).toBe(before);
    await expect(loadValidators(['schemas/actions/nope.input.json'])).rejects.toThrow(/no precompiled validator for schemas\/actions\/nope\.input\.json/);
    expect(() => getValidator('schemas/actions/nope.input.json')).toThrow(/npm run generate/);
  });

  test('validatorPathsFor names the connection, the input and, for a wait, the polled input', () => {
    expect(validatorPathsFor('invicti_scan_retest')).toEqual(['schemas/connections/invicti.json', 'schemas/actions/invicti_scan_retest.input.json']);
    expect(validatorPathsFor('invicti_scan_wait')).toEqual([
      'schemas/connections/invicti.json',
      'schemas/actions/invicti_scan_wait.input.json',
      'schemas/actions/invicti_scan_status.input.json',
    ]);
  });
});
