// invicti_scan_wait through the built CLI against a scripted loopback Invicti
// (real sockets, real 1 s intervals, few polls): a terminal state exits 0, the
// timeout exits 5, a 429 and a refused connection mid-wait are waited out,
// SIGINT and SIGTERM stop the wait at once with exit 130.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import type http from 'node:http';
import { type CliResult, errorOf, runCli, spawnCli } from '../helpers/cli.js';
import { GUID } from '../helpers/fixtures.js';
import { type LoopbackServer, type SeenRequest, startServer } from '../helpers/servers.js';

jest.setTimeout(30_000);

const STATUS_PATH = `/api/1.0/scans/status/${GUID}`;
const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Answer = { status?: number; body?: unknown; headers?: Record<string, string> } | 'hang';

const scan = (State: string, CompletedSteps = 0, EstimatedSteps = 100): Answer => ({ body: { CompletedSteps, EstimatedLaunchTime: null, EstimatedSteps, State } });

function send(res: http.ServerResponse, answer: Exclude<Answer, 'hang'>) {
  const body = JSON.stringify(answer.body ?? {});
  res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...answer.headers });
  res.end(body);
}

/** A loopback Invicti whose n-th status request gets script[n] (the last entry repeats). */
async function invicti(script: Answer[], options: { port?: number; requests?: SeenRequest[] } = {}): Promise<LoopbackServer> {
  const server = await startServer((_req, res, _seen, index) => {
    const answer = script[Math.min(index, script.length - 1)]!;
    if (answer !== 'hang') send(res, answer);
  }, options);
  servers.push(server);
  return server;
}

const env = (server: { url: string }) => ({ INVICTI_URL: server.url, INVICTI_USER_ID: 'wait-user', INVICTI_API_TOKEN: 'wait-SECRET-token' });
const input = (wait: { timeout_s?: number; interval_s?: number }) => JSON.stringify({ path_parameters: { id: GUID }, wait });

function envelopeOf(result: CliResult) {
  return JSON.parse(result.stdout) as { status_code: number; json_body: any; wait: { done: boolean; polls: number; waited_ms: number; errors: number; timed_out: boolean } };
}

