// The issue lifecycle actions (issue 16) against Invicti's wire contract, from
// the Swagger (tests/fixtures/vendor/invicti-swagger.excerpt.json): update,
// detail, list, and scan cancel. For each the request is asserted byte for
// byte (method, path, query string, auth, body); GETs carry no body; cancel
// sends the bare JSON string id, like newfromscan. Their output schemas accept
// the vendor's models full of nulls and reject drift.
import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { ConnectorError, invictiIssueDetail, invictiIssuesList, invictiIssueUpdate, invictiScanCancel, runAction } from '../../src/index.js';
import { getAction } from '../../src/contract/manifest.js';
import { getSchema, compileValidator } from '../../src/contract/schemas.js';
import { basic, fixture, GUID, invicti } from '../helpers/fixtures.js';
import { capture, type CapturedRequest, requestsDuring } from '../helpers/wire.js';

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };
const ISSUE = 'f3a1c84e-1551-4e0d-9a7b-000000000004';
const swagger = fixture('vendor/invicti-swagger.excerpt.json');
const defs = swagger.definitions as Record<string, any>;

function expectGet(seen: CapturedRequest[], path: string) {
  expect(seen).toHaveLength(1);
  expect(seen[0]!.method).toBe('GET');
  expect(seen[0]!.path).toBe(path);
  expect(seen[0]!.body).toBe('');
  expect(seen[0]!.headers['content-type']).toBeUndefined();
  expect(seen[0]!.headers['content-length']).toBeUndefined();
  expect(seen[0]!.headers.authorization).toBe(basic(invicti.user_id, invicti.api_token));
}

async function invalid(actionId: string, input: unknown): Promise<{ error: ConnectorError; sent: number }> {
  let error: unknown;
  const sent = await requestsDuring(invicti.url, async () => {
    error = await runAction(actionId, input, invicti).catch((e: unknown) => e);
  });
  expect(error).toBeInstanceOf(ConnectorError);
  return { error: error as ConnectorError, sent };
}

describe('the manifest declares them as the Swagger operations', () => {
  test.each([
    ['invicti_issue_update', 'POST', '/api/1.0/issues/update', 'Issues_Update'],
    ['invicti_issue_detail', 'GET', '/api/1.0/issues/get/{id}', 'Issues_Get'],
    ['invicti_issues_list', 'GET', '/api/1.0/issues/allissues', 'Issues_AllIssues'],
    ['invicti_scan_cancel', 'POST', '/api/1.0/scans/cancel', 'Scans_Cancel'],
  ])('%s: %s %s (%s)', (id, method, path, operationId) => {
    const action = getAction(id);
    expect(action.method).toBe(method);
    expect(action.path).toBe(path);
    expect(swagger.paths[path][method.toLowerCase()].operationId).toBe(operationId);
  });

  test('hints: update and cancel change things; update is not idempotent, cancel is; detail and list are read-only', () => {
    expect(getAction('invicti_issue_update').hints).toEqual({ destructive: true, readOnly: false, idempotent: false });
    expect(getAction('invicti_scan_cancel').hints).toEqual({ destructive: true, readOnly: false, idempotent: true });
    expect(getAction('invicti_issue_detail').hints).toEqual({ destructive: false, readOnly: true, idempotent: true });
    expect(getAction('invicti_issues_list').hints).toEqual({ destructive: false, readOnly: true, idempotent: true });
  });

  test('issues_list takes every query parameter of Issues_AllIssues, in its order, all optional', () => {
    const input = getSchema('schemas/actions/invicti_issues_list.input.json') as any;
    const theirs = swagger.paths['/api/1.0/issues/allissues'].get.parameters.filter((p: any) => p.in === 'query');
    expect(Object.keys(input.properties.parameters.properties)).toEqual(theirs.map((p: any) => p.name));
    expect(input.properties.parameters.required).toBeUndefined();
    for (const p of theirs) if (p.enum) expect(input.properties.parameters.properties[p.name].enum).toEqual(p.enum);
  });

  test('issue_update: IssueId required, State one of the documented values or Default', () => {
    const body = (getSchema('schemas/actions/invicti_issue_update.input.json') as any).properties.json_body;
    expect(Object.keys(body.properties)).toEqual(Object.keys(defs.IssueApiUpdateModel.properties));
    expect(body.required).toEqual(['IssueId']);
    expect(body.properties.State.enum).toEqual(['FixedUnconfirmed', 'FixedCantRetest', 'AcceptedRisk', 'FalsePositive', 'Default']);
  });
});

