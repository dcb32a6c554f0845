// The fault policy's decisions in isolation, with a fake clock: which outcomes
// are retried, how long the waits are, when the budget stops them; proxy
// choice; input limits; path segments that try to leave the action's path.
import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { ConnectorError, runAction } from '../../src/index.js';
import { bypassesProxy, chooseProxy, proxySecrets } from '../../src/runtime/proxy.js';
import { encodePathSegment } from '../../src/runtime/request.js';
import {
  backoffDelay,
  DEFAULT_RETRY,
  parseRetryAfter,
  type RetryClock,
  type RetryPolicy,
  useTestClock,
  withRetry,
} from '../../src/runtime/retry.js';
import type { TransportResponse } from '../../src/runtime/transport.js';
import { attackforge, GUID, invicti, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';

const nonIdempotent: RetryPolicy = { ...DEFAULT_RETRY, idempotent: false };
const idempotent: RetryPolicy = { ...DEFAULT_RETRY, idempotent: true };

function fakeClock(random = 0.5): RetryClock & { waits: number[] } {
  let now = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    random: () => random,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

const response = (statusCode: number, headers: Record<string, string> = {}): TransportResponse => ({
  statusCode,
  statusMessage: undefined,
  rawHeaders: Object.entries(headers).flat(),
  body: Buffer.alloc(0),
});

/** Runs withRetry over a scripted sequence of outcomes; returns the final outcome and the attempt count. */
async function script(outcomes: Array<TransportResponse | Error>, policy: RetryPolicy, budgetMs = 30_000, clock = fakeClock()) {
  let attempts = 0;
  const budgets: number[] = [];
  const run = withRetry(
    async (remaining) => {
      budgets.push(remaining);
      const next = outcomes[Math.min(attempts, outcomes.length - 1)]!;
      attempts += 1;
      if (next instanceof Error) throw next;
      return next;
    },
    policy,
    budgetMs,
    clock,
  );
  const result = await run.then(
    (r) => ({ status: r.statusCode }),
    (e: unknown) => ({ error: e }),
  );
  return { result, attempts, waits: clock.waits, budgets };
}

describe('Retry-After', () => {
  test('delta-seconds, HTTP-date, and anything else ignored', () => {
    const now = Date.parse('2025-03-23T00:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 23 Mar 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 22 Mar 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  test('is honoured and capped at 60 s', async () => {
    const honoured = await script([response(429, { 'Retry-After': '2' }), response(201)], nonIdempotent);
    expect(honoured.result).toEqual({ status: 201 });
    expect(honoured.waits[0]).toBeGreaterThanOrEqual(2000);
    expect(honoured.waits[0]).toBeLessThan(2200);

    const capped = await script([response(503, { 'Retry-After': '86400' }), response(201)], nonIdempotent, 600_000);
    expect(capped.result).toEqual({ status: 201 });
    expect(capped.waits[0]).toBeGreaterThanOrEqual(60_000);
    expect(capped.waits[0]).toBeLessThan(60_200);
  });
});

describe('backoff without Retry-After', () => {
  test('500 ms, 1 s, 2 s ... with ±20 % jitter', () => {
    for (const random of [0, 0.5, 0.999]) {
      expect(backoffDelay(1, nonIdempotent, () => random)).toBeGreaterThanOrEqual(400);
      expect(backoffDelay(1, nonIdempotent, () => random)).toBeLessThanOrEqual(600);
      expect(backoffDelay(2, nonIdempotent, () => random)).toBeGreaterThanOrEqual(800);
      expect(backoffDelay(2, nonIdempotent, () => random)).toBeLessThanOrEqual(1200);
    }
    expect(backoffDelay(20, nonIdempotent, () => 1)).toBe(60_000);
  });
});

describe('what a non-idempotent action (all three) retries', () => {
  test.each([429, 503])('%i: retried, at most 3 attempts in all', async (status) => {
    const { result, attempts, waits } = await script([response(status)], nonIdempotent);
    expect(result).toEqual({ status });
    expect(attempts).toBe(3);
    expect(waits).toHaveLength(2);
  });

  test.each([200, 201, 400, 401, 404, 500, 502, 504])('%i: returned as is, never resent', async (status) => {
    const { result, attempts } = await script([response(status), response(201)], nonIdempotent);
    expect(result).toEqual({ status });
    expect(attempts).toBe(1);
  });

  test('refused / DNS failure before sending: retried', async () => {
    const refused = new ConnectorError('CONNECTION_FAILED', 'refused', undefined, { delivery: 'not-sent' });
    const { result, attempts } = await script([refused, response(201)], nonIdempotent);
    expect(result).toEqual({ status: 201 });
    expect(attempts).toBe(2);
  });

  test('a reset after sending, a timeout, any other error: raised, never resent', async () => {
    for (const error of [
      new ConnectorError('CONNECTION_FAILED', 'reset', undefined, { delivery: 'reset-after-send' }),
      new ConnectorError('TIMEOUT', 'timed out'),
      new ConnectorError('CONNECTION_FAILED', 'unmarked'),
      new ConnectorError('RESPONSE_TOO_LARGE', 'big'),
    ]) {
      const { result, attempts } = await script([error, response(201)], nonIdempotent);
      expect(result).toEqual({ error });
      expect(attempts).toBe(1);
    }
  });
});

describe('an idempotent action (a future read) may retry more', () => {
  test.each([502, 504])('%i: retried', async (status) => {
    const { result, attempts } = await script([response(status), response(200)], idempotent);
    expect(result).toEqual({ status: 200 });
    expect(attempts).toBe(2);
  });

  test('a reset connection: retried; a timeout still is not', async () => {
    const reset = await script([new ConnectorError('CONNECTION_FAILED', 'reset', undefined, { delivery: 'reset-after-send' }), response(200)], idempotent);
    expect(reset.result).toEqual({ status: 200 });
    const timeout = new ConnectorError('TIMEOUT', 'timed out');
    expect((await script([timeout, response(200)], idempotent)).attempts).toBe(1);
  });
});

describe('the timeout budget covers the whole call', () => {
  test('a wait that would pass the deadline is not taken: the last 429 comes back', async () => {
    const { result, attempts, waits } = await script([response(429, { 'Retry-After': '10' }), response(201)], nonIdempotent, 5000);
    expect(result).toEqual({ status: 429 });
    expect(attempts).toBe(1);
    expect(waits).toEqual([]);
  });

  test('a wait that would leave almost no time for the next attempt is not taken either', async () => {
    const { result, attempts } = await script([response(503, { 'Retry-After': '4' }), response(201)], nonIdempotent, 4300);
    expect(result).toEqual({ status: 503 });
    expect(attempts).toBe(1);
  });

  test('each attempt gets only what is left of the budget', async () => {
    const { budgets, waits } = await script([response(503, { 'Retry-After': '1' }), response(201)], nonIdempotent, 5000);
    expect(budgets[0]).toBe(5000);
    expect(budgets[1]).toBe(5000 - waits[0]!);
  });

  test('RunOptions.retry tunes attempts; the clock is not an option (tests replace it with useTestClock)', async () => {
    const clock = fakeClock();
    const restore = useTestClock(clock);
    try {
      nock(invicti.url).post('/api/1.0/scans/retest').times(5).reply(503, '');
      const envelope = await runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, invicti, { retry: { maxAttempts: 5 } });
      expect(envelope.status_code).toBe(503);
      expect(clock.waits).toHaveLength(4);
    } finally {
      restore();
    }
  });
});

describe('proxy choice', () => {
  const env = { HTTPS_PROXY: 'http://secure-proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128' };

  test('the connection http_proxy wins over the environment, even over NO_PROXY', () => {
    expect(chooseProxy('https://h.test/x', 'http://conn-proxy:8080', { ...env, NO_PROXY: '*' })).toEqual({ url: 'http://conn-proxy:8080', source: 'connection' });
  });

  test('HTTPS_PROXY for https targets, HTTP_PROXY for http targets, lower case first', () => {
    expect(chooseProxy('https://h.test/x', undefined, env).url).toBe('http://secure-proxy:3128');
    expect(chooseProxy('http://h.test/x', undefined, env).url).toBe('http://plain-proxy:3128');
    expect(chooseProxy('http://h.test/x', undefined, { ...env, http_proxy: 'http://lower:1' }).url).toBe('http://lower:1');
    expect(chooseProxy('https://h.test/x', undefined, { https_proxy: 'proxy.corp:3128' }).url).toBe('http://proxy.corp:3128');
    expect(chooseProxy('https://h.test/x', undefined, {})).toEqual({ url: undefined, source: 'none' });
  });

  test('NO_PROXY: *, exact hosts, domain suffixes, ports', () => {
    const target = new URL('https://api.invicti.example.com/x');
    expect(bypassesProxy(target, '*')).toBe(true);
    expect(bypassesProxy(target, 'api.invicti.example.com')).toBe(true);
    expect(bypassesProxy(target, '.example.com')).toBe(true);
    expect(bypassesProxy(target, 'example.com')).toBe(true);
    expect(bypassesProxy(target, '*.example.com')).toBe(true);
    expect(bypassesProxy(target, 'other.com, example.com:443')).toBe(true);
    expect(bypassesProxy(target, 'example.com:8443')).toBe(false);
    expect(bypassesProxy(target, 'ample.com')).toBe(false);
    expect(bypassesProxy(new URL('http://127.0.0.1:8080/'), 'localhost,127.0.0.1')).toBe(true);
    expect(chooseProxy('https://api.invicti.example.com/x', undefined, { ...env, no_proxy: '.example.com' }).url).toBeUndefined();
  });

  test('a proxy password is a secret in both its encoded and decoded forms', () => {
    expect(proxySecrets('http://u:p%40ss@proxy:3128')).toEqual(['p%40ss', 'p@ss']);
    expect(proxySecrets('http://proxy:3128')).toEqual([]);
  });

  test('an unusable HTTPS_PROXY is CONFIG_INVALID, before anything is sent', async () => {
    process.env.HTTPS_PROXY = 'ftp://nope';
    try {
      await expect(runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, invicti)).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        details: [{ field: 'HTTPS_PROXY', message: expect.any(String) }],
      });
    } finally {
      delete process.env.HTTPS_PROXY;
    }
  });
});

