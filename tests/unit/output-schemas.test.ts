// The output schemas must accept what the vendors really send: the seeds'
// examples (seed 000 is a real capture full of nulls), an instance of the
// vendor Swagger's ScanTaskModel, and AttackForge's documented answer.
import { describe, expect, test } from '@jest/globals';
import { getSchema, compileValidator } from '../../src/contract/schemas.js';
import { fixture, seedEnvelope } from '../helpers/fixtures.js';

const swagger = fixture('vendor/invicti-swagger.excerpt.json');
const defs = swagger.definitions as Record<string, any>;

/** An instance of a Swagger model the way Swagger UI renders its example: every property, one value each. */
function swaggerInstance(model: any): unknown {
  if (model.$ref) return swaggerInstance(defs[model.$ref.split('/').pop()]);
  if (model.enum) return model.enum[model.enum.length - 1];
  switch (model.type) {
    case 'object':
      return Object.fromEntries(Object.entries<any>(model.properties ?? {}).map(([k, v]) => [k, swaggerInstance(v)]));
    case 'array':
      return [swaggerInstance(model.items)];
    case 'integer':
      return 2147483647;
    case 'boolean':
      return true;
    default:
      return model.format === 'date-time' ? '2024-03-28T06:07:58.141Z' : (model.example ?? 'string');
  }
}

const validatorFor = (actionId: string) => compileValidator(`schemas/actions/${actionId}.output.json`);

