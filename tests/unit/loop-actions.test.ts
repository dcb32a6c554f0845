// The twelve retest-loop actions against their vendors' wire contracts: for
// each, the request asserted byte for byte (method, path, query string,
// headers with auth, body) and the envelope that comes back. GETs carry no
// body and no Content-Type.
import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import {
  attackforgeCancelProjectRetestRound,
  attackforgeCompleteProjectRetestRound,
  attackforgeGetProject,
  attackforgeGetProjectVulnerabilities,
  attackforgeUpdateVulnerability,
  ConnectorError,
  dryRun,
  invictiIssuesWaitingForRetest,
  invictiScanCustomReport,
  invictiScanDetail,
  invictiScanLaunchNew,
  invictiScanReport,
  invictiScanResult,
  invictiScansList,
  runAction,
} from '../../src/index.js';
import { attackforge, basic, GUID, invicti, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';
import { capture, type CapturedRequest, requestsDuring } from '../helpers/wire.js';
import { useTestClock } from '../../src/runtime/retry.js';

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };
const INVICTI_AUTH = basic(invicti.user_id, invicti.api_token);

function expectGet(seen: CapturedRequest[], path: string) {
  expect(seen).toHaveLength(1);
  expect(seen[0]!.method).toBe('GET');
  expect(seen[0]!.path).toBe(path);
  expect(seen[0]!.body).toBe('');
  expect(seen[0]!.headers['content-type']).toBeUndefined();
  expect(seen[0]!.headers['content-length']).toBeUndefined();
}

function expectInvictiAuth(seen: CapturedRequest[]) {
  expect(seen[0]!.headers.authorization).toBe(INVICTI_AUTH);
  expect(seen[0]!.headers['x-ssapi-key']).toBeUndefined();
}

function expectAttackforgeAuth(seen: CapturedRequest[]) {
  expect(seen[0]!.headers['x-ssapi-key']).toBe(attackforge.api_key);
  expect(seen[0]!.headers.authorization).toBeUndefined();
}

describe('invicti_issues_waiting_for_retest: GET /api/1.0/issues/waitingforretest', () => {
  test('all parameters: in the input schema order, percent-encoded, integers as digits', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    const body = { List: [], PageCount: 0, TotalItemCount: 0 };
    scope.get('/api/1.0/issues/waitingforretest').query(true).reply(200, body, JSON_HEADERS);
    const envelope = await invictiIssuesWaitingForRetest(
      { parameters: { pageSize: 200, page: 2, websiteGroupName: 'Team A & B', webSiteName: 'Demo Shop', severity: 'Critical' } },
      invicti,
    );
    expectGet(seen, '/api/1.0/issues/waitingforretest?severity=Critical&webSiteName=Demo%20Shop&websiteGroupName=Team%20A%20%26%20B&page=2&pageSize=200');
    expectInvictiAuth(seen);
    expect(seen[0]!.headers.accept).toBe('application/json');
    expect(envelope).toEqual({ status_code: 200, reason: 'OK', response_headers: JSON_HEADERS, json_body: body });
  });

  test('no parameters, or an empty object: no query string at all (never ?page=undefined)', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.get('/api/1.0/issues/waitingforretest').twice().reply(200, { List: [] });
    await runAction('invicti_issues_waiting_for_retest', {}, invicti);
    await runAction('invicti_issues_waiting_for_retest', { parameters: {} }, invicti);
    expect(seen.map((r) => r.path)).toEqual(['/api/1.0/issues/waitingforretest', '/api/1.0/issues/waitingforretest']);
  });

  test.each([
    [{ pageSize: 201 }, 'parameters.pageSize'],
    [{ pageSize: 0 }, 'parameters.pageSize'],
    [{ page: 0 }, 'parameters.page'],
    [{ page: 1.5 }, 'parameters.page'],
    [{ severity: 'Severe' }, 'parameters.severity'],
    [{ page: [1, 2] }, 'parameters.page'],
    [{ webSiteName: { $ne: 'x' } }, 'parameters.webSiteName'],
    [{ extra: 'x' }, 'parameters.extra'],
  ])('%j is INPUT_INVALID naming %s, and nothing is sent', async (parameters, field) => {
    let error: unknown;
    const sent = await requestsDuring(invicti.url, async () => {
      error = await runAction('invicti_issues_waiting_for_retest', { parameters }, invicti).catch((e: unknown) => e);
    });
    expect(sent).toBe(0);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('INPUT_INVALID');
    expect((error as ConnectorError).details?.map((d) => d.field)).toContain(field);
  });
});

