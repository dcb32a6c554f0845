// The simulator over real loopback HTTP: vendor behaviours, realistic headers,
// and every response it gives validating against the bundle's own output schemas.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { manifest } from '../../src/contract/manifest.js';
import type { Envelope } from '../../src/runtime/envelope.js';
import { getAction } from '../../src/contract/manifest.js';
import { runAction } from '../../src/runtime/run.js';
import { useTestClock } from '../../src/runtime/retry.js';
import { compileValidator } from '../../src/contract/schemas.js';
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
    covered.add(`${scenario.action} ${scenario.status}`);
    const envelope = await runAction(scenario.action, scenario.input(), scenario.connection());
    expect(envelope.status_code).toBe(scenario.status);
    const validate = compileValidator(getAction(scenario.action).output_schema);
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
    expect(envelope.json_body).not.toBeNull();
    assertRealisticHeaders(envelope);
  });
});

/** "action status" pairs validated in this file; the last test checks every action has a success and an error. */
const covered = new Set<string>();

// The loop actions, on a simulator of their own whose clock stands still (launched scans stay
// Queued) and whose waits run on a fake clock: every success and documented error status of each
// action, through runAction, validated with the action's output schema.
describe('the loop actions: every simulator response validates against the output schema of its action', () => {
  let loopSim: Simulator;
  let inv: { url: string; user_id: string; api_token: string };
  let af: { url: string; api_key: string };
  const state: { queuedScanId?: string } = {};
  const UNKNOWN_SCAN = '00000000-0000-4000-8000-000000000000';
  const UNKNOWN_PROJECT = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  const project = SEED_PROJECT_IDS.webApp;
  const v = SEED_VULNERABILITY_IDS;
  const wrongInvicti = () => ({ ...inv, api_token: 'wrong-token' });
  const wrongAttackforge = () => ({ ...af, api_key: 'wrong-key' });

  beforeAll(async () => {
    loopSim = await startSimulator({ clock: createTestClock(), scanSeconds: 4 });
    inv = { url: loopSim.invictiUrl, ...loopSim.credentials.invicti };
    af = { url: loopSim.attackforgeUrl, ...loopSim.credentials.attackforge };
  });
  afterAll(() => loopSim.close());

  /** A wait never sleeps for real here: sleep moves a fake now. */
  function fakeWaitClock() {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += ms) };
  }

  type LoopScenario = {
    name: string;
    action: string;
    status: number;
    input: () => unknown;
    connection?: () => unknown;
    /** Runs first (opens a round, launches a scan ...), through runAction too. */
    before?: () => Promise<void>;
    check?: (envelope: Envelope & { file?: any; wait?: any }) => void;
    /** The vendor documents no body for this answer (issues/update's 200). */
    emptyBody?: true;
  };
  const ISSUE = 'f3a1c84e-1551-4e0d-9a7b-000000000004';
  const requestRound = async (ids: string[]) => {
    const envelope = await runAction('attackforge_request_new_project_retest', { path_parameters: { id: project }, json_body: afBody(ids) }, af);
    expect(envelope.status_code).toBe(200);
  };
  const roundOf = async () => {
    const shown = await runAction('attackforge_get_project', { path_parameters: { id: project } }, af);
    return ((shown.json_body as any).project.project_retest_rounds as any[]).at(-1).round_number as number;
  };
  let round = 0;

  const loop: LoopScenario[] = [
    // invicti_issues_waiting_for_retest
    { name: 'issues waiting for retest, no filter', action: 'invicti_issues_waiting_for_retest', status: 200, input: () => ({}), check: (e) => expect((e.json_body as any).TotalItemCount).toBe(6) },
    { name: 'issues waiting for retest, every filter', action: 'invicti_issues_waiting_for_retest', status: 200, input: () => ({ parameters: { severity: 'High', webSiteName: 'sample', websiteGroupName: 'Default', page: 1, pageSize: 2 } }), check: (e) => expect((e.json_body as any).List).toHaveLength(2) },
    { name: 'issues waiting for retest, a page past the end', action: 'invicti_issues_waiting_for_retest', status: 200, input: () => ({ parameters: { page: 99 } }), check: (e) => expect((e.json_body as any).List).toEqual([]) },
    { name: 'issues waiting for retest, wrong token', action: 'invicti_issues_waiting_for_retest', status: 401, input: () => ({}), connection: wrongInvicti },
    // invicti_scans_list
    { name: 'scans list', action: 'invicti_scans_list', status: 200, input: () => ({}) },
    { name: 'scans list, paged', action: 'invicti_scans_list', status: 200, input: () => ({ parameters: { page: 2, pageSize: 1 } }), check: (e) => expect((e.json_body as any).List).toHaveLength(1) },
    { name: 'scans list, wrong token', action: 'invicti_scans_list', status: 401, input: () => ({}), connection: wrongInvicti },
    // invicti_scan_launch_new
    { name: 'new scan of a seeded website', action: 'invicti_scan_launch_new', status: 201, input: () => ({ json_body: { TargetUri: 'http://php.testinvicti.com/', Scope: 'EnteredPathAndBelow' } }), check: (e) => void (state.queuedScanId = (e.json_body as any)[0].Id) },
    { name: 'new scan of a new target', action: 'invicti_scan_launch_new', status: 201, input: () => ({ json_body: { TargetUri: 'https://new-target.example/' } }) },
    { name: 'new scan of a target that is not http(s)', action: 'invicti_scan_launch_new', status: 400, input: () => ({ json_body: { TargetUri: 'ftp://files.example/' } }) },
    { name: 'new scan, wrong token', action: 'invicti_scan_launch_new', status: 401, input: () => ({ json_body: { TargetUri: 'http://php.testinvicti.com/' } }), connection: wrongInvicti },
    // invicti_scan_status
    { name: 'status of a completed scan', action: 'invicti_scan_status', status: 200, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.completed } }), check: (e) => expect((e.json_body as any).State).toBe('Complete') },
    { name: 'status of a running scan', action: 'invicti_scan_status', status: 200, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.running } }), check: (e) => expect((e.json_body as any).State).toBe('Scanning') },
    { name: 'status of a queued scan', action: 'invicti_scan_status', status: 200, input: () => ({ path_parameters: { id: state.queuedScanId } }), check: (e) => expect((e.json_body as any).State).toBe('Queued') },
    { name: 'status of an unknown scan', action: 'invicti_scan_status', status: 404, input: () => ({ path_parameters: { id: UNKNOWN_SCAN } }) },
    { name: 'status, wrong token', action: 'invicti_scan_status', status: 401, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.completed } }), connection: wrongInvicti },
    // invicti_scan_detail
    { name: 'detail of a completed scan', action: 'invicti_scan_detail', status: 200, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.completed } }) },
    { name: 'detail of a cancelled scan', action: 'invicti_scan_detail', status: 200, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.cancelled } }) },
    { name: 'detail of a queued scan', action: 'invicti_scan_detail', status: 200, input: () => ({ path_parameters: { id: state.queuedScanId } }) },
    { name: 'detail of an unknown scan', action: 'invicti_scan_detail', status: 404, input: () => ({ path_parameters: { id: UNKNOWN_SCAN } }) },
    { name: 'detail, wrong token', action: 'invicti_scan_detail', status: 401, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.completed } }), connection: wrongInvicti },
    // invicti_scan_result
    { name: 'result of a completed scan', action: 'invicti_scan_result', status: 200, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.completed } }), check: (e) => expect(e.json_body).toHaveLength(14) },
    { name: 'result of a queued scan', action: 'invicti_scan_result', status: 200, input: () => ({ path_parameters: { id: state.queuedScanId } }), check: (e) => expect(e.json_body).toEqual([]) },
    { name: 'result of an unknown scan', action: 'invicti_scan_result', status: 404, input: () => ({ path_parameters: { id: UNKNOWN_SCAN } }) },
    { name: 'result, wrong token', action: 'invicti_scan_result', status: 401, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.completed } }), connection: wrongInvicti },
    // invicti_scan_report: files
    ...(['Pdf', 'Html', 'Csv', 'Xml', 'Txt', 'Json'] as const).map((format): LoopScenario => ({
      name: `report as ${format}`,
      action: 'invicti_scan_report',
      status: 200,
      input: () => ({ parameters: { id: SEED_SCAN_IDS.completed, type: 'Vulnerabilities', format, onlyConfirmedIssues: false, excludeAddressedIssues: true } }),
      check: (e) => {
        expect(e.file.file_name).toMatch(new RegExp(`\\.${format.toLowerCase()}$`));
        if (format === 'Pdf') expect(Buffer.from(e.file.content_base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
      },
    })),
    { name: 'report of an unknown scan', action: 'invicti_scan_report', status: 404, input: () => ({ parameters: { id: UNKNOWN_SCAN, type: 'ScanDetail', format: 'Pdf' } }) },
    { name: 'report, wrong token', action: 'invicti_scan_report', status: 401, input: () => ({ parameters: { id: SEED_SCAN_IDS.completed, type: 'ScanDetail', format: 'Pdf' } }), connection: wrongInvicti },
    // invicti_scan_custom_report
    { name: 'custom report, default format (Xml)', action: 'invicti_scan_custom_report', status: 200, input: () => ({ parameters: { id: SEED_SCAN_IDS.completed, reportName: 'Retest verdict' } }), check: (e) => expect(e.file.content_type).toBe('application/xml; charset=utf-8') },
    { name: 'custom report as Pdf', action: 'invicti_scan_custom_report', status: 200, input: () => ({ parameters: { id: SEED_SCAN_IDS.completed, reportName: 'Retest verdict', reportFormat: 'Pdf', onlyConfirmedVulnerabilities: true } }), check: (e) => expect(e.file.content_type).toBe('application/pdf') },
    { name: 'custom report of an unknown scan', action: 'invicti_scan_custom_report', status: 404, input: () => ({ parameters: { id: UNKNOWN_SCAN, reportName: 'Retest verdict' } }) },
    { name: 'custom report, wrong token', action: 'invicti_scan_custom_report', status: 401, input: () => ({ parameters: { id: SEED_SCAN_IDS.completed, reportName: 'x' } }), connection: wrongInvicti },
    // invicti_scan_wait
    { name: 'wait on a completed scan: done at the first poll', action: 'invicti_scan_wait', status: 200, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.completed }, wait: { interval_s: 1, timeout_s: 10 } }), check: (e) => expect(e.wait).toMatchObject({ done: true, polls: 1 }) },
    { name: 'wait on a running scan until timeout_s: not done', action: 'invicti_scan_wait', status: 200, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.running }, wait: { interval_s: 1, timeout_s: 3 } }), check: (e) => expect(e.wait).toMatchObject({ done: false, timed_out: true }) },
    { name: 'wait on an unknown scan: ends at once with the 404', action: 'invicti_scan_wait', status: 404, input: () => ({ path_parameters: { id: UNKNOWN_SCAN }, wait: { interval_s: 1, timeout_s: 10 } }), check: (e) => expect(e.wait).toMatchObject({ done: false, polls: 1 }) },
    { name: 'wait, wrong token', action: 'invicti_scan_wait', status: 401, input: () => ({ path_parameters: { id: SEED_SCAN_IDS.completed }, wait: { interval_s: 1, timeout_s: 10 } }), connection: wrongInvicti },
    // invicti_issue_update, invicti_issue_detail, invicti_issues_list
    { name: 'issue update: mark an issue FixedUnconfirmed', action: 'invicti_issue_update', status: 200, emptyBody: true, input: () => ({ json_body: { IssueId: ISSUE, State: 'FixedUnconfirmed', Note: 'Fix deployed', Tags: ['release:2.4.1'] } }), check: (e) => expect(e.response_text).toBe('') },
    { name: 'issue update: an unknown issue', action: 'invicti_issue_update', status: 404, input: () => ({ json_body: { IssueId: UNKNOWN_SCAN, State: 'FixedUnconfirmed' } }) },
    { name: 'issue update, wrong token', action: 'invicti_issue_update', status: 401, input: () => ({ json_body: { IssueId: ISSUE, Note: 'x' } }), connection: wrongInvicti },
    { name: 'issue detail: the state and its history', action: 'invicti_issue_detail', status: 200, input: () => ({ path_parameters: { id: ISSUE } }), check: (e) => expect((e.json_body as any)).toMatchObject({ State: 'FixedUnconfirmed', IsRetest: true, Tags: ['release:2.4.1'], StateFixedConfirmedDate: null }) },
    { name: 'issue detail of an unknown issue', action: 'invicti_issue_detail', status: 404, input: () => ({ path_parameters: { id: UNKNOWN_SCAN } }) },
    { name: 'issues list, every parameter', action: 'invicti_issues_list', status: 200, input: () => ({ parameters: { severity: 'Low', webSiteName: 'Sample', websiteGroupName: 'Default', page: 1, pageSize: 5, sortType: 'Descending', lastSeenDate: '01/01/2024', rawDetails: false } }), check: (e) => expect((e.json_body as any).List).toHaveLength(5) },
    { name: 'issues list, an integration nobody configured', action: 'invicti_issues_list', status: 200, input: () => ({ parameters: { integration: 'Jira' } }), check: (e) => expect((e.json_body as any).TotalItemCount).toBe(0) },
    { name: 'issues list, a date not in the account format', action: 'invicti_issues_list', status: 400, input: () => ({ parameters: { lastSeenDate: '2024-01-01' } }) },
    // invicti_scan_cancel
    { name: 'cancel a queued scan', action: 'invicti_scan_cancel', status: 200, input: () => ({ data_body: { id: state.queuedScanId } }), check: (e) => expect(e.json_body).toBe('Ok') },
    { name: 'cancel it again', action: 'invicti_scan_cancel', status: 200, input: () => ({ data_body: { id: state.queuedScanId } }), check: (e) => expect(e.json_body).toBe('ScanCancelled') },
    { name: 'cancel a completed scan', action: 'invicti_scan_cancel', status: 200, input: () => ({ data_body: { id: SEED_SCAN_IDS.completed } }), check: (e) => expect(e.json_body).toBe('ScanCompleted') },
    { name: 'cancel the failed scan', action: 'invicti_scan_cancel', status: 200, input: () => ({ data_body: { id: SEED_SCAN_IDS.failed } }), check: (e) => expect(e.json_body).toBe('ScanFailed') },
    { name: 'cancel, wrong token', action: 'invicti_scan_cancel', status: 401, input: () => ({ data_body: { id: SEED_SCAN_IDS.completed } }), connection: wrongInvicti },
    // attackforge_get_project_vulnerabilities
    { name: 'vulnerabilities flagged for retest (q)', action: 'attackforge_get_project_vulnerabilities', status: 200, input: () => ({ path_parameters: { id: project }, parameters: { q: '{ is_retest: { $eq: "Yes" } }' } }), check: (e) => expect((e.json_body as any).count).toBe(2) },
    { name: 'vulnerabilities, every query parameter', action: 'attackforge_get_project_vulnerabilities', status: 200, input: () => ({ path_parameters: { id: project }, parameters: { startDate: '2024-01-01T00:00:00.000Z', endDate: '2030-01-01T00:00:00.000Z', priority: 'High', skip: 0, limit: 10, pendingVulnerabilities: false } }) },
    { name: 'vulnerabilities, a q filter the vendor rejects', action: 'attackforge_get_project_vulnerabilities', status: 400, input: () => ({ path_parameters: { id: project }, parameters: { q: '{ nosuchfield: { $eq: 1 } }' } }) },
    { name: 'vulnerabilities of an unknown project', action: 'attackforge_get_project_vulnerabilities', status: 404, input: () => ({ path_parameters: { id: UNKNOWN_PROJECT } }) },
    { name: 'vulnerabilities, wrong key', action: 'attackforge_get_project_vulnerabilities', status: 401, input: () => ({ path_parameters: { id: project } }), connection: wrongAttackforge },
    // attackforge_update_vulnerability
    { name: 'update: set an Open vulnerability to Retest', action: 'attackforge_update_vulnerability', status: 200, input: () => ({ path_parameters: { id: v.hstsOpen }, json_body: { projectId: project, status: 'Retest', priority: 'Medium', tags: ['retest'] } }), check: (e) => expect((e.json_body as any).vulnerability.vulnerability_status).toBe('Retest') },
    { name: 'update: a vulnerability of another project', action: 'attackforge_update_vulnerability', status: 400, input: () => ({ path_parameters: { id: v.bolaRetest }, json_body: { projectId: project, status: 'Retest' } }) },
    { name: 'update: an unknown vulnerability', action: 'attackforge_update_vulnerability', status: 404, input: () => ({ path_parameters: { id: 'bbbbbbbbbbbbbbbbbbbbbbbb' }, json_body: { projectId: project, status: 'Retest' } }) },
    { name: 'update, wrong key', action: 'attackforge_update_vulnerability', status: 401, input: () => ({ path_parameters: { id: v.hstsOpen }, json_body: { projectId: project } }), connection: wrongAttackforge },
    // attackforge_get_project
    { name: 'project without rounds', action: 'attackforge_get_project', status: 200, input: () => ({ path_parameters: { id: SEED_PROJECT_IDS.mobileApi } }) },
    { name: 'project with an open round', action: 'attackforge_get_project', status: 200, before: () => requestRound([v.xssRetest, v.hstsOpen]), input: () => ({ path_parameters: { id: project } }), check: (e) => expect((e.json_body as any).project.project_retest_rounds.at(-1).status).toBe('Requested') },
    { name: 'unknown project', action: 'attackforge_get_project', status: 404, input: () => ({ path_parameters: { id: UNKNOWN_PROJECT } }) },
    { name: 'project, wrong key', action: 'attackforge_get_project', status: 401, input: () => ({ path_parameters: { id: project } }), connection: wrongAttackforge },
    // attackforge_complete_project_retest_round
    { name: 'complete an open round', action: 'attackforge_complete_project_retest_round', status: 200, before: async () => void (round = await roundOf()), input: () => ({ path_parameters: { id: project, roundNumber: round } }) },
    { name: 'complete a round that is not open', action: 'attackforge_complete_project_retest_round', status: 400, input: () => ({ path_parameters: { id: project, roundNumber: round } }) },
    { name: 'complete an unknown round', action: 'attackforge_complete_project_retest_round', status: 404, input: () => ({ path_parameters: { id: project, roundNumber: 99 } }) },
    { name: 'complete, unknown project', action: 'attackforge_complete_project_retest_round', status: 404, input: () => ({ path_parameters: { id: UNKNOWN_PROJECT, roundNumber: 1 } }) },
    { name: 'complete, wrong key', action: 'attackforge_complete_project_retest_round', status: 401, input: () => ({ path_parameters: { id: project, roundNumber: 1 } }), connection: wrongAttackforge },
    // attackforge_cancel_project_retest_round
    { name: 'cancel an open round', action: 'attackforge_cancel_project_retest_round', status: 200, before: async () => { await requestRound([v.sqliRetest]); round = await roundOf(); }, input: () => ({ path_parameters: { id: project, roundNumber: round } }) },
    { name: 'cancel a round that is not open', action: 'attackforge_cancel_project_retest_round', status: 400, input: () => ({ path_parameters: { id: project, roundNumber: round } }) },
    { name: 'cancel an unknown round', action: 'attackforge_cancel_project_retest_round', status: 404, input: () => ({ path_parameters: { id: project, roundNumber: 99 } }) },
    { name: 'cancel, wrong key', action: 'attackforge_cancel_project_retest_round', status: 401, input: () => ({ path_parameters: { id: project, roundNumber: 1 } }), connection: wrongAttackforge },
  ];

  test.each(loop.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    await scenario.before?.();
    const restore = useTestClock(fakeWaitClock());
    const envelope = (await runAction(scenario.action, scenario.input(), (scenario.connection ?? (() => (scenario.action.startsWith('invicti') ? inv : af)))()).finally(
      restore,
    )) as Envelope & { file?: any; wait?: any };
    expect([envelope.status_code, envelope.status_code === scenario.status ? '' : JSON.stringify(envelope.json_body)]).toEqual([scenario.status, '']);
    const validate = compileValidator(getAction(scenario.action).output_schema);
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
    covered.add(`${scenario.action} ${scenario.status}`);
    if (envelope.file) {
      expect(envelope.response_headers['Content-Type']).toBe(envelope.file.content_type);
      expect(Number(envelope.response_headers['Content-Length'])).toBe(envelope.file.size_bytes);
      expect(Buffer.from(envelope.file.content_base64, 'base64')).toHaveLength(envelope.file.size_bytes);
    } else if (scenario.emptyBody) {
      expect([envelope.json_body, envelope.response_headers['Content-Length'], envelope.response_headers['Content-Type']]).toEqual([null, '0', undefined]);
    } else {
      expect(envelope.json_body).not.toBeNull();
      assertRealisticHeaders(envelope);
    }
    scenario.check?.(envelope);
  });
});

describe('coverage', () => {
  test('every action of the manifest: a 2xx and an error status, each validated above', () => {
    expect(manifest.actions.length).toBeGreaterThan(0);
    for (const action of manifest.actions) {
      const statuses = [...covered].filter((c) => c.startsWith(`${action.id} `)).map((c) => Number(c.split(' ')[1]));
      expect([action.id, statuses.some((s) => s >= 200 && s < 300), statuses.some((s) => s >= 400)]).toEqual([action.id, true, true]);
    }
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
    expect(compileValidator('schemas/invicti/ScanTaskModel.json')(scan)).toBe(true);

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