function expectNoSecretNorStack(result: CliResult) {
  expect(result.stdout + result.stderr).not.toContain('wait-SECRET-token');
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('retest-connectors run invicti_scan_wait', () => {
  test('a terminal state: exit 0, the last status with wait on stdout, one progress line per change on stderr', async () => {
    const server = await invicti([scan('Queued'), scan('Scanning', 50), scan('Complete', 100)]);
    const result = await runCli(['run', 'invicti_scan_wait', '--input', '-'], { stdin: input({ interval_s: 1, timeout_s: 30 }), env: env(server) });
    expect(result.code).toBe(0);
    expect(envelopeOf(result)).toMatchObject({ status_code: 200, json_body: { State: 'Complete' }, wait: { done: true, polls: 3, errors: 0, timed_out: false } });
    const lines = result.stderr.split('\n');
    expect(lines).toEqual([
      // The states come from the scripted server, poll by poll; the seconds are the machine's (any load).
      expect.stringMatching(/^invicti_scan_wait: Queued 0 %, \d+ s elapsed, 1 poll$/),
      expect.stringMatching(/^invicti_scan_wait: Scanning 50 %, \d+ s elapsed, 2 polls$/),
      expect.stringMatching(/^invicti_scan_wait: Complete 100 %, \d+ s elapsed, 3 polls, done$/),
      '',
    ]);
    expect(server.requests.map((r) => [r.method, r.url, r.body, r.headers['content-type']])).toEqual(
      Array.from({ length: 3 }, () => ['GET', STATUS_PATH, '', undefined]),
    );
    // Polls are paced, not back to back. Exact pacing is asserted with a fake clock in tests/unit/poll.test.ts.
    // Here, what holds under any load: poll n starts no sooner than (n - 1) x interval_s after the wait began,
    // and its line is written after it was answered, so the child's own elapsed count is at least n - 1 s.
    // (Gaps between arrival times at the server hold nothing: a delayed first arrival shrinks them.)
    const elapsedS = lines.slice(0, 3).map((line) => Number(/, (\d+) s elapsed/.exec(line)![1]));
    elapsedS.forEach((s, n) => expect(s).toBeGreaterThanOrEqual(n));
    expectNoSecretNorStack(result);
  });

  test('the wait ends first: exit 5, the last status with done false on stdout, a line saying so on stderr', async () => {
    const server = await invicti([scan('Scanning', 10)]);
    const result = await runCli(['run', 'invicti_scan_wait', '--input', '-'], { stdin: input({ interval_s: 1, timeout_s: 2 }), env: env(server) });
    expect(result.code).toBe(5);
    const envelope = envelopeOf(result);
    expect(envelope).toMatchObject({ status_code: 200, json_body: { State: 'Scanning' }, wait: { done: false, timed_out: true, errors: 0 } });
    expect(envelope.wait.polls).toBe(server.requests.length);
    // No poll starts that could not finish in time: with interval_s 1 and timeout_s 2, a second poll at 1 s
    // leaves no room for a third (next at 2 s + MIN_POLL_MS > the deadline), whatever the load (a slow first
    // poll may leave room for none). That waited_ms stays within timeout_s is asserted on a fake clock in
    // tests/unit/poll.test.ts: in wall time a loaded machine may report the end a little late.
    expect(envelope.wait.polls).toBeGreaterThanOrEqual(1);
    expect(envelope.wait.polls).toBeLessThanOrEqual(2);
    expect(envelope.wait.waited_ms).toBeGreaterThanOrEqual((envelope.wait.polls - 1) * 1_000);
    expect(result.stderr).toMatch(/retest-connectors: invicti_scan_wait: the wait ended after \d s before a terminal state \(last state "Scanning"\); check again in 1 s \(exit 5\)\n$/);
    expectNoSecretNorStack(result);
  });

  test('a 429 mid-wait is waited out, honouring Retry-After, and the wait goes on to the terminal state', async () => {
    const server = await invicti([scan('Scanning', 10), { status: 429, body: { Message: 'Too many requests' }, headers: { 'Retry-After': '2' } }, scan('Complete', 100)]);
    const result = await runCli(['run', 'invicti_scan_wait', '--input', '-'], { stdin: input({ interval_s: 1, timeout_s: 30 }), env: env(server) });
    expect(result.code).toBe(0);
    expect(envelopeOf(result)).toMatchObject({ json_body: { State: 'Complete' }, wait: { done: true, errors: 0 } });
    expect(server.requests).toHaveLength(3);
    // The request after the 429 came no sooner than its Retry-After. This gap holds under any load: the next
    // poll is scheduled Retry-After after the 429 was *received*, which is after it arrived at the server.
    expect(server.requests[2]!.at - server.requests[1]!.at).toBeGreaterThanOrEqual(2_000);
    expectNoSecretNorStack(result);
  });

  test('a refused connection mid-wait (the server stopped, then restarted on the same port) is counted and retried', async () => {
    const requests: SeenRequest[] = [];
    const first = await invicti([scan('Scanning', 10)], { requests });
    const { port } = first;
    const child = spawnCli(['run', 'invicti_scan_wait', '--input', '-'], { stdin: input({ interval_s: 1, timeout_s: 30 }), env: env(first) });
    // After the first poll, the server goes away for 4 s: the next poll's connection attempts are refused.
    await until(() => requests.length >= 1);
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await invicti([scan('Complete', 100)], { port, requests });
    const result = await child.result;
    expect(result.code).toBe(0);
    const envelope = envelopeOf(result);
    expect(envelope).toMatchObject({ json_body: { State: 'Complete' }, wait: { done: true, timed_out: false } });
    expect(envelope.wait.errors).toBeGreaterThanOrEqual(1);
    expect(envelope.wait.polls).toBe(2 + envelope.wait.errors);
    expect(result.stderr).toMatch(/poll failed: CONNECTION_FAILED, retrying at the next poll/);
    expectNoSecretNorStack(result);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} during the wait stops it at once and cleanly: exit 130, nothing on stdout, what is known on stderr`, async () => {
      const server = await invicti([scan('Scanning', 25)]);
      // A 30 s interval: an exit before the next poll shows the sleep itself was stopped.
      const child = spawnCli(['run', 'invicti_scan_wait', '--input', '-'], { stdin: input({ interval_s: 30, timeout_s: 600 }), env: env(server) });
      // Signalled once the first answer was read (its progress line is out), not after a guessed pause:
      // the ABORTED message must be able to say the last state in every order.
      let stderr = '';
      child.child.stderr!.on('data', (d: string) => (stderr += d));
      await until(() => stderr.includes('Scanning 25 %'));
      child.child.kill(signal);
      const result = await child.result;
      expect(result.code).toBe(130);
      expect(result.stdout).toBe('');
      expect(server.requests).toHaveLength(1);
      expect(result.stderr).toContain(`retest-connectors: invicti_scan_wait: stopped by ${signal}\n`);
      expect(errorOf(result)).toEqual({ code: 'ABORTED', message: expect.stringMatching(/^invicti_scan_wait: wait aborted after 1 poll and \d+\.\d s; last state Scanning \(25 %\)$/) });
      expectNoSecretNorStack(result);
    });
  }

  test('SIGINT while a poll is in flight (the server never answers) stops it at once too', async () => {
    const server = await invicti(['hang']);
    const child = spawnCli(['run', 'invicti_scan_wait', '--input', '-', '--timeout-ms', '60000'], { stdin: input({ interval_s: 30 }), env: env(server) });
    await until(() => server.requests.length >= 1);
    child.child.kill('SIGINT');
    const result = await child.result;
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(errorOf(result).code).toBe('ABORTED');
    expectNoSecretNorStack(result);
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
