// The retest loop as a team runs it, through the built CLI against the
// simulator on a test clock (no timing assertions: the clock moves only when
// the test moves it): mark an issue FixedUnconfirmed → it waits for a retest →
// retest its scan → follow it with single checks (wait.once: one request
// each, exit 5 and next_check_after_s while it runs) → each issue's verdict
// from the vendor's state (FixedConfirmed or Revived). Then the exit statuses
// of a wait that ends Failed or Cancelled (7), and a 429 with Retry-After in a
// single check (exit 5, next_check_after_s from Retry-After).
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { type CliResult, runCli } from '../helpers/cli.js';
import { type LoopbackServer, startServer } from '../helpers/servers.js';
import { createTestClock, SEED_SCAN_IDS, type Simulator, startSimulator, type TestClock } from '../../src/simulator/index.js';
import { EXIT } from '../../src/cli/exit-codes.js';

jest.setTimeout(60_000);

const SCAN_SECONDS = 600; // a 10-minute retest: only the test clock makes it end
const SAMPLE_ISSUE = (n: number) => `f3a1c84e-1551-4e0d-9a7b-${String(n).padStart(12, '0')}`;

let sim: Simulator;
let clock: TestClock;
const env = () => ({ INVICTI_URL: sim.invictiUrl, INVICTI_USER_ID: sim.credentials.invicti.user_id, INVICTI_API_TOKEN: sim.credentials.invicti.api_token });
const run = (action: string, input: unknown, extraEnv?: Record<string, string>) =>
  runCli(['run', action, '--input', '-'], { stdin: JSON.stringify(input), env: extraEnv ?? env() });
const json = (result: CliResult) => JSON.parse(result.stdout);

beforeAll(async () => {
  clock = createTestClock();
  sim = await startSimulator({ clock, scanSeconds: SCAN_SECONDS });
});
afterAll(() => sim.close());

describe('the issue lifecycle, through the CLI', () => {
  test('mark fixed → waiting list → retest → single checks (exit 5, then 0) → FixedConfirmed and Revived from the vendor', async () => {
    // Issue 4 (even: its retest confirms the fix) and issue 5 (odd: revived) are marked fixed by the team.
    for (const n of [4, 5]) {
      const marked = await run('invicti_issue_update', { json_body: { IssueId: SAMPLE_ISSUE(n), State: 'FixedUnconfirmed', Note: 'Fix deployed' } });
      expect([marked.code, json(marked).status_code]).toEqual([EXIT.OK, 200]);
    }
    const waiting = json(await run('invicti_issues_waiting_for_retest', { parameters: { webSiteName: 'Sample', pageSize: 200 } }));
    const ids = waiting.json_body.List.map((i: any) => i.Id);
    expect(ids).toEqual(expect.arrayContaining([SAMPLE_ISSUE(4), SAMPLE_ISSUE(5)]));
    const baseScan = waiting.json_body.List.find((i: any) => i.Id === SAMPLE_ISSUE(4)).LatestScanId;
    expect(baseScan).toBe(SEED_SCAN_IDS.completed);

    const retest = await run('invicti_scan_retest', { json_body: { BaseScanId: baseScan } });
    expect(retest.code).toBe(EXIT.OK);
    const scanId = json(retest).json_body.Id;

    // A single check while it runs: exactly one request, exit 5, next_check_after_s = interval_s.
    const before = sim.requestCount;
    const pending = await run('invicti_scan_wait', { path_parameters: { id: scanId }, wait: { once: true, interval_s: 60 } });
    expect(sim.requestCount - before).toBe(1);
    expect(pending.code).toBe(EXIT.WAIT_PENDING);
    expect(json(pending).wait).toMatchObject({ done: false, outcome: 'pending', polls: 1, once: true, next_check_after_s: 60 });
    expect(pending.stderr).toContain('check again in 60 s (exit 5)');

    clock.advance(SCAN_SECONDS * 500); // half way
    const halfway = await run('invicti_scan_wait', { path_parameters: { id: scanId }, wait: { once: true, interval_s: 60 } });
    expect([halfway.code, json(halfway).json_body.State]).toEqual([EXIT.WAIT_PENDING, 'Scanning']);

    clock.advance(SCAN_SECONDS * 500);
    const completed = await run('invicti_scan_wait', { path_parameters: { id: scanId }, wait: { once: true, interval_s: 60 } });
    expect(completed.code).toBe(EXIT.OK);
    expect(json(completed).wait).toMatchObject({ done: true, outcome: 'completed', polls: 1 });
    expect(json(completed).wait.next_check_after_s).toBeUndefined();

    // The vendor's verdict, per issue.
    const four = json(await run('invicti_issue_detail', { path_parameters: { id: SAMPLE_ISSUE(4) } })).json_body;
    const five = json(await run('invicti_issue_detail', { path_parameters: { id: SAMPLE_ISSUE(5) } })).json_body;
    expect([four.State, four.IsPresent, typeof four.StateFixedConfirmedDate]).toEqual(['FixedConfirmed', false, 'string']);
    expect([five.State, five.IsPresent, typeof five.LastRevivedDate]).toEqual(['Revived', true, 'string']);
    expect(four.History.map((h: any) => h.Message)).toEqual(['Issue found', 'Marked as Fixed (Unconfirmed); waiting for retest', `Fixed (Confirmed) by retest scan ${scanId}`]);
    // The seeded waiting issues got theirs too: both verdicts are there in the list.
    const all = json(await run('invicti_issues_list', { parameters: { webSiteName: 'Sample', pageSize: 200 } })).json_body.List;
    const states = new Set(all.map((i: any) => i.State));
    expect(states).toEqual(new Set(['FixedConfirmed', 'Revived', 'Present']));
    // Nothing of the Sample website waits any more.
    expect(json(await run('invicti_issues_waiting_for_retest', { parameters: { webSiteName: 'Sample' } })).json_body.TotalItemCount).toBe(0);
  });
});

