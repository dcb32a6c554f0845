// Every HTTP status is an envelope, never an exception: playbooks branch on status_code.
import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { runAction } from '../../src/index.js';
import { attackforge, GUID, invicti, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';

const retest = () => runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, invicti);

describe('non-2xx responses come back as envelopes', () => {
  test('400 with Invicti { Message }', async () => {
    nock(invicti.url)
      .post('/api/1.0/scans/retest')
      .reply(400, { Message: 'Running or cancelled scans are not valid for retest.' }, { 'Content-Type': 'application/json; charset=utf-8' });
    await expect(retest()).resolves.toEqual({
      status_code: 400,
      reason: 'Bad Request',
      response_headers: { 'Content-Type': 'application/json; charset=utf-8' },
      json_body: { Message: 'Running or cancelled scans are not valid for retest.' },
    });
  });

  test('401 with a JSON message', async () => {
    nock(invicti.url)
      .post('/api/1.0/scans/retest')
      .reply(401, { Message: 'Authorization has been denied for this request.' }, { 'Content-Type': 'application/json' });
    const envelope = await retest();
    expect(envelope.status_code).toBe(401);
    expect(envelope.reason).toBe('Unauthorized');
    expect(envelope.json_body).toEqual({ Message: 'Authorization has been denied for this request.' });
  });

  test('404 for an unknown AttackForge project', async () => {
    nock(attackforge.url)
      .post(`/api/ss/project/${PROJECT_ID}/retest/request`)
      .reply(404, { error: 'Project not found' }, { 'Content-Type': 'application/json' });
    const envelope = await runAction(
      'attackforge_request_new_project_retest',
      { path_parameters: { id: PROJECT_ID }, json_body: { retesting_window_start: '2025-03-23T00:00:00Z', vulnerability_ids: [VULN_ID] } },
      attackforge,
    );
    expect(envelope).toEqual({
      status_code: 404,
      reason: 'Not Found',
      response_headers: { 'Content-Type': 'application/json' },
      json_body: { error: 'Project not found' },
    });
  });

  test('500 with an HTML body: json_body null, the page in response_text', async () => {
    const page = '<html><body><h1>500 Internal Server Error</h1></body></html>';
    nock(invicti.url).post('/api/1.0/scans/retest').reply(500, page, { 'Content-Type': 'text/html' });
    await expect(retest()).resolves.toEqual({
      status_code: 500,
      reason: 'Internal Server Error',
      response_headers: { 'Content-Type': 'text/html' },
      json_body: null,
      response_text: page,
    });
  });

  test('a body declared JSON but truncated keeps its text', async () => {
    nock(invicti.url).post('/api/1.0/scans/retest').reply(201, '{"Id": "af6d', { 'Content-Type': 'application/json' });
    const envelope = await retest();
    expect(envelope.json_body).toBeNull();
    expect(envelope.response_text).toBe('{"Id": "af6d');
  });

  test('repeated headers are joined, names keep the server\'s case', async () => {
    nock(invicti.url)
      .post('/api/1.0/scans/retest')
      .reply(429, { Message: 'slow down' }, { 'Retry-After': '120', 'X-Trace': ['a', 'b'], 'Content-Type': 'application/json' });
    const envelope = await retest();
    expect(envelope.status_code).toBe(429);
    expect(envelope.response_headers).toEqual({ 'Retry-After': '120', 'X-Trace': 'a, b', 'Content-Type': 'application/json' });
  });
});