describe('invicti_scan_detail / invicti_scan_result: GET /api/1.0/scans/{detail,result}/{id}', () => {
  test('detail: the GUID in the path, Basic auth, no body', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.get(`/api/1.0/scans/detail/${GUID}`).reply(200, { Id: GUID, State: 'Complete' }, JSON_HEADERS);
    const envelope = await invictiScanDetail({ path_parameters: { id: GUID } }, invicti);
    expectGet(seen, `/api/1.0/scans/detail/${GUID}`);
    expectInvictiAuth(seen);
    expect(envelope.json_body).toEqual({ Id: GUID, State: 'Complete' });
  });

  test('result: the GUID in the path; the body is an array', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    const body = [{ IssueUrl: 'https://x.test/i/1', Title: 'XSS', Type: 'Xss', Url: 'http://php.testinvicti.com/' }];
    scope.get(`/api/1.0/scans/result/${GUID}`).reply(200, body, JSON_HEADERS);
    const envelope = await invictiScanResult({ path_parameters: { id: GUID } }, invicti);
    expectGet(seen, `/api/1.0/scans/result/${GUID}`);
    expectInvictiAuth(seen);
    expect(envelope.json_body).toEqual(body);
  });

  test('an id that is not a GUID is INPUT_INVALID', async () => {
    const sent = await requestsDuring(invicti.url, async () => {
      await expect(runAction('invicti_scan_detail', { path_parameters: { id: '../list' } }, invicti)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    });
    expect(sent).toBe(0);
  });
});

describe('invicti_scans_list: GET /api/1.0/scans/list', () => {
  test('page and pageSize in schema order whatever the input order', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.get('/api/1.0/scans/list').query(true).reply(200, { List: [] }, JSON_HEADERS);
    await invictiScansList({ parameters: { pageSize: 50, page: 3 } }, invicti);
    expectGet(seen, '/api/1.0/scans/list?page=3&pageSize=50');
    expectInvictiAuth(seen);
  });

  test('only pageSize: the absent page is left out', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.get('/api/1.0/scans/list').query(true).reply(200, { List: [] });
    await invictiScansList({ parameters: { pageSize: 1 } }, invicti);
    expect(seen[0]!.path).toBe('/api/1.0/scans/list?pageSize=1');
  });
});

describe('invicti_scan_launch_new: POST /api/1.0/scans/new', () => {
  test('json_body exactly as given, Content-Type application/json; 201 with an array of ScanTaskModel', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    const reply = [{ Id: GUID, State: 'Queued', TargetUrl: 'http://php.testinvicti.com/' }];
    scope.post('/api/1.0/scans/new').reply(201, reply, JSON_HEADERS);
    const json_body = {
      TargetUri: 'http://php.testinvicti.com/',
      Scope: 'EnteredPathAndBelow' as const,
      ExcludedLinks: [{ RegexPattern: '(log|sign)\\-?(out|off)' }],
      Tags: ['retest'],
    };
    const envelope = await invictiScanLaunchNew({ json_body }, invicti);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.path).toBe('/api/1.0/scans/new');
    expectInvictiAuth(seen);
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toBe(JSON.stringify(json_body));
    expect(envelope).toEqual({ status_code: 201, reason: 'Created', response_headers: JSON_HEADERS, json_body: reply });
  });

  test.each([
    [{}, 'json_body.TargetUri'],
    [{ TargetUri: 'http://x.test/', Scope: 'Everything' }, 'json_body.Scope'],
    [{ TargetUri: 'http://x.test/', MaxDynamicSignatures: 0 }, 'json_body.MaxDynamicSignatures'],
    [{ TargetUri: 'http://x.test/', Unknown: 1 }, 'json_body.Unknown'],
  ])('%j is INPUT_INVALID naming %s', async (json_body, field) => {
    const error = await runAction('invicti_scan_launch_new', { json_body }, invicti).catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe('INPUT_INVALID');
    expect((error as ConnectorError).details?.map((d) => d.field)).toContain(field);
  });
});

