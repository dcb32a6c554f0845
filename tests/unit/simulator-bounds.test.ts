// What the simulated accounts keep is bounded too: scans, websites, retest
// rounds, notes. Driven through the vendor handlers directly (no socket), on a
// test clock.
import { describe, expect, test } from '@jest/globals';
import { AttackForgeSimulator, MAX_NOTES, MAX_ROUNDS, MAX_TEXT_CHARS } from '../../src/simulator/attackforge.js';
import { createTestClock } from '../../src/simulator/clock.js';
import type { SimRequest } from '../../src/simulator/http.js';
import { InvictiSimulator, MAX_AGENT_NAME_CHARS, MAX_COMMENTS_CHARS, MAX_ISSUE_HISTORY, MAX_SCANS, MAX_WEBSITES } from '../../src/simulator/invicti.js';
import { DEMO_CREDENTIALS, SEED_PROJECT_IDS, SEED_SCAN_IDS, SEED_VULNERABILITY_IDS } from '../../src/simulator/index.js';

const basic = 'Basic ' + Buffer.from('demo-user:demo-token').toString('base64');
const request = (method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}): SimRequest => {
  const [path, query = ''] = pathAndQuery.split('?') as [string, string?];
  return {
    method,
    path,
    query: new URLSearchParams(query),
    headers: { host: '127.0.0.1', 'content-type': 'application/json', ...headers },
    body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
  };
};

describe('Invicti account bounds', () => {
  test(`an issue keeps at most ${MAX_ISSUE_HISTORY} history entries (the first and the latest); notes and tags are capped`, () => {
    const invicti = new InvictiSimulator(DEMO_CREDENTIALS.invicti, { clock: createTestClock(), scanSeconds: 4 });
    const issue = 'f3a1c84e-1551-4e0d-9a7b-000000000004';
    const update = (body: unknown) => invicti.handle(request('POST', '/api/1.0/issues/update', body, { authorization: basic }));
    for (let i = 0; i < MAX_ISSUE_HISTORY + 50; i++) expect(update({ IssueId: issue, Note: `note ${i}` }).status).toBe(200);
    const shown = invicti.handle(request('GET', `/api/1.0/issues/get/${issue}`, undefined, { authorization: basic })).body as { History: { Message: string; Note: string }[] };
    expect(shown.History).toHaveLength(MAX_ISSUE_HISTORY);
    expect(shown.History[0]!.Message).toBe('Issue found');
    expect(shown.History.at(-1)!.Note).toBe(`note ${MAX_ISSUE_HISTORY + 49}`);
    expect(update({ IssueId: issue, Note: 'x'.repeat(4001) }).status).toBe(400);
    expect(update({ IssueId: issue, Tags: Array.from({ length: 101 }, () => 't') }).status).toBe(400);
    expect(update({ IssueId: issue, Tags: ['x'.repeat(257)] }).status).toBe(400);
  });

  test(`at most ${MAX_SCANS} scans: the oldest launched are forgotten, the seeded ones stay`, () => {
    const invicti = new InvictiSimulator(DEMO_CREDENTIALS.invicti, { clock: createTestClock(), scanSeconds: 4 });
    const launch = () => invicti.handle(request('POST', '/api/1.0/scans/newfromscan', SEED_SCAN_IDS.completed, { authorization: basic }));
    const first = launch().body as { Id: string };
    for (let i = 0; i < MAX_SCANS; i++) expect(launch().status).toBe(201);
    const list = invicti.handle(request('GET', '/api/1.0/scans/list?pageSize=1', undefined, { authorization: basic })).body as { TotalItemCount: number };
    expect(list.TotalItemCount).toBe(MAX_SCANS);
    expect(invicti.handle(request('GET', `/api/1.0/scans/status/${first.Id}`, undefined, { authorization: basic })).status).toBe(404);
    for (const id of Object.values(SEED_SCAN_IDS)) expect(invicti.handle(request('GET', `/api/1.0/scans/status/${id}`, undefined, { authorization: basic })).status).toBe(200);
  });

  test(`at most ${MAX_WEBSITES} websites: a new target past it is 400, a known one still scans`, () => {
    const invicti = new InvictiSimulator(DEMO_CREDENTIALS.invicti, { clock: createTestClock(), scanSeconds: 4 });
    const scan = (target: string) => invicti.handle(request('POST', '/api/1.0/scans/new', { TargetUri: target }, { authorization: basic }));
    for (let i = 0; scan(`https://site-${i}.example.test/`).status === 201; i++) expect(i).toBeLessThan(MAX_WEBSITES);
    const websites = invicti.handle(request('GET', '/api/1.0/websites/list?pageSize=1', undefined, { authorization: basic })).body as { TotalItemCount: number };
    expect(websites.TotalItemCount).toBe(MAX_WEBSITES);
    expect(scan('https://one-more.example.test/')).toMatchObject({ status: 400, body: { Message: expect.stringMatching(/websites/) } });
    expect(scan('http://php.testinvicti.com/').status).toBe(201);
  });
});

