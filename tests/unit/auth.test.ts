// The one auth module: every kind connector.json can declare, applied, listed, masked and described
// by src/runtime/auth.ts; the manifest's connections agree with their schemas about which fields are secret.
import { describe, expect, test } from '@jest/globals';
import type { Auth } from '../../src/runtime/auth.js';
import { applyAuth, authFields, authSecrets, describeAuth, maskAuth, secretFields } from '../../src/runtime/auth.js';
import { getAction, manifest } from '../../src/contract/manifest.js';
import { getSchema } from '../../src/contract/schema-files.js';
import type { ResolvedConnection } from '../../src/runtime/connection.js';
import { redactRequest } from '../../src/runtime/redact.js';
import { prepareRequest } from '../../src/runtime/request.js';

const BASIC: Auth = { type: 'basic', username: 'user_id', password: 'api_token' };
const BEARER: Auth = { type: 'header', header: 'Authorization', value: 'api_key', prefix: 'Bearer ' };
const PLAIN_HEADER: Auth = { type: 'header', header: 'X-Api-Key', value: 'api_key' };
const QUERY: Auth = { type: 'query', parameter: 'api_key', value: 'api_key' };

const KEY = 'k3y-with/slash+plus';
const fields = Object.freeze({ url: 'https://api.example.com', user_id: 'alice', api_token: 'tok-0123456789', api_key: KEY });

/** A resolved connection of the invicti schema but with another auth: what prepareRequest and redactRequest see. */
function connectionWith(auth: Auth, secrets: string[]): ResolvedConnection {
  return {
    id: 'third',
    declaration: { title: 'Third', vendor: 'third', schema: 'schemas/connections/invicti.json', auth },
    fields,
    baseUrl: 'https://api.example.com',
    verifySsl: true,
    timeoutMs: 1000,
    httpProxy: undefined,
    caFile: undefined,
    maxResponseBytes: 1000,
    secrets,
  };
}

describe('applyAuth: what each kind adds to a request', () => {
  test('basic: Authorization: Basic base64(username:password)', () => {
    expect(applyAuth(BASIC, fields)).toEqual({ headers: { Authorization: `Basic ${Buffer.from('alice:tok-0123456789').toString('base64')}` }, query: [] });
  });
  test('header with a prefix: Authorization: Bearer <key>', () => {
    expect(applyAuth(BEARER, fields)).toEqual({ headers: { Authorization: `Bearer ${KEY}` }, query: [] });
  });
  test('header without a prefix: the bare key', () => {
    expect(applyAuth(PLAIN_HEADER, fields)).toEqual({ headers: { 'X-Api-Key': KEY }, query: [] });
  });
  test('query: one parameter, raw (the request encodes it)', () => {
    expect(applyAuth(QUERY, fields)).toEqual({ headers: {}, query: [['api_key', KEY]] });
  });
});

describe('the fields an auth reads, and which are secret', () => {
  test('basic reads a user name and a secret; header and query read a secret', () => {
    expect(authFields(BASIC)).toEqual([
      { field: 'user_id', secret: false },
      { field: 'api_token', secret: true },
    ]);
    expect(authFields(BEARER)).toEqual([{ field: 'api_key', secret: true }]);
    expect(authFields(QUERY)).toEqual([{ field: 'api_key', secret: true }]);
  });

  test('secret values include the forms on the wire: Basic base64, the query pair', () => {
    const declaration = { ...manifest.connections.invicti!, auth: BASIC };
    expect(authSecrets(declaration, fields)).toEqual(['tok-0123456789', Buffer.from('alice:tok-0123456789').toString('base64')]);
    const query = { ...manifest.connections.invicti!, auth: QUERY };
    expect(authSecrets(query, fields)).toEqual(expect.arrayContaining([KEY, 'api_key=k3y-with%2Fslash%2Bplus']));
  });

  test.each(Object.entries(manifest.connections))('connection %s: every secret auth field is writeOnly with format password in its schema (forms mask it)', (_, connection) => {
    const properties = getSchema(connection.schema).properties as Record<string, { writeOnly?: boolean; format?: string }>;
    for (const { field, secret } of authFields(connection.auth)) {
      expect(properties[field]).toBeDefined();
      if (secret) expect(properties[field]).toMatchObject({ writeOnly: true, format: 'password' });
    }
    for (const field of secretFields(connection)) expect(properties[field]).toMatchObject({ writeOnly: true });
  });
});

describe('on the wire and as shown', () => {
  const action = getAction(manifest.actions.find((a) => a.method === 'GET' && a.request.query)!.id);
  const input = JSON.parse(JSON.stringify((getSchema(action.input_schema).examples as unknown[])[0]));

  test('Bearer: the header is sent whole, and shown as "Bearer ***"', () => {
    const connection = connectionWith(BEARER, [KEY]);
    const request = prepareRequest(action, input, connection);
    expect(request.headers.Authorization).toBe(`Bearer ${KEY}`);
    const shown = redactRequest(request, connection);
    expect(shown.headers.Authorization).toBe('Bearer ***');
    expect(JSON.stringify(shown)).not.toContain(KEY);
  });

  test('query: the key is the last query pair, percent-encoded, and shown as api_key=***', () => {
    const connection = connectionWith(QUERY, authSecrets({ ...manifest.connections.invicti!, auth: QUERY }, fields));
    const request = prepareRequest(action, input, connection);
    expect(request.url).toMatch(/[?&]api_key=k3y-with%2Fslash%2Bplus$/);
    expect(request.headers).not.toHaveProperty('Authorization');
    const shown = redactRequest(request, connection);
    expect(shown.url).toMatch(/[?&]api_key=\*\*\*$/);
    expect(JSON.stringify(shown)).not.toContain('k3y');
  });

  test('a short query key is still masked in a shown URL (its name=value pair is a secret form)', () => {
    const short = Object.freeze({ ...fields, api_key: 'ab1' });
    const secrets = authSecrets({ ...manifest.connections.invicti!, auth: QUERY }, short);
    const url = maskAuth(QUERY, { url: 'https://h/x?a=1&api_key=ab1', headers: {} }).url;
    expect(url).toBe('https://h/x?a=1&api_key=***');
    expect(secrets).toContain('api_key=ab1');
  });

  test('maskAuth leaves other headers and other parameters alone', () => {
    const shown = maskAuth(PLAIN_HEADER, { url: 'https://h/x?api_key=visible', headers: { 'x-api-key': KEY, Accept: 'application/json' } });
    expect(shown.headers).toEqual({ 'x-api-key': '***', Accept: 'application/json' });
    expect(shown.url).toBe('https://h/x?api_key=visible');
  });
});

test('describeAuth: one line per kind for the docs', () => {
  expect(describeAuth(BASIC)).toBe('`Authorization: Basic base64(user_id:api_token)`');
  expect(describeAuth(BEARER)).toBe('`Authorization: Bearer <api_key>`');
  expect(describeAuth(PLAIN_HEADER)).toBe('`X-Api-Key: <api_key>`');
  expect(describeAuth(QUERY)).toBe('query parameter `api_key=<api_key>`');
});