describe('invicti_issue_update: POST /api/1.0/issues/update', () => {
  test('sends the IssueApiUpdateModel as JSON, exactly as given', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.post('/api/1.0/issues/update').reply(200, '');
    const envelope = await invictiIssueUpdate({ json_body: { IssueId: ISSUE, State: 'FixedUnconfirmed', Note: 'Fix deployed', Tags: ['release:2.4.1'] } }, invicti);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.path).toBe('/api/1.0/issues/update');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.headers.authorization).toBe(basic(invicti.user_id, invicti.api_token));
    const bytes = `{"IssueId":"${ISSUE}","State":"FixedUnconfirmed","Note":"Fix deployed","Tags":["release:2.4.1"]}`;
    expect(seen[0]!.body).toBe(bytes);
    expect(seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength(bytes)));
    expect(envelope.status_code).toBe(200);
    expect(envelope.json_body).toBeNull();
    expect(compileValidator('schemas/actions/invicti_issue_update.output.json')(envelope)).toBe(true);
  });

  test.each([
    [{ json_body: { IssueId: ISSUE } }, 'json_body'],
    [{ json_body: { State: 'FixedUnconfirmed' } }, 'json_body.IssueId'],
    [{ json_body: { IssueId: 'not-a-guid', State: 'FixedUnconfirmed' } }, 'json_body.IssueId'],
    [{ json_body: { IssueId: ISSUE, State: 'FixedConfirmed' } }, 'json_body.State'],
    [{ json_body: { IssueId: ISSUE, Tags: 'x' } }, 'json_body.Tags'],
    [{ json_body: { IssueId: ISSUE, State: 'Default', Extra: 1 } }, 'json_body.Extra'],
  ])('%j is INPUT_INVALID naming %s; nothing is sent', async (input, field) => {
    const { error, sent } = await invalid('invicti_issue_update', input);
    expect(sent).toBe(0);
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.details?.map((d) => d.field)).toContain(field);
  });
});

describe('invicti_issue_detail: GET /api/1.0/issues/get/{id}', () => {
  test('the GUID in the path, Basic auth, no body; the AllIssuesApiModel comes back', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    const body = { Id: ISSUE, State: 'FixedConfirmed', IsPresent: false, StateFixedConfirmedDate: '21/11/2026 10:02', LastRevivedDate: null, History: [] };
    scope.get(`/api/1.0/issues/get/${ISSUE}`).reply(200, body, JSON_HEADERS);
    const envelope = await invictiIssueDetail({ path_parameters: { id: ISSUE } }, invicti);
    expectGet(seen, `/api/1.0/issues/get/${ISSUE}`);
    expect(envelope).toEqual({ status_code: 200, reason: 'OK', response_headers: JSON_HEADERS, json_body: body });
  });

  test('an id that is not a GUID is INPUT_INVALID; nothing is sent', async () => {
    const { error, sent } = await invalid('invicti_issue_detail', { path_parameters: { id: '../allissues' } });
    expect(sent).toBe(0);
    expect(error.details?.map((d) => d.field)).toContain('path_parameters.id');
  });
});

describe('invicti_issues_list: GET /api/1.0/issues/allissues', () => {
  test('every parameter, in the Swagger order, percent-encoded; booleans as true/false', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.get('/api/1.0/issues/allissues').query(true).reply(200, { List: [] }, JSON_HEADERS);
    await invictiIssuesList(
      {
        parameters: {
          integration: 'Jira',
          rawDetails: false,
          lastSeenDate: '27/03/2024',
          sortType: 'Descending',
          pageSize: 50,
          page: 2,
          websiteGroupName: 'Team A & B',
          webSiteName: 'Demo Shop',
          severity: 'High',
        },
      },
      invicti,
    );
    expectGet(
      seen,
      '/api/1.0/issues/allissues?severity=High&webSiteName=Demo%20Shop&websiteGroupName=Team%20A%20%26%20B&page=2&pageSize=50&sortType=Descending&lastSeenDate=27%2F03%2F2024&rawDetails=false&integration=Jira',
    );
  });

  test('no parameters: no query string', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.get('/api/1.0/issues/allissues').reply(200, { List: [] }, JSON_HEADERS);
    await runAction('invicti_issues_list', {}, invicti);
    expectGet(seen, '/api/1.0/issues/allissues');
  });

  test.each([
    [{ sortType: 'Newest' }, 'parameters.sortType'],
    [{ pageSize: 201 }, 'parameters.pageSize'],
    [{ rawDetails: 'no' }, 'parameters.rawDetails'],
    [{ integration: 'Email' }, 'parameters.integration'],
  ])('%j is INPUT_INVALID naming %s', async (parameters, field) => {
    const { error, sent } = await invalid('invicti_issues_list', { parameters });
    expect(sent).toBe(0);
    expect(error.details?.map((d) => d.field)).toContain(field);
  });
});

