// What a hostile or broken server can send back, through runAction with an injected transport
// (the wire itself is covered by the transport tests): every answer is either a valid envelope
// with the connection's secrets scrubbed, or a ConnectorError — never a crash, never a secret.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { runAction, type Transport, type TransportResponse } from '../../src/index.js';
import { redact, redactServerText } from '../../src/runtime/redact.js';
import { compileValidator } from '../../src/contract/schemas.js';
import { attackforge, basic, GUID, invicti, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';

const JSON_HEADERS = ['Content-Type', 'application/json; charset=utf-8'];

function answering(response: Partial<Omit<TransportResponse, 'body'>> & { body?: Buffer | string }): Transport & { sent: number } {
  const transport = {
    sent: 0,
    async send(): Promise<TransportResponse> {
      transport.sent += 1;
      const body = response.body ?? '';
      return {
        statusCode: response.statusCode ?? 200,
        statusMessage: response.statusMessage,
        rawHeaders: response.rawHeaders ?? JSON_HEADERS,
        body: Buffer.isBuffer(body) ? body : Buffer.from(body),
      };
    },
  };
  return transport;
}

const retest = (transport: Transport, connection: Record<string, unknown> = invicti) =>
  runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, connection, { transport });

const validEnvelope = compileValidator('schemas/shared/envelope.json');

afterEach(() => {
  jest.restoreAllMocks();
});

describe('defect 3: JSON nested deeper than the bound', () => {
  test('a 201 with [ x5000 + ] x5000 comes back as an envelope: status kept, json_body null, the text in response_text, a warning', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const body = '['.repeat(5000) + ']'.repeat(5000);
    const envelope = await retest(answering({ statusCode: 201, body }));
    expect(envelope).toMatchObject({ status_code: 201, reason: 'Created', json_body: null, response_text: body });
    expect(() => JSON.stringify(envelope, null, 2)).not.toThrow();
    expect(validEnvelope(envelope)).toBe(true);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/nested deeper than 256 levels/);
  });

  test('256 levels still parse; brackets inside strings do not count', async () => {
    const deep = '['.repeat(256) + ']'.repeat(256);
    expect((await retest(answering({ statusCode: 201, body: deep }))).json_body).toEqual(JSON.parse(deep));
    const text = JSON.stringify({ Message: '['.repeat(5000) + '\\"[' });
    expect((await retest(answering({ statusCode: 400, body: text }))).json_body).toEqual(JSON.parse(text));
  });
});

describe('defect 11: a status outside 100-599 is no HTTP response', () => {
  test.each([0, 99, 600, 999])('status %i -> REQUEST_FAILED "invalid status", the request may have been processed', async (statusCode) => {
    await expect(retest(answering({ statusCode, body: '{}' }))).rejects.toMatchObject({
      code: 'REQUEST_FAILED',
      message: expect.stringMatching(new RegExp(`invalid status ${statusCode}.*may have been processed`)),
    });
  });

  test('100 and 599 are envelopes', async () => {
    for (const statusCode of [100, 599]) expect(validEnvelope(await retest(answering({ statusCode, body: '{}' })))).toBe(true);
  });
});

describe('a __proto__ response header is kept', () => {
  test('as an own property, next to the others', async () => {
    const envelope = await retest(answering({ statusCode: 201, rawHeaders: [...JSON_HEADERS, '__proto__', 'x', 'X-A', '1', 'x-a', '2'], body: '{}' }));
    expect(Object.hasOwn(envelope.response_headers, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(envelope.response_headers)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(envelope.response_headers))).toEqual({ 'Content-Type': 'application/json; charset=utf-8', ['__proto__']: 'x', 'X-A': '1, 2' });
  });
});