describe('a wait that ends unsuccessfully exits 7', () => {
  test('Failed (the seeded failed scan): blocking wait and single check', async () => {
    for (const wait of [{ interval_s: 1, timeout_s: 10 }, { once: true }]) {
      const result = await run('invicti_scan_wait', { path_parameters: { id: SEED_SCAN_IDS.failed }, wait });
      expect([result.code, json(result).json_body.State, json(result).wait.outcome]).toEqual([EXIT.WAIT_UNSUCCESSFUL, 'Failed', 'ended']);
      expect(result.stderr).toContain('ended unsuccessfully (last state "Failed") (exit 7)');
    }
  });

  test('Cancelled: a retest cancelled with invicti_scan_cancel', async () => {
    const retest = json(await run('invicti_scan_retest', { json_body: { BaseScanId: SEED_SCAN_IDS.completedShop } }));
    const cancel = await run('invicti_scan_cancel', { data_body: { id: retest.json_body.Id } });
    expect([cancel.code, json(cancel).json_body]).toEqual([EXIT.OK, 'Ok']);
    const result = await run('invicti_scan_wait', { path_parameters: { id: retest.json_body.Id }, wait: { interval_s: 1, timeout_s: 10 } });
    expect([result.code, json(result).json_body.State, json(result).wait]).toEqual([EXIT.WAIT_UNSUCCESSFUL, 'Cancelled', expect.objectContaining({ done: true, outcome: 'ended', polls: 1 })]);
  });

  test('Paused is not terminal: a single check on it is pending (exit 5)', async () => {
    const result = await run('invicti_scan_wait', { path_parameters: { id: SEED_SCAN_IDS.paused }, wait: { once: true } });
    expect([result.code, json(result).json_body.State, json(result).wait.outcome]).toEqual([EXIT.WAIT_PENDING, 'Paused', 'pending']);
  });
});

describe('a 429 with Retry-After in a single check', () => {
  let limited: LoopbackServer;
  beforeAll(async () => {
    limited = await startServer((_req, res) => {
      const body = JSON.stringify({ Message: 'Too many requests.' });
      res.writeHead(429, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), 'Retry-After': '300' });
      res.end(body);
    });
  });
  afterAll(() => limited.close());

  test('one request, not fatal: exit 5, the error counted, next_check_after_s from Retry-After', async () => {
    const result = await run(
      'invicti_scan_wait',
      { path_parameters: { id: SEED_SCAN_IDS.running }, wait: { once: true, interval_s: 30 } },
      { INVICTI_URL: limited.url, INVICTI_USER_ID: 'u', INVICTI_API_TOKEN: 'retry-after-token' },
    );
    expect(limited.requests).toHaveLength(1);
    expect(result.code).toBe(EXIT.WAIT_PENDING);
    expect(json(result)).toMatchObject({ status_code: 429, wait: { done: false, outcome: 'pending', errors: 1, polls: 1, next_check_after_s: 300 } });
  });
});
