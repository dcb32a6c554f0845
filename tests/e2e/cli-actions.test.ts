// Every action of the manifest through the built CLI (the command a user types)
// against the built-in simulator on loopback: a valid input exits 0 with a 2xx
// envelope that validates against the action's output schema; --save-file writes
// both kinds of report as real bytes; the wait reaches Complete with progress on
// stderr, and a wait shorter than the scan exits 5. Scans take 2 s here.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAction, manifest } from '../../src/contract/manifest.js';
import { compileValidator } from '../../src/contract/schemas.js';
import { createTestClock, SEED_PROJECT_IDS, SEED_SCAN_IDS, SEED_VULNERABILITY_IDS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { parseCsv, pdfProblems, xmlProblems } from '../helpers/files.js';

jest.setTimeout(60_000);

let sim: Simulator;
let work: string;
beforeAll(async () => {
  sim = await startSimulator({ scanSeconds: 2 });
  work = mkdtempSync(join(tmpdir(), 'cli-actions-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(work, { recursive: true, force: true });
});

const env = () => ({
  INVICTI_URL: sim.invictiUrl,
  INVICTI_USER_ID: sim.credentials.invicti.user_id,
  INVICTI_API_TOKEN: sim.credentials.invicti.api_token,
  ATTACKFORGE_URL: sim.attackforgeUrl,
  ATTACKFORGE_API_KEY: sim.credentials.attackforge.api_key,
});
const run = (action: string, input: unknown, extra: string[] = []) => runCli(['run', action, '--input', '-', ...extra], { stdin: JSON.stringify(input), env: env() });
const envelopeOf = (result: CliResult) => JSON.parse(result.stdout) as { status_code: number; json_body: any; file?: any; wait?: any };

const project = SEED_PROJECT_IDS.webApp;
const v = SEED_VULNERABILITY_IDS;
/** A seeded issue of the website Sample (the simulator numbers them). */
const SAMPLE_ISSUE_ID = 'f3a1c84e-1551-4e0d-9a7b-000000000004';
const window = { retesting_window_start: '2025-03-23T00:00:00.000Z', retesting_window_end: '2025-03-30T00:00:00.000Z' };

/** A valid input per action, in an order that works on a fresh simulator (the rounds are opened before they are closed). */
const inputs: [string, unknown][] = [
  ['invicti_issues_waiting_for_retest', { parameters: { severity: 'Medium', webSiteName: 'Sample', page: 1, pageSize: 10 } }],
  ['invicti_scans_list', { parameters: { page: 1, pageSize: 5 } }],
  ['invicti_scan_status', { path_parameters: { id: SEED_SCAN_IDS.completed } }],
  ['invicti_scan_detail', { path_parameters: { id: SEED_SCAN_IDS.completed } }],
  ['invicti_scan_result', { path_parameters: { id: SEED_SCAN_IDS.completed } }],
  ['invicti_scan_retest', { json_body: { BaseScanId: SEED_SCAN_IDS.completedShop } }],
  ['invicti_scan_launch_new_from_scan', { data_body: { id: SEED_SCAN_IDS.completed } }],
  ['invicti_scan_launch_new', { json_body: { TargetUri: 'http://php.testinvicti.com/', Scope: 'EnteredPathAndBelow' } }],
  ['invicti_scan_wait', { path_parameters: { id: SEED_SCAN_IDS.completed }, wait: { interval_s: 1, timeout_s: 10 } }],
  ['invicti_issues_list', { parameters: { webSiteName: 'Sample', page: 1, pageSize: 20 } }],
  ['invicti_issue_detail', { path_parameters: { id: SAMPLE_ISSUE_ID } }],
  ['invicti_issue_update', { json_body: { IssueId: SAMPLE_ISSUE_ID, State: 'FixedUnconfirmed', Note: 'Fixed in 2.4' } }],
  ['invicti_scan_cancel', { data_body: { id: SEED_SCAN_IDS.paused } }],
  ['invicti_scan_report', { parameters: { id: SEED_SCAN_IDS.completed, type: 'ScanDetail', format: 'Pdf', excludeResponseData: true } }],
  ['invicti_scan_custom_report', { parameters: { id: SEED_SCAN_IDS.completed, reportName: 'Retest verdict', reportFormat: 'Csv' } }],
  ['attackforge_get_project_vulnerabilities', { path_parameters: { id: project }, parameters: { q: '{ is_retest: { $eq: "Yes" } }', limit: 50 } }],
  ['attackforge_update_vulnerability', { path_parameters: { id: v.hstsOpen }, json_body: { projectId: project, status: 'Retest', notes: [{ note: 'Fixed in 2.4', type: 'PLAINTEXT' }] } }],
  ['attackforge_request_new_project_retest', { path_parameters: { id: project }, json_body: { ...window, vulnerability_ids: [v.xssRetest, v.hstsOpen] } }],
  ['attackforge_get_project', { path_parameters: { id: project } }],
  ['attackforge_complete_project_retest_round', { path_parameters: { id: project, roundNumber: 1 } }],
  ['attackforge_request_new_project_retest', { path_parameters: { id: project }, json_body: { ...window, vulnerability_ids: [v.sqliRetest] } }],
  ['attackforge_cancel_project_retest_round', { path_parameters: { id: project, roundNumber: 2 } }],
];

describe('every action through the CLI against the simulator', () => {
  test('the list above covers every action id of the manifest', () => {
    expect(new Set(inputs.map(([id]) => id))).toEqual(new Set(manifest.actions.map((a) => a.id)));
  });

  test.each(inputs.map(([id, input], n) => [`${n + 1}. ${id}`, id, input] as const))('%s: exit 0, a 2xx envelope that validates', async (_name, id, input) => {
    const result = await run(id, input);
    expect([result.code, result.code === 0 ? '' : result.stderr]).toEqual([0, '']);
    const envelope = envelopeOf(result);
    expect(envelope.status_code).toBeGreaterThanOrEqual(200);
    expect(envelope.status_code).toBeLessThan(300);
    const validate = compileValidator(getAction(id).output_schema);
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
    expect(result.stdout + result.stderr).not.toContain(sim.credentials.invicti.api_token);
    expect(result.stdout + result.stderr).not.toContain(sim.credentials.attackforge.api_key);
  });

  test('the state moved as the runs said: the round closed its vulnerabilities, the cancelled one stays in Retest', async () => {
    const list = envelopeOf(await run('attackforge_get_project_vulnerabilities', { path_parameters: { id: project } })).json_body;
    const status = (id: string) => list.vulnerabilities.find((x: any) => x.vulnerability_id === id).vulnerability_status;
    expect([status(v.xssRetest), status(v.hstsOpen), status(v.sqliRetest)]).toEqual(['Closed', 'Closed', 'Retest']);
    const rounds = envelopeOf(await run('attackforge_get_project', { path_parameters: { id: project } })).json_body.project.project_retest_rounds;
    expect(rounds.map((r: any) => [r.round_number, r.status])).toEqual([[1, 'Completed'], [2, 'Cancelled']]);
  });
});

describe('--save-file writes the report bytes', () => {
  test('invicti_scan_report as Pdf: a valid PDF, its path printed in place of the base64', async () => {
    const dir = join(work, 'pdf');
    const result = await run('invicti_scan_report', { parameters: { id: SEED_SCAN_IDS.completed, type: 'Vulnerabilities', format: 'Pdf' } }, ['--save-file', dir]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    const { file } = envelopeOf(result);
    expect(file).toEqual({ file_name: 'Vulnerabilities-Sample-af6d0ffd.pdf', content_type: 'application/pdf', size_bytes: expect.any(Number), path: join(dir, 'Vulnerabilities-Sample-af6d0ffd.pdf') });
    const bytes = readFileSync(file.path);
    expect(bytes).toHaveLength(file.size_bytes);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfProblems(bytes)).toEqual([]);
  });

  test('invicti_scan_report as Csv: RFC 4180 rows, one per finding', async () => {
    const result = await run('invicti_scan_report', { parameters: { id: SEED_SCAN_IDS.completed, type: 'Vulnerabilities', format: 'Csv' } }, ['--save-file', join(work, 'csv')]);
    expect(result.code).toBe(0);
    const { file } = envelopeOf(result);
    expect(file.content_type).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(readFileSync(file.path, 'utf8'));
    expect(rows[0]).toEqual(['Title', 'Type', 'Severity', 'Url', 'State', 'Certainty', 'Issue URL']);
    expect(rows).toHaveLength(15); // the header and the base scan's 14 findings
  });

  test('invicti_scan_custom_report as Pdf and as Xml (its default format)', async () => {
    const dir = join(work, 'custom');
    const pdf = await run('invicti_scan_custom_report', { parameters: { id: SEED_SCAN_IDS.completed, reportName: 'Retest verdict', reportFormat: 'Pdf' } }, ['--save-file', dir]);
    expect(pdf.code).toBe(0);
    const pdfBytes = readFileSync(envelopeOf(pdf).file.path);
    expect(pdfBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfProblems(pdfBytes)).toEqual([]);
    const xml = await run('invicti_scan_custom_report', { parameters: { id: SEED_SCAN_IDS.completed, reportName: 'Retest verdict' } }, ['--save-file', dir]);
    expect(xml.code).toBe(0);
    const { file } = envelopeOf(xml);
    expect(file.file_name).toBe('Retest-verdict-Sample-af6d0ffd.xml');
    expect(xmlProblems(readFileSync(file.path, 'utf8'))).toEqual([]);
  });
});

describe('invicti_scan_wait against the simulator', () => {
  test('a fresh retest: Queued, Scanning, Complete on stderr, exit 0, the last status with wait on stdout', async () => {
    // The simulator's clock moves only when the test moves it, after it has seen a poll answered: each state is
    // seen by at least one poll whatever the machine's load (with the wall clock, a slow first poll saw Scanning).
    const clock = createTestClock();
    const own = await startSimulator({ scanSeconds: 2, clock });
    const ownEnv = { ...env(), INVICTI_URL: own.invictiUrl };
    try {
      const launched = envelopeOf(await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: JSON.stringify({ json_body: { BaseScanId: SEED_SCAN_IDS.completed } }), env: ownEnv }));
      const id = launched.json_body.Id;
      const polls = () => own.requests.filter((r) => r.method === 'GET' && r.path === `/api/1.0/scans/status/${id}`).length;
      const waiting = runCli(['run', 'invicti_scan_wait', '--input', '-'], { stdin: JSON.stringify({ path_parameters: { id }, wait: { interval_s: 1, timeout_s: 30 } }), env: ownEnv });
      const answered = async (count: number) => {
        for (let i = 0; i < 3000 && polls() < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      };
      await answered(1); // answered Queued (the retest's first quarter is its queue time)
      clock.advance(1_250); // half-way through scanning
      await answered(polls() + 1); // answered Scanning
      clock.advance(750); // done
      const result = await waiting;
      checkFreshRetestWait(result);
      // What the wait saw is what the simulator says now.
      const status = await runCli(['run', 'invicti_scan_status', '--input', '-'], { stdin: JSON.stringify({ path_parameters: { id } }), env: ownEnv });
      expect(envelopeOf(status).json_body.State).toBe('Complete');
    } finally {
      await own.close();
    }
  });

  function checkFreshRetestWait(result: CliResult): void {
    expect([result.code, result.code === 0 ? '' : result.stderr]).toEqual([0, '']);
    const envelope = envelopeOf(result);
    expect(envelope).toMatchObject({ status_code: 200, json_body: { State: 'Complete' }, wait: { done: true, timed_out: false } });
    expect(envelope.wait.polls).toBeGreaterThanOrEqual(2);
    const validate = compileValidator(getAction('invicti_scan_wait').output_schema);
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^invicti_scan_wait: Queued, \d+ s elapsed, 1 poll$/);
    expect(lines).toContainEqual(expect.stringMatching(/^invicti_scan_wait: Scanning \d+ %, \d+ s elapsed, \d+ polls$/));
    expect(lines.at(-1)).toMatch(/^invicti_scan_wait: Complete 100 %, \d+ s elapsed, \d+ polls, done$/);
  }

  test('timeout_s shorter than the scan: exit 5, done false, the last state on stdout', async () => {
    const result = await run('invicti_scan_wait', { path_parameters: { id: SEED_SCAN_IDS.running }, wait: { interval_s: 1, timeout_s: 1 } });
    expect(result.code).toBe(5);
    const envelope = envelopeOf(result);
    expect(envelope).toMatchObject({ status_code: 200, json_body: { State: 'Scanning' }, wait: { done: false, timed_out: true } });
    const validate = compileValidator(getAction('invicti_scan_wait').output_schema);
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
    expect(result.stderr).toMatch(/the wait ended after \d s before a terminal state \(last state "Scanning"\); check again in \d+ s \(exit 5\)\n$/);
  });
});
