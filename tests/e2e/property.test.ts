// Property: whatever a playbook passes as input, an action either sends one
// request to exactly its own path (and returns the envelope) or refuses with
// INPUT_INVALID before sending anything. Nothing else: no crash, no other
// error, no request to another path. Against a real loopback server.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import fc from 'fast-check';
import { runAction } from '../../src/index.js';
import { GUID, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';
import { type LoopbackServer, reply, startServer } from '../helpers/servers.js';
import { sentOrRefused } from '../helpers/property.js';

jest.setTimeout(60_000);

let server: LoopbackServer;
beforeAll(async () => {
  server = await startServer(reply(201, '{}', { 'Content-Type': 'application/json' }));
});
afterAll(() => server.close());

const HOSTILE = [
  '..',
  '.',
  '../',
  '../../api/1.0/scans/delete',
  '%2e%2e',
  '%2E%2E%2F',
  '%252e%252e',
  '..%2f',
  '..\\',
  '/',
  '?x=1',
  '#x',
  '%3F',
  '%23',
  ';x',
  '．．',
  '／',
  '\u0000',
  '\r\nX-Injected: 1',
  '\uD800',
  '😀',
  'A'.repeat(300),
  '',
  ' ',
  `${PROJECT_ID}/../x`,
  `${PROJECT_ID}?x`,
  `${PROJECT_ID}#`,
  `${GUID}/..`,
];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE), fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));
const hostileValue = fc.oneof(
  hostileString,
  fc.anything(),
  fc.integer({ min: 1001, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(24, '0'))),
  fc.array(hostileString, { maxLength: 5 }),
);

/** The action's valid input, with the value at one path replaced (or an extra key added) by something hostile. */
function mutate(valid: Record<string, unknown>, paths: string[][]) {
  return fc.tuple(fc.constantFrom(...paths), hostileValue, fc.boolean()).map(([path, value, extraKey]) => {
    const input = structuredClone(valid);
    let node: Record<string, unknown> = input;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[extraKey ? `${path.at(-1)}_extra` : path.at(-1)!] = value;
    return input;
  });
}

const anyInput = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
const guid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));

const ACTIONS = [
  {
    id: 'invicti_scan_retest',
    connection: () => ({ url: server.url, user_id: 'prop-user', api_token: 'prop-token' }),
    valid: { json_body: { BaseScanId: GUID, AgentName: 'Default Agent' } },
    paths: [['json_body'], ['json_body', 'BaseScanId'], ['json_body', 'AgentName']],
    validArb: fc.record({ json_body: fc.record({ BaseScanId: guid, AgentName: fc.string({ minLength: 1, maxLength: 256, unit: 'grapheme' }) }, { requiredKeys: ['BaseScanId'] }) }),
    path: /^\/api\/1\.0\/scans\/retest$/,
  },
  {
    id: 'invicti_scan_launch_new_from_scan',
    connection: () => ({ url: server.url, user_id: 'prop-user', api_token: 'prop-token' }),
    valid: { data_body: { id: GUID } },
    paths: [['data_body'], ['data_body', 'id']],
    validArb: fc.record({ data_body: fc.record({ id: guid }) }),
    path: /^\/api\/1\.0\/scans\/newfromscan$/,
  },
  {
    id: 'attackforge_request_new_project_retest',
    connection: () => ({ url: server.url, api_key: 'prop-key' }),
    valid: {
      path_parameters: { id: PROJECT_ID },
      json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', retesting_window_end: '2025-03-30T00:00:00.000Z', vulnerability_ids: [VULN_ID] },
    },
    validArb: fc.record({
      path_parameters: fc.record({ id: hex(24) }),
      json_body: fc.record({ retesting_window_start: fc.constant('2025-03-23T00:00:00.000Z'), vulnerability_ids: fc.uniqueArray(hex(24), { minLength: 1, maxLength: 50 }) }),
    }),
    paths: [['path_parameters'], ['path_parameters', 'id'], ['json_body', 'vulnerability_ids'], ['json_body', 'retesting_window_start'], ['json_body', 'retesting_window_end']],
    path: /^\/api\/ss\/project\/[0-9A-Fa-f]{24}\/retest\/request$/,
  },
];

describe.each(ACTIONS)('$id: any input', (action) => {
  test('gives the envelope of a request to exactly the action path, or INPUT_INVALID with nothing sent', async () => {
    let sent = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyInput, mutate(action.valid, action.paths), action.validArb), async (input) => {
        const outcome = await sentOrRefused(server, () => runAction(action.id, input, action.connection()));
        if (!outcome) {
          refused += 1;
        } else {
          sent += 1;
          expect(outcome.envelope).toMatchObject({ status_code: 201 });
          expect(outcome.requests).toHaveLength(1);
          expect(outcome.requests[0]!.method).toBe('POST');
          expect(outcome.requests[0]!.url).toMatch(action.path);
        }
      }),
      { numRuns: 150, seed: 20250323 },
    );
    // Both branches were exercised: the property is not vacuous.
    expect(sent).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
