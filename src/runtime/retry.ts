/**
 * When a request is sent again. The bundle's actions create scans and retest
 * rounds, so a request that may have reached the server is never resent: a
 * non-idempotent action is retried only when the request provably was not
 * processed (no connection was ever made, or the server answered 429/503,
 * i.e. "not now"). An idempotent action (the GETs) may also retry 502, 504
 * and a reset connection. Every wait honours Retry-After, is capped, has
 * jitter, and stays inside the call's timeout budget.
 */
import { isConnectorError } from '../contract/errors.js';

/** What the policy reads of a response: its status and its Retry-After header. */
export interface RetryableResponse {
  statusCode: number;
  rawHeaders: readonly string[];
}

export interface RetryPolicy {
  /** From the action's manifest hints: may the request be repeated safely? */
  idempotent: boolean;
  /** Attempts in all, the first included (default 3). */
  maxAttempts: number;
  /** Longest single wait, whatever Retry-After asks (default 60 s). */
  maxDelayMs: number;
  /** First backoff when the server gives no Retry-After; doubled on each retry (default 500 ms). */
  baseDelayMs: number;
}

/** Time and randomness of retries and waits; tests replace them (useTestClock), callers cannot. */
export interface RetryClock {
  now(): number;
  /** Resolves after `ms`; when `signal` aborts, may resolve early (the caller checks the signal). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** The retry policy a caller may tune (RunOptions.retry): attempts and waits, nothing else. */
export type RetryOptions = Partial<Omit<RetryPolicy, 'idempotent'>>;

export const DEFAULT_RETRY: Omit<RetryPolicy, 'idempotent'> = { maxAttempts: 3, maxDelayMs: 60_000, baseDelayMs: 500 };

const RETRY_AFTER_MARGIN_MS = 20;
/** The least time worth sending again with; less would turn a clear 429/503 into a TIMEOUT. */
const MIN_ATTEMPT_MS = 500;

export const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // Cleared on abort: a pending timer would keep a stopped CLI process alive until it fired.
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
  random: () => Math.random(),
};

let clock: RetryClock = realClock;

/** The clock runAction's retries and waits run on: the real one, unless a test replaced it. */
export function currentClock(): RetryClock {
  return clock;
}

/**
 * For tests only (not exported by the package): runAction's retries and waits run on `replacement`
 * (parts not given stay real) until the returned function is called.
 */
export function useTestClock(replacement: Partial<RetryClock>): () => void {
  const previous = clock;
  clock = { now: replacement.now ?? realClock.now, sleep: replacement.sleep ?? realClock.sleep, random: replacement.random ?? realClock.random };
  return () => {
    clock = previous;
  };
}

/** Statuses that say "not processed, try later" (429, 503) and, for idempotent requests only, gateway failures. */
const SAFE_STATUSES = new Set([429, 503]);
const IDEMPOTENT_STATUSES = new Set([502, 504]);

/** Retry-After as milliseconds: delta-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function retryAfterHeader(response: RetryableResponse): string | undefined {
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
    if (response.rawHeaders[i]!.toLowerCase() === 'retry-after') return response.rawHeaders[i + 1];
  }
  return undefined;
}

/** Exponential backoff with ±20 % jitter: 500 ms, 1 s, 2 s ... (attempt counts from 1). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const base = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, Math.round(base * (0.8 + 0.4 * random())));
}

/** Does this outcome allow another attempt under the policy? */
export function isRetryable(outcome: { response: RetryableResponse } | { error: unknown }, policy: RetryPolicy): boolean {
  if ('response' in outcome) {
    const status = outcome.response.statusCode;
    return SAFE_STATUSES.has(status) || (policy.idempotent && IDEMPOTENT_STATUSES.has(status));
  }
  const { error } = outcome;
  // The transport says on its error what is known of the request's delivery (ConnectorError.delivery).
  if (!isConnectorError(error)) return false;
  if (error.delivery === 'not-sent') return true;
  return policy.idempotent && error.delivery === 'reset-after-send';
}

/**
 * Runs `attempt` until it gives a final outcome. `attempt` receives the time
 * left in the budget (ms) and must not take longer. When the next wait would
 * not leave time for another attempt, the last response is returned (or the
 * last error thrown) instead of waiting.
 */
export async function withRetry<R extends RetryableResponse>(
  attempt: (remainingMs: number) => Promise<R>,
  policy: RetryPolicy,
  budgetMs: number,
  clock: RetryClock = currentClock(),
): Promise<R> {
  const deadline = clock.now() + budgetMs;
  for (let n = 1; ; n += 1) {
    let outcome: { response: R } | { error: unknown };
    try {
      outcome = { response: await attempt(Math.max(1, deadline - clock.now())) };
    } catch (error) {
      outcome = { error };
    }
    const finish = () => {
      if ('response' in outcome) return outcome.response;
      throw outcome.error;
    };
    if (n >= policy.maxAttempts || !isRetryable(outcome, policy)) return finish();

    const asked = 'response' in outcome ? parseRetryAfter(retryAfterHeader(outcome.response), clock.now()) : undefined;
    // Retry-After is a minimum: a small margin and jitter keep the retry from landing early or in step with other clients.
    const wait =
      asked === undefined ? backoffDelay(n, policy, clock.random) : Math.min(asked, policy.maxDelayMs) + RETRY_AFTER_MARGIN_MS + Math.round(clock.random() * 100);
    // A wait that would leave less than MIN_ATTEMPT_MS to send and hear back is not taken: the last outcome stands.
    if (clock.now() + wait + MIN_ATTEMPT_MS > deadline) return finish();
    await clock.sleep(wait);
  }
}