describe('invicti_scan_cancel: POST /api/1.0/scans/cancel', () => {
  test('sends data_body.id as a bare JSON string; the CancelResult string comes back', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.post('/api/1.0/scans/cancel').reply(200, '"Ok"', JSON_HEADERS);
    const envelope = await invictiScanCancel({ data_body: { id: GUID } }, invicti);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.path).toBe('/api/1.0/scans/cancel');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toBe(`"${GUID}"`);
    expect(seen[0]!.headers['content-length']).toBe(String(GUID.length + 2));
    expect(envelope).toEqual({ status_code: 200, reason: 'OK', response_headers: JSON_HEADERS, json_body: 'Ok' });
  });

  test('the output schema takes every CancelResult of the Swagger and nothing else', () => {
    const validate = compileValidator('schemas/actions/invicti_scan_cancel.output.json');
    const envelope = (json_body: unknown) => ({ status_code: 200, reason: 'OK', response_headers: {}, json_body });
    const results = swagger.paths['/api/1.0/scans/cancel'].post.responses['200'].schema.enum as string[];
    expect(results).toContain('ScanCompleted');
    for (const result of results) expect(validate(envelope(result))).toBe(true);
    expect(validate(envelope('Cancelled'))).toBe(false);
    expect(validate(envelope({ Result: 'Ok' }))).toBe(false);
    // { Message } is an error body: on a 200 it is drift, on a 404 it is the vendor's answer.
    expect(validate(envelope({ Message: 'Scan not found.' }))).toBe(false);
    expect(validate({ ...envelope({ Message: 'Scan not found.' }), status_code: 404, reason: 'Not Found' })).toBe(true);
  });
});

describe('output schemas: real-world nulls accepted, drift rejected', () => {
  const detail = compileValidator('schemas/actions/invicti_issue_detail.output.json');
  const envelope = (json_body: unknown) => ({ status_code: 200, reason: 'OK', response_headers: {}, json_body });

  test('AllIssuesApiModel has the Swagger model\'s properties in its order', () => {
    const ours = getSchema('schemas/invicti/AllIssuesApiModel.json') as any;
    expect(Object.keys(ours.properties)).toEqual(Object.keys(defs.AllIssuesApiModel.properties));
    expect(ours.required).toEqual(['Id']);
  });

  test('every property but Id may be null', () => {
    const nulls = Object.fromEntries(Object.keys(defs.AllIssuesApiModel.properties).map((k) => [k, k === 'Id' ? ISSUE : null]));
    expect(detail(envelope(nulls))).toBe(true);
  });

  test('drift fails: no Id, a wrong type, a severity outside the enum', () => {
    expect(detail(envelope({ State: 'FixedConfirmed' }))).toBe(false);
    expect(detail(envelope({ Id: ISSUE, IsPresent: 'no' }))).toBe(false);
    expect(detail(envelope({ Id: ISSUE, Severity: 'Severe' }))).toBe(false);
    expect(detail(envelope({ Id: ISSUE, History: [{ Date: 7 }] }))).toBe(false);
  });

  test('issue_update: an undocumented JSON body on 200 is drift', () => {
    const update = compileValidator('schemas/actions/invicti_issue_update.output.json');
    expect(update({ ...envelope(null), response_text: '' })).toBe(true);
    expect(update(envelope({ Unexpected: true }))).toBe(false);
  });

  test('issues_list answers with the IssueApiResult page', () => {
    expect(swagger.paths['/api/1.0/issues/allissues'].get.responses['200'].schema).toEqual({ $ref: '#/definitions/IssueApiResult' });
    const list = compileValidator('schemas/actions/invicti_issues_list.output.json');
    expect(list(envelope({ List: [{ Id: ISSUE, State: 'Revived' }], TotalItemCount: 1 }))).toBe(true);
    expect(list(envelope({ Items: [] }))).toBe(false);
  });
});
