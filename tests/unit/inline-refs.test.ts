// The palette renders forms with rjsf, which resolves only local $refs: its
// schemas are embedded with cross-file $refs inlined. The inlined schema must
// say exactly what the original says.
import { describe, expect, test } from '@jest/globals';
import { inlineRefs } from '../../src/contract/inline-refs.js';
import { manifest } from '../../src/contract/manifest.js';
import { createAjv, getSchema, getValidator } from '../../src/contract/schemas.js';

const inputs = manifest.actions.map((a) => a.input_schema);

describe('inlineRefs', () => {
  test.each(inputs)('%s: no $ref left; the same examples and refusals as the original', (path) => {
    const inlined = inlineRefs(path);
    expect(JSON.stringify(inlined)).not.toContain('"$ref"');
    const ajv = createAjv();
    const validate = ajv.compile(inlined);
    const original = getValidator(path);
    const examples = getSchema(path).examples as unknown[];
    for (const example of examples) expect(validate(example)).toBe(true);
    for (const bad of [{}, { unexpected: 1 }, { path_parameters: { id: 'x' } }, { parameters: { id: 'not-a-guid', page: 0 } }, { json_body: { TargetUri: 1 } }]) {
      expect([bad, validate(bad)]).toEqual([bad, original(bad)]);
    }
  });

  test('a property keeps its own title, description and examples over the target\'s', () => {
    const inlined = inlineRefs('schemas/actions/invicti_scan_detail.input.json') as any;
    const id = inlined.properties.path_parameters.properties.id;
    expect(id).toMatchObject({ title: 'Scan ID', type: 'string', pattern: expect.stringContaining('[0-9A-Fa-f]{8}') });
    expect(id.description).toBe('Identifier (GUID) of the scan.');
  });
});
