// wait.once (one check, "call again in N s") and wait.outcome (completed /
// ended / pending), declared once in the manifest's `poll` (until.ok), driven
// with a fake clock and a scripted transport, and the property that a loop of
// single checks reaches the same outcome as the blocking wait.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ConnectorError, runAction } from '../../src/index.js';
import { getAction } from '../../src/contract/manifest.js';
import { compileValidator } from '../../src/contract/schemas.js';
import { exitCodeForEnvelope, EXIT } from '../../src/cli/exit-codes.js';
import { type RetryClock, useTestClock } from '../../src/runtime/retry.js';
import type { RunOptions } from '../../src/runtime/run.js';
import type { Transport, TransportResponse } from '../../src/runtime/transport.js';
import { GUID, invicti } from '../helpers/fixtures.js';

const START = 1_700_000_000_000;

function fakeClock(): RetryClock & { sleeps: number[] } {
  let now = START;
  const clock = {
    sleeps: [] as number[],
    now: () => now,
    random: () => 0.5,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      now += ms;
    },
  };
  return clock;
}

type Answer = { kind: 'state'; state: string } | { kind: 'status'; code: number; retryAfter?: number } | { kind: 'refused' };

function response(answer: Answer): TransportResponse {
  if (answer.kind === 'state') {
    return {
      statusCode: 200,
      statusMessage: undefined,
      rawHeaders: ['Content-Type', 'application/json; charset=utf-8'],
      body: Buffer.from(JSON.stringify({ CompletedSteps: 1, EstimatedLaunchTime: null, EstimatedSteps: 10, State: answer.state })),
    };
  }
  if (answer.kind === 'status') {
    return {
      statusCode: answer.code,
      statusMessage: undefined,
      rawHeaders: ['Content-Type', 'application/json; charset=utf-8', ...(answer.retryAfter === undefined ? [] : ['Retry-After', String(answer.retryAfter)])],
      body: Buffer.from(JSON.stringify({ Message: `HTTP ${answer.code}` })),
    };
  }
  throw new Error('not a response');
}

/** A transport that answers the n-th request with script[n] (the last repeats); `sent` counts requests. */
function scripted(script: Answer[]): Transport & { sent: number } {
  const transport = {
    sent: 0,
    async send() {
      const answer = script[Math.min(transport.sent, script.length - 1)]!;
      transport.sent += 1;
      await Promise.resolve();
      if (answer.kind === 'refused') throw new ConnectorError('CONNECTION_FAILED', 'connection refused (ECONNREFUSED)');
      return response(answer);
    },
  };
  return transport;
}

/** runAction with the retries and waits on `clock` (the runtime's test clock), restored after. */
async function runWith(clock: RetryClock, actionId: string, input: unknown, options: RunOptions) {
  const restore = useTestClock(clock);
  try {
    return await runAction(actionId, input, invicti, options);
  } finally {
    restore();
  }
}

const once = (extra: Record<string, unknown> = {}) => ({ path_parameters: { id: GUID }, wait: { once: true, interval_s: 30, ...extra } });

describe('the manifest declares which terminal states are a success', () => {
  test('invicti_scan_wait: until.ok is Complete, among the terminal values', () => {
    const until = getAction('invicti_scan_wait').poll!.until as { in: unknown[]; ok: unknown[] };
    expect(until.ok).toEqual(['Complete']);
    for (const value of until.ok) expect(until.in).toContain(value);
  });
});

describe('wait.once: exactly one status request, no sleep', () => {
  test('a running scan: pending, next_check_after_s = interval_s, exit 5', async () => {
    const clock = fakeClock();
    const transport = scripted([{ kind: 'state', state: 'Scanning' }]);
    const envelope = await runWith(clock, 'invicti_scan_wait', once(), { transport });
    expect(transport.sent).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(envelope.wait).toEqual({ done: false, outcome: 'pending', polls: 1, waited_ms: 0, errors: 0, timed_out: false, once: true, next_check_after_s: 30 });
    expect(exitCodeForEnvelope(envelope)).toBe(EXIT.WAIT_PENDING);
  });

  test('Complete: completed, exit 0; Failed and Cancelled: ended, exit 7; no next_check_after_s', async () => {
    for (const [state, outcome, exit] of [
      ['Complete', 'completed', EXIT.OK],
      ['Failed', 'ended', EXIT.WAIT_UNSUCCESSFUL],
      ['Cancelled', 'ended', EXIT.WAIT_UNSUCCESSFUL],
    ] as const) {
      const transport = scripted([{ kind: 'state', state }]);
      const envelope = await runWith(fakeClock(), 'invicti_scan_wait', once(), { transport });
      expect([state, transport.sent, envelope.wait?.done, envelope.wait?.outcome, envelope.wait?.next_check_after_s]).toEqual([state, 1, true, outcome, undefined]);
      expect(exitCodeForEnvelope(envelope)).toBe(exit);
    }
  });

  test('a 429 with Retry-After: one request (no retry of its own), pending, the error counted, next_check_after_s from Retry-After', async () => {
    const clock = fakeClock();
    const transport = scripted([{ kind: 'status', code: 429, retryAfter: 120 }]);
    const envelope = await runWith(clock, 'invicti_scan_wait', once(), { transport });
    expect(transport.sent).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(envelope.status_code).toBe(429);
    expect(envelope.wait).toMatchObject({ done: false, outcome: 'pending', errors: 1, next_check_after_s: 120 });
    expect(exitCodeForEnvelope(envelope)).toBe(EXIT.WAIT_PENDING);
  });

  test('a Retry-After shorter than interval_s does not make the next check earlier', async () => {
    const envelope = await runWith(fakeClock(), 'invicti_scan_wait', once(), { transport: scripted([{ kind: 'status', code: 503, retryAfter: 5 }]) });
    expect(envelope.wait?.next_check_after_s).toBe(30);
  });

  test('no HTTP response: not fatal; status_code 0, wait.error, the error counted, a later next_check_after_s', async () => {
    const transport = scripted([{ kind: 'refused' }]);
    const envelope = await runWith(fakeClock(), 'invicti_scan_wait', once(), { transport });
    expect(transport.sent).toBe(1);
    expect(envelope).toMatchObject({ status_code: 0, json_body: null, wait: { done: false, outcome: 'pending', errors: 1, error: { code: 'CONNECTION_FAILED' } } });
    expect(envelope.wait!.next_check_after_s).toBeGreaterThan(30);
    expect(exitCodeForEnvelope(envelope)).toBe(EXIT.WAIT_PENDING);
    const validate = compileValidator(getAction('invicti_scan_wait').output_schema);
    expect(validate(envelope) ? [] : validate.errors).toEqual([]);
  });

  test('a 404 will not change by waiting: ended, exit 1 (the HTTP status)', async () => {
    const envelope = await runWith(fakeClock(), 'invicti_scan_wait', once(), { transport: scripted([{ kind: 'status', code: 404 }]) });
    expect(envelope.wait).toMatchObject({ done: false, outcome: 'ended' });
    expect(exitCodeForEnvelope(envelope)).toBe(EXIT.HTTP_STATUS);
  });
});

