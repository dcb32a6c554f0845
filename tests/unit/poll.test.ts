// The declared wait (connector.json `poll`, src/runtime/poll.ts) driven through
// runAction with a fake clock and a scripted transport: when it ends, how it
// paces its polls, what it does with failures, aborts and progress reports.
// The wire of each poll is checked with nock at the end.
import { afterEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { ConnectorError, runAction, type WaitProgress } from '../../src/index.js';
import { MIN_POLL_MS } from '../../src/runtime/poll.js';
import { type RetryClock, useTestClock } from '../../src/runtime/retry.js';
import type { Transport, TransportResponse } from '../../src/runtime/transport.js';
import { basic, GUID, invicti } from '../helpers/fixtures.js';
import { capture } from '../helpers/wire.js';

const START = 1_700_000_000_000;
const LATENCY_MS = 40;

interface FakeClock extends RetryClock {
  sleeps: number[];
  /** Moves time without a wait (request latency). */
  advance(ms: number): void;
  /** Called at the start of every sleep, before time moves (for aborting mid-wait). */
  onSleep?: (ms: number) => void;
}

function fakeClock(): FakeClock {
  let now = START;
  const clock: FakeClock = {
    sleeps: [],
    advance: (ms) => {
      now += ms;
    },
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      clock.sleeps.push(ms);
      clock.onSleep?.(ms);
      now += ms;
    },
  };
  // runAction's retries and waits run on it until the test ends.
  restoreClock = useTestClock(clock);
  return clock;
}

let restoreClock: (() => void) | undefined;
afterEach(() => restoreClock?.());

type Outcome = TransportResponse | ConnectorError;

const status = (State: string, CompletedSteps = 0, EstimatedSteps = 100, statusCode = 200, headers: Record<string, string> = {}): TransportResponse => ({
  statusCode,
  statusMessage: undefined,
  rawHeaders: ['Content-Type', 'application/json; charset=utf-8', ...Object.entries(headers).flat()],
  body: Buffer.from(JSON.stringify({ CompletedSteps, EstimatedLaunchTime: null, EstimatedSteps, State })),
});

const httpStatus = (statusCode: number, body: unknown, headers: Record<string, string> = {}): TransportResponse => ({
  statusCode,
  statusMessage: undefined,
  rawHeaders: ['Content-Type', 'application/json; charset=utf-8', ...Object.entries(headers).flat()],
  body: Buffer.from(JSON.stringify(body)),
});

const refused = () => new ConnectorError('CONNECTION_FAILED', 'GET https://invicti.test/api/1.0/scans/status/x: connection reset by the server (ECONNRESET).');

/**
 * A transport that answers from a script (the last entry repeats) and moves the
 * fake clock by LATENCY_MS per request; it records when each request was sent
 * (relative to the start) and the time budget it was given.
 */
function scripted(clock: FakeClock, script: Outcome[]): Transport & { sent: { at: number; url: string; budget: number | undefined }[] } {
  const sent: { at: number; url: string; budget: number | undefined }[] = [];
  return {
    sent,
    async send(request, _connection, options) {
      sent.push({ at: clock.now() - START, url: request.url, budget: options.timeoutMs });
      const outcome = script[Math.min(sent.length - 1, script.length - 1)]!;
      await Promise.resolve();
      clock.advance(LATENCY_MS);
      if (outcome instanceof ConnectorError) throw outcome;
      return outcome;
    },
  };
}

const input = (wait?: { timeout_s?: number; interval_s?: number }) => ({ path_parameters: { id: GUID }, ...(wait ? { wait } : {}) });

