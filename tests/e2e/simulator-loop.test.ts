// The simulator plays the whole retest loop, over plain HTTP on 127.0.0.1, on a
// test clock (every state and percentage is deterministic), and stays bounded
// under load. Bodies are checked against the vendor's Swagger models
// (tests/fixtures/vendor/invicti-swagger.loop-models.json): no property the
// model lacks, types and enum values as declared.
import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Ajv, type ValidateFunction } from 'ajv';
import {
  createTestClock,
  DEMO_CREDENTIALS,
  MAX_REQUEST_BYTES,
  REQUEST_LOG_DEFAULTS,
  SEED_PROJECT_IDS,
  SEED_SCAN_IDS,
  SEED_VULNERABILITY_IDS,
  startSimulator,
  type Simulator,
  type TestClock,
} from '../../src/simulator/index.js';
import { fixture } from '../helpers/fixtures.js';
import { parseCsv, pdfProblems, xmlProblems } from '../helpers/files.js';

jest.setTimeout(60_000);

const SCAN_SECONDS = 4;
const basic = 'Basic ' + Buffer.from(`${DEMO_CREDENTIALS.invicti.user_id}:${DEMO_CREDENTIALS.invicti.api_token}`).toString('base64');

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  json: any;
}

/** One HTTP request with node:http (the simulator's wire, nothing of the runtime in between). */
function send(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.headers ?? {}), ...(options.body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(options.body)) }) };
    const req = httpRequest(base + path, { method, headers, ...(options.agent ? { agent: options.agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(bytes.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, bytes, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

// ---- the vendor's models, as strict validators --------------------------------

const swagger = fixture('vendor/invicti-swagger.loop-models.json');

/** A JSON Schema for a Swagger definition: no undeclared properties; `null` allowed only where real captures carry it (ScanTaskModel). */
function modelSchema(): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  const convert = (node: any, nullable: boolean): any => {
    if (Array.isArray(node)) return node.map((n) => convert(n, nullable));
    if (!node || typeof node !== 'object') return node;
    const out: any = {};
    for (const [key, value] of Object.entries(node)) {
      if (['example', 'xml', 'readOnly', 'format', 'description'].includes(key)) continue;
      if (key === '$ref') out.$ref = String(value).replace('#/definitions/', '#/$defs/');
      else if (key === 'properties') {
        out.properties = {};
        for (const [name, property] of Object.entries(value as object)) {
          const converted = convert(property, nullable);
          out.properties[name] = nullable ? { anyOf: [converted, { type: 'null' }] } : converted;
        }
      } else out[key] = convert(value, nullable);
    }
    if (node.properties) out.additionalProperties = false;
    return out;
  };
  for (const [name, definition] of Object.entries(swagger.definitions as Record<string, unknown>)) {
    definitions[name] = convert(definition, name === 'ScanTaskModel' || name === 'VcsCommitInfo');
  }
  return { $defs: definitions };
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema(modelSchema(), 'swagger');
const model = (name: string): ValidateFunction => ajv.compile({ $ref: `swagger#/$defs/${name}` });
const arrayOf = (name: string): ValidateFunction => ajv.compile({ type: 'array', items: { $ref: `swagger#/$defs/${name}` } });
const validators = {
  IssueApiResult: model('IssueApiResult'),
  ApiScanStatusModel: model('ApiScanStatusModel'),
  ScanTaskModel: model('ScanTaskModel'),
  ScanTaskListApiResult: model('ScanTaskListApiResult'),
  VulnerabilityModels: arrayOf('VulnerabilityModel'),
  ScanTaskModels: arrayOf('ScanTaskModel'),
};
function expectModel(name: keyof typeof validators, body: unknown) {
  const validate = validators[name];
  expect(validate(body) ? [] : validate.errors).toEqual([]);
}

// ---- Invicti ---------------------------------------------------------------

describe('Invicti: the whole retest loop on a test clock', () => {
  let clock: TestClock;
  let sim: Simulator;
  const get = (path: string) => send(sim.url, 'GET', path, { headers: { Authorization: basic } });
  const post = (path: string, body: unknown, contentType = 'application/json') =>
    send(sim.url, 'POST', path, { headers: { Authorization: basic, 'Content-Type': contentType }, body: JSON.stringify(body) });

  beforeAll(async () => {
    clock = createTestClock();
    sim = await startSimulator({ clock, scanSeconds: SCAN_SECONDS });
  });
  afterAll(() => sim.close());

  test('waiting for retest → retest → Queued, Scanning with growing progress, Complete → fewer issues, nothing waits any more → reports', async () => {
    // What waits for a retest on the Sample website, and the base scan they were found in.
    const waiting = await get('/api/1.0/issues/waitingforretest?webSiteName=Sample');
    expect(waiting.status).toBe(200);
    expectModel('IssueApiResult', waiting.json);
    expect(waiting.json.TotalItemCount).toBe(4);
    expect(waiting.json.List.map((i: any) => [i.State, i.IsRetest, i.LatestScanId])).toEqual(Array(4).fill(['FixedUnconfirmed', true, SEED_SCAN_IDS.completed]));
    const baseResult = await get(`/api/1.0/scans/result/${SEED_SCAN_IDS.completed}`);
    expectModel('VulnerabilityModels', baseResult.json);
    expect(baseResult.json).toHaveLength(14);

    const launched = await post('/api/1.0/scans/retest', { BaseScanId: SEED_SCAN_IDS.completed });
    expect(launched.status).toBe(201);
    expectModel('ScanTaskModel', launched.json);
    const id: string = launched.json.Id;
    const launchedAt = clock.now();

    // Follow it: the clock moves, the state follows.
    const seen: { at: number; status: any; detail: any }[] = [];
    for (const at of [0, 500, 1000, 1500, 2000, 3000, 3999, 4000, 10_000]) {
      clock.set(launchedAt + at);
      const status = await get(`/api/1.0/scans/status/${id}`);
      expectModel('ApiScanStatusModel', status.json);
      const detail = await get(`/api/1.0/scans/detail/${id}`);
      expectModel('ScanTaskModel', detail.json);
      seen.push({ at, status: status.json, detail: detail.json });
      if (at === 2000) {
        // Still running: its base waits on, and it cannot itself be retested.
        expect((await get('/api/1.0/issues/waitingforretest?webSiteName=Sample')).json.TotalItemCount).toBe(4);
        const early = await post('/api/1.0/scans/retest', { BaseScanId: id });
        expect(early.status).toBe(400);
        expect(early.json).toEqual({ Message: expect.stringMatching(/completed state/) });
      }
    }
    expect(seen.map((s) => s.status.State)).toEqual(['Queued', 'Queued', 'Scanning', 'Scanning', 'Scanning', 'Scanning', 'Scanning', 'Complete', 'Complete']);
    const percentages = seen.map((s) => s.detail.Percentage);
    expect(percentages[0]).toBe(0);
    for (let i = 1; i < percentages.length; i++) expect(percentages[i]).toBeGreaterThanOrEqual(percentages[i - 1]);
    expect(percentages.at(-1)).toBe(100);
    const scanning = seen.filter((s) => s.status.State === 'Scanning');
    expect(new Set(scanning.map((s) => s.status.CompletedSteps)).size).toBe(scanning.length); // grows at every step
    for (const s of scanning) expect(s.status.EstimatedSteps).toBeGreaterThan(s.status.CompletedSteps);
    const done = seen.at(-1)!;
    expect(done.status.CompletedSteps).toBe(done.status.EstimatedSteps);
    expect(done.detail).toMatchObject({ State: 'Complete', IsCompleted: true, Phase: 'Complete', ScanType: 'Retest', StateChanged: new Date(launchedAt + 4000).toISOString() });

    // The verdict: the three fixed issues are gone, the still-vulnerable one stays (Revived).
    const result = await get(`/api/1.0/scans/result/${id}`);
    expectModel('VulnerabilityModels', result.json);
    expect(result.json).toHaveLength(11);
    const titles = (list: any[]) => list.map((v) => v.Title);
    expect(titles(baseResult.json).filter((t: string) => !titles(result.json).includes(t)).sort()).toEqual(['Cross-site Scripting', 'Out-of-date Version (jQuery)', 'SQL Injection']);
    expect(titles(result.json)).toContain('Boolean Based SQL Injection');
    expect(done.detail.TotalVulnerabilityCount).toBe(11);
    expect(done.detail.VulnerabilityCriticalCount).toBe(0);

    // Nothing on Sample waits any more; the other website still does.
    const after = await get('/api/1.0/issues/waitingforretest?webSiteName=Sample');
    expect(after.json).toMatchObject({ TotalItemCount: 0, List: [], PageCount: 0 });
    expect((await get('/api/1.0/issues/waitingforretest')).json.TotalItemCount).toBe(2);

    // Reports of the retest, each format real bytes of its type.
    const report = (format: string) => get(`/api/1.0/scans/report/?id=${id}&type=Vulnerabilities&format=${format}`);
    const pdf = await report('Pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="Vulnerabilities-Sample-[0-9a-f]{8}\.pdf"$/);
    expect(Number(pdf.headers['content-length'])).toBe(pdf.bytes.length);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.bytes.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pdfProblems(pdf.bytes)).toEqual([]);
    expect(pdf.bytes.toString('latin1')).toContain('([High] Boolean Based SQL Injection - http://php.testinvicti.com/listproducts.php?cat=1'); // the Revived one

    const csv = await report('Csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(csv.bytes.toString('utf8'));
    expect(rows[0]).toEqual(['Title', 'Type', 'Severity', 'Url', 'State', 'Certainty', 'Issue URL']);
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row).toHaveLength(7);

    const xml = await report('Xml');
    expect(xml.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(xmlProblems(xml.bytes.toString('utf8'))).toEqual([]);
    expect(xml.bytes.toString('utf8').match(/<vulnerability>/g)).toHaveLength(11);

    const json = await report('Json');
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.json.Vulnerabilities).toHaveLength(11);

    const html = await report('Html');
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.bytes.toString('utf8')).toMatch(/^<!DOCTYPE html>[^]*<table>[^]*<\/html>\n$/);
    expect(html.bytes.toString('utf8').match(/<tr><td>/g)).toHaveLength(11);

    const txt = await report('Txt');
    expect(txt.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(txt.bytes.toString('utf8').split('\n').filter((l) => l.startsWith('['))).toHaveLength(11);
    expect(txt.headers['content-disposition']).toMatch(/\.txt"$/);

    const custom = await get(`/api/1.0/scans/custom-report/?id=${id}&reportName=Retest%20verdict`);
    expect(custom.status).toBe(200);
    expect(custom.headers['content-type']).toBe('application/xml; charset=utf-8'); // reportFormat defaults to Xml
    expect(custom.headers['content-disposition']).toMatch(/^attachment; filename="Retest-verdict-Sample-[0-9a-f]{8}\.xml"$/);
    expect(xmlProblems(custom.bytes.toString('utf8'))).toEqual([]);
    const customPdf = await get(`/api/1.0/scans/custom-report/?id=${id}&reportName=Retest%20verdict&reportFormat=Pdf&onlyConfirmedVulnerabilities=true`);
    expect(pdfProblems(customPdf.bytes)).toEqual([]);
  });

  test('the same timeline on another simulator gives the same states and progress (deterministic under a test clock)', async () => {
    const timeline = async () => {
      const c = createTestClock();
      const other = await startSimulator({ clock: c, scanSeconds: 2 });
      try {
        const launched = await send(other.url, 'POST', '/api/1.0/scans/retest', {
          headers: { Authorization: basic, 'Content-Type': 'application/json' },
          body: JSON.stringify({ BaseScanId: SEED_SCAN_IDS.completedShop }),
        });
        const out: unknown[] = [];
        for (let step = 0; step <= 10; step++) {
          const detail = (await send(other.url, 'GET', `/api/1.0/scans/detail/${launched.json.Id}`, { headers: { Authorization: basic } })).json;
          out.push([detail.State, detail.Percentage, detail.CompletedSteps, detail.EstimatedSteps, detail.Phase, detail.Duration, detail.TotalVulnerabilityCount]);
          c.advance(250);
        }
        return out;
      } finally {
        await other.close();
      }
    };
    const first = await timeline();
    expect(await timeline()).toEqual(first);
    expect(first.at(-1)).toEqual(['Complete', 100, expect.any(Number), expect.any(Number), 'Complete', '00:00:01', 7]);
  });

  test('scanSeconds 0: the launch answer is the queued scan, and the next look finds it Complete', async () => {
    const instant = await startSimulator({ clock: createTestClock(), scanSeconds: 0 });
    try {
      const launched = await send(instant.url, 'POST', '/api/1.0/scans/retest', {
        headers: { Authorization: basic, 'Content-Type': 'application/json' },
        body: JSON.stringify({ BaseScanId: SEED_SCAN_IDS.completed }),
      });
      expect(launched.json).toMatchObject({ State: 'Queued', Percentage: 0 });
      const status = await send(instant.url, 'GET', `/api/1.0/scans/status/${launched.json.Id}`, { headers: { Authorization: basic } });
      expect(status.json).toMatchObject({ State: 'Complete' });
      expect(status.json.CompletedSteps).toBe(status.json.EstimatedSteps);
    } finally {
      await instant.close();
    }
  });

  test('waitingforretest filters by severity (that severity and above), website and group, and pages', async () => {
    const other = await startSimulator({ clock: createTestClock() });
    try {
      const list = async (query: string) => (await send(other.url, 'GET', `/api/1.0/issues/waitingforretest${query}`, { headers: { Authorization: basic } })).json;
      expect((await list('')).TotalItemCount).toBe(6);
      const high = await list('?severity=High');
      expect(high.List.map((i: any) => i.Severity)).toEqual(['Critical', 'High', 'High', 'High']);
      expect((await list('?severity=Critical&webSiteName=Demo%20Shop')).TotalItemCount).toBe(0);
      expect((await list('?webSiteName=demo%20shop')).TotalItemCount).toBe(2);
      expect((await list('?websiteGroupName=Default')).TotalItemCount).toBe(6);
      expect((await list('?websiteGroupName=Nope')).TotalItemCount).toBe(0);
      const page2 = await list('?pageSize=4&page=2');
      expectModel('IssueApiResult', page2);
      expect(page2).toMatchObject({ PageNumber: 2, PageSize: 4, PageCount: 2, FirstItemOnPage: 5, LastItemOnPage: 6, HasPreviousPage: true, HasNextPage: false, IsLastPage: true, TotalItemCount: 6 });
      expect(page2.List).toHaveLength(2);
      for (const bad of ['?severity=Severe', '?pageSize=201', '?pageSize=0', '?page=0', '?page=x']) {
        const reply = await send(other.url, 'GET', `/api/1.0/issues/waitingforretest${bad}`, { headers: { Authorization: basic } });
        expect([bad, reply.status]).toEqual([bad, 400]);
        expect(reply.json).toEqual({ Message: expect.any(String) });
      }
    } finally {
      await other.close();
    }
  });

  test('scans/list pages newest first', async () => {
    const page1 = (await get('/api/1.0/scans/list?page=1&pageSize=2')).json;
    expectModel('ScanTaskListApiResult', page1);
    expect(page1).toMatchObject({ PageNumber: 1, PageSize: 2, IsFirstPage: true, HasNextPage: true, FirstItemOnPage: 1, LastItemOnPage: 2 });
    expect(page1.List[0].ScanType).toBe('Retest'); // launched in the first test, the newest
    const all = (await get('/api/1.0/scans/list?pageSize=200')).json;
    expect(all.List.map((s: any) => s.Id)).toEqual(expect.arrayContaining(Object.values(SEED_SCAN_IDS)));
    expect((await get('/api/1.0/scans/list?pageSize=500')).status).toBe(400);
  });

  test('scans/new: 201 with an array of one queued Full scan, TargetUri required; it completes in twice scanSeconds', async () => {
    const created = await post('/api/1.0/scans/new', { TargetUri: 'http://php.testinvicti.com/artists.php', Scope: 'OnlyEnteredUrl', Tags: ['ci'] });
    expect(created.status).toBe(201);
    expectModel('ScanTaskModels', created.json);
    expect(created.json).toHaveLength(1);
    expect(created.json[0]).toMatchObject({ ScanType: 'Full', State: 'Queued', TargetUrl: 'http://php.testinvicti.com/artists.php', WebsiteName: 'Sample', Scope: 'OnlyEnteredUrl', Tags: ['ci'] });
    const id = created.json[0].Id;
    clock.advance(SCAN_SECONDS * 1000);
    expect((await get(`/api/1.0/scans/status/${id}`)).json.State).toBe('Scanning');
    clock.advance(SCAN_SECONDS * 1000);
    expect((await get(`/api/1.0/scans/status/${id}`)).json.State).toBe('Complete');
    expect((await get(`/api/1.0/scans/result/${id}`)).json.length).toBeGreaterThan(0);

    const elsewhere = await post('/api/1.0/scans/new', { TargetUri: 'https://new-site.example.test/app/' });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.json[0]).toMatchObject({ WebsiteName: 'new-site.example.test', TargetUrl: 'https://new-site.example.test/app/' });

    for (const body of [{}, { TargetUri: 'not a url' }, { TargetUri: 'ftp://x.test/' }, { TargetUri: 'http://x.test/', Scope: 'Everything' }, { TargetUri: 'http://x.test/', CrawlAndAttack: 'yes' }, { TargetUri: 'http://x.test/', Comments: 5 }, { TargetUri: 'http://x.test/', Tags: [1] }, ['http://x.test/']]) {
      const reply = await post('/api/1.0/scans/new', body);
      expect([body, reply.status]).toEqual([body, 400]);
      expect(reply.json).toEqual({ Message: expect.any(String) });
    }
  });

  test('scans/cancel takes a bare JSON string and answers a CancelResult string', async () => {
    const created = await post('/api/1.0/scans/newfromscan', SEED_SCAN_IDS.completed);
    const id = created.json.Id;
    clock.advance(1500);
    const cancelled = await post('/api/1.0/scans/cancel', id);
    expect([cancelled.status, cancelled.json]).toEqual([200, 'Ok']);
    expect((await get(`/api/1.0/scans/status/${id}`)).json.State).toBe('Cancelled');
    clock.advance(60_000);
    expect((await get(`/api/1.0/scans/detail/${id}`)).json.State).toBe('Cancelled'); // stays cancelled
    expect((await post('/api/1.0/scans/cancel', id)).json).toBe('ScanCancelled');
    expect((await post('/api/1.0/scans/cancel', SEED_SCAN_IDS.completed)).json).toBe('ScanCompleted');
    expect((await post('/api/1.0/scans/cancel', '00000000-0000-4000-8000-000000000000')).json).toBe('ScanNotFound');
    expect((await post('/api/1.0/scans/retest', { BaseScanId: id })).status).toBe(400); // a cancelled scan is no base
    const object = await post('/api/1.0/scans/cancel', { id });
    expect(object.status).toBe(400);
    expect(object.json).toEqual({ Message: expect.stringMatching(/JSON string/) });
  });

  test('reports: 400 on a missing or invalid parameter, 404 for an unknown scan', async () => {
    const id = SEED_SCAN_IDS.completed;
    const cases: [string, number][] = [
      [`/api/1.0/scans/report/?type=Vulnerabilities&format=Pdf`, 400],
      [`/api/1.0/scans/report/?id=${id}&format=Pdf`, 400],
      [`/api/1.0/scans/report/?id=${id}&type=Vulnerabilities`, 400],
      [`/api/1.0/scans/report/?id=${id}&type=Everything&format=Pdf`, 400],
      [`/api/1.0/scans/report/?id=${id}&type=Vulnerabilities&format=Docx`, 400],
      [`/api/1.0/scans/report/?id=${id}&type=Vulnerabilities&format=Pdf&onlyConfirmedIssues=yes`, 400],
      [`/api/1.0/scans/report/?id=${id}&type=Vulnerabilities&format=Pdf&contentFormat=Rtf`, 400],
      [`/api/1.0/scans/report/?id=not-a-guid&type=Vulnerabilities&format=Pdf`, 400],
      [`/api/1.0/scans/report/?id=00000000-0000-4000-8000-000000000000&type=Vulnerabilities&format=Pdf`, 404],
      [`/api/1.0/scans/custom-report/?id=${id}`, 400],
      [`/api/1.0/scans/custom-report/?id=${id}&reportName=X&reportFormat=Docx`, 400],
      [`/api/1.0/scans/custom-report/?id=00000000-0000-4000-8000-000000000000&reportName=X`, 404],
    ];
    for (const [path, status] of cases) {
      const reply = await get(path);
      expect([path, reply.status]).toEqual([path, status]);
      expect(reply.json).toEqual({ Message: expect.any(String) });
    }
    const executive = await get(`/api/1.0/scans/report/?id=${id}&type=ExecutiveSummary&format=Pdf&excludeResponseData=true`);
    expect(executive.status).toBe(200);
    expect(pdfProblems(executive.bytes)).toEqual([]);
  });

  test('auth failures: every new endpoint answers 401 with Invicti\'s message, without and with wrong credentials', async () => {
    const wrong = 'Basic ' + Buffer.from('demo-user:wrong').toString('base64');
    for (const path of ['/api/1.0/issues/waitingforretest', `/api/1.0/scans/result/${SEED_SCAN_IDS.completed}`, `/api/1.0/scans/report/?id=${SEED_SCAN_IDS.completed}&type=Vulnerabilities&format=Pdf`, '/api/1.0/scans/list']) {
      for (const headers of [{}, { Authorization: wrong }] as Record<string, string>[]) {
        const reply = await send(sim.url, 'GET', path, { headers });
        expect([path, reply.status]).toEqual([path, 401]);
        expect(reply.json).toEqual({ Message: 'Authorization has been denied for this request.' });
      }
    }
    const cancel = await send(sim.url, 'POST', '/api/1.0/scans/cancel', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(SEED_SCAN_IDS.running) });
    expect(cancel.status).toBe(401);
  });
});

// ---- AttackForge -------------------------------------------------------------

describe('AttackForge: flag for retest → request a round → the project shows it → complete → Closed', () => {
  let sim: Simulator;
  const key = { 'X-SSAPI-KEY': DEMO_CREDENTIALS.attackforge.api_key };
  const project = SEED_PROJECT_IDS.webApp;
  const v = SEED_VULNERABILITY_IDS;
  const get = (path: string) => send(sim.url, 'GET', path, { headers: key });
  const json = (method: string, path: string, body: unknown) => send(sim.url, method, path, { headers: { ...key, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const vulnerabilities = async (query = '') => (await get(`/api/ss/project/${project}/vulnerabilities${query}`)).json;
  const q = (filter: string) => `?q=${encodeURIComponent(filter)}`;
  const statusOf = async (id: string) => (await vulnerabilities()).vulnerabilities.find((x: any) => x.vulnerability_id === id).vulnerability_status;

  beforeAll(async () => {
    sim = await startSimulator({ clock: createTestClock() });
  });
  afterAll(() => sim.close());

  test('the loop', async () => {
    const flagged = await vulnerabilities(q('{ is_retest: { $eq: "Yes" } }'));
    expect(flagged.count).toBe(2);
    expect(flagged.vulnerabilities.map((x: any) => x.vulnerability_id).sort()).toEqual([v.xssRetest, v.sqliRetest].sort());
    for (const field of ['vulnerability_id', 'vulnerability_title', 'vulnerability_priority', 'vulnerability_status', 'vulnerability_retest', 'vulnerability_project_id', 'vulnerability_affected_asset_name', 'vulnerability_created', 'vulnerability_modified', 'vulnerability_custom_fields']) {
      expect(flagged.vulnerabilities[0]).toHaveProperty(field);
    }

    // A fix is reported for the Open one: set it to Retest.
    const updated = await json('PUT', `/api/ss/vulnerability/${v.hstsOpen}`, { projectId: project, status: 'Retest', notes: [{ note: 'Fixed in release 2.4', type: 'PLAINTEXT' }] });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ status: expect.any(String), vulnerability: { vulnerability_id: v.hstsOpen, vulnerability_status: 'Retest', vulnerability_retest: 'Yes' } });
    expect((await vulnerabilities(q('{ is_retest: { $eq: "Yes" } }'))).count).toBe(3);

    const requested = await json('POST', `/api/ss/project/${project}/retest/request`, { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [v.hstsOpen, v.xssRetest] });
    expect(requested.json).toEqual({ status: `Project retest requested for Project ${project}` });
    const shown = (await get(`/api/ss/project/${project}`)).json.project;
    expect(shown).toMatchObject({ project_id: project, project_name: expect.any(String), project_code: 'DEMO-WEB', project_status: 'Retest' });
    expect(shown.project_retest_rounds).toEqual([
      expect.objectContaining({ round_number: 1, status: 'Requested', vulnerability_ids: [v.hstsOpen, v.xssRetest], retesting_window_start: '2025-03-23T00:00:00.000Z', retesting_window_end: null }),
    ]);

    // Wrong rounds.
    const unknown = await json('POST', `/api/ss/project/${project}/retest/2/complete`, {});
    expect([unknown.status, unknown.json]).toEqual([404, { error: expect.stringMatching(/round 2/) }]);
    expect((await json('POST', `/api/ss/project/${project}/retest/zero/complete`, {})).status).toBe(400);
    expect((await json('POST', `/api/ss/project/${project}/retest/0/cancel`, {})).status).toBe(400);
    expect((await json('POST', `/api/ss/project/aaaaaaaaaaaaaaaaaaaaaaaa/retest/1/complete`, {})).status).toBe(404);

    const completed = await json('POST', `/api/ss/project/${project}/retest/1/complete`, {});
    expect([completed.status, completed.json]).toEqual([200, { status: `Retest round 1 completed for Project ${project}` }]);
    expect(await statusOf(v.hstsOpen)).toBe('Closed');
    expect(await statusOf(v.xssRetest)).toBe('Closed');
    expect(await statusOf(v.sqliRetest)).toBe('Retest'); // not in the round
    const again = await json('POST', `/api/ss/project/${project}/retest/1/complete`, {});
    expect([again.status, again.json]).toEqual([400, { error: expect.stringMatching(/not open/) }]);
    expect((await get(`/api/ss/project/${project}`)).json.project).toMatchObject({ project_status: 'Testing', project_retest_rounds: [expect.objectContaining({ status: 'Completed' })] });

    // A second round, cancelled: its vulnerability stays in Retest.
    await json('POST', `/api/ss/project/${project}/retest/request`, { retesting_window_start: '2025-04-01T00:00:00.000Z', vulnerability_ids: [v.sqliRetest] });
    const cancelled = await json('POST', `/api/ss/project/${project}/retest/2/cancel`, {});
    expect([cancelled.status, cancelled.json]).toEqual([200, { status: `Retest round 2 cancelled for Project ${project}` }]);
    expect(await statusOf(v.sqliRetest)).toBe('Retest');
    expect((await json('POST', `/api/ss/project/${project}/retest/2/complete`, {})).status).toBe(400);
    // A closed vulnerability cannot be put in a round.
    expect((await json('POST', `/api/ss/project/${project}/retest/request`, { retesting_window_start: '2025-04-01T00:00:00.000Z', vulnerability_ids: [v.xssRetest] })).status).toBe(400);
  });

  test('the documented q filters, priority, dates, skip and limit', async () => {
    const other = await startSimulator({ clock: createTestClock() });
    try {
      const list = async (query: string) => (await send(other.url, 'GET', `/api/ss/project/${project}/vulnerabilities${query}`, { headers: key })).json;
      const ids = (body: any) => body.vulnerabilities.map((x: any) => x.vulnerability_id);
      expect(ids(await list(q('{ status: { $eq: "Open" } }')))).toEqual([v.hstsOpen]);
      expect(ids(await list(q('{ priority: { $in: ["Critical","High"] } }')))).toEqual([v.xssRetest, v.sqliRetest]);
      expect(ids(await list(q('{ $and: [ { priority: { $in: ["Critical","High"] } }, { status: { $eq: "Open" } } ] }')))).toEqual([]);
      expect(ids(await list(q("{ $or: [ { status: 'Closed' }, { priority: { $eq: 'Low' } } ] }")))).toEqual([v.hstsOpen, v.jqueryClosed]);
      expect(ids(await list('?priority=Critical'))).toEqual([v.sqliRetest]);
      expect(ids(await list('?startDate=2024-05-07T00:00:00.000Z&endDate=2024-05-08T23:59:59.999Z'))).toEqual([v.sqliRetest, v.hstsOpen]);
      expect(await list('?skip=1&limit=2')).toEqual({ count: 2, vulnerabilities: [expect.objectContaining({ vulnerability_id: v.sqliRetest }), expect.objectContaining({ vulnerability_id: v.hstsOpen })] });
      expect((await list('?pendingVulnerabilities=true')).count).toBe(4);
      for (const bad of ['?limit=501', '?limit=0', '?skip=-1', '?priority=Severe', '?startDate=yesterday', '?pendingVulnerabilities=maybe', q('{ is_retest: '), q('{ is_retest: { $regex: "Y" } }'), q('{ owner: "me" }'), q('{ __proto__: { $eq: "x" } }'), q('{ constructor: "x" }'), q('{ status: { toString: "x" } }'), q('[1]'), q('{ status: "Open" } trailing'), q('{ a: ' + '{ b: '.repeat(40))]) {
        const reply = await send(other.url, 'GET', `/api/ss/project/${project}/vulnerabilities${bad}`, { headers: key });
        expect([bad, reply.status]).toEqual([bad, 400]);
        expect(reply.json).toEqual({ error: expect.any(String) });
      }
      expect((await send(other.url, 'GET', `/api/ss/project/aaaaaaaaaaaaaaaaaaaaaaaa/vulnerabilities`, { headers: key })).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  test('UpdateVulnerabilityById: projectId required, documented values only, 404 unknown vulnerability', async () => {
    const put = (id: string, body: unknown) => json('PUT', `/api/ss/vulnerability/${id}`, body);
    const cases: [string, unknown, number][] = [
      [v.hstsOpen, { status: 'Retest' }, 400],
      [v.hstsOpen, { projectId: project, status: 'Fixed' }, 400],
      [v.hstsOpen, { projectId: project, priority: 'Urgent' }, 400],
      [v.hstsOpen, { projectId: project, likelihood_of_exploitation: 11 }, 400],
      [v.hstsOpen, { projectId: project, tags: 'a' }, 400],
      [v.hstsOpen, { projectId: project, notes: [{ note: 'x', type: 'HTML' }] }, 400],
      [v.hstsOpen, [project], 400],
      [v.hstsOpen, { projectId: SEED_PROJECT_IDS.mobileApi, status: 'Retest' }, 400],
      ['6639508f50523053f459ffff', { projectId: project, status: 'Retest' }, 404],
    ];
    for (const [id, body, status] of cases) {
      const reply = await put(id, body);
      expect([body, reply.status]).toEqual([body, status]);
      expect(reply.json).toEqual({ error: expect.any(String) });
    }
    const ok = await put(v.verboseErrorsOpen, { projectId: SEED_PROJECT_IDS.mobileApi, priority: 'Low', likelihood_of_exploitation: 3, tags: ['api'], title: 'Verbose errors', is_zeroday: false });
    expect(ok.status).toBe(200);
    expect(ok.json.vulnerability).toMatchObject({ vulnerability_priority: 'Low', vulnerability_likelihood_of_exploitation: 3, vulnerability_tags: ['api'], vulnerability_title: 'Verbose errors', vulnerability_is_zeroday: false });
  });

  test('auth failures: 401 { error } on every new endpoint, and nothing changes', async () => {
    const roundsBefore = (await get(`/api/ss/project/${project}`)).json.project.project_retest_rounds;
    for (const [method, path] of [
      ['GET', `/api/ss/project/${project}/vulnerabilities`],
      ['PUT', `/api/ss/vulnerability/${v.jqueryClosed}`],
      ['POST', `/api/ss/project/${project}/retest/request`],
      ['POST', `/api/ss/project/${project}/retest/1/complete`],
      ['POST', `/api/ss/project/${project}/retest/2/cancel`],
    ]) {
      for (const headers of [{}, { 'X-SSAPI-KEY': 'wrong' }] as Record<string, string>[]) {
        const body = { projectId: project, status: 'Open', retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [v.sqliRetest] };
        const reply = await send(sim.url, method!, path!, { headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        expect([path, reply.status]).toEqual([path, 401]);
        expect(reply.json).toEqual({ error: expect.any(String) });
      }
    }
    expect(await statusOf(v.jqueryClosed)).toBe('Closed');
    expect((await get(`/api/ss/project/${project}`)).json.project.project_retest_rounds).toEqual(roundsBefore);
  });
});

// ---- load: issue 11, defect 5 -------------------------------------------------

describe('under load the request log stays bounded and the simulator keeps answering (issue 11, defect 5)', () => {
  const MiB = 1024 * 1024;

  test('300 POSTs of 1 MiB, 16 in parallel on keep-alive connections: the log keeps bounded entries, cut bodies with their size', async () => {
    const sim = await startSimulator({ clock: createTestClock() });
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    try {
      const body = Buffer.alloc(MiB, 'x');
      const total = 300;
      let next = 0;
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) {
            next += 1;
            const reply = await send(sim.url, 'POST', '/api/1.0/scans/retest', { headers: { Authorization: basic, 'Content-Type': 'application/json' }, body, agent });
            statuses.push(reply.status);
          }
        }),
      );
      expect(statuses).toEqual(Array(total).fill(400)); // a megabyte of x is no BaseScanApiModel, and is answered
      expect(sim.requestCount).toBe(total);
      expect(sim.requests.length).toBeLessThanOrEqual(REQUEST_LOG_DEFAULTS.maxEntries);
      expect(sim.requestLogBytes).toBeLessThanOrEqual(REQUEST_LOG_DEFAULTS.maxTotalBytes);
      const kept = sim.requests.reduce((sum, r) => sum + Buffer.byteLength(r.body), 0);
      expect(kept).toBeLessThanOrEqual(REQUEST_LOG_DEFAULTS.maxTotalBytes);
      for (const entry of sim.requests) {
        expect(entry).toMatchObject({ body_bytes: MiB, body_truncated: true, status: 400 });
        expect(Buffer.byteLength(entry.body)).toBeLessThanOrEqual(REQUEST_LOG_DEFAULTS.maxBodyBytes);
      }
      // Still answering, on the same keep-alive connections.
      const status = await send(sim.url, 'GET', `/api/1.0/scans/status/${SEED_SCAN_IDS.completed}`, { headers: { Authorization: basic }, agent });
      expect(status.json.State).toBe('Complete');
      expect(sim.requests.at(-1)).toMatchObject({ method: 'GET', body: '', body_bytes: 0, body_truncated: false });
    } finally {
      agent.destroy();
      await sim.close();
    }
  });

  test('the log bounds are options: entries, bytes per body, bytes in all (the oldest go first)', async () => {
    const sim = await startSimulator({ clock: createTestClock(), requestLog: { maxEntries: 5, maxBodyBytes: 10, maxTotalBytes: 1000 } });
    try {
      for (let i = 0; i < 12; i++) {
        await send(sim.url, 'POST', `/api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request?n=${i}`, { headers: { 'X-SSAPI-KEY': 'demo-ssapi-key', 'Content-Type': 'application/json' }, body: `{"n":${i},"padding":"${'p'.repeat(100)}"}` });
      }
      expect(sim.requestCount).toBe(12);
      expect(sim.requests.map((r) => r.path.replace(/.*\?/, ''))).toEqual(['n=7', 'n=8', 'n=9', 'n=10', 'n=11']);
      expect(sim.requests[0]).toMatchObject({ body: '{"n":7,"pa', body_truncated: true, body_bytes: Buffer.byteLength(`{"n":7,"padding":"${'p'.repeat(100)}"}`) });
    } finally {
      await sim.close();
    }
    const tight = await startSimulator({ clock: createTestClock(), requestLog: { maxEntries: 100, maxBodyBytes: 100, maxTotalBytes: 300 } });
    try {
      for (let i = 0; i < 10; i++) await send(tight.url, 'POST', '/api/1.0/scans/cancel', { headers: { Authorization: basic, 'Content-Type': 'application/json' }, body: JSON.stringify('y'.repeat(200)) });
      expect(tight.requestLogBytes).toBeLessThanOrEqual(300);
      expect(tight.requests.length).toBeLessThan(10);
    } finally {
      await tight.close();
    }
  });

  test('a body over the cap is 413 (declared or streamed), not buffered, and the connection keeps serving', async () => {
    const sim = await startSimulator({ clock: createTestClock() });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const over = Buffer.alloc(MAX_REQUEST_BYTES + 1, 'x');
      const declared = await send(sim.url, 'POST', '/api/1.0/scans/retest', { headers: { Authorization: basic, 'Content-Type': 'application/json' }, body: over, agent });
      expect(declared.status).toBe(413);
      expect(declared.json).toEqual({ Message: expect.stringMatching(/too large/) });
      const af = await send(sim.url, 'POST', `/api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request`, { headers: { 'X-SSAPI-KEY': 'demo-ssapi-key', 'Content-Type': 'application/json' }, body: over, agent });
      expect([af.status, af.json]).toEqual([413, { error: expect.stringMatching(/too large/) }]);

      // Chunked: no Content-Length, the cap is found while streaming.
      const streamed = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${sim.url}/api/1.0/scans/retest`, { method: 'POST', agent, headers: { Authorization: basic, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 'y'));
        req.end();
      });
      expect(streamed).toBe(413);

      const logged = sim.requests.filter((r) => r.status === 413);
      expect(logged.map((r) => [r.body, r.body_bytes > MAX_REQUEST_BYTES])).toEqual([['', true], ['', true], ['', true]]);
      const after = await send(sim.url, 'GET', `/api/1.0/scans/status/${SEED_SCAN_IDS.completed}`, { headers: { Authorization: basic }, agent });
      expect(after.status).toBe(200);
    } finally {
      agent.destroy();
      await sim.close();
    }
  });

  test('bodies being received at once share one budget: past it a request gets 503 with Retry-After, and the budget comes back', async () => {
    const KiB = 1024;
    const sim = await startSimulator({ clock: createTestClock(), maxBufferedBytes: MiB });
    const port = new URL(sim.url).port;
    const until = async (condition: () => boolean) => {
      for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(condition()).toBe(true);
    };
    /** A POST that declares 1 MiB and sends only `bytes` of it, then waits. */
    const partial = (bytes: number) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.setEncoding('latin1').on('data', (d: string) => (received += d));
      socket.on('error', () => {});
      socket.write(`POST /api/1.0/scans/retest HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic}\r\nContent-Type: application/json\r\nContent-Length: ${MiB}\r\n\r\n`);
      socket.write(Buffer.alloc(bytes, 'x'));
      return { socket, head: () => received.split('\r\n\r\n')[0]! };
    };
    try {
      const first = partial(700 * KiB);
      await until(() => sim.bufferedBytes === 700 * KiB);
      const second = partial(700 * KiB);
      await until(() => second.head().startsWith('HTTP/1.1 503'));
      expect(second.head()).toMatch(/\r\nRetry-After: 1(\r\n|$)/);
      expect(sim.bufferedBytes).toBe(700 * KiB); // the refused body holds nothing
      first.socket.destroy();
      second.socket.destroy();
      await until(() => sim.bufferedBytes === 0); // a client that went away gives its share back
      const whole = await send(sim.url, 'POST', '/api/1.0/scans/retest', { headers: { Authorization: basic, 'Content-Type': 'application/json' }, body: Buffer.alloc(MiB, 'x') });
      expect(whole.status).toBe(400); // received whole again, and answered
      expect(sim.bufferedBytes).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
