// Property: for any `parameters` / `path_parameters` value, an action either
// sends one GET/POST to exactly its declared path (placeholders filled) plus
// the query string encoded as declared (schema order, encodeURIComponent with
// ! ' ( ) * escaped too, true/false, digits, absent left out) -- or refuses with INPUT_INVALID and
// sends nothing. Against a real loopback server, so the bytes are the ones
// that crossed the socket.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import fc from 'fast-check';
import { getAction, runAction } from '../../src/index.js';
import { getSchema } from '../../src/contract/schemas.js';
import { GUID, PROJECT_ID } from '../helpers/fixtures.js';
import { type LoopbackServer, reply, startServer } from '../helpers/servers.js';
import { sentOrRefused } from '../helpers/property.js';

jest.setTimeout(60_000);

let server: LoopbackServer;
beforeAll(async () => {
  server = await startServer(reply(200, '{}', { 'Content-Type': 'application/json' }));
});
afterAll(() => server.close());

const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '&', '=', '?', '#', '%', '%20', '+', '../', '{ is_retest: { $eq: "Yes" } }', 'a&b=c', '\u0000', '\r\n', '😀', '\uD800'),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
);
const scalar = fc.oneof(hostileString, fc.integer({ min: -5, max: 700 }), fc.boolean(), fc.double(), fc.constant(null));
const anyValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string(), scalar, { maxKeys: 2 }), fc.anything());

/** The declared property names of the input schema's object at `segment`, in order, with their enums. */
function declared(actionId: string, segment: string): Array<{ name: string; enum?: string[]; type?: string; minimum?: number; maximum?: number }> {
  const props = ((getSchema(getAction(actionId).input_schema) as any).properties[segment]?.properties ?? {}) as Record<string, any>;
  const shared = (getSchema('schemas/shared/inputs.json') as any).definitions as Record<string, any>;
  return Object.entries(props).map(([name, p]) => {
    const s = p.$ref ? shared[p.$ref.split('/').pop()] : p;
    return { name, enum: s.enum, type: s.type, minimum: s.minimum, maximum: s.maximum };
  });
}

/** An object over the declared keys (the required ones and any subset of the rest, any values; enum members and plausible values likely), sometimes with an extra key. */
function parametersArb(actionId: string, segment: string, fixed: Record<string, fc.Arbitrary<unknown>> = {}) {
  const keys = declared(actionId, segment);
  const record = Object.fromEntries(
    keys.map(({ name, enum: values, type, minimum, maximum }) => {
      const plausible: fc.Arbitrary<unknown> = values
        ? fc.constantFrom(...values)
        : type === 'boolean'
          ? fc.boolean()
          : type === 'integer'
            ? fc.integer({ min: (minimum ?? 0) - 1, max: Math.min(maximum ?? 1000, 100000) + 1 })
            : fc.oneof(hostileString, fc.string({ minLength: 1, maxLength: 20 }));
      return [name, fixed[name] ?? fc.oneof({ weight: 6, arbitrary: plausible }, { weight: 1, arbitrary: anyValue })];
    }),
  );
  const required = ((getSchema(getAction(actionId).input_schema) as any).properties[segment].required ?? []) as string[];
  return fc.tuple(fc.record(record, { requiredKeys: required }), fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), anyValue), { freq: 6 })).map(([params, extra]) =>
    extra ? { ...params, [extra[0]]: extra[1] } : params,
  );
}

/** The query string the declaration promises, computed here independently of the runtime. */
function expectedQuery(actionId: string, params: Record<string, unknown>): string {
  const pairs = declared(actionId, 'parameters')
    .filter(({ name }) => params[name] !== undefined)
    .map(({ name }) => `${name}=${encodeURIComponent(String(params[name])).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

const fillPath = (template: string, values: Record<string, unknown>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])).replace(/\./g, '%2E'));

const invicti = () => ({ url: server.url, user_id: 'prop-user', api_token: 'prop-token' });
const attackforge = () => ({ url: server.url, api_key: 'prop-key' });

const CASES = [
  { id: 'invicti_issues_waiting_for_retest', connection: invicti, input: parametersArb('invicti_issues_waiting_for_retest', 'parameters').map((parameters) => ({ parameters })) },
  { id: 'invicti_scans_list', connection: invicti, input: parametersArb('invicti_scans_list', 'parameters').map((parameters) => ({ parameters })) },
  {
    id: 'invicti_scan_report',
    connection: invicti,
    input: parametersArb('invicti_scan_report', 'parameters', { id: fc.oneof({ weight: 4, arbitrary: fc.constant(GUID) }, { weight: 1, arbitrary: anyValue }) }).map((parameters) => ({ parameters })),
  },
  {
    id: 'invicti_scan_custom_report',
    connection: invicti,
    input: parametersArb('invicti_scan_custom_report', 'parameters', { id: fc.oneof({ weight: 4, arbitrary: fc.constant(GUID) }, { weight: 1, arbitrary: anyValue }) }).map((parameters) => ({ parameters })),
  },
  {
    id: 'attackforge_get_project_vulnerabilities',
    connection: attackforge,
    input: fc.record({
      path_parameters: fc.oneof({ weight: 5, arbitrary: fc.constant({ id: PROJECT_ID }) }, { weight: 1, arbitrary: fc.record({ id: anyValue }) }),
      parameters: parametersArb('attackforge_get_project_vulnerabilities', 'parameters', {
        startDate: fc.oneof(fc.constant('2025-01-01T00:00:00+02:00'), anyValue),
        endDate: fc.oneof(fc.constant('2025-12-31T23:59:59.999Z'), anyValue),
      }),
    }, { requiredKeys: ['path_parameters'] }),
  },
  {
    id: 'attackforge_cancel_project_retest_round',
    connection: attackforge,
    input: fc.record({
      path_parameters: fc.record({
        id: fc.oneof({ weight: 5, arbitrary: fc.constant(PROJECT_ID) }, { weight: 1, arbitrary: anyValue }),
        roundNumber: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -3, max: 2 ** 31 }) }, { weight: 1, arbitrary: anyValue }),
      }),
    }),
  },
  {
    id: 'invicti_scan_detail',
    connection: invicti,
    input: fc.record({ path_parameters: fc.record({ id: fc.oneof({ weight: 3, arbitrary: fc.constant(GUID) }, { weight: 2, arbitrary: anyValue }) }) }),
  },
];

describe.each(CASES)('$id: any parameters / path_parameters', ({ id, connection, input }) => {
  test('the declared path plus the encoded query string, or INPUT_INVALID with nothing sent', async () => {
    const action = getAction(id);
    let sent = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(input, async (value: any) => {
        const outcome = await sentOrRefused(server, () => runAction(id, value, connection(), { retry: { maxAttempts: 1 } }));
        if (!outcome) {
          refused += 1;
          return;
        }
        const { requests } = outcome;
        sent += 1;
        expect(requests).toHaveLength(1);
        expect(requests[0]!.method).toBe(action.method);
        const path = fillPath(action.path, value.path_parameters ?? {});
        expect(requests[0]!.url).toBe(path + expectedQuery(id, value.parameters ?? {}));
        // Decoded, every value arrives exactly as given.
        const query = new URL(requests[0]!.url, server.url).searchParams;
        for (const [name, v] of Object.entries<unknown>(value.parameters ?? {})) expect(query.get(name)).toBe(String(v));
      }),
      { numRuns: 150, seed: 20251121 },
    );
    expect(sent).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
