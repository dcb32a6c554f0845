// Invalid input never reaches the network, and the error names the field.
import { describe, expect, test } from '@jest/globals';
import { ConnectorError, runAction } from '../../src/index.js';
import { attackforge, GUID, invicti, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';
import { requestsDuring } from '../helpers/wire.js';

async function rejection(actionId: string, input: unknown, connection: object): Promise<{ error: ConnectorError; sent: number }> {
  let error: unknown;
  const origin = actionId.startsWith('invicti') ? invicti.url : attackforge.url;
  const sent = await requestsDuring(origin, async () => {
    try {
      await runAction(actionId, input, connection);
    } catch (e) {
      error = e;
    }
  });
  expect(error).toBeInstanceOf(ConnectorError);
  return { error: error as ConnectorError, sent };
}

const afInput = (body: Record<string, unknown>, pathParameters: Record<string, unknown> = { id: PROJECT_ID }) => ({
  path_parameters: pathParameters,
  json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [VULN_ID], ...body },
});

describe('invicti_scan_retest input', () => {
  test.each([
    [{}, 'json_body is required'],
    [{ json_body: {} }, 'json_body.BaseScanId is required'],
    [{ json_body: { BaseScanId: '' } }, 'json_body.BaseScanId does not have the expected format'],
    [{ json_body: { BaseScanId: 42 } }, 'json_body.BaseScanId must be a string'],
    [{ json_body: { BaseScanId: 'not-a-guid' } }, 'json_body.BaseScanId does not have the expected format (e.g. af6d0ffd-529e-4056-b39f-b141021fae74)'],
    [{ json_body: { BaseScanId: GUID, Extra: 1 } }, 'json_body.Extra is not an allowed property'],
    [{ json_body: { BaseScanId: GUID }, other: true }, 'other is not an allowed property'],
    [{ json_body: { BaseScanId: GUID, AgentName: '' } }, 'json_body.AgentName must not be empty'],
    [{ json_body: { BaseScanId: GUID, AgentName: null } }, 'json_body.AgentName must be a string'],
    [null, '(input) must be an object'],
  ])('%j -> %s, nothing sent', async (input, message) => {
    const { error, sent } = await rejection('invicti_scan_retest', input, invicti);
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toContain(message);
    expect(sent).toBe(0);
  });

  test('details list every problem by field', async () => {
    const { error } = await rejection('invicti_scan_retest', { json_body: { AgentName: 7, Extra: 1 } }, invicti);
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: 'json_body.BaseScanId', message: 'is required' },
        { field: 'json_body.Extra', message: 'is not an allowed property' },
        { field: 'json_body.AgentName', message: 'must be a string' },
      ]),
    );
  });
});

describe('invicti_scan_launch_new_from_scan input', () => {
  test.each([
    [{ data_body: {} }, 'data_body.id is required'],
    [{ data_body: { id: 'x' } }, 'data_body.id does not have the expected format'],
    [{ data_body: GUID }, 'data_body must be an object'],
    [{ id: GUID }, 'data_body is required'],
  ])('%j -> %s, nothing sent', async (input, message) => {
    const { error, sent } = await rejection('invicti_scan_launch_new_from_scan', input, invicti);
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toContain(message);
    expect(sent).toBe(0);
  });
});

