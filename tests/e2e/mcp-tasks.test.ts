// Long waits as MCP tasks (the SDK's experimental tasks), with the SDK client:
// the wait tool is task-capable (taskSupport optional); a task is created at
// once, followed with tasks/get (status message: state and percentage),
// its result taken; tasks/cancel stops the polling at once (no more status
// requests reach the simulator); the store is bounded. Time is the runtime's
// test clock, and every fake sleep moves the simulator's clock too: a
// 10-minute scan completes without 10 minutes of wall clock.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { BoundedTaskStore, TASK_TTL_MARGIN_MS } from '../../src/mcp/tasks.js';
import { useTestClock } from '../../src/runtime/retry.js';
import { createTestClock, SEED_SCAN_IDS, type Simulator, startSimulator, type TestClock } from '../../src/simulator/index.js';

let sim: Simulator;
let simClock: TestClock;
let client: Client;
let store: BoundedTaskStore;
let restoreClock: () => void;
let fakeNow = Date.UTC(2026, 0, 5, 9, 0, 0);
/** Real milliseconds each fake sleep takes (0: none), so a test can act while a wait runs. */
let realPauseMs = 0;

beforeAll(async () => {
  simClock = createTestClock(fakeNow);
  sim = await startSimulator({ clock: simClock, scanSeconds: 600 }); // a 10-minute retest
  restoreClock = useTestClock({
    now: () => fakeNow,
    sleep: async (ms: number) => {
      if (realPauseMs > 0) await new Promise((resolve) => setTimeout(resolve, realPauseMs));
      fakeNow += ms;
      simClock.set(fakeNow);
    },
  });
  store = new BoundedTaskStore({ perSession: 2, total: 4 });
  const server = createMcpServer({ connections: { invicti: { url: sim.invictiUrl, ...sim.credentials.invicti } }, taskStore: store, taskPollIntervalMs: 20 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  client = new Client({ name: 'tasks-test', version: '1.0.0' });
  await client.connect(clientSide);
});

afterAll(async () => {
  restoreClock();
  store.cleanup();
  await client.close();
  await sim.close();
});

async function retest(): Promise<string> {
  const launched = await client.callTool({ name: 'invicti_scan_retest', arguments: { json_body: { BaseScanId: SEED_SCAN_IDS.completed } } });
  return (launched.structuredContent as any).json_body.Id as string;
}

describe('invicti_scan_wait as an MCP task', () => {
  test('every declared wait is listed task-capable (optional); other tools are not', async () => {
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'invicti_scan_wait')?.execution).toEqual({ taskSupport: 'optional' });
    expect(tools.find((t) => t.name === 'invicti_scan_retest')?.execution).toBeUndefined();
  });

  test('created at once, followed with tasks/get (state and percentage), completed with the result', async () => {
    const scanId = await retest();
    const seen: any[] = [];
    const stream = client.experimental.tasks.callToolStream(
      { name: 'invicti_scan_wait', arguments: { path_parameters: { id: scanId }, wait: { interval_s: 60, timeout_s: 3600 } } },
      CallToolResultSchema,
      { task: { ttl: 24 * 3600_000 } },
    );
    for await (const message of stream) seen.push(message);
    expect(seen[0].type).toBe('taskCreated');
    const taskId = seen[0].task.taskId as string;
    // The TTL asked for is cut to the wait's timeout plus the margin.
    expect(seen[0].task.ttl).toBeLessThanOrEqual(3600_000 + TASK_TTL_MARGIN_MS);
    const result = seen.at(-1);
    expect(result.type).toBe('result');
    expect(result.result.structuredContent.wait).toMatchObject({ done: true, outcome: 'completed' });
    expect(result.result.structuredContent.json_body.State).toBe('Complete');
    const task = await client.experimental.tasks.getTask(taskId);
    expect(task.status).toBe('completed');
    expect(task.statusMessage).toMatch(/^(Scanning \d+%|Complete 100%) \(\d+ polls?\)$/);
  });

  test('tasks/cancel stops the polling at once: no more status requests reach the simulator', async () => {
    realPauseMs = 20;
    try {
      const stream = client.experimental.tasks.callToolStream(
        { name: 'invicti_scan_wait', arguments: { path_parameters: { id: SEED_SCAN_IDS.running }, wait: { interval_s: 10, timeout_s: 86_400 } } },
        CallToolResultSchema,
        { task: { ttl: 3600_000 } },
      );
      const first = await stream.next();
      expect(first.value?.type).toBe('taskCreated');
      const taskId = (first.value as any).task.taskId as string;
      const statusPath = `/api/1.0/scans/status/${SEED_SCAN_IDS.running}`;
      const polls = () => sim.requests.filter((r) => r.path === statusPath).length;
      // Let it poll a few times, then cancel.
      while (polls() < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      await client.experimental.tasks.cancelTask(taskId);
      const atCancel = polls();
      await new Promise((resolve) => setTimeout(resolve, 200));
      // At most the poll already in flight when the cancel arrived.
      expect(polls() - atCancel).toBeLessThanOrEqual(1);
      const settled = polls();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(polls()).toBe(settled);
      expect((await client.experimental.tasks.getTask(taskId)).status).toBe('cancelled');
      await stream.return?.(undefined);
    } finally {
      realPauseMs = 0;
    }
  });

  test('the store is bounded: past the cap a new task is refused', async () => {
    const bounded = new BoundedTaskStore({ perSession: 1, total: 1 });
    const request = { method: 'tools/call', params: {} } as any;
    await bounded.createTask({ ttl: 1000 }, 1, request, 'session-a');
    await expect(bounded.createTask({ ttl: 1000 }, 2, request, 'session-a')).rejects.toThrow(/Too many tasks/);
    await expect(bounded.createTask({ ttl: 1000 }, 3, request, 'session-b')).rejects.toThrow(/Too many tasks/);
    bounded.cleanup();
  });

  test('finished tasks count until their TTL: past the kept tasks or the kept result bytes a new task is refused', async () => {
    const request = { method: 'tools/call', params: {} } as any;
    const result = { content: [{ type: 'text', text: 'x'.repeat(1000) }] };
    // By count: two tasks run and finish; their results are kept, so a third is refused though none runs.
    const byCount = new BoundedTaskStore({ perSession: 4, total: 4, kept: 2 });
    for (const id of [1, 2]) {
      const task = await byCount.createTask({ ttl: 60_000 }, id, request, 'session-a');
      await byCount.storeTaskResult(task.taskId, 'completed', result, 'session-a');
      byCount.forget(task.taskId);
    }
    await expect(byCount.createTask({ ttl: 60_000 }, 3, request, 'session-b')).rejects.toThrow(/Too many task results kept/);
    byCount.cleanup();
    // By bytes: one finished result of ~1 KB fills a 1,000-byte budget.
    const byBytes = new BoundedTaskStore({ perSession: 4, total: 4, keptBytes: 1000 });
    const task = await byBytes.createTask({ ttl: 60_000 }, 1, request, 'session-a');
    await expect(byBytes.createTask({ ttl: 60_000 }, 2, request, 'session-a')).resolves.toBeDefined();
    await byBytes.storeTaskResult(task.taskId, 'completed', result, 'session-a');
    byBytes.forget(task.taskId);
    await expect(byBytes.createTask({ ttl: 60_000 }, 3, request, 'session-a')).rejects.toThrow(/Too many task results kept/);
    // The result itself is still there for its owner.
    await expect(byBytes.getTaskResult(task.taskId, 'session-a')).resolves.toEqual(result);
    byBytes.cleanup();
  });

  test('a task is visible only to the session that created it', async () => {
    const scoped = new BoundedTaskStore();
    const task = await scoped.createTask({ ttl: 1000 }, 1, { method: 'tools/call', params: {} } as any, 'session-a');
    expect(await scoped.getTask(task.taskId, 'session-a')).not.toBeNull();
    expect(await scoped.getTask(task.taskId, 'session-b')).toBeNull();
    scoped.cleanup();
  });
});
