// Each action against its vendor's wire contract: the seed's example response
// replayed through nock, the request asserted to the byte.
import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import {
  attackforgeRequestNewProjectRetest,
  invictiScanLaunchNewFromScan,
  invictiScanRetest,
  runAction,
} from '../../src/index.js';
import { attackforge, basic, fixture, GUID, invicti, PROJECT_ID, seedEnvelope, VULN_ID } from '../helpers/fixtures.js';
import { capture } from '../helpers/wire.js';

/**
 * Replays a seed's response. The seeds' Content-Length is a documentation
 * artefact (seed 003 says 54 for a 3 KB body), so it is set to the real length;
 * every other header goes out, and must come back, as the seed has it.
 */
function replay(scope: nock.Interceptor, seed: ReturnType<typeof seedEnvelope>, status = seed.status_code) {
  const body = JSON.stringify(seed.json_body);
  const headers = { ...seed.response_headers, 'Content-Length': String(Buffer.byteLength(body)) };
  scope.reply(status, body, headers);
  return headers;
}

describe('invicti_scan_retest: POST /api/1.0/scans/retest', () => {
  test('sends json_body exactly, with Basic auth, and returns the seed envelope', async () => {
    const seed = seedEnvelope('invicti_scan_retest');
    const scope = nock(invicti.url);
    const seen = capture(scope);
    const headers = replay(scope.post('/api/1.0/scans/retest'), seed);

    const envelope = await runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, invicti);

    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.path).toBe('/api/1.0/scans/retest');
    expect(seen[0]!.headers.authorization).toBe(basic(invicti.user_id, invicti.api_token));
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toBe(`{"BaseScanId":"${GUID}"}`);
    expect(envelope).toEqual({
      status_code: 201,
      reason: 'Created',
      response_headers: headers,
      json_body: seed.json_body,
    });
  });

  test('AgentName goes in the body when given, and nothing else is added', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.post('/api/1.0/scans/retest').reply(201, {});
    await invictiScanRetest({ json_body: { AgentName: 'Default Agent', BaseScanId: GUID } }, invicti);
    expect(seen[0]!.body).toBe(`{"AgentName":"Default Agent","BaseScanId":"${GUID}"}`);
    expect(JSON.parse(seen[0]!.body)).not.toHaveProperty('ScanType');
  });
});

describe('invicti_scan_launch_new_from_scan: POST /api/1.0/scans/newfromscan', () => {
  test('sends data_body.id as a bare JSON string (the vendor contract), not an object or a form field', async () => {
    const seed = seedEnvelope('invicti_scan_launch_new_from_scan');
    const scope = nock(invicti.url);
    const seen = capture(scope);
    const headers = replay(scope.post('/api/1.0/scans/newfromscan'), seed, 201);

    const envelope = await invictiScanLaunchNewFromScan({ data_body: { id: GUID } }, invicti);

    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.path).toBe('/api/1.0/scans/newfromscan');
    expect(seen[0]!.headers.authorization).toBe(basic(invicti.user_id, invicti.api_token));
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toBe(`"${GUID}"`);
    expect(seen[0]!.headers['content-length']).toBe(String(GUID.length + 2));
    expect(envelope).toEqual({
      status_code: 201,
      reason: 'Created',
      response_headers: headers,
      json_body: seed.json_body,
    });
  });
});

describe('attackforge_request_new_project_retest: POST /api/ss/project/:id/retest/request', () => {
  const doc = fixture('seeds/attackforge_request_new_project_retest.example.json');

  test('fills the path, sends X-SSAPI-KEY and json_body, returns the documented status', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope
      .post(doc.request.path)
      .reply(200, doc.response.json_body, { 'Content-Type': 'application/json; charset=utf-8', 'X-Powered-By': 'AttackForge' });

    const envelope = await attackforgeRequestNewProjectRetest(
      { path_parameters: { id: PROJECT_ID }, json_body: doc.request.body },
      attackforge,
    );

    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.path).toBe(`/api/ss/project/${PROJECT_ID}/retest/request`);
    expect(seen[0]!.headers['x-ssapi-key']).toBe(attackforge.api_key);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toBe(JSON.stringify(doc.request.body));
    expect(envelope).toEqual({
      status_code: 200,
      reason: 'OK',
      response_headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Powered-By': 'AttackForge' },
      json_body: { status: `Project retest requested for Project ${PROJECT_ID}` },
    });
  });

  test('retesting_window_end is optional and is not sent when absent', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.post(`/api/ss/project/${PROJECT_ID}/retest/request`).reply(200, { status: 'ok' });
    const body = { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [VULN_ID] };
    await runAction('attackforge_request_new_project_retest', { path_parameters: { id: PROJECT_ID }, json_body: body }, attackforge);
    expect(seen[0]!.body).toBe(JSON.stringify(body));
  });
});

describe('base URL joining', () => {
  test.each([
    ['https://invicti.test/', '/api/1.0/scans/retest'],
    ['https://invicti.test//', '/api/1.0/scans/retest'],
    ['https://onprem.invicti.test/invicti', '/invicti/api/1.0/scans/retest'],
    ['https://onprem.invicti.test/invicti/', '/invicti/api/1.0/scans/retest'],
  ])('url %s -> path %s, no double slash', async (url, path) => {
    const origin = new URL(url).origin;
    const scope = nock(origin);
    const seen = capture(scope);
    scope.post(path).reply(201, {});
    await runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, { ...invicti, url });
    expect(seen[0]!.path).toBe(path);
  });

  test('the documented default host is used when url is omitted', async () => {
    const scope = nock('https://www.netsparkercloud.com');
    const seen = capture(scope);
    scope.post('/api/1.0/scans/retest').reply(201, {});
    await runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, { user_id: 'u', api_token: 't' });
    expect(seen).toHaveLength(1);
  });

  test('the AttackForge path prefix is kept and the project id percent-encoded', async () => {
    const scope = nock('https://attackforge.test');
    const seen = capture(scope);
    scope.post(`/af/api/ss/project/${PROJECT_ID}/retest/request`).reply(200, { status: 'ok' });
    await runAction(
      'attackforge_request_new_project_retest',
      { path_parameters: { id: PROJECT_ID }, json_body: { retesting_window_start: '2025-03-23T00:00:00Z', vulnerability_ids: [VULN_ID] } },
      { url: 'https://attackforge.test/af/', api_key: 'k' },
    );
    expect(seen[0]!.path).toBe(`/af/api/ss/project/${PROJECT_ID}/retest/request`);
  });
});