describe('invicti_scan_wait: the declared wait', () => {
  test('polls every interval_s until State is terminal, and returns the last status envelope plus wait', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [status('Queued'), status('Scanning', 30), status('Scanning', 60), status('Complete', 100)]);
    const envelope = await runAction('invicti_scan_wait', input({ interval_s: 10 }), invicti, { transport });

    expect(transport.sent.map((s) => s.at)).toEqual([0, 10_000, 20_000, 30_000]);
    expect(transport.sent.every((s) => s.url === `https://invicti.test/api/1.0/scans/status/${GUID}`)).toBe(true);
    expect(envelope).toMatchObject({
      status_code: 200,
      json_body: { State: 'Complete', CompletedSteps: 100 },
      wait: { done: true, polls: 4, waited_ms: 30_000 + LATENCY_MS, errors: 0, timed_out: false },
    });
  });

  test('Failed and Cancelled are terminal too: done, exit of the wait, no further poll', async () => {
    for (const state of ['Failed', 'Cancelled']) {
      const clock = fakeClock();
      const transport = scripted(clock, [status('Scanning'), status(state)]);
      const envelope = await runAction('invicti_scan_wait', input({ interval_s: 5 }), invicti, { transport });
      expect([state, envelope.wait]).toEqual([state, { done: true, outcome: 'ended', polls: 2, waited_ms: 5_000 + LATENCY_MS, errors: 0, timed_out: false }]);
    }
  });

  test('without wait options, the schema defaults apply: every 30 s, for up to 3600 s', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [status('Scanning')]);
    const envelope = await runAction('invicti_scan_wait', input(), invicti, { transport });
    // Polls at 0, 30, ..., 3570 s: a poll at 3600 s could not finish before the deadline.
    expect(transport.sent).toHaveLength(120);
    expect(transport.sent.at(-1)!.at).toBe(3_570_000);
    expect(new Set(clock.sleeps)).toEqual(new Set([30_000 - LATENCY_MS]));
    expect(envelope.wait).toEqual({ done: false, outcome: 'pending', polls: 120, waited_ms: 3_570_000 + LATENCY_MS, errors: 0, timed_out: true, next_check_after_s: 30 });
  });

  test('timeout_s ends the wait with the last envelope and done false; no poll starts that could not finish in time', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [status('Scanning', 10)]);
    const envelope = await runAction('invicti_scan_wait', input({ timeout_s: 25, interval_s: 10 }), invicti, { transport });
    expect(transport.sent.map((s) => s.at)).toEqual([0, 10_000, 20_000]);
    // The last poll only gets what is left of timeout_s (5 s), not the connection's 30 s.
    expect(transport.sent.map((s) => s.budget)).toEqual([25_000, 15_000, 5_000]);
    expect(envelope).toMatchObject({ json_body: { State: 'Scanning' }, wait: { done: false, polls: 3, errors: 0, timed_out: true } });
    expect(envelope.wait!.waited_ms).toBeLessThanOrEqual(25_000);
  });

  test('a poll needs MIN_POLL_MS before the deadline: with less left, the wait ends rather than idle', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [status('Scanning')]);
    // Polls at 0 and 2 s; one at 4 s would have 4.3 - 4 = 0.3 s < MIN_POLL_MS.
    expect(MIN_POLL_MS).toBeGreaterThan(300);
    const envelope = await runAction('invicti_scan_wait', input({ timeout_s: 4, interval_s: 2 }), invicti, {
      transport,
      timeoutMs: 1_000,
    });
    expect(transport.sent.map((s) => s.at)).toEqual([0, 2_000]);
    expect(envelope.wait).toMatchObject({ done: false, polls: 2, timed_out: true });
  });

  test('Retry-After is honoured: the next poll is never earlier than the vendor allows (seconds and HTTP-date)', async () => {
    const clock = fakeClock();
    // The second poll is sent at 25.04 s and answered at 25.08 s; its Retry-After date says: not before 80 s.
    const date = new Date(START + 80_000).toUTCString();
    const transport = scripted(clock, [
      status('Scanning', 10, 100, 200, { 'Retry-After': '25' }),
      status('Scanning', 20, 100, 200, { 'Retry-After': date }),
      status('Scanning', 30, 100, 200, { 'Retry-After': '1' }),
      status('Complete', 100),
    ]);
    const envelope = await runAction('invicti_scan_wait', input({ interval_s: 10 }), invicti, { transport });
    const at = transport.sent.map((s) => s.at);
    expect(at[1]).toBeGreaterThanOrEqual(LATENCY_MS + 25_000); // 25 s after the answer, not 10 s after the poll
    expect(at[2]).toBeGreaterThanOrEqual(80_000);
    expect(at[3]! - at[2]!).toBe(10_000); // a shorter Retry-After does not speed the poll up
    expect(envelope.wait).toMatchObject({ done: true, polls: 4 });
  });

  test('a 429 mid-wait (after the poll\'s own retries) is waited out, honouring its Retry-After, and the wait goes on', async () => {
    const clock = fakeClock();
    const throttled = httpStatus(429, { Message: 'Too many requests' }, { 'Retry-After': '20' });
    const transport = scripted(clock, [status('Scanning'), throttled, throttled, throttled, status('Complete', 100)]);
    const envelope = await runAction('invicti_scan_wait', input({ interval_s: 5 }), invicti, { transport });
    // Poll 2 is answered 429 three times (the runtime's retries, Retry-After 20 s each time); poll 3 comes 20 s later.
    expect(transport.sent).toHaveLength(5);
    expect(transport.sent[4]!.at - transport.sent[3]!.at).toBeGreaterThanOrEqual(20_000 + LATENCY_MS);
    // The 429 is counted as an error of its poll (a "not now"), never fatal.
    expect(envelope).toMatchObject({ status_code: 200, json_body: { State: 'Complete' }, wait: { done: true, outcome: 'completed', polls: 3, errors: 1 } });
  });

  test('a transport failure mid-wait is counted and retried on the next tick, never fatal while a later poll can answer', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [status('Scanning', 20), refused(), refused(), status('Complete', 100)]);
    const progress: WaitProgress[] = [];
    const envelope = await runAction('invicti_scan_wait', input({ interval_s: 10 }), invicti, {
      transport,
      onProgress: (p) => progress.push(p),
    });
    expect(transport.sent.map((s) => s.at)).toEqual([0, 10_000, 20_000, 30_000]);
    expect(envelope).toMatchObject({ json_body: { State: 'Complete' }, wait: { done: true, polls: 4, errors: 2, timed_out: false } });
    expect(progress.map((p) => p.error?.code ?? null)).toEqual([null, 'CONNECTION_FAILED', 'CONNECTION_FAILED', null]);
    // A failed poll reports the last state known.
    expect(progress[1]).toMatchObject({ state: 'Scanning', percentage: 20, polls: 2, done: false });
  });

  test('when every poll failed, the wait ends with the last error (no envelope to return)', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [refused()]);
    const error = await runAction('invicti_scan_wait', input({ timeout_s: 30, interval_s: 10 }), invicti, { transport }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('CONNECTION_FAILED');
    expect(transport.sent.map((s) => s.at)).toEqual([0, 10_000, 20_000]);
  });

  test('a refused connection (nothing sent) is first retried inside the poll, then on the next tick', async () => {
    const clock = fakeClock();
    const notSent = new ConnectorError('CONNECTION_FAILED', 'connection refused (ECONNREFUSED)', undefined, { delivery: 'not-sent' });
    const transport = scripted(clock, [status('Scanning'), notSent, notSent, notSent, status('Complete', 100)]);
    const envelope = await runAction('invicti_scan_wait', input({ interval_s: 10 }), invicti, { transport });
    expect(envelope.wait).toMatchObject({ done: true, polls: 3, errors: 1 });
    expect(transport.sent[4]!.at).toBe(20_000);
  });

  test('a non-2xx that waiting will not fix (404, 401) ends the wait at once with that envelope', async () => {
    for (const [code, body] of [
      [404, { Message: 'Scan not found' }],
      [401, { Message: 'Authorization has been denied for this request.' }],
    ] as const) {
      const clock = fakeClock();
      const transport = scripted(clock, [status('Scanning'), httpStatus(code, body), status('Complete')]);
      const envelope = await runAction('invicti_scan_wait', input({ interval_s: 10 }), invicti, { transport });
      expect(transport.sent).toHaveLength(2);
      expect(envelope).toMatchObject({ status_code: code, json_body: body, wait: { done: false, polls: 2, timed_out: false } });
    }
  });

  test('a terminal State in a non-2xx body does not count as done', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [httpStatus(400, { State: 'Complete', Message: 'odd proxy' })]);
    const envelope = await runAction('invicti_scan_wait', input({ interval_s: 10 }), invicti, { transport });
    expect(envelope.wait).toMatchObject({ done: false, polls: 1 });
  });

  test('progress: state, a percentage from CompletedSteps / EstimatedSteps, polls, elapsed, done on the last', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [status('Queued', 0, 0), status('Scanning', 1, 3), status('Scanning', 2, 3), status('Complete', 3, 3)]);
    const progress: WaitProgress[] = [];
    await runAction('invicti_scan_wait', input({ interval_s: 5 }), invicti, { transport, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { state: 'Queued', percentage: null, polls: 1, elapsed_ms: LATENCY_MS, done: false },
      { state: 'Scanning', percentage: 33, polls: 2, elapsed_ms: 5_000 + LATENCY_MS, done: false },
      { state: 'Scanning', percentage: 67, polls: 3, elapsed_ms: 10_000 + LATENCY_MS, done: false },
      { state: 'Complete', percentage: 100, polls: 4, elapsed_ms: 15_000 + LATENCY_MS, done: true },
    ]);
  });

  test('a progress callback that throws does not end the wait', async () => {
    const clock = fakeClock();
    const transport = scripted(clock, [status('Scanning'), status('Complete')]);
    const envelope = await runAction('invicti_scan_wait', input({ interval_s: 5 }), invicti, {
      transport,
      onProgress: () => {
        throw new Error('stderr closed');
      },
    });
    expect(envelope.wait).toMatchObject({ done: true, polls: 2 });
  });

  test('the signal stops the wait at once between polls: ABORTED, saying what is known, no further request', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const transport = scripted(clock, [status('Scanning', 40)]);
    let sleeps = 0;
    clock.onSleep = () => {
      sleeps += 1;
      if (sleeps === 2) controller.abort();
    };
    const error = await runAction('invicti_scan_wait', input({ interval_s: 10 }), invicti, { transport, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('ABORTED');
    expect((error as ConnectorError).message).toBe('invicti_scan_wait: wait aborted after 2 polls and 20.0 s; last state Scanning (40 %)');
    expect(transport.sent).toHaveLength(2);
  });

  test('the signal stops an in-flight poll at once, without waiting for its response', async () => {
    const controller = new AbortController();
    let sent = 0;
    const hanging: Transport = {
      send: () => {
        sent += 1;
        queueMicrotask(() => controller.abort());
        return new Promise<TransportResponse>(() => undefined); // never answers
      },
    };
    const error = await runAction('invicti_scan_wait', input(), invicti, { transport: hanging, signal: controller.signal }).catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe('ABORTED');
    expect((error as ConnectorError).message).toMatch(/^invicti_scan_wait: wait aborted after 1 poll and \d+\.\d s$/);
    expect(sent).toBe(1);
  });

  test('an already aborted signal sends nothing', async () => {
    let sent = 0;
    const transport: Transport = { send: async () => (sent += 1, status('Complete')) };
    const controller = new AbortController();
    controller.abort();
    for (const id of ['invicti_scan_wait', 'invicti_scan_status']) {
      const error = await runAction(id, input(), invicti, { transport, signal: controller.signal }).catch((e: unknown) => e);
      expect([id, (error as ConnectorError).code]).toEqual([id, 'ABORTED']);
    }
    expect(sent).toBe(0);
  });

  test('invalid wait options are INPUT_INVALID naming the field, before anything is sent', async () => {
    let sent = 0;
    const transport: Transport = { send: async () => (sent += 1, status('Complete')) };
    for (const [wait, field] of [
      [{ timeout_s: 0 }, 'wait.timeout_s'],
      [{ timeout_s: 86_401 }, 'wait.timeout_s'],
      [{ interval_s: 0 }, 'wait.interval_s'],
      [{ interval_s: 3_601 }, 'wait.interval_s'],
      [{ interval_s: 1.5 }, 'wait.interval_s'],
      [{ every: 5 }, 'wait.every'],
    ] as const) {
      const error = (await runAction('invicti_scan_wait', { path_parameters: { id: GUID }, wait }, invicti, { transport }).catch((e: unknown) => e)) as ConnectorError;
      expect(error.code).toBe('INPUT_INVALID');
      expect(error.details!.map((d) => d.field)).toContain(field);
    }
    const error = (await runAction('invicti_scan_wait', { path_parameters: { id: 'not-a-guid' } }, invicti, { transport }).catch((e: unknown) => e)) as ConnectorError;
    expect(error.details!.map((d) => d.field)).toContain('path_parameters.id');
    expect(sent).toBe(0);
  });
});

