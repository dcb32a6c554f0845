/**
 * The generated example workflow for real (minutes-to-hours) scans:
 * integrations/n8n/examples/invicti-long-scan.workflow.json.
 *
 *   Manual Trigger -> Invicti Retest -> Check Scan (wait operation, wait.once true)
 *     -> IF "Completed?"  true  -> Scan Report
 *                         false -> IF "Pending?" true  -> n8n's Wait node ({{ $json.wait.next_check_after_s }} s) -> Check Scan
 *                                                false -> "Scan Ended" (NoOp: Failed, Cancelled)
 *
 * Only n8n's own node types besides this package's (n8n-nodes-base.manualTrigger, .if 2.2, .wait 1.1,
 * .noOp 1) and this package's operations found by their action ids, so a renamed operation or parameter
 * regenerates the example and `npm run generate -- --check` notices a stale one. The check holds no
 * worker: between checks the Wait node stores the execution (n8n does for waits of 65 s or more).
 */
import type { OperationMapping } from '../../integrations/n8n/src/mapping-types.js';

export interface ExampleNode {
  typeName: string;
  resources: { value: string; operations: { value: string; action: { id: string }; mapping: OperationMapping }[] }[];
}

/** The simulator's demo credential (examples/credentials.json, hand-written, public demo values only). */
const DEMO_CREDENTIAL = { id: 'retestInvictiDemo', name: 'Invicti (retest-connectors simulator, demo)' };
/** A completed scan of the simulator's seed (the id of every schema example). */
const BASE_SCAN_ID = 'af6d0ffd-529e-4056-b39f-b141021fae74';

export const LONG_SCAN_EXAMPLE_PATH = 'examples/invicti-long-scan.workflow.json';

/** The example, or undefined for a manifest without the three actions it runs (e.g. a generator test's manifest). */
export function longScanExample(packageName: string, nodes: ExampleNode[]): string | undefined {
  const ids = ['invicti_scan_retest', 'invicti_scan_wait', 'invicti_scan_report'];
  const has = (actionId: string) => nodes.some((n) => n.resources.some((r) => r.operations.some((o) => o.action.id === actionId)));
  if (!ids.every(has)) return undefined;
  const find = (actionId: string) => {
    for (const node of nodes) {
      for (const resource of node.resources) {
        const op = resource.operations.find((o) => o.action.id === actionId);
        if (op) {
          return {
            type: `${packageName}.${node.typeName}`,
            typeVersion: 1,
            credentials: { [op.mapping.credential]: DEMO_CREDENTIAL },
            resource: resource.value,
            operation: op.value,
            params: new Set(op.mapping.fields.map((f) => f.param)),
          };
        }
      }
    }
    throw new Error(`the long-scan example needs the action ${actionId}, which the manifest does not have`);
  };
  const retest = find('invicti_scan_retest');
  const wait = find('invicti_scan_wait');
  const report = find('invicti_scan_report');
  for (const [op, names] of [
    [retest, ['baseScanId']],
    [wait, ['id', 'once', 'intervalS']],
    [report, ['id', 'type', 'format']],
  ] as const) {
    for (const name of names) if (!op.params.has(name)) throw new Error(`the long-scan example needs the parameter ${name} of ${op.operation}`);
  }
  const id = (n: number) => `7c1d4e2a-3b5f-4a6c-8d9e-0f1a2b3c4d${String(n).padStart(2, '0')}`;
  const ours = (n: number, name: string, position: [number, number], op: typeof retest, parameters: Record<string, unknown>) => ({
    id: id(n),
    name,
    type: op.type,
    typeVersion: op.typeVersion,
    position,
    parameters: { resource: op.resource, operation: op.operation, ...parameters },
    credentials: op.credentials,
  });
  const outcomeIs = (n: number, value: string) => ({
    conditions: {
      options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
      conditions: [{ id: id(50 + n), leftValue: '={{ $json.wait.outcome }}', rightValue: value, operator: { type: 'string', operation: 'equals' } }],
      combinator: 'and',
    },
    options: {},
  });
  const workflow = {
    id: 'retestInvictiLongScan01',
    name: 'Invicti: follow a long retest with single checks and n8n’s Wait node (retest-connectors)',
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      { id: id(1), name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      ours(2, 'Invicti Retest', [220, 0], retest, { baseScanId: BASE_SCAN_ID }),
      // One status request, no sleep: wait.outcome completed | ended | pending, and wait.next_check_after_s.
      ours(3, 'Check Scan', [440, 0], wait, { id: "={{ $('Invicti Retest').first().json.json_body.Id }}", waitOptions: { once: true, intervalS: 60 } }),
      { id: id(4), name: 'Completed?', type: 'n8n-nodes-base.if', typeVersion: 2.2, position: [660, 0], parameters: outcomeIs(4, 'completed') },
      ours(5, 'Scan Report', [880, -120], report, { id: "={{ $('Invicti Retest').first().json.json_body.Id }}", type: 'ScanDetail', format: 'Html' }),
      { id: id(6), name: 'Pending?', type: 'n8n-nodes-base.if', typeVersion: 2.2, position: [880, 120], parameters: outcomeIs(6, 'pending') },
      {
        id: id(7),
        name: 'Wait Until Next Check',
        type: 'n8n-nodes-base.wait',
        typeVersion: 1.1,
        position: [1100, 40],
        webhookId: id(8),
        parameters: { resume: 'timeInterval', amount: '={{ $json.wait.next_check_after_s }}', unit: 'seconds' },
      },
      { id: id(9), name: 'Scan Ended (Failed or Cancelled)', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [1100, 240], parameters: {} },
    ],
    connections: {
      'Manual Trigger': { main: [[{ node: 'Invicti Retest', type: 'main', index: 0 }]] },
      'Invicti Retest': { main: [[{ node: 'Check Scan', type: 'main', index: 0 }]] },
      'Check Scan': { main: [[{ node: 'Completed?', type: 'main', index: 0 }]] },
      'Completed?': { main: [[{ node: 'Scan Report', type: 'main', index: 0 }], [{ node: 'Pending?', type: 'main', index: 0 }]] },
      'Pending?': { main: [[{ node: 'Wait Until Next Check', type: 'main', index: 0 }], [{ node: 'Scan Ended (Failed or Cancelled)', type: 'main', index: 0 }]] },
      'Wait Until Next Check': { main: [[{ node: 'Check Scan', type: 'main', index: 0 }]] },
    },
  };
  return `${JSON.stringify(workflow, null, 2)}\n`;
}