describe('Invicti output schemas', () => {
  test.each(['invicti_scan_retest', 'invicti_scan_launch_new_from_scan'])('%s accepts the seed examples', (actionId) => {
    for (const seedAction of ['invicti_scan_retest', 'invicti_scan_launch_new_from_scan']) {
      const validate = validatorFor(actionId);
      const ok = validate(seedEnvelope(seedAction));
      expect(validate.errors ?? null).toBeNull();
      expect(ok).toBe(true);
    }
  });

  test('ScanTaskModel accepts an instance of the vendor Swagger model', () => {
    const validate = compileValidator('schemas/invicti/ScanTaskModel.json');
    const instance = swaggerInstance(defs.ScanTaskModel);
    expect(validate(instance)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
  });

  test('ScanTaskModel accepts null in every property but its Id and State (real responses carry null where the Swagger declares none)', () => {
    const validate = compileValidator('schemas/invicti/ScanTaskModel.json');
    const allNull = Object.fromEntries(Object.keys(defs.ScanTaskModel.properties).map((k) => [k, null]));
    expect(validate({ ...allNull, Id: 'af6d0ffd-529e-4056-b39f-b141021fae74', State: 'Queued' })).toBe(true);
    expect(validate({ ...allNull, Id: 'af6d0ffd-529e-4056-b39f-b141021fae74' })).toBe(false);
    expect(validate(allNull)).toBe(false);
  });

  test('ScanTaskModel has all 96 vendor properties with the vendor types and enums', () => {
    const ours = getSchema('schemas/invicti/ScanTaskModel.json') as any;
    const theirs = defs.ScanTaskModel.properties as Record<string, any>;
    expect(Object.keys(theirs)).toHaveLength(96);
    expect(Object.keys(ours.properties)).toEqual(Object.keys(theirs));
    for (const [name, vendor] of Object.entries(theirs)) {
      const mine = ours.properties[name];
      if (vendor.$ref) {
        expect(mine.anyOf).toEqual([{ $ref: vendor.$ref }, { type: 'null' }]);
        continue;
      }
      // Id and State identify the scan task: required and never null, so a body of another shape is not taken for one.
      const identity = name === 'Id' || name === 'State';
      expect(mine.type).toEqual(identity ? vendor.type : [vendor.type, 'null']);
      if (vendor.enum) expect(mine.enum).toEqual(identity ? vendor.enum : [...vendor.enum, null]);
      if (vendor.items?.$ref) expect(mine.items).toEqual({ $ref: vendor.items.$ref });
      if (vendor.items?.type) expect(mine.items.type).toBe(vendor.items.type);
    }
    for (const name of Object.keys(ours.definitions)) expect(defs[name]).toBeDefined();
  });

  test('Id and State are required: an object that is not a scan task (e.g. { "foo": 1 }) is not a ScanTaskModel', () => {
    const validate = compileValidator('schemas/invicti/ScanTaskModel.json');
    expect((getSchema('schemas/invicti/ScanTaskModel.json') as any).required).toEqual(['Id', 'State']);
    expect(validate({ foo: 1 })).toBe(false);
    expect(validate({ Id: null, State: 'Queued' })).toBe(false);
  });

  test('Tags is an array of strings, as the vendor says (seed 000 lists file_name/file under it: a doc artefact)', () => {
    const validate = compileValidator('schemas/invicti/ScanTaskModel.json');
    const Id = 'af6d0ffd-529e-4056-b39f-b141021fae74';
    expect(validate({ Id, State: 'Queued', Tags: ['pci', 'prod'] })).toBe(true);
    expect(validate({ Id, State: 'Queued', Tags: [{ file_name: 'a', file: 'b' }] })).toBe(false);
  });

  test('the vendor enums are enforced: an unknown State is not a ScanTaskModel', () => {
    const validate = compileValidator('schemas/invicti/ScanTaskModel.json');
    expect(validate({ Id: 'af6d0ffd-529e-4056-b39f-b141021fae74', State: 'Queued' })).toBe(true);
    expect(validate({ Id: 'af6d0ffd-529e-4056-b39f-b141021fae74', State: 'Exploded' })).toBe(false);
  });

  test('error envelopes validate too: { Message } and non-JSON bodies', () => {
    const validate = validatorFor('invicti_scan_retest');
    expect(
      validate({ status_code: 400, reason: 'Bad Request', response_headers: {}, json_body: { Message: 'The base scan is running.' } }),
    ).toBe(true);
    expect(
      validate({ status_code: 502, reason: 'Bad Gateway', response_headers: { 'Content-Type': 'text/html' }, json_body: null, response_text: '<html></html>' }),
    ).toBe(true);
  });

  test('a 201 body that is not a ScanTaskModel fails, { Message } included (issue 11: { "foo": 1 } used to pass; issue 18: the error belongs to non-2xx)', () => {
    for (const actionId of ['invicti_scan_retest', 'invicti_scan_launch_new_from_scan']) {
      const validate = validatorFor(actionId);
      const envelope = (json_body: unknown) => ({ status_code: 201, reason: 'Created', response_headers: {}, json_body });
      expect(validate(envelope({ foo: 1 }))).toBe(false);
      expect(validate(envelope({}))).toBe(false);
      expect(validate(envelope({ Message: null }))).toBe(false);
      expect(validate(envelope({ Message: 'Scan limit reached.' }))).toBe(false);
      expect(validate({ ...envelope({ Message: 'Scan limit reached.' }), status_code: 400, reason: 'Bad Request' })).toBe(true);
      expect(validate(envelope({ Id: 'af6d0ffd-529e-4056-b39f-b141021fae74', State: 'Queued' }))).toBe(true);
    }
  });
});

describe('AttackForge output schema', () => {
  const doc = fixture('seeds/attackforge_request_new_project_retest.example.json');
  test('accepts the documented answer', () => {
    const validate = validatorFor('attackforge_request_new_project_retest');
    const envelope = { status_code: 200, reason: 'OK', response_headers: { 'Content-Type': 'application/json' }, json_body: doc.response.json_body };
    expect(validate(envelope)).toBe(true);
  });
});

describe('the envelope', () => {
  test('requires status_code, reason, response_headers and json_body, and nothing unknown', () => {
    const validate = compileValidator('schemas/shared/envelope.json');
    expect(validate({ status_code: 201, reason: 'Created', response_headers: {} })).toBe(false);
    expect(validate({ status_code: 201, reason: 'Created', response_headers: {}, json_body: null, extra: 1 })).toBe(false);
    expect(validate({ status_code: 201, reason: 'Created', response_headers: { a: 'b' }, json_body: [1] })).toBe(true);
  });
});
