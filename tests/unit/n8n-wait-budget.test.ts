// Issue 16, n8n: a wait operation holds the worker no longer than its budget (N8N_WAIT_BUDGET_MS,
// 60 s), then hands back wait.outcome pending and wait.next_check_after_s, so the workflow goes on
// through n8n's Wait node. The node's execute() is run with a small injected budget against a scan
// that never ends (nock), the runtime's sources loaded in place of the package (so its injectable test
// clock applies): the clock only moves when the wait sleeps, no wall-clock time is measured.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { createRequire } from 'node:module';
import nock from 'nock';
import { manifest } from '../../src/contract/manifest.js';
import { getSchema } from '../../src/contract/schema-files.js';
import { useTestClock } from '../../src/runtime/retry.js';
import { generateN8nPackage } from '../../scripts/lib/n8n-package.js';
import { GUID } from '../helpers/fixtures.js';

// execute.ts is part of the CommonJS n8n package (its own tsconfig): loaded by path, typed here. It imports
// n8n-workflow, whose ESM build does not load under jest's vm modules: it gets n8n's CommonJS build, the one
// n8n itself runs (the real module, not a fake).
const n8nWorkflow = createRequire(import.meta.url)('n8n-workflow') as Record<string, unknown>;
jest.unstable_mockModule('n8n-workflow', () => n8nWorkflow);
const EXECUTE_MODULE = '../../integrations/n8n/src/execute.js';
type ExecuteItems = (ctx: unknown, node: unknown, deps?: { waitBudgetMs?: number; loadRuntime?: () => Promise<unknown> }) => Promise<{ json: Record<string, unknown> }[][]>;
const { executeItems, N8N_WAIT_BUDGET_MS } = (await import(EXECUTE_MODULE)) as { executeItems: ExecuteItems; N8N_WAIT_BUDGET_MS: number };

const ORIGIN = 'https://invicti.n8n-budget.test';
const STATUS_PATH = `/api/1.0/scans/status/${GUID}`;
const invicti = generateN8nPackage(manifest, getSchema).nodes.find((n) => n.typeName === 'invicti')!;
const node = { operations: invicti.operations, credentials: invicti.credentials };

/** An n8n execute context for one item of the scanWait operation (what n8n's engine hands the node). */
function context(waitOptions: Record<string, unknown>) {
  const params: Record<string, unknown> = { resource: 'scan', operation: 'scanWait', id: GUID, waitOptions };
  return {
    getInputData: () => [{ json: {} }],
    getNodeParameter: (name: string, _i: number, fallback?: unknown) => params[name] ?? fallback,
    getCredentials: async () => ({ url: ORIGIN, user_id: 'u', api_token: 'SECRET-TOKEN-n8n' }),
    getNode: () => ({ name: 'Check Scan', type: 'n8n-nodes-retest-connectors.invicti', typeVersion: 1, parameters: params }),
    continueOnFail: () => false,
    helpers: { prepareBinaryData: async () => ({}) },
  };
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
  nock.cleanAll();
});

describe('n8n wait operation: bounded by its budget, then pending with next_check_after_s', () => {
  test('the default budget is 60 s (n8n’s guidance for a wait inside a node)', () => {
    expect(N8N_WAIT_BUDGET_MS).toBe(60_000);
  });

  test('a scan that never ends: the blocking wait stops at the injected budget (5 s of test clock), outcome pending', async () => {
    let now = Date.UTC(2026, 0, 5, 9, 0, 0);
    const start = now;
    restore = useTestClock({ now: () => now, sleep: async (ms: number) => void (now += ms), random: () => 0 });
    let requests = 0;
    nock(ORIGIN)
      .persist()
      .get(STATUS_PATH)
      .reply(() => {
        requests++;
        return [200, { CompletedSteps: 1, EstimatedSteps: 10, State: 'Scanning' }, { 'Content-Type': 'application/json' }];
      });

    const budgetMs = 5_000;
    const [[item]] = (await executeItems(context({ timeoutS: 3600, intervalS: 1 }), node, {
      waitBudgetMs: budgetMs,
      loadRuntime: () => import('../../src/index.js'),
    })) as [[{ json: Record<string, unknown> }]];

    const wait = item.json.wait as { done: boolean; outcome: string; polls: number; waited_ms: number; next_check_after_s: number };
    expect(item.json).toMatchObject({ status_code: 200, json_body: { State: 'Scanning' } });
    expect(wait).toMatchObject({ done: false, outcome: 'pending' });
    expect(wait.next_check_after_s).toBeGreaterThanOrEqual(1);
    expect(wait.waited_ms).toBeLessThanOrEqual(budgetMs);
    expect(now - start).toBeLessThanOrEqual(budgetMs);
    // Polled every second (interval_s 1) until the budget ran out, far from timeout_s (3600 s).
    expect(wait.polls).toBeGreaterThanOrEqual(2);
    expect(wait.polls).toBeLessThanOrEqual(budgetMs / 1000 + 1);
    // Every poll the wait counted reached the vendor, and no more.
    expect(requests).toBe(wait.polls);
  });

  test('a single check (wait.once) sends one request and never sleeps, whatever the budget', async () => {
    let slept = 0;
    restore = useTestClock({ now: () => Date.UTC(2026, 0, 5, 9, 0, 0), sleep: async (ms: number) => void (slept += ms) });
    nock(ORIGIN).get(STATUS_PATH).once().reply(200, { State: 'Scanning' }, { 'Content-Type': 'application/json' });
    const [[item]] = (await executeItems(context({ once: true, intervalS: 60 }), node, {
      waitBudgetMs: 5_000,
      loadRuntime: () => import('../../src/index.js'),
    })) as [[{ json: Record<string, unknown> }]];
    expect(item.json.wait).toMatchObject({ done: false, outcome: 'pending', polls: 1, next_check_after_s: 60 });
    expect(slept).toBe(0);
    expect(nock.isDone()).toBe(true);
  });
});
