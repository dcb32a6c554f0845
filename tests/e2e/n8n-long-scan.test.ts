// The long-scan loop as n8n runs it: integrations/n8n/examples/invicti-long-scan.workflow.json
// (generated) under n8n's engine (n8n-core WorkflowExecute, n8n-workflow expressions and filters)
// against the simulator on a test clock, with a retest that needs four checks.
//
// Honest limit: n8n-nodes-base (n8n's IF, Wait and No Operation nodes) is not a dependency of this
// project (it comes with n8n itself, ~2,100 packages; `npm run test:n8n-real` runs the example under a
// real n8n). Here those three node types are stand-ins registered under n8n's own type names and read
// the example's own parameters the way n8n's nodes do: the IF evaluates its `conditions` with
// n8n-workflow's filter (getNodeParameter extractValue, as IF 2.x does); the Wait reads `amount` and
// `unit` as n8n resolves them and, instead of sleeping or storing the execution, advances the
// simulator's clock by that many seconds (no wall-clock time); the No Operation passes items on.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { createTestClock, SEED_SCAN_IDS, startSimulator, type Simulator, type TestClock } from '../../src/simulator/index.js';
import { loadN8nPackage, N8N_PACKAGE_DIR, runWorkflow, stopN8nServices, workflowProblems } from '../helpers/n8n.js';

jest.setTimeout(120_000);

const SCAN_SECONDS = 150;
const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

