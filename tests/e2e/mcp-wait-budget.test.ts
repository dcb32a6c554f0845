// An agent on the MCP SDK client's defaults (60 s request timeout, no task)
// calls invicti_scan_wait on a scan that takes 10 minutes: the call comes back
// with wait.outcome pending and next_check_after_s inside the server's wait
// budget (40 s, under the 45 s the issue allows), never a client timeout. The
// wait runs on the runtime's test clock (its sleeps move a fake now), so the
// test measures the wait's own clock, not the machine's speed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer, MCP_WAIT_BUDGET_MS } from '../../src/mcp/server.js';
import { useTestClock } from '../../src/runtime/retry.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { mcpTools } from '../../src/generated/mcp-tools.js';

let sim: Simulator;
let client: Client;
let restoreClock: () => void;
let fakeNow = Date.UTC(2026, 0, 5, 9, 0, 0);

beforeAll(async () => {
  sim = await startSimulator({ scanSeconds: 600 }); // a 10-minute retest
  restoreClock = useTestClock({ now: () => fakeNow, sleep: async (ms: number) => void (fakeNow += ms) });
  const server = createMcpServer({ connections: { invicti: { url: sim.invictiUrl, ...sim.credentials.invicti } } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  client = new Client({ name: 'wait-budget-test', version: '1.0.0' });
  await client.connect(clientSide);
});

afterAll(async () => {
  restoreClock();
  await client.close();
  await sim.close();
});

describe('a wait tool without a task never holds the call past its budget', () => {
  test('the budget is under 45 s, and the tool description tells the model to call again', () => {
    expect(MCP_WAIT_BUDGET_MS).toBeLessThan(45_000);
    const tool = mcpTools.find((t) => t.name === 'invicti_scan_wait')!;
    expect(tool.description).toMatch(/call this tool again after wait\.next_check_after_s seconds/);
  });

  test('a 10-minute scan: pending with next_check_after_s, waited_ms within the budget, no client timeout', async () => {
    const retest = await client.callTool({ name: 'invicti_scan_retest', arguments: { json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74' } } });
    const scanId = (retest.structuredContent as any).json_body.Id as string;
    const before = sim.requestCount;
    // The SDK client at its defaults: no timeout option, no task.
    const result = await client.callTool({ name: 'invicti_scan_wait', arguments: { path_parameters: { id: scanId }, wait: { interval_s: 10, timeout_s: 3600 } } });
    const envelope = result.structuredContent as any;
    expect(result.isError).toBeFalsy();
    expect(envelope.wait).toMatchObject({ done: false, outcome: 'pending', timed_out: true, next_check_after_s: 10 });
    expect(envelope.wait.waited_ms).toBeLessThanOrEqual(MCP_WAIT_BUDGET_MS);
    expect(['Queued', 'Scanning']).toContain(envelope.json_body.State);
    expect(sim.requestCount - before).toBe(envelope.wait.polls);
    expect((result.content as any)[0].text).toMatch(/Outcome pending .*call this tool again in 10 s/);
  });

  test('wait.once: one status request, pending at once', async () => {
    const retest = await client.callTool({ name: 'invicti_scan_retest', arguments: { json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74' } } });
    const scanId = (retest.structuredContent as any).json_body.Id as string;
    const before = sim.requestCount;
    const result = await client.callTool({ name: 'invicti_scan_wait', arguments: { path_parameters: { id: scanId }, wait: { once: true, interval_s: 60 } } });
    expect(sim.requestCount - before).toBe(1);
    expect((result.structuredContent as any).wait).toMatchObject({ outcome: 'pending', once: true, polls: 1, next_check_after_s: 60 });
  });
});