describe('input hardening', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(24, '0'));
  const afInput = (vulnerability_ids: unknown) => ({
    path_parameters: { id: PROJECT_ID },
    json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids },
  });

  test('100,000 vulnerability ids: one short INPUT_INVALID decided by size (not 100,000 item checks), nothing sent', async () => {
    const error = await runAction('attackforge_request_new_project_retest', afInput(ids(100_000)), attackforge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'INPUT_INVALID', details: [{ field: '(input)', message: expect.stringMatching(/too large .* limit 1 MiB/) }] });
    // One '(input)' detail about the size, not one per id: the size was checked first (no wall-time bound).
    expect((error as Error).message.length).toBeLessThan(200);
  });

  test('a megabyte string is refused before any request', async () => {
    const error = await runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID, AgentName: 'A'.repeat(1024 * 1024) } }, invicti).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INPUT_INVALID' });
    expect((error as Error).message).toMatch(/too large/);
  });

  test('many bad items under the size limit: a readable message listing the first problems only', async () => {
    const bad = Array.from({ length: 5000 }, (_, i) => `not-hex-${i}`);
    const error = (await runAction('attackforge_request_new_project_retest', afInput(bad), attackforge).catch((e: unknown) => e)) as ConnectorError;
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.details!.length).toBeLessThanOrEqual(21);
    expect(error.details!.at(-1)).toEqual({ field: 'input', title: 'Not shown', message: expect.stringMatching(/^\d+ more problems$/) });
    expect(error.message.length).toBeLessThan(3000);
  });

  test('values that are not JSON (cycles, BigInt) are INPUT_INVALID, not a crash', async () => {
    const cyclic: Record<string, unknown> = { json_body: { BaseScanId: GUID } };
    cyclic.self = cyclic;
    await expect(runAction('invicti_scan_retest', cyclic, invicti)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(runAction('invicti_scan_retest', { json_body: { BaseScanId: 10n } }, invicti)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  test('a value the validator cannot even compare (null-prototype object in a date field) is INPUT_INVALID', async () => {
    const input = afInput([VULN_ID]);
    (input.json_body as Record<string, unknown>).retesting_window_start = [Object.create(null)];
    (input.json_body as Record<string, unknown>).retesting_window_end = '2025-03-30T00:00:00.000Z';
    await expect(runAction('attackforge_request_new_project_retest', input, attackforge)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  test('unknown properties are refused', async () => {
    await expect(
      runAction('attackforge_request_new_project_retest', { ...afInput([VULN_ID]), query: { x: 1 } }, attackforge),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID', details: [{ field: 'query', title: 'query', message: 'not an allowed field' }] });
  });

  test.each(['..', '.', '%2e%2e', '%2E%2e', '%252e%252e', '%25252e%25252e', 'a/b', 'a%2fb', 'a%252fb', '?x=1', '%3F', '#frag', '%23', 'a\\b', 'a%5Cb', '；', '．．', '／', 'a\u0000', '%00', 'a;b'])(
    'path segment %p is refused by the runtime itself',
    (value) => {
      expect(() => encodePathSegment('id', value)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    },
  );

  test('an accepted segment is percent-encoded, dots included', () => {
    expect(encodePathSegment('id', PROJECT_ID)).toBe(PROJECT_ID);
    expect(encodePathSegment('id', 'v1.2 x')).toBe('v1%2E2%20x');
    expect(encodePathSegment('id', '50%')).toBe('50%25');
    expect(() => encodePathSegment('id', 'a\uD800')).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  test('hostile path parameters for AttackForge never reach the wire', async () => {
    for (const id of ['../../admin', '%2e%2e%2f', '66333e1d110ab5acf8a4354e/../x', '66333e1d110ab5acf8a4354e?x', '66333e1d110ab5acf8a4354e#']) {
      await expect(runAction('attackforge_request_new_project_retest', { ...afInput([VULN_ID]), path_parameters: { id } }, attackforge)).rejects.toMatchObject({
        code: 'INPUT_INVALID',
        details: [expect.objectContaining({ field: 'path_parameters.id' })],
      });
    }
  });
});
