// A task is its creator's: over Streamable HTTP, with the SDK client, session B
// cannot get, read the result of, cancel or list session A's tasks; a foreign
// task id answers exactly like an unknown one. Also tasks/result itself: a
// completed task returns the wait's result; a cancelled task has none (an
// error; its status says cancelled). The wait's sleeps are held by a gate (no
// wall clock): a running task stays running until the test cancels it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { startHttpServer, type RunningHttpServer } from '../../src/mcp/http.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { BoundedTaskStore, bearerOwner } from '../../src/mcp/tasks.js';
import { useTestClock } from '../../src/runtime/retry.js';
import { createTestClock, SEED_SCAN_IDS, type Simulator, startSimulator } from '../../src/simulator/index.js';

const TOKEN = 'scope-test-token-0123456789abcdef0123456789';
let sim: Simulator;
let http: RunningHttpServer;
let store: BoundedTaskStore;
let restoreClock: () => void;
let releaseSleeps: () => void = () => {};
const gate = new Promise<void>((resolve) => {
  releaseSleeps = resolve;
});
let a: Client;
let b: Client;

async function connect(): Promise<Client> {
  const client = new Client({ name: 'scope-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  return client;
}

/** Starts the wait as a task and returns its id as soon as it is created. */
async function startTask(client: Client, scanId: string): Promise<string> {
  const stream = client.experimental.tasks.callToolStream(
    { name: 'invicti_scan_wait', arguments: { path_parameters: { id: scanId }, wait: { interval_s: 30, timeout_s: 3600 } } },
    CallToolResultSchema,
    { task: { ttl: 3600_000 } },
  );
  const first = await stream.next();
  expect(first.value?.type).toBe('taskCreated');
  const taskId = (first.value as any).task.taskId as string;
  void stream.return?.(undefined);
  return taskId;
}

/** The error a call fails with, the task id replaced, so a foreign id and an unknown one compare equal. */
async function failure(call: () => Promise<unknown>, taskId: string): Promise<{ code: unknown; message: string }> {
  try {
    await call();
  } catch (error) {
    const e = error as { code?: unknown; message: string };
    return { code: e.code, message: e.message.split(taskId).join('<id>') };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  let now = Date.UTC(2026, 0, 5, 9, 0, 0);
  const simClock = createTestClock(now);
  sim = await startSimulator({ clock: simClock, scanSeconds: 600 });
  // Every wait sleeps until the end of the file: a running task stays running, with no wall-clock timing.
  restoreClock = useTestClock({ now: () => now, sleep: async (ms: number) => { await gate; now += ms; simClock.set(now); } });
  store = new BoundedTaskStore();
  const connections = { invicti: { url: sim.invictiUrl, ...sim.credentials.invicti } };
  http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    createServer: (calls, client) => createMcpServer({ connections, calls, taskStore: store, taskOwner: client.owner, taskPollIntervalMs: 20 }),
  });
  a = await connect();
  b = await connect();
});

afterAll(async () => {
  releaseSleeps();
  restoreClock();
  await a.close();
  await b.close();
  await http.close();
  store.cleanup();
  await sim.close();
});

describe('MCP tasks over Streamable HTTP: each task is its creator\'s', () => {
  test('session B cannot get, read, cancel or list session A\'s running task; a foreign id answers like an unknown one', async () => {
    const taskId = await startTask(a, SEED_SCAN_IDS.running);
    const unknown = 'f'.repeat(32);
    const tasks = b.experimental.tasks;

    expect(await failure(() => tasks.getTask(taskId), taskId)).toEqual(await failure(() => tasks.getTask(unknown), unknown));
    expect(await failure(() => tasks.getTaskResult(taskId, CallToolResultSchema), taskId)).toEqual(
      await failure(() => tasks.getTaskResult(unknown, CallToolResultSchema), unknown),
    );
    expect(await failure(() => tasks.cancelTask(taskId), taskId)).toEqual(await failure(() => tasks.cancelTask(unknown), unknown));
    expect((await tasks.listTasks()).tasks.map((t) => t.taskId)).not.toContain(taskId);

    // A still has it, running (B's cancel did nothing), and can cancel it.
    expect((await a.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toContain(taskId);
    expect((await a.experimental.tasks.getTask(taskId)).status).toBe('working');
    expect((await a.experimental.tasks.cancelTask(taskId)).status).toBe('cancelled');
    // tasks/result of a cancelled task: no result (an error); tasks/get says cancelled.
    await expect(a.experimental.tasks.getTaskResult(taskId, CallToolResultSchema)).rejects.toThrow(/no result/);
    expect((await a.experimental.tasks.getTask(taskId)).status).toBe('cancelled');
  });

  test('tasks/result of a completed task returns the wait\'s result to its creator only', async () => {
    const taskId = await startTask(a, SEED_SCAN_IDS.completed); // terminal at the first check: no sleep
    const result = await a.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as any).wait).toMatchObject({ done: true, outcome: 'completed' });
    expect((result.structuredContent as any).json_body.State).toBe('Complete');
    expect((await a.experimental.tasks.getTask(taskId)).status).toBe('completed');

    const unknown = '0'.repeat(32);
    expect(await failure(() => b.experimental.tasks.getTaskResult(taskId, CallToolResultSchema), taskId)).toEqual(
      await failure(() => b.experimental.tasks.getTaskResult(unknown, CallToolResultSchema), unknown),
    );
    expect((await b.experimental.tasks.listTasks()).tasks).toEqual([]);
  });
});

describe('the task store outside a session', () => {
  const request = { method: 'tools/call', params: {} } as any;

  test('without a session id a task belongs to the client identity (a token hash, never the token), not to everyone', async () => {
    const shared = new BoundedTaskStore();
    const tokenA = bearerOwner('token-a-secret');
    expect(tokenA).not.toContain('token-a-secret');
    const asA = shared.scopedTo(tokenA);
    const asB = shared.scopedTo(bearerOwner('token-b-secret'));
    const task = await asA.createTask({ ttl: 60_000 }, 1, request, undefined);
    expect(await asA.getTask(task.taskId, undefined)).not.toBeNull();
    expect(await asB.getTask(task.taskId, undefined)).toBeNull();
    expect((await asB.listTasks(undefined, undefined)).tasks).toEqual([]);
    await expect(asB.updateTaskStatus(task.taskId, 'cancelled', undefined, undefined)).rejects.toThrow(/not found/);
    await expect(asB.getTaskResult(task.taskId, undefined)).rejects.toThrow(/not found/);
    // A session on the same server does not see it either, nor does the store's own stdio client.
    expect(await asA.getTask(task.taskId, 'some-session')).toBeNull();
    expect(await shared.getTask(task.taskId)).toBeNull();
    shared.cleanup();
  });

  test('the caps count every client of one store: per owner, and in all', async () => {
    const shared = new BoundedTaskStore({ perSession: 1, total: 2 });
    await shared.scopedTo('stdio').createTask({ ttl: 60_000 }, 1, request, 'session-a');
    await expect(shared.scopedTo('stdio').createTask({ ttl: 60_000 }, 2, request, 'session-a')).rejects.toThrow(/Too many tasks/);
    await shared.scopedTo('stdio').createTask({ ttl: 60_000 }, 3, request, 'session-b');
    await expect(shared.scopedTo('stdio').createTask({ ttl: 60_000 }, 4, request, 'session-c')).rejects.toThrow(/Too many tasks/);
    shared.cleanup();
  });
});