function standIns(clock: TestClock, waits: number[], hooks: { onWait?: () => Promise<void> }): Record<string, INodeType> {
  const ifNode: INodeType = {
    description: {
      displayName: 'If (stand-in)', name: 'if', group: ['transform'], version: [2, 2.1, 2.2], description: '', defaults: { name: 'If' },
      inputs: ['main'], outputs: ['main', 'main'], outputNames: ['true', 'false'],
      properties: [
        { displayName: 'Conditions', name: 'conditions', type: 'filter', default: {} },
        { displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
      ],
    } as never,
    async execute(this: IExecuteFunctions) {
      const pass: INodeExecutionData[] = [];
      const fail: INodeExecutionData[] = [];
      this.getInputData().forEach((item, i) => {
        const ok = this.getNodeParameter('conditions', i, false, { extractValue: true }) as boolean;
        (ok ? pass : fail).push({ ...item, pairedItem: { item: i } });
      });
      return [pass, fail];
    },
  };
  const waitNode: INodeType = {
    description: {
      displayName: 'Wait (stand-in)', name: 'wait', group: ['organization'], version: [1, 1.1], description: '', defaults: { name: 'Wait' },
      inputs: ['main'], outputs: ['main'],
      properties: [
        { displayName: 'Resume', name: 'resume', type: 'options', default: 'timeInterval', options: [{ name: 'After Time Interval', value: 'timeInterval' }] },
        { displayName: 'Wait Amount', name: 'amount', type: 'number', default: 5 },
        { displayName: 'Wait Unit', name: 'unit', type: 'options', default: 'seconds', options: Object.keys(UNIT_MS).map((u) => ({ name: u, value: u })) },
      ],
    } as never,
    async execute(this: IExecuteFunctions) {
      const amount = this.getNodeParameter('amount', 0) as number;
      const unit = this.getNodeParameter('unit', 0) as string;
      if (typeof amount !== 'number' || !(unit in UNIT_MS)) throw new Error(`Wait: amount ${String(amount)} ${unit} is not a time interval`);
      waits.push(amount);
      await hooks.onWait?.();
      clock.advance(amount * UNIT_MS[unit]!);
      return [this.getInputData()];
    },
  };
  const noOp: INodeType = {
    description: {
      displayName: 'No Operation (stand-in)', name: 'noOp', group: ['organization'], version: 1, description: '', defaults: { name: 'No Operation' },
      inputs: ['main'], outputs: ['main'], properties: [],
    } as never,
    async execute(this: IExecuteFunctions) {
      return [this.getInputData()];
    },
  };
  return { 'n8n-nodes-base.if': ifNode, 'n8n-nodes-base.wait': waitNode, 'n8n-nodes-base.noOp': noOp };
}

describe('invicti-long-scan.workflow.json: retest, single checks, IF on wait.outcome, n8n’s Wait node, report', () => {
  let sim: Simulator;
  let clock: TestClock;
  let pkg: Awaited<ReturnType<typeof loadN8nPackage>>;
  const waits: number[] = [];
  const hooks: { onWait?: () => Promise<void> } = {};
  const workflow = JSON.parse(readFileSync(join(N8N_PACKAGE_DIR, 'examples/invicti-long-scan.workflow.json'), 'utf8'));

  beforeAll(async () => {
    clock = createTestClock();
    sim = await startSimulator({ clock, scanSeconds: SCAN_SECONDS });
    const loaded = await loadN8nPackage();
    const extra = standIns(clock, waits, hooks);
    const nodeTypes: INodeTypes = {
      getByName: (type) => (extra[type] as INodeType | undefined) ?? loaded.nodeTypes.getByName(type),
      getByNameAndVersion: (type, version) => (extra[type] as INodeType | undefined) ?? loaded.nodeTypes.getByNameAndVersion(type, version),
      getKnownTypes: () => ({ ...loaded.nodeTypes.getKnownTypes(), ...Object.fromEntries(Object.keys(extra).map((k) => [k, {}])) }) as never,
    };
    pkg = { loader: loaded.loader, nodeTypes } as typeof loaded;
  });

  afterAll(async () => {
    stopN8nServices();
    await sim?.close();
  });

  test('the example uses n8n’s own node types and is valid for the generated Invicti node', () => {
    const types = workflow.nodes.map((n: { type: string }) => n.type).sort();
    expect(types).toEqual(
      expect.arrayContaining(['n8n-nodes-base.if', 'n8n-nodes-base.manualTrigger', 'n8n-nodes-base.noOp', 'n8n-nodes-base.wait']),
    );
    const waitNode = workflow.nodes.find((n: { type: string }) => n.type === 'n8n-nodes-base.wait');
    expect(waitNode.parameters).toEqual({ resume: 'timeInterval', amount: '={{ $json.wait.next_check_after_s }}', unit: 'seconds' });
    expect(workflow.connections['Wait Until Next Check'].main[0][0].node).toBe('Check Scan');
    expect(workflowProblems(pkg, workflow)).toEqual([]);
  });

  const credentialsFor = () => {
    const creds = JSON.parse(readFileSync(join(N8N_PACKAGE_DIR, 'examples/credentials.json'), 'utf8')) as { type: string; data: Record<string, unknown> }[];
    return Object.fromEntries(creds.map((c) => [c.type, { ...c.data, url: sim.url }])) as Record<string, Record<string, unknown>>;
  };

  test('a retest that needs four checks: pending three times (each followed by the Wait node), then completed -> report', async () => {
    const credentials = credentialsFor() as never;
    waits.length = 0;
    const since = sim.requests.length;
    const result = await runWorkflow(pkg, workflow, { startNode: 'Invicti Retest', credentials });
    expect(result.run.data.resultData.error?.message).toBeUndefined();
    expect(result.run.status).toBe('success');
    const runData = result.run.data.resultData.runData;

    const scanId = (result.output('Invicti Retest')[0]!.json.json_body as { Id: string }).Id;
    const checks = (runData['Check Scan'] ?? []).map((r) => r.data!.main![0]![0]!.json as { wait: { outcome: string; next_check_after_s?: number; polls: number } });
    expect(checks.length).toBeGreaterThanOrEqual(3);
    expect(checks.map((c) => c.wait.outcome)).toEqual([...Array(checks.length - 1).fill('pending'), 'completed']);
    for (const c of checks) expect(c.wait.polls).toBe(1);
    for (const c of checks.slice(0, -1)) expect(c.wait.next_check_after_s).toBeGreaterThanOrEqual(60);

    // The Wait node ran once per pending check, for the seconds the check asked for.
    expect(waits).toEqual(checks.slice(0, -1).map((c) => c.wait.next_check_after_s));
    expect(runData['Wait Until Next Check']).toHaveLength(checks.length - 1);
    expect(runData['Scan Ended (Failed or Cancelled)']).toBeUndefined();

    const [report] = result.output('Scan Report');
    expect(report!.json).toMatchObject({ status_code: 200 });
    expect(report!.binary?.data).toBeDefined();

    const wire = sim.requests.slice(since);
    expect(wire[0]).toMatchObject({ method: 'POST', path: '/api/1.0/scans/retest', status: 201 });
    expect(JSON.parse(wire[0]!.body)).toEqual({ BaseScanId: SEED_SCAN_IDS.completed });
    const statusChecks = wire.filter((r) => r.path === `/api/1.0/scans/status/${scanId}`);
    expect(statusChecks).toHaveLength(checks.length);
    expect(wire[wire.length - 1]).toMatchObject({ method: 'GET', path: expect.stringContaining('/api/1.0/scans/report'), status: 200 });
    for (const r of wire) expect(r.headers.authorization).toBe('***');
  });

  test('a retest cancelled while the workflow waits: the next check says ended, the workflow takes the Scan Ended branch, no report', async () => {
    const credentials = credentialsFor();
    const invicti = credentials.retestInvictiApi as { user_id: string; api_token: string };
    waits.length = 0;
    const since = sim.requests.length;
    // While the Wait node holds the execution, someone cancels the scan in Invicti.
    hooks.onWait = async () => {
      hooks.onWait = undefined;
      const checked = sim.requests.slice(since).filter((r) => r.path.startsWith('/api/1.0/scans/status/'));
      const scanId = checked[checked.length - 1]!.path.split('/').pop()!;
      const res = await fetch(`${sim.url}/api/1.0/scans/cancel`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${invicti.user_id}:${invicti.api_token}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify(scanId),
      });
      expect(res.status).toBe(200);
    };
    const result = await runWorkflow(pkg, workflow, { startNode: 'Invicti Retest', credentials: credentials as never });
    expect(result.run.status).toBe('success');
    const runData = result.run.data.resultData.runData;
    const checks = (runData['Check Scan'] ?? []).map((r) => r.data!.main![0]![0]!.json as { wait: { outcome: string } });
    expect(checks.map((c) => c.wait.outcome)).toEqual(['pending', 'ended']);
    expect(waits).toHaveLength(1);
    expect(runData['Scan Ended (Failed or Cancelled)']).toHaveLength(1);
    expect(result.output('Scan Ended (Failed or Cancelled)')[0]!.json).toMatchObject({ json_body: { State: 'Cancelled' }, wait: { outcome: 'ended' } });
    expect(runData['Scan Report']).toBeUndefined();
  });
});