describe('invicti_scan_report: GET /api/1.0/scans/report/ (a file)', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]), Buffer.from('%%EOF\n')]);

  test('the query in schema order with booleans as true/false; Accept */*; the PDF bytes intact in file', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope
      .get('/api/1.0/scans/report/')
      .query(true)
      .reply(200, pdf, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="Sample Scan Report.pdf"' });
    const envelope = await invictiScanReport(
      { parameters: { excludeHistoryOfIssues: false, onlyConfirmedIssues: true, format: 'Pdf', type: 'ScanDetail', id: GUID } },
      invicti,
    );
    expectGet(seen, `/api/1.0/scans/report/?id=${GUID}&type=ScanDetail&format=Pdf&onlyConfirmedIssues=true&excludeHistoryOfIssues=false`);
    expectInvictiAuth(seen);
    expect(seen[0]!.headers.accept).toBe('*/*');
    expect(envelope.status_code).toBe(200);
    expect(envelope.json_body).toBeNull();
    expect(envelope).not.toHaveProperty('response_text');
    expect(envelope.file).toEqual({
      file_name: 'Sample Scan Report.pdf',
      content_type: 'application/pdf',
      size_bytes: pdf.length,
      content_base64: pdf.toString('base64'),
    });
    expect(Buffer.from(envelope.file!.content_base64!, 'base64').equals(pdf)).toBe(true);
  });

  test('a 404 of a file action is a normal envelope: Invicti\'s { Message }, no file', async () => {
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(404, { Message: 'Scan not found' }, JSON_HEADERS);
    const envelope = await runAction('invicti_scan_report', { parameters: { id: GUID, type: 'ScanDetail', format: 'Pdf' } }, invicti);
    expect(envelope).toEqual({ status_code: 404, reason: 'Not Found', response_headers: JSON_HEADERS, json_body: { Message: 'Scan not found' } });
  });

  test('id, type and format are required', async () => {
    const error = await runAction('invicti_scan_report', { parameters: { id: GUID } }, invicti).catch((e: unknown) => e);
    expect((error as ConnectorError).details?.map((d) => d.field)).toEqual(expect.arrayContaining(['parameters.type', 'parameters.format']));
  });
});

describe('invicti_scan_custom_report: GET /api/1.0/scans/custom-report/ (a file)', () => {
  test('reportName percent-encoded; optional booleans only when given; an HTML report keeps response_text', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    const html = '<!doctype html><title>Report</title><p>2 issues</p>';
    scope.get('/api/1.0/scans/custom-report/').query(true).reply(200, html, { 'Content-Type': 'text/html; charset=utf-8' });
    const envelope = await invictiScanCustomReport(
      { parameters: { id: GUID, reportName: 'Retest / Q3: "fixed?"', reportFormat: 'Html', excludeIgnoreds: true } },
      invicti,
    );
    expectGet(seen, `/api/1.0/scans/custom-report/?id=${GUID}&reportName=Retest%20%2F%20Q3%3A%20%22fixed%3F%22&reportFormat=Html&excludeIgnoreds=true`);
    expectInvictiAuth(seen);
    expect(envelope.response_text).toBe(html);
    expect(envelope.file).toEqual({
      file_name: `invicti_scan_custom_report-${GUID}.html`,
      content_type: 'text/html; charset=utf-8',
      size_bytes: Buffer.byteLength(html),
      content_base64: Buffer.from(html).toString('base64'),
    });
  });
});