describe('defect 8: a server that reflects credentials', () => {
  const AUTH = basic(invicti.user_id, invicti.api_token);
  const B64 = AUTH.slice('Basic '.length);

  test('Invicti: the Authorization value in the reason, a header and the JSON body is scrubbed', async () => {
    const envelope = await retest(
      answering({
        statusCode: 401,
        statusMessage: `Denied ${AUTH}`,
        rawHeaders: [...JSON_HEADERS, 'X-Echo-Authorization', AUTH, `X-${invicti.api_token}`, 'token in the name'],
        body: JSON.stringify({ Message: `bad credentials ${invicti.api_token}`, echo: { headers: { authorization: AUTH }, [B64]: [invicti.api_token] } }),
      }),
    );
    const printed = JSON.stringify(envelope);
    for (const secret of [invicti.api_token, B64, encodeURIComponent(invicti.api_token)]) expect(printed).not.toContain(secret);
    expect(envelope.reason).toBe('Denied Basic ***');
    expect(envelope.response_headers['X-Echo-Authorization']).toBe('Basic ***');
    expect(envelope.json_body).toEqual({ Message: 'bad credentials ***', echo: { headers: { authorization: 'Basic ***' }, '***': ['***'] } });
    expect(validEnvelope(envelope)).toBe(true);
  });

  test('AttackForge: the SSAPI key echoed in a text body and percent-encoded in a Location header', async () => {
    const key = 'k3y/with+odd=chars&more';
    const envelope = await runAction(
      'attackforge_request_new_project_retest',
      { path_parameters: { id: PROJECT_ID }, json_body: { retesting_window_start: '2025-03-23T00:00:00Z', vulnerability_ids: [VULN_ID] } },
      { ...attackforge, api_key: key },
      {
        transport: answering({
          statusCode: 302,
          rawHeaders: ['Content-Type', 'text/plain', 'Location', `https://elsewhere.test/?k=${encodeURIComponent(key)}`],
          body: `X-SSAPI-KEY: ${key}`,
        }),
      },
    );
    expect(JSON.stringify(envelope)).not.toContain(key);
    expect(JSON.stringify(envelope)).not.toContain(encodeURIComponent(key));
    expect(envelope.response_text).toBe('X-SSAPI-KEY: ***');
    expect(envelope.response_headers.Location).toBe('https://elsewhere.test/?k=***');
  });

  test('a proxy password, raw and decoded, echoed by the server', async () => {
    const envelope = await retest(
      answering({ statusCode: 407, body: JSON.stringify({ Message: 'proxy said p%40ss-word-9 / p@ss-word-9' }) }),
      { ...invicti, http_proxy: 'http://user:p%40ss-word-9@127.0.0.1:3128' },
    );
    expect(envelope.json_body).toEqual({ Message: 'proxy said *** / ***' });
  });

  test('a 201 without any secret is returned unchanged', async () => {
    const body = JSON.stringify({ Id: GUID, State: 'Queued', Note: 'tok' });
    expect(await retest(answering({ statusCode: 201, body }))).toEqual({
      status_code: 201,
      reason: 'Created',
      response_headers: { 'Content-Type': 'application/json; charset=utf-8' },
      json_body: JSON.parse(body),
    });
  });
});

describe('defect 12: short secrets never garble text', () => {
  test('redact: a secret shorter than 8 characters is masked only as a whole value', () => {
    expect(redact('HTTP 401 Unauthorized (exit 1)', ['1'])).toBe('HTTP 401 Unauthorized (exit 1)');
    expect(redact('retest-connectors: invicti_scan_retest: HTTP 400 Bad Request', ['t'])).toBe('retest-connectors: invicti_scan_retest: HTTP 400 Bad Request');
    expect(redact('t', ['t'])).toBe('***');
    expect(redact('a long-secret-123 here', ['long-secret-123'])).toBe('a *** here');
  });

  test('redactServerText: also where it stands as a whole word', () => {
    expect(redactServerText('token t rejected; "t"; t', ['t'])).toBe('token *** rejected; "***"; ***');
    expect(redactServerText('Authorization has been denied for this request.', ['t'])).toBe('Authorization has been denied for this request.');
    expect(redactServerText('v1.2 and 1-2 and x_1', ['1'])).toBe('v1.2 and 1-2 and x_1');
  });

  test('api_token "t": the envelope stays readable, an exact echo is masked, one warning per process', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const connection = { ...invicti, user_id: 'u', api_token: 't' };
    const body = JSON.stringify({ Message: 'Authorization has been denied for this request.', token: 't' });
    const first = await retest(answering({ statusCode: 401, rawHeaders: [...JSON_HEADERS, 'X-Token', 't'], body }), connection);
    expect(first).toEqual({
      status_code: 401,
      reason: 'Unauthorized',
      response_headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Token': '***' },
      json_body: { Message: 'Authorization has been denied for this request.', token: '***' },
    });
    await retest(answering({ statusCode: 401, body }), connection);
    const warnings = warn.mock.calls.filter(([, options]) => (options as { code?: string } | undefined)?.code === 'RETEST_SHORT_SECRET');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]![0])).toMatch(/invicti connection is shorter than 8 characters/);
  });
});

describe('the short-secret warning is for real runs only', () => {
  test('a dry run with a short placeholder secret warns nothing', async () => {
    const { dryRun } = await import('../../src/index.js');
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    dryRun('attackforge_request_new_project_retest', {
      path_parameters: { id: PROJECT_ID },
      json_body: { retesting_window_start: '2025-03-23T00:00:00Z', vulnerability_ids: [VULN_ID] },
    }, { ...attackforge, api_key: 'unset' });
    expect(warn).not.toHaveBeenCalled();
  });
});
