// The palette renders forms with rjsf, which resolves only local $refs: its
// schemas are embedded with cross-file $refs inlined. The inlined schema must
// say exactly what the original says.
import { describe, expect, test } from '@jest/globals';
import { inlineRefs } from '../../src/contract/inline-refs.js';
import { manifest } from '../../src/contract/manifest.js';
import { createAjv, getSchema, compileValidator } from '../../src/contract/schemas.js';

const inputs = manifest.actions.map((a) => a.input_schema);

describe('inlineRefs', () => {
  test.each(inputs)('%s: no $ref left; the same examples and refusals as the original', (path) => {
    const inlined = inlineRefs(path);
    expect(JSON.stringify(inlined)).not.toContain('"$ref"');
    const ajv = createAjv();
    const validate = ajv.compile(inlined);
    const original = compileValidator(path);
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

  test('every input property\'s own examples validate against that property (forms prefill them)', () => {
    const ajv = createAjv();
    const bad: string[] = [];
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== 'object') return;
      // A $data reference points outside the property: checked with the whole input by the examples test.
      if (Array.isArray(node.examples) && !JSON.stringify(node).includes('"$data"')) {
        const { examples, $id: _id, ...rest } = node;
        const validate = ajv.compile(rest);
        for (const example of examples) if (!validate(example)) bad.push(`${path}: ${ajv.errorsText(validate.errors)}`);
      }
      for (const [name, child] of Object.entries<any>(node.properties ?? {})) walk(child, `${path}.${name}`);
      if (node.items) walk(node.items, `${path}[]`);
    };
    for (const action of manifest.actions) walk(inlineRefs(action.input_schema), action.id);
    expect(bad).toEqual([]);
  });
});