describe('attackforge_request_new_project_retest input', () => {
  test.each([
    [afInput({}, {}), 'path_parameters.id is required'],
    [afInput({}, { id: PROJECT_ID, other: 'x' }), 'path_parameters.other is not an allowed property'],
    [afInput({}, { id: 'abc' }), 'path_parameters.id does not have the expected format'],
    [afInput({}, { id: '../../admin' }), 'path_parameters.id does not have the expected format'],
    [afInput({ retesting_window_start: undefined }), 'json_body.retesting_window_start is required'],
    [afInput({ retesting_window_start: '23/03/2025' }), 'json_body.retesting_window_start must be a valid date-time'],
    [afInput({ retesting_window_start: '2025-03-23' }), 'json_body.retesting_window_start must be a valid date-time'],
    [afInput({ retesting_window_start: '2025-03-23T00:00:00' }), 'json_body.retesting_window_start does not have the expected format'],
    [afInput({ retesting_window_start: '2025-02-30T00:00:00Z' }), 'json_body.retesting_window_start must be a valid date-time'],
    [afInput({ retesting_window_end: '2025-03-22T00:00:00.000Z' }), 'json_body.retesting_window_end must not be before json_body.retesting_window_start'],
    [afInput({ vulnerability_ids: [] }), 'json_body.vulnerability_ids must not be empty'],
    [afInput({ vulnerability_ids: [VULN_ID, VULN_ID] }), 'json_body.vulnerability_ids must not contain duplicates'],
    [afInput({ vulnerability_ids: ['nope'] }), 'json_body.vulnerability_ids[0] does not have the expected format'],
    [afInput({ vulnerability_ids: VULN_ID }), 'json_body.vulnerability_ids must be an array'],
    [afInput({ project: 'x' }), 'json_body.project is not an allowed property'],
  ])('%j -> %s, nothing sent', async (input, message) => {
    const { error, sent } = await rejection('attackforge_request_new_project_retest', input, attackforge);
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toContain(message);
    expect(sent).toBe(0);
  });

  test('the window is compared as instants: an end with another offset, later in real time, is accepted', async () => {
    const { prepareAction } = await import('../../src/runtime/run.js');
    const input = afInput({ retesting_window_start: '2025-03-23T10:00:00+02:00', retesting_window_end: '2025-03-23T09:00:00Z' });
    expect(() => prepareAction('attackforge_request_new_project_retest', input, attackforge)).not.toThrow();
  });
});

describe('connections and actions', () => {
  test('an unknown action is UNKNOWN_ACTION and lists the known ones', async () => {
    await expect(runAction('invicti_scan_delete', {}, invicti)).rejects.toMatchObject({
      code: 'UNKNOWN_ACTION',
      message: expect.stringContaining('invicti_scan_retest'),
    });
  });

  test.each([
    [{ url: invicti.url, user_id: 'u' }, 'connection.api_token is required'],
    [{ ...invicti, verify_ssl: 'yes' }, 'connection.verify_ssl must be a boolean'],
    [{ ...invicti, url: 'ftp://invicti.test' }, 'connection.url'],
    [{ ...invicti, url: 'https://user:pw@invicti.test' }, 'connection.url must not contain credentials'],
    [{ ...invicti, user_id: 'a:b' }, 'connection.user_id does not have the expected format'],
    [{ ...invicti, api_token: 'tok\r\nX-Injected: 1' }, 'connection.api_token does not have the expected format'],
    [{ ...invicti, timeout_ms: 0 }, 'connection.timeout_ms must be >= 1'],
    [{ ...invicti, api_key: 'x' }, 'connection.api_key is not an allowed property'],
  ])('bad connection %j -> CONFIG_INVALID %s, secret never echoed', async (connection, message) => {
    const { error, sent } = await rejection('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, connection);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(message);
    expect(JSON.stringify(error)).not.toContain(invicti.api_token);
    expect(JSON.stringify(error)).not.toContain('X-Injected');
    expect(sent).toBe(0);
  });
});

describe('a huge property name is not echoed back', () => {
  test('a 900 KB property name: the message and the detail carry a cut name that says how long it was, once each', async () => {
    const name = 'x'.repeat(900 * 1024);
    const { error, sent } = await rejection('invicti_scan_retest', { json_body: { BaseScanId: GUID, [name]: 1 } }, invicti);
    expect(sent).toBe(0);
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toContain(`json_body.${'x'.repeat(110)}`);
    expect(error.message).toContain(`(${name.length + 'json_body.'.length} characters) is not an allowed property`);
    expect(JSON.stringify(error).length).toBeLessThan(1000);
  });
});
