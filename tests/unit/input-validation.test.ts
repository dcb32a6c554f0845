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
    [{}, 'Request body: required'],
    [{ json_body: {} }, 'Base scan ID: required'],
    [{ json_body: { BaseScanId: '' } }, 'Base scan ID: a GUID (hexadecimal digits in groups of 8-4-4-4-12), e.g. af6d0ffd-529e-4056-b39f-b141021fae74'],
    [{ json_body: { BaseScanId: 42 } }, 'Base scan ID: a GUID (hexadecimal digits in groups of 8-4-4-4-12), e.g. af6d0ffd-529e-4056-b39f-b141021fae74'],
    [{ json_body: { BaseScanId: 'not-a-guid' } }, 'Base scan ID: a GUID (hexadecimal digits in groups of 8-4-4-4-12), e.g. af6d0ffd-529e-4056-b39f-b141021fae74'],
    [{ json_body: { BaseScanId: GUID, Extra: 1 } }, 'json_body.Extra: not an allowed field'],
    [{ json_body: { BaseScanId: GUID }, other: true }, 'other: not an allowed field'],
    [{ json_body: { BaseScanId: GUID, AgentName: '' } }, 'Agent name: not empty'],
    [{ json_body: { BaseScanId: GUID, AgentName: null } }, 'Agent name: text, not empty, e.g. Default Agent'],
    [null, 'Scan Retest input: a group of fields (an object)'],
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
        { field: 'json_body.BaseScanId', title: 'Base scan ID', message: 'required' },
        { field: 'json_body.Extra', title: 'json_body.Extra', message: 'not an allowed field' },
        { field: 'json_body.AgentName', title: 'Agent name', message: 'text, not empty, e.g. Default Agent' },
      ]),
    );
  });
});

describe('invicti_scan_launch_new_from_scan input', () => {
  test.each([
    [{ data_body: {} }, 'Scan ID: required'],
    [{ data_body: { id: 'x' } }, 'Scan ID: a GUID (hexadecimal digits in groups of 8-4-4-4-12), e.g. af6d0ffd-529e-4056-b39f-b141021fae74'],
    [{ data_body: GUID }, 'Request data: a group of fields (an object)'],
    [{ id: GUID }, 'Request data: required; id: not an allowed field'],
  ])('%j -> %s, nothing sent', async (input, message) => {
    const { error, sent } = await rejection('invicti_scan_launch_new_from_scan', input, invicti);
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toContain(message);
    expect(sent).toBe(0);
  });
});

describe('attackforge_request_new_project_retest input', () => {
  test.each([
    [afInput({}, {}), 'Project ID: required'],
    [afInput({}, { id: PROJECT_ID, other: 'x' }), 'path_parameters.other: not an allowed field'],
    [afInput({}, { id: 'abc' }), 'Project ID: 24 hexadecimal digits, e.g. 66333e1d110ab5acf8a4354e'],
    [afInput({}, { id: '../../admin' }), 'Project ID: 24 hexadecimal digits, e.g. 66333e1d110ab5acf8a4354e'],
    [afInput({ retesting_window_start: undefined }), 'Retesting window start: required'],
    [afInput({ retesting_window_start: '23/03/2025' }), 'Retesting window start: a date-time with an offset, e.g. 2025-03-23T00:00:00.000Z'],
    [afInput({ retesting_window_start: '2025-03-23' }), 'Retesting window start: a date-time with an offset, e.g. 2025-03-23T00:00:00.000Z'],
    [afInput({ retesting_window_start: '2025-03-23T00:00:00' }), 'Retesting window start: a date-time with an offset, e.g. 2025-03-23T00:00:00.000Z'],
    [afInput({ retesting_window_start: '2025-02-30T00:00:00Z' }), 'Retesting window start: a date-time with an offset, e.g. 2025-03-23T00:00:00.000Z'],
    [afInput({ retesting_window_end: '2025-03-22T00:00:00.000Z' }), 'Retesting window end: not before Retesting window start'],
    [afInput({ vulnerability_ids: [] }), 'Vulnerability IDs: at least 1 item'],
    [afInput({ vulnerability_ids: [VULN_ID, VULN_ID] }), 'Vulnerability IDs: no duplicates (#1 and #2 are the same)'],
    [afInput({ vulnerability_ids: ['nope'] }), 'Vulnerability ID #1: 24 hexadecimal digits, e.g. 6639508f50523053f459d29f'],
    [afInput({ vulnerability_ids: VULN_ID }), 'Vulnerability IDs: a list'],
    [afInput({ project: 'x' }), 'json_body.project: not an allowed field'],
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
    [{ url: invicti.url, user_id: 'u' }, 'API token: required'],
    [{ ...invicti, verify_ssl: 'yes' }, 'Verify TLS certificates: true or false'],
    [{ ...invicti, url: 'ftp://invicti.test' }, 'URL: an http(s) URL, e.g. https://www.netsparkercloud.com'],
    [{ ...invicti, url: 'https://user:pw@invicti.test' }, 'connection.url must not contain credentials'],
    [{ ...invicti, user_id: 'a:b' }, 'User ID: printable characters without spaces or colons, e.g. 7d85ab71641d4fed096fb11404a17c3d'],
    [{ ...invicti, api_token: 'tok\r\nX-Injected: 1' }, 'API token: printable characters without spaces'],
    [{ ...invicti, timeout_ms: 0 }, 'Timeout (ms): a whole number from 1 to 600000, e.g. 30000'],
    [{ ...invicti, api_key: 'x' }, 'connection.api_key: not an allowed field'],
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
    expect(error.message).toContain(`(${name.length + 'json_body.'.length} characters): not an allowed field`);
    expect(JSON.stringify(error).length).toBeLessThan(1000);
  });
});
