// What the simulated accounts keep is bounded too: scans, websites, retest
// rounds, notes. Driven through the vendor handlers directly (no socket), on a
// test clock.
import { describe, expect, test } from '@jest/globals';
import { AttackForgeSimulator, MAX_NOTES, MAX_ROUNDS } from '../../src/simulator/attackforge.js';
import { createTestClock } from '../../src/simulator/clock.js';
import type { SimRequest } from '../../src/simulator/http.js';
import { InvictiSimulator, MAX_SCANS, MAX_WEBSITES } from '../../src/simulator/invicti.js';
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
