// invicti_scan_wait as an MCP tool: progress notifications when the client sent
// a progress token, cancellation that stops the polling, a timeout that is a
// normal result with wait.done false. The MCP server runs as the built CLI over
// stdio; Invicti is a scripted loopback server so the states, the polls and
// their timing are exact.
//
// Needs the invicti_scan_wait action (the retest-loop work): until connector.json
// declares it, this file skips itself.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { CLI_PATH } from '../helpers/cli.js';
import { startServer, type LoopbackServer } from '../helpers/servers.js';

jest.setTimeout(60_000);

const hasWait = manifest.actions.some((a) => a.id === 'invicti_scan_wait');
const describeWait = hasWait ? describe : describe.skip;

const COMPLETING = 'a1b2c3d4-0000-4000-8000-000000000001'; // Queued -> Scanning 50% -> Complete
const RUNNING = 'a1b2c3d4-0000-4000-8000-000000000002'; // Scanning 30%, forever

const statusOf = (State: string, CompletedSteps: number, EstimatedSteps: number) => ({ State, CompletedSteps, EstimatedSteps, EstimatedLaunchTime: 0 });
const COMPLETING_STATES = [statusOf('Queued', 0, 10), statusOf('Scanning', 5, 10), statusOf('Complete', 10, 10)];

let invicti: LoopbackServer;
let client: Client;
let polls: Record<string, number>;

function statusRequestsFor(id: string): number {
  return invicti.requests.filter((r) => r.method === 'GET' && r.url === `/api/1.0/scans/status/${id}`).length;
}

beforeAll(async () => {
  if (!hasWait) return;
  polls = {};
  invicti = await startServer((req, res) => {
    const id = /^\/api\/1\.0\/scans\/status\/([0-9a-f-]+)$/.exec(req.url ?? '')?.[1];
    const n = id === undefined ? 0 : (polls[id] = (polls[id] ?? 0) + 1);
    const body =
      id === COMPLETING ? COMPLETING_STATES[Math.min(n, COMPLETING_STATES.length) - 1] : id === RUNNING ? statusOf('Scanning', 3, 10) : { Message: 'Scan not found.' };
    const text = JSON.stringify(body);
    res.writeHead(id === COMPLETING || id === RUNNING ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
  });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_PATH, 'mcp'],
    cwd: packageRoot,
    env: { PATH: process.env.PATH ?? '', INVICTI_URL: invicti.url, INVICTI_USER_ID: 'demo-user', INVICTI_API_TOKEN: 'demo-token' },
    stderr: 'pipe',
  });
  client = new Client({ name: 'retest-connectors-e2e-wait', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  if (!hasWait) return;
  await client.close();
  await invicti.close();
});

describeWait('invicti_scan_wait over MCP', () => {
  test('the tool is listed, read-only and idempotent', async () => {
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'invicti_scan_wait')?.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true, openWorldHint: true });
  });

  test('progress notifications, one per poll, increasing, with the state; the result is the last status plus wait.done', async () => {
    const seen: Progress[] = [];
    const result = await client.callTool(
      { name: 'invicti_scan_wait', arguments: { path_parameters: { id: COMPLETING }, wait: { interval_s: 1, timeout_s: 30 } } },
      undefined,
      { onprogress: (progress) => seen.push(progress), timeout: 30_000 },
    );
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status_code: 200, json_body: { State: 'Complete' }, wait: { done: true, polls: 3 } });
    expect(statusRequestsFor(COMPLETING)).toBe(3);
    // Each poll went out with Basic auth. (That polls are interval_s apart is shown with an injected clock in
    // tests/unit/poll.test.ts: arrival times at a server measure the machine's load, not the wait.)
    const requests = invicti.requests.filter((r) => r.url === `/api/1.0/scans/status/${COMPLETING}`);
    for (const r of requests) expect(r.headers.authorization).toBe(`Basic ${Buffer.from('demo-user:demo-token').toString('base64')}`);

    // One notification per poll, sent before the result. The SDK's client handles notifications a microtask
    // later than responses, so the last one ("done") is dropped when it arrives in the same read as the result:
    // the result itself says the wait is done, the earlier polls' notifications always arrive.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
    const messages = seen.map((p) => p.message ?? '');
    expect(messages[0]).toMatch(/^Queued/);
    expect(messages[1]).toMatch(/^Scanning 50%/);
    if (seen.length === 3) {
      expect(messages[2]).toMatch(/^Complete 100% .*done/);
      expect(seen[2]!.total).toBe(seen[2]!.progress);
    }
    expect((result.content as { text: string }[])[0]!.text).toMatch(/Outcome completed after 3 poll/);
  });

  test('no progress token, no notifications: the same result', async () => {
    polls[COMPLETING] = 0;
    const result = await client.callTool({ name: 'invicti_scan_wait', arguments: { path_parameters: { id: COMPLETING }, wait: { interval_s: 1, timeout_s: 30 } } });
    expect(result.structuredContent).toMatchObject({ json_body: { State: 'Complete' }, wait: { done: true } });
  });

  test('cancellation stops the polling at once; the server keeps serving', async () => {
    const controller = new AbortController();
    const call = client.callTool(
      { name: 'invicti_scan_wait', arguments: { path_parameters: { id: RUNNING }, wait: { interval_s: 1, timeout_s: 600 } } },
      undefined,
      { signal: controller.signal, onprogress: () => controller.abort('enough'), timeout: 30_000 },
    );
    await expect(call).rejects.toThrow();
    const atCancel = statusRequestsFor(RUNNING);
    expect(atCancel).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(statusRequestsFor(RUNNING)).toBeLessThanOrEqual(atCancel + 1); // at most a poll already on the wire
    const { tools } = await client.listTools();
    expect(tools.length).toBe(manifest.actions.length);
  });

  test('a wait that ends before a terminal state is a normal result with wait.done false', async () => {
    const result = await client.callTool({ name: 'invicti_scan_wait', arguments: { path_parameters: { id: RUNNING }, wait: { interval_s: 1, timeout_s: 2 } } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status_code: 200, json_body: { State: 'Scanning' }, wait: { done: false } });
    expect((result.content as { text: string }[])[0]!.text).toMatch(/Outcome pending after \d+ poll\(s\), \d+ s: not finished yet; call this tool again in 1 s/);
  });

  test('an unknown scan ends the wait with the 404 envelope as an error result', async () => {
    const result = await client.callTool({ name: 'invicti_scan_wait', arguments: { path_parameters: { id: 'a1b2c3d4-0000-4000-8000-0000000000ff' }, wait: { interval_s: 1, timeout_s: 10 } } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ status_code: 404, wait: { done: false } });
  });
});