describe('attackforge_get_project_vulnerabilities: GET /api/ss/project/{id}/vulnerabilities', () => {
  test('the q filter arrives intact after decoding; every parameter in schema order', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    const body = { count: 1, vulnerabilities: [{ vulnerability_id: VULN_ID, vulnerability_status: 'Retest' }] };
    scope.get(`/api/ss/project/${PROJECT_ID}/vulnerabilities`).query(true).reply(200, body, JSON_HEADERS);
    const q = '{ $and: [ { priority: { $in: ["Critical","High"] } }, { is_retest: { $eq: "Yes" } } ] }';
    const envelope = await attackforgeGetProjectVulnerabilities(
      {
        path_parameters: { id: PROJECT_ID },
        parameters: {
          pendingVulnerabilities: true,
          q,
          limit: 500,
          skip: 0,
          priority: 'High',
          endDate: '2025-12-31T23:59:59.999Z',
          startDate: '2025-01-01T00:00:00+02:00',
        },
      },
      attackforge,
    );
    const expectedQuery =
      'startDate=2025-01-01T00%3A00%3A00%2B02%3A00&endDate=2025-12-31T23%3A59%3A59.999Z&priority=High&skip=0&limit=500' +
      `&q=${encodeURIComponent(q)}&pendingVulnerabilities=true`;
    expectGet(seen, `/api/ss/project/${PROJECT_ID}/vulnerabilities?${expectedQuery}`);
    expect(new URL(`http://x${seen[0]!.path}`).searchParams.get('q')).toBe(q);
    expect(seen[0]!.path).toContain('q=%7B%20%24and%3A%20%5B%20%7B%20priority%3A%20%7B%20%24in%3A%20%5B%22Critical%22%2C%22High%22%5D');
    expectAttackforgeAuth(seen);
    expect(envelope.json_body).toEqual(body);
  });

  test("the dry run shows the wire: ' ! ( ) * are percent-encoded too (a WHATWG URL would re-encode ' on the way out)", async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.get(`/api/ss/project/${PROJECT_ID}/vulnerabilities`).query(true).reply(200, { count: 0, vulnerabilities: [] });
    const input = { path_parameters: { id: PROJECT_ID }, parameters: { q: "{ title: { $eq: 'O(Brien)!*' } }" } };
    const dry = dryRun('attackforge_get_project_vulnerabilities', input, attackforge);
    await runAction('attackforge_get_project_vulnerabilities', input, attackforge);
    expect(dry.url).toBe(`${attackforge.url}${seen[0]!.path}`);
    expect(seen[0]!.path).toContain('%27O%28Brien%29%21%2A%27');
    expect(new URL(dry.url).searchParams.get('q')).toBe(input.parameters.q);
  });

  test('limit is 1 to 500 and skip at least 0', async () => {
    for (const parameters of [{ limit: 501 }, { limit: 0 }, { skip: -1 }]) {
      const error = await runAction('attackforge_get_project_vulnerabilities', { path_parameters: { id: PROJECT_ID }, parameters }, attackforge).catch(
        (e: unknown) => e,
      );
      expect((error as ConnectorError).code).toBe('INPUT_INVALID');
    }
  });
});

describe('attackforge_get_project: GET /api/ss/project/{id}', () => {
  test('the project id in the path, X-SSAPI-KEY, no body', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.get(`/api/ss/project/${PROJECT_ID}`).reply(200, { project: { project_id: PROJECT_ID } }, JSON_HEADERS);
    const envelope = await attackforgeGetProject({ path_parameters: { id: PROJECT_ID } }, attackforge);
    expectGet(seen, `/api/ss/project/${PROJECT_ID}`);
    expectAttackforgeAuth(seen);
    expect(envelope.json_body).toEqual({ project: { project_id: PROJECT_ID } });
  });
});