describe('the blocking wait has the same outcome', () => {
  test('Cancelled after two polls: ended, exit 7', async () => {
    const envelope = await runWith(fakeClock(), 'invicti_scan_wait', { path_parameters: { id: GUID }, wait: { interval_s: 5 } }, {
      transport: scripted([{ kind: 'state', state: 'Scanning' }, { kind: 'state', state: 'Cancelled' }]),
    });
    expect(envelope.wait).toMatchObject({ done: true, outcome: 'ended', polls: 2 });
    expect(exitCodeForEnvelope(envelope)).toBe(EXIT.WAIT_UNSUCCESSFUL);
  });

  test('RunOptions.waitBudgetMs caps the hold: pending with next_check_after_s before timeout_s', async () => {
    const clock = fakeClock();
    const envelope = await runWith(clock, 'invicti_scan_wait', { path_parameters: { id: GUID }, wait: { interval_s: 10, timeout_s: 3600 } }, {
      transport: scripted([{ kind: 'state', state: 'Scanning' }]),
      waitBudgetMs: 45_000,
    });
    expect(envelope.wait).toMatchObject({ done: false, outcome: 'pending', timed_out: true, next_check_after_s: 10 });
    expect(envelope.wait!.waited_ms).toBeLessThanOrEqual(45_000);
    expect(clock.now() - START).toBeLessThanOrEqual(45_000);
  });
});

const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  fc.constantFrom('Queued', 'Scanning', 'Paused', 'Archiving', 'Delayed').map((state): Answer => ({ kind: 'state', state })),
  fc.record({ code: fc.constantFrom(429, 502, 503, 504), retryAfter: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }) }).map((r): Answer => ({ kind: 'status', ...r })),
  fc.constant<Answer>({ kind: 'refused' }),
);
const endArb: fc.Arbitrary<Answer> = fc.oneof(
  fc.constantFrom('Complete', 'Failed', 'Cancelled').map((state): Answer => ({ kind: 'state', state })),
  fc.constantFrom(401, 403, 404).map((code): Answer => ({ kind: 'status', code })),
);

describe('property: a loop of single checks reaches the same outcome as the blocking wait', () => {
  test('for any sequence of status answers ending in a terminal state or a final status', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(answerArb, { maxLength: 12 }), endArb, async (middle, end) => {
        const script = [...middle, end];
        // Blocking: one call, time runs on a fake clock; timeout_s long enough for every answer.
        const blocking = await runWith(fakeClock(), 'invicti_scan_wait', { path_parameters: { id: GUID }, wait: { interval_s: 30, timeout_s: 86_400 } }, {
          transport: scripted(script),
          retry: { maxAttempts: 1 },
        });
        // Single checks: each call sends one request; the caller waits next_check_after_s between them.
        const transport = scripted(script);
        let single = await runWith(fakeClock(), 'invicti_scan_wait', once(), { transport });
        let checks = 1;
        while (single.wait!.outcome === 'pending') {
          expect(single.wait!.next_check_after_s).toBeGreaterThanOrEqual(30);
          single = await runWith(fakeClock(), 'invicti_scan_wait', once(), { transport });
          checks += 1;
          expect(checks).toBeLessThanOrEqual(script.length);
        }
        expect(transport.sent).toBe(checks);
        expect(single.wait!.outcome).toBe(blocking.wait!.outcome);
        expect(single.status_code).toBe(blocking.status_code);
        expect(exitCodeForEnvelope(single)).toBe(exitCodeForEnvelope(blocking));
      }),
      { numRuns: 60 },
    );
  });
});
