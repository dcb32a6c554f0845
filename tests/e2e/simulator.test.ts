// The simulator over real loopback HTTP: vendor behaviours, realistic headers,
// and every response it gives validating against the bundle's own output schemas.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Envelope } from '../../src/runtime/envelope.js';
import { getAction } from '../../src/contract/manifest.js';
import { runAction } from '../../src/runtime/run.js';
import { getValidator } from '../../src/contract/schemas.js';
import { createTestClock, DEMO_CREDENTIALS, SEED_PROJECT_IDS, SEED_SCAN_IDS, SEED_VULNERABILITY_IDS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { seedEnvelope } from '../helpers/fixtures.js';

// Generous: tests spawn node processes and talk over sockets, slow on a loaded machine.
jest.setTimeout(60_000);

let sim: Simulator;
let invicti: { url: string; user_id: string; api_token: string };
let attackforge: { url: string; api_key: string };

beforeAll(async () => {
  // The clock stands still: launched scans stay Queued (tests/e2e/simulator-loop.test.ts moves time).
  sim = await startSimulator({ clock: createTestClock() });
  invicti = { url: sim.invictiUrl, ...sim.credentials.invicti };
  attackforge = { url: sim.attackforgeUrl, ...sim.credentials.attackforge };
});

afterAll(() => sim.close());

const basicAuth = () => 'Basic ' + Buffer.from(`${sim.credentials.invicti.user_id}:${sim.credentials.invicti.api_token}`).toString('base64');

function raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return fetch(sim.url + path, { method: init.method ?? 'GET', headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
}

const afBody = (ids: string[], end?: string) => ({
  retesting_window_start: '2025-03-23T00:00:00.000Z',
  ...(end ? { retesting_window_end: end } : {}),
  vulnerability_ids: ids,
});

/** Every response kind the simulator gives to each action, through runAction and got (the real path). */
const scenarios: { name: string; action: string; input: () => unknown; connection: () => unknown; status: number }[] = [
  { name: 'retest of a completed scan', action: 'invicti_scan_retest', input: () => ({ json_body: { BaseScanId: SEED_SCAN_IDS.completed } }), connection: () => invicti, status: 201 },
  { name: 'retest with an agent', action: 'invicti_scan_retest', input: () => ({ json_body: { BaseScanId: SEED_SCAN_IDS.completedShop, AgentName: 'Default Agent' } }), connection: () => invicti, status: 201 },
  { name: 'retest of a running scan', action: 'invicti_scan_retest', input: () => ({ json_body: { BaseScanId: SEED_SCAN_IDS.running } }), connection: () => invicti, status: 400 },
  { name: 'retest of a cancelled scan', action: 'invicti_scan_retest', input: () => ({ json_body: { BaseScanId: SEED_SCAN_IDS.cancelled } }), connection: () => invicti, status: 400 },
  { name: 'retest of an unknown scan', action: 'invicti_scan_retest', input: () => ({ json_body: { BaseScanId: '00000000-0000-4000-8000-000000000000' } }), connection: () => invicti, status: 404 },
  { name: 'retest with a wrong token', action: 'invicti_scan_retest', input: () => ({ json_body: { BaseScanId: SEED_SCAN_IDS.completed } }), connection: () => ({ ...invicti, api_token: 'nope' }), status: 401 },
  { name: 'newfromscan of a completed scan', action: 'invicti_scan_launch_new_from_scan', input: () => ({ data_body: { id: SEED_SCAN_IDS.completed } }), connection: () => invicti, status: 201 },
  { name: 'newfromscan of an unknown scan', action: 'invicti_scan_launch_new_from_scan', input: () => ({ data_body: { id: '00000000-0000-4000-8000-000000000000' } }), connection: () => invicti, status: 404 },
  { name: 'newfromscan with a wrong user', action: 'invicti_scan_launch_new_from_scan', input: () => ({ data_body: { id: SEED_SCAN_IDS.completed } }), connection: () => ({ ...invicti, user_id: 'someone' }), status: 401 },
  {
    name: 'retest request for vulnerabilities in Retest status',
    action: 'attackforge_request_new_project_retest',
    input: () => ({ path_parameters: { id: SEED_PROJECT_IDS.webApp }, json_body: afBody([SEED_VULNERABILITY_IDS.xssRetest], '2025-03-30T00:00:00.000Z') }),
    connection: () => attackforge,
    status: 200,
  },
  {
    name: 'retest request for an Open vulnerability',
    action: 'attackforge_request_new_project_retest',
    input: () => ({ path_parameters: { id: SEED_PROJECT_IDS.webApp }, json_body: afBody([SEED_VULNERABILITY_IDS.hstsOpen]) }),
    connection: () => attackforge,
    status: 400,
  },
  {
    name: 'retest request for a vulnerability of another project',
    action: 'attackforge_request_new_project_retest',
    input: () => ({ path_parameters: { id: SEED_PROJECT_IDS.mobileApi }, json_body: afBody([SEED_VULNERABILITY_IDS.xssRetest]) }),
    connection: () => attackforge,
    status: 400,
  },
  {
    name: 'retest request for an unknown project',
    action: 'attackforge_request_new_project_retest',
    input: () => ({ path_parameters: { id: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, json_body: afBody([SEED_VULNERABILITY_IDS.xssRetest]) }),
    connection: () => attackforge,
    status: 404,
  },
  {
    name: 'retest request with a wrong key',
    action: 'attackforge_request_new_project_retest',
    input: () => ({ path_parameters: { id: SEED_PROJECT_IDS.webApp }, json_body: afBody([SEED_VULNERABILITY_IDS.xssRetest]) }),
    connection: () => ({ ...attackforge, api_key: 'nope' }),
    status: 401,
  },
];

describe('every simulator response validates against the output schema of its action', () => {
  test.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const envelope = await runAction(scenario.action, scenario.input(), scenario.connection());
    expect(envelope.status_code).toBe(scenario.status);
    const validate = getValidator(getAction(scenario.action).output_schema);
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
    expect(envelope.json_body).not.toBeNull();
    assertRealisticHeaders(envelope);
  });
});

function assertRealisticHeaders(envelope: Envelope) {
  const headers = envelope.response_headers;
  expect(headers['Content-Type']).toBe('application/json; charset=utf-8');
  expect(Number.isNaN(Date.parse(headers['Date']!))).toBe(false);
  expect(Number(headers['Content-Length'])).toBe(Buffer.byteLength(JSON.stringify(envelope.json_body)));
  expect(headers['Cache-Control']).toBeDefined();
  expect(headers['X-Content-Type-Options']).toBe('nosniff');
}

describe('Invicti', () => {
  test('a retest is a new queued Retest scan shaped like the real capture (seed 000), the rest taken from the base scan', async () => {
    const base = await (await raw(`/api/1.0/scans/detail/${SEED_SCAN_IDS.completed}`, { headers: { Authorization: basicAuth() } })).json();
    const envelope = await runAction('invicti_scan_retest', { json_body: { BaseScanId: SEED_SCAN_IDS.completed } }, invicti);
    const scan = envelope.json_body as Record<string, unknown>;
    const seed = seedEnvelope('invicti_scan_retest');

    expect(Object.keys(scan)).toEqual(Object.keys(seed.json_body));
    expect(Object.keys(envelope.response_headers)).toEqual(expect.arrayContaining(['Date', 'Content-Type', 'Content-Length', 'Cache-Control', 'Pragma', 'Expires']));
    expect(scan).toMatchObject({ ScanType: 'Retest', State: 'Queued', IsCompleted: false, Percentage: 0, Phase: 'Pending' });
    expect(scan.Id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(scan.Id).not.toBe(base.Id);
    for (const key of ['TargetUrl', 'WebsiteId', 'WebsiteName', 'PolicyId', 'PolicyName', 'ReportPolicyId', 'Scope', 'UrlRewriteMode', 'UserId']) {
      expect(scan[key]).toEqual(base[key]);
    }
  });

  test('status and detail show the effect of a launch', async () => {
    const envelope = await runAction('invicti_scan_launch_new_from_scan', { data_body: { id: SEED_SCAN_IDS.completedShop } }, invicti);
    const id = (envelope.json_body as { Id: string }).Id;
    const status = await raw(`/api/1.0/scans/status/${id}`, { headers: { Authorization: basicAuth() } });
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ CompletedSteps: 0, EstimatedLaunchTime: 0, EstimatedSteps: 0, State: 'Queued' });

    const detail = await raw(`/api/1.0/scans/detail/${id}`, { headers: { Authorization: basicAuth() } });
    const scan = await detail.json();
    expect(scan).toEqual(envelope.json_body);
    expect(getValidator('schemas/invicti/ScanTaskModel.json')(scan)).toBe(true);

    const seeded = await raw(`/api/1.0/scans/status/${SEED_SCAN_IDS.running}`, { headers: { Authorization: basicAuth() } });
    expect((await seeded.json()).State).toBe('Scanning');
    const unknown = await raw('/api/1.0/scans/detail/00000000-0000-4000-8000-000000000000', { headers: { Authorization: basicAuth() } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ Message: expect.any(String) });
  });

  test('newfromscan takes only a bare JSON string: a JSON object or a form body is 400 { Message }', async () => {
    const headers = { Authorization: basicAuth(), 'Content-Type': 'application/json' };
    const object = await raw('/api/1.0/scans/newfromscan', { method: 'POST', headers, body: JSON.stringify({ id: SEED_SCAN_IDS.completed }) });
    expect(object.status).toBe(400);
    expect(await object.json()).toEqual({ Message: expect.stringMatching(/JSON string/) });

    const form = await raw('/api/1.0/scans/newfromscan', {
      method: 'POST',
      headers: { Authorization: basicAuth(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `id=${SEED_SCAN_IDS.completed}`,
    });
    expect(form.status).toBe(400);
    expect(await form.json()).toEqual({ Message: expect.any(String) });

    const bare = await raw('/api/1.0/scans/newfromscan', { method: 'POST', headers, body: JSON.stringify(SEED_SCAN_IDS.completed) });
    expect(bare.status).toBe(201);
  });

  test('no or wrong credentials: 401 with Invicti\'s message', async () => {
    const attempts: Record<string, string>[] = [{}, { Authorization: 'Basic ' + Buffer.from('demo-user:wrong').toString('base64') }];
    for (const headers of attempts) {
      const response = await raw(`/api/1.0/scans/status/${SEED_SCAN_IDS.completed}`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ Message: 'Authorization has been denied for this request.' });
    }
  });

  test('the seeded websites and scans are listed', async () => {
    const websites = await (await raw('/api/1.0/websites/list', { headers: { Authorization: basicAuth() } })).json();
    expect(websites.List.length).toBeGreaterThanOrEqual(2);
    const scans = await (await raw('/api/1.0/scans/list', { headers: { Authorization: basicAuth() } })).json();
    const states = new Map(scans.List.map((s: { Id: string; State: string }) => [s.Id, s.State]));
    expect(states.get(SEED_SCAN_IDS.completed)).toBe('Complete');
    expect(states.get(SEED_SCAN_IDS.running)).toBe('Scanning');
    expect(states.get(SEED_SCAN_IDS.cancelled)).toBe('Cancelled');
  });
});

describe('AttackForge', () => {
  const post = (projectId: string, body: unknown, key = DEMO_CREDENTIALS.attackforge.api_key) =>
    raw(`/api/ss/project/${projectId}/retest/request`, {
      method: 'POST',
      headers: { 'X-SSAPI-KEY': key, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('a window that ends before it starts is 400', async () => {
    const response = await post(SEED_PROJECT_IDS.webApp, afBody([SEED_VULNERABILITY_IDS.xssRetest], '2025-03-01T00:00:00.000Z'));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/window/) });
  });

  test('a malformed start, or no vulnerabilities, is 400', async () => {
    expect((await post(SEED_PROJECT_IDS.webApp, { retesting_window_start: 'tomorrow', vulnerability_ids: [SEED_VULNERABILITY_IDS.xssRetest] })).status).toBe(400);
    expect((await post(SEED_PROJECT_IDS.webApp, afBody([]))).status).toBe(400);
  });

  test('a granted request is recorded on the project', async () => {
    const response = await post(SEED_PROJECT_IDS.mobileApi, afBody([SEED_VULNERABILITY_IDS.bolaRetest], '2025-04-01T00:00:00Z'));
    expect(response.status).toBe(200);
    const project = await (await raw(`/api/ss/project/${SEED_PROJECT_IDS.mobileApi}`, { headers: { 'X-SSAPI-KEY': DEMO_CREDENTIALS.attackforge.api_key } })).json();
    expect(project.project.project_retest_rounds).toEqual([
      expect.objectContaining({ round_number: 1, status: 'Requested', retesting_window_end: '2025-04-01T00:00:00Z', vulnerability_ids: [SEED_VULNERABILITY_IDS.bolaRetest] }),
    ]);
  });

  test('no key: 401 with a JSON error object', async () => {
    const response = await raw(`/api/ss/project/${SEED_PROJECT_IDS.webApp}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });
});

describe('the request log', () => {
  test('records method, path and body with credentials masked', async () => {
    const before = sim.requests.length;
    await runAction('invicti_scan_retest', { json_body: { BaseScanId: SEED_SCAN_IDS.completed } }, invicti);
    await runAction('attackforge_request_new_project_retest', { path_parameters: { id: SEED_PROJECT_IDS.webApp }, json_body: afBody([SEED_VULNERABILITY_IDS.sqliRetest]) }, attackforge);
    const logged = sim.requests.slice(before);
    expect(logged.map((r) => [r.vendor, r.method, r.path, r.status])).toEqual([
      ['invicti', 'POST', '/api/1.0/scans/retest', 201],
      ['attackforge', 'POST', `/api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request`, 200],
    ]);
    expect(logged[0]!.headers.authorization).toBe('***');
    expect(logged[1]!.headers['x-ssapi-key']).toBe('***');
    expect(JSON.stringify(logged)).not.toContain(sim.credentials.invicti.api_token);
    expect(JSON.stringify(logged)).not.toContain(sim.credentials.attackforge.api_key);
  });

  test('two simulators do not share state', async () => {
    const other = await startSimulator();
    try {
      await runAction('invicti_scan_retest', { json_body: { BaseScanId: SEED_SCAN_IDS.completed } }, { url: other.invictiUrl, ...other.credentials.invicti });
      expect(other.requests).toHaveLength(1);
      expect(other.url).not.toBe(sim.url);
    } finally {
      await other.close();
    }
  });
});