describe('AttackForge tenant bounds', () => {
  const key = { 'x-ssapi-key': DEMO_CREDENTIALS.attackforge.api_key };
  const project = SEED_PROJECT_IDS.mobileApi;

  test(`at most ${MAX_ROUNDS} retest rounds per project`, () => {
    const af = new AttackForgeSimulator(DEMO_CREDENTIALS.attackforge, createTestClock());
    const body = { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [SEED_VULNERABILITY_IDS.bolaRetest] };
    for (let i = 0; i < MAX_ROUNDS; i++) expect(af.handle(request('POST', `/api/ss/project/${project}/retest/request`, body, key)).status).toBe(200);
    expect(af.handle(request('POST', `/api/ss/project/${project}/retest/request`, body, key))).toMatchObject({ status: 400, body: { error: expect.stringMatching(/rounds/) } });
    expect(af.handle(request('POST', `/api/ss/project/${project}/retest/${MAX_ROUNDS}/complete`, {}, key)).status).toBe(200);
  });

  test(`at most ${MAX_NOTES} notes per vulnerability, the latest kept`, () => {
    const af = new AttackForgeSimulator(DEMO_CREDENTIALS.attackforge, createTestClock());
    for (let i = 0; i < MAX_NOTES + 5; i++) {
      expect(af.handle(request('PUT', `/api/ss/vulnerability/${SEED_VULNERABILITY_IDS.bolaRetest}`, { projectId: project, notes: [{ note: `n${i}` }] }, key)).status).toBe(200);
    }
    const list = af.handle(request('GET', `/api/ss/project/${project}/vulnerabilities`, undefined, key)).body as { vulnerabilities: { vulnerability_id: string; vulnerability_notes: { note: string }[] }[] };
    const notes = list.vulnerabilities.find((v) => v.vulnerability_id === SEED_VULNERABILITY_IDS.bolaRetest)!.vulnerability_notes;
    expect(notes).toHaveLength(MAX_NOTES);
    expect(notes[0]!.note).toBe('n5');
    expect(notes.at(-1)!.note).toBe(`n${MAX_NOTES + 4}`);
  });
});

// Counts alone let a 1 MiB AgentName or note be kept 5,000 times (issue 18, defect 7). What is stored is measured
// as JSON bytes (storedBytes), not RSS: the same on every run.
describe('bytes, not only counts', () => {
  const MiB = 1024 * 1024;

  test('Invicti: a 1 MiB AgentName or Comments is refused (400, nothing stored); MAX_SCANS + 200 retests with the longest AgentName stay under a byte bound', () => {
    const invicti = new InvictiSimulator(DEMO_CREDENTIALS.invicti, { clock: createTestClock(), scanSeconds: 4 });
    const auth = { authorization: basic };
    const retest = (AgentName: string) => invicti.handle(request('POST', '/api/1.0/scans/retest', { BaseScanId: SEED_SCAN_IDS.completed, AgentName }, auth));
    const seeded = invicti.storedBytes;
    expect(retest('a'.repeat(MiB))).toMatchObject({ status: 400, body: { Message: expect.stringContaining('AgentName') } });
    expect(invicti.handle(request('POST', '/api/1.0/scans/new', { TargetUri: 'http://php.testinvicti.com/', Comments: 'c'.repeat(MiB) }, auth))).toMatchObject({
      status: 400,
      body: { Message: expect.stringContaining('Comments') },
    });
    expect(invicti.storedBytes).toBe(seeded);

    // The longest AgentName accepted, in two-byte characters: the most one retest can add.
    const longest = 'é'.repeat(MAX_AGENT_NAME_CHARS);
    expect(retest(longest).status).toBe(201);
    const perScan = invicti.storedBytes - seeded;
    expect(perScan).toBeLessThan(16 * 1024);
    for (let i = 0; i < MAX_SCANS + 200; i++) expect(retest(longest).status).toBe(201);
    expect(invicti.storedBytes).toBeLessThanOrEqual(seeded + MAX_SCANS * perScan);
    expect(invicti.storedBytes).toBeLessThan(MAX_SCANS * 16 * 1024 + seeded); // < 80 MiB whatever is sent
    expect(MAX_COMMENTS_CHARS).toBeLessThan(MiB);
  });

  test('AttackForge: a 1 MiB note or description is refused (400, nothing stored); 150 updates with the longest note stay under MAX_NOTES of them', () => {
    const af = new AttackForgeSimulator(DEMO_CREDENTIALS.attackforge, createTestClock());
    const key = { 'x-ssapi-key': DEMO_CREDENTIALS.attackforge.api_key };
    const project = SEED_PROJECT_IDS.mobileApi;
    const update = (body: Record<string, unknown>) => af.handle(request('PUT', `/api/ss/vulnerability/${SEED_VULNERABILITY_IDS.bolaRetest}`, { projectId: project, ...body }, key));
    const seeded = af.storedBytes;
    expect(update({ notes: [{ note: 'n'.repeat(MiB) }] })).toMatchObject({ status: 400, body: { error: expect.stringContaining('notes') } });
    expect(update({ description: 'd'.repeat(MiB) })).toMatchObject({ status: 400, body: { error: expect.stringContaining('description') } });
    expect(update({ custom_fields: [{ key: 'k', value: 'v'.repeat(MiB) }] }).status).toBe(400);
    expect(af.storedBytes).toBe(seeded);

    for (let i = 0; i < 150; i++) expect(update({ notes: [{ note: String(i % 10).repeat(MAX_TEXT_CHARS) }] }).status).toBe(200);
    expect(af.storedBytes - seeded).toBeLessThanOrEqual(MAX_NOTES * (MAX_TEXT_CHARS + 64));
  });

  test('AttackForge: a retest round listing one id 20,000 times stores it once', () => {
    const af = new AttackForgeSimulator(DEMO_CREDENTIALS.attackforge, createTestClock());
    const key = { 'x-ssapi-key': DEMO_CREDENTIALS.attackforge.api_key };
    const project = SEED_PROJECT_IDS.mobileApi;
    const seeded = af.storedBytes;
    const ids = Array.from({ length: 20_000 }, () => SEED_VULNERABILITY_IDS.bolaRetest);
    expect(af.handle(request('POST', `/api/ss/project/${project}/retest/request`, { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: ids }, key)).status).toBe(200);
    expect(af.storedBytes - seeded).toBeLessThan(1024);
  });
});