describe('the wire of a poll (nock)', () => {
  test('invicti_scan_status: GET /api/1.0/scans/status/{id}, Basic auth, no body, no Content-Type', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    const body = { CompletedSteps: 12, EstimatedLaunchTime: null, EstimatedSteps: 40, State: 'Scanning' };
    scope.get(`/api/1.0/scans/status/${GUID}`).reply(200, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8' });
    const envelope = await runAction('invicti_scan_status', { path_parameters: { id: GUID } }, invicti);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', path: `/api/1.0/scans/status/${GUID}`, body: '' });
    expect(seen[0]!.headers.authorization).toBe(basic(invicti.user_id, invicti.api_token));
    expect(seen[0]!.headers.accept).toBe('application/json');
    expect(seen[0]!.headers).not.toHaveProperty('content-type');
    expect(seen[0]!.headers).not.toHaveProperty('content-length');
    expect(envelope).toEqual({ status_code: 200, reason: 'OK', response_headers: { 'Content-Type': 'application/json; charset=utf-8' }, json_body: body });
  });

  test('invicti_scan_wait sends exactly what invicti_scan_status sends, once per poll', async () => {
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope
      .get(`/api/1.0/scans/status/${GUID}`)
      .reply(200, { CompletedSteps: 1, EstimatedSteps: 2, State: 'Scanning' })
      .get(`/api/1.0/scans/status/${GUID}`)
      .reply(200, { CompletedSteps: 2, EstimatedSteps: 2, State: 'Complete' });
    const clock = fakeClock();
    const envelope = await runAction('invicti_scan_wait', input({ interval_s: 1 }), invicti, {});
    expect(seen.map((s) => [s.method, s.path, s.body, s.headers['content-type']])).toEqual([
      ['GET', `/api/1.0/scans/status/${GUID}`, '', undefined],
      ['GET', `/api/1.0/scans/status/${GUID}`, '', undefined],
    ]);
    expect(envelope).toMatchObject({ status_code: 200, json_body: { State: 'Complete' }, wait: { done: true, polls: 2 } });
  });

  test('dry run of the wait shows its first poll, secrets masked', async () => {
    const { dryRun } = await import('../../src/index.js');
    expect(dryRun('invicti_scan_wait', input({ timeout_s: 60 }), invicti)).toEqual({
      method: 'GET',
      url: `https://invicti.test/api/1.0/scans/status/${GUID}`,
      headers: { Accept: 'application/json', 'User-Agent': expect.stringMatching(/^retest-connectors\//), Authorization: 'Basic ***' },
      body: undefined,
    });
  });
});
