// Self-contained schemas: what a client that sees one schema alone (an MCP
// tool, `describe --json`) compiles and validates with.
import { describe, expect, test } from '@jest/globals';
import { bundleSchema } from '../../src/contract/bundle.js';
import { manifest } from '../../src/contract/manifest.js';
import { createAjv, getSchema, compileValidator } from '../../src/contract/schemas.js';

const actionSchemas = manifest.actions.flatMap((a) => [a.input_schema, a.output_schema]);

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refsIn(value, out);
    }
  }
  return out;
}

describe('bundleSchema', () => {
  test.each(actionSchemas)('%s: every $ref internal, compiles alone in strict mode, same verdicts as the registry', (path) => {
    const bundled = bundleSchema(path);
    expect(refsIn(bundled).filter((ref) => !ref.startsWith('#'))).toEqual([]);
    expect(bundled.$id).toBeUndefined();
    // A fresh Ajv that knows no other schema: nothing may resolve outside the document.
    const validate = createAjv().compile(bundled);
    const original = compileValidator(path);
    const examples = (getSchema(path).examples as unknown[] | undefined) ?? [];
    const invalid = [{}, null, 'text', { status_code: 99 }, { json_body: { Message: 1 } }];
    for (const value of [...examples, ...invalid]) expect(validate(value)).toBe(original(value));
  });

  test('embeds each referenced file once, under a readable key, rewriting its internal refs', () => {
    const bundled = bundleSchema('schemas/actions/invicti_scan_retest.output.json');
    const definitions = bundled.definitions as Record<string, Record<string, unknown>>;
    expect(Object.keys(definitions).sort()).toEqual(['invicti.BaseResponseApiModel', 'invicti.ScanTaskModel', 'shared.envelope']);
    expect(definitions['invicti.ScanTaskModel']!.$id).toBeUndefined();
    expect(refsIn(definitions['invicti.ScanTaskModel']).every((ref) => ref.startsWith('#/definitions/invicti.ScanTaskModel/definitions/'))).toBe(true);
  });

  test('leaves the registry copy untouched', () => {
    const before = JSON.stringify(getSchema('schemas/actions/invicti_scan_retest.output.json'));
    bundleSchema('schemas/actions/invicti_scan_retest.output.json');
    expect(JSON.stringify(getSchema('schemas/actions/invicti_scan_retest.output.json'))).toBe(before);
  });
});