describe('attackforge_update_vulnerability: PUT /api/ss/vulnerability/{id}', () => {
  test('PUT with json_body exactly (projectId camelCase, as the vendor page names it)', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.put(`/api/ss/vulnerability/${VULN_ID}`).reply(200, { result: { vulnerability_id: VULN_ID } }, JSON_HEADERS);
    const json_body = {
      projectId: PROJECT_ID,
      status: 'Retest' as const,
      notes: [{ note: 'Fixed in 4.2', type: 'PLAINTEXT' as const }],
      likelihood_of_exploitation: 3,
    };
    await attackforgeUpdateVulnerability({ path_parameters: { id: VULN_ID }, json_body }, attackforge);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('PUT');
    expect(seen[0]!.path).toBe(`/api/ss/vulnerability/${VULN_ID}`);
    expectAttackforgeAuth(seen);
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toBe(JSON.stringify(json_body));
  });

  test.each([
    [{ status: 'Retest' }, 'json_body.projectId'],
    [{ projectId: PROJECT_ID, status: 'Fixed' }, 'json_body.status'],
    [{ projectId: PROJECT_ID, likelihood_of_exploitation: 11 }, 'json_body.likelihood_of_exploitation'],
    [{ projectId: PROJECT_ID, notes: [{ note: 'x', type: 'MARKDOWN' }] }, 'json_body.notes[0].type'],
    [{ project_id: PROJECT_ID }, 'json_body.project_id'],
  ])('%j is INPUT_INVALID naming %s', async (json_body, field) => {
    const error = await runAction('attackforge_update_vulnerability', { path_parameters: { id: VULN_ID }, json_body }, attackforge).catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe('INPUT_INVALID');
    expect((error as ConnectorError).details?.map((d) => d.field)).toContain(field);
  });
});

describe('attackforge retest rounds: POST /api/ss/project/{id}/retest/{roundNumber}/{cancel,complete}', () => {
  test.each([
    ['cancel', attackforgeCancelProjectRetestRound],
    ['complete', attackforgeCompleteProjectRetestRound],
  ] as const)('%s: the integer round number as digits, no body, no Content-Type', async (verb, fn) => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.post(`/api/ss/project/${PROJECT_ID}/retest/12/${verb}`).reply(200, { status: `Retest round 12 ${verb}d` }, JSON_HEADERS);
    const envelope = await fn({ path_parameters: { id: PROJECT_ID, roundNumber: 12 } }, attackforge);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.path).toBe(`/api/ss/project/${PROJECT_ID}/retest/12/${verb}`);
    expectAttackforgeAuth(seen);
    expect(seen[0]!.body).toBe('');
    expect(seen[0]!.headers['content-type']).toBeUndefined();
    expect(envelope.json_body).toEqual({ status: `Retest round 12 ${verb}d` });
  });

  test.each([0, -1, 1.5, '1', null])('roundNumber %j is INPUT_INVALID', async (roundNumber) => {
    const error = await runAction(
      'attackforge_complete_project_retest_round',
      { path_parameters: { id: PROJECT_ID, roundNumber } },
      attackforge,
    ).catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe('INPUT_INVALID');
    expect((error as ConnectorError).details?.map((d) => d.field)).toContain('path_parameters.roundNumber');
  });

  test('closing a round is not idempotent: a 502 is not resent', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.post(`/api/ss/project/${PROJECT_ID}/retest/1/complete`).reply(502, 'Bad Gateway');
    const restore = useTestClock({ sleep: async () => {} });
    const envelope = await runAction('attackforge_complete_project_retest_round', { path_parameters: { id: PROJECT_ID, roundNumber: 1 } }, attackforge).finally(restore);
    expect(envelope.status_code).toBe(502);
    expect(seen).toHaveLength(1);
  });

  test('a GET is idempotent: a 502 is retried by the one retry policy', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.get(`/api/ss/project/${PROJECT_ID}`).reply(502, 'Bad Gateway');
    scope.get(`/api/ss/project/${PROJECT_ID}`).reply(200, { project: {} }, JSON_HEADERS);
    const restore = useTestClock({ sleep: async () => {} });
    const envelope = await runAction('attackforge_get_project', { path_parameters: { id: PROJECT_ID } }, attackforge).finally(restore);
    expect(envelope.status_code).toBe(200);
    expect(seen).toHaveLength(2);
  });
});
