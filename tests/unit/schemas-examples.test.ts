// The schemas are read by more than ajv: docs print their examples, and
// browsers compile their patterns into form fields. Both must hold.
import { describe, expect, test } from '@jest/globals';
import { manifest } from '../../src/contract/manifest.js';
import { compileValidator, listSchemaFiles, getSchema } from '../../src/contract/schemas.js';
import { seedEnvelope } from '../helpers/fixtures.js';

const actionSchemas = manifest.actions.flatMap((a) => [a.input_schema, a.output_schema]);

describe('every action schema example validates against its own schema', () => {
  test.each(actionSchemas)('%s', (path) => {
    const examples = getSchema(path).examples;
    expect(Array.isArray(examples) && examples.length > 0).toBe(true);
    const validate = compileValidator(path);
    for (const example of examples as unknown[]) {
      const ok = validate(example);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  test('output examples are envelopes: the real capture for the retest, seed 003 (reason fixed) for newfromscan', () => {
    const example = (id: string) => (getSchema(`schemas/actions/${id}.output.json`).examples as unknown[])[0];
    expect(example('invicti_scan_retest')).toEqual(seedEnvelope('invicti_scan_retest'));
    expect(example('invicti_scan_launch_new_from_scan')).toEqual({
      ...seedEnvelope('invicti_scan_launch_new_from_scan'),
      reason: 'Created',
    });
    expect(example('attackforge_request_new_project_retest')).toMatchObject({
      status_code: 200,
      reason: 'OK',
      json_body: { status: 'Project retest requested for Project 66333e1d110ab5acf8a4354e' },
    });
  });
});

/** Every `pattern` keyword in a schema, with the JSON path it sits at. */
function patternsIn(node: unknown, at: string, out: Array<[string, string]>): Array<[string, string]> {
  if (Array.isArray(node)) node.forEach((n, i) => patternsIn(n, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      // Under "properties" the keys are field names: a field called "pattern" is not the keyword.
      if (key === 'pattern' && typeof value === 'string' && !at.endsWith('/properties')) out.push([`${at}/pattern`, value]);
      patternsIn(value, `${at}/${key}`, out);
    }
  }
  return out;
}

describe('schema patterns compile as HTML pattern attributes', () => {
  // Chromium compiles <input pattern> with the `v` flag, where an unescaped `-`
  // or `(` inside a character class is a syntax error and the check is dropped.
  const patterns = listSchemaFiles().flatMap((file) => patternsIn(getSchema(file), file, []));

  test('the schemas have patterns to check', () => {
    expect(patterns.length).toBeGreaterThan(5);
  });

  test.each(patterns)('%s compiles with the v flag', (_where, pattern) => {
    expect(() => new RegExp(pattern, 'v')).not.toThrow();
    // and means the same as with the u flag ajv uses, on a few probes
    const u = new RegExp(pattern, 'u');
    const v = new RegExp(pattern, 'v');
    for (const probe of ['', '-', 'a-b', '2025-03-23T00:00:00-07:00', 'af6d0ffd-529e-4056-b39f-b141021fae74']) {
      expect(v.test(probe)).toBe(u.test(probe));
    }
  });
});
