/**
 * The declared wait: one engine for every action whose manifest entry has a
 * `poll` declaration (connector.json). It runs the polled action again and
 * again, each poll its own runAction with its own time budget, until the value
 * at `until.pointer` is one of `until.in` or the wait's timeout_s passes, and
 * returns the last envelope plus `wait: { done, outcome, polls, waited_ms, errors, timed_out, next_check_after_s? }`.
 *
 * Outcome: `completed` when the terminal value is one the manifest declares
 * successful (`until.ok`), `ended` for any other terminal value (Failed,
 * Cancelled) or a status answer waiting will not change (401, 404 ...),
 * `pending` when the wait stopped first (timeout_s, the caller's budget, or a
 * single check). A pending result says when to check again:
 * `next_check_after_s`, at least interval_s, longer when the vendor's
 * Retry-After (429/503) says so, and twice interval_s after a check that got
 * no HTTP response.
 *
 * `wait.once: true` is a single check: exactly one status request (the poll's
 * own retries off), no sleep; a transport failure or a 429 is not fatal there
 * (outcome pending, the error counted; with no response at all the envelope
 * has status_code 0 and wait.error). A loop of single checks that sleeps
 * next_check_after_s between them reaches the same outcome as the blocking wait.
 *
 * - Polls start every interval_s (start to start); a Retry-After on a response
 *   pushes the next poll later, never earlier.
 * - A poll with no HTTP response (timeout, refused, reset ...) is counted in
 *   `errors` and retried on the next tick; it is fatal only when the wait ends
 *   without any envelope (the last error is thrown).
 * - 429, 502, 503 and 504 ("not now", after the poll's own retries) are retried
 *   on the next tick, honouring Retry-After; any other non-2xx (401, 404 ...)
 *   will not change by waiting: the wait ends at once with that envelope.
 * - No poll starts that could not finish before timeout_s: the wait ends instead.
 * - The caller's AbortSignal stops it at once (ABORTED).
 *
 * This module does not import run.ts: the caller hands it the function that runs one poll.
 */
import { ConnectorError } from '../contract/errors.js';
import type { ActionDeclaration } from '../contract/manifest.js';
import { getSchema } from '../contract/schema-files.js';
import { abortedError, isAborted, sleepUnlessAborted } from './abort.js';
import type { Envelope } from './envelope.js';
import { resolvePointer, schemaAtPointer } from '../contract/json-pointer.js';
import { parseRetryAfter, type RetryClock } from './retry.js';

/** What a wait reports after each poll (RunOptions.onProgress). */
export interface WaitProgress {
  /** The declared state (e.g. Invicti's State) of the last status response; null before the first one. */
  state: string | null;
  /** 0-100 from the declared progress pointers; null when the response does not say. */
  percentage: number | null;
  /** Polls made so far, failed ones included. */
  polls: number;
  elapsed_ms: number;
  /** true on the report of the poll that reached a terminal state. */
  done: boolean;
  /** Present when this poll got no HTTP response; the wait goes on and retries on the next tick. */
  error?: { code: string; message: string };
}

export type PollDeclaration = NonNullable<ActionDeclaration['poll']>;

export interface WaitSettings {
  timeoutMs: number;
  intervalMs: number;
  /** A single check: one status request, no sleep. */
  once: boolean;
}

export type WaitOutcome = 'completed' | 'ended' | 'pending';

export interface WaitDependencies {
  /** Runs the polled action once, within `budgetMs`, and resolves with its envelope; `single`: one request, no retries of its own. */
  runPoll(actionId: string, input: unknown, budgetMs: number, single: boolean): Promise<Envelope>;
  /** The longest the blocking wait may hold its caller (MCP without a task, n8n): past it the result is pending. */
  budgetMs?: number | undefined;
  /** The longest a single poll may take (the connection's timeout_ms, or RunOptions.timeoutMs). */
  pollTimeoutMs: number;
  clock: Pick<RetryClock, 'now' | 'sleep'>;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: WaitProgress) => void) | undefined;
}

/** Less than this before timeout_s is not worth a poll: it would most likely end in TIMEOUT. */
export const MIN_POLL_MS = 500;

/** Statuses that say "not now" (after the poll's own retries): waiting may change them. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);

/** Errors that no later poll can fix: they end the wait at once. */
const FATAL_CODES = new Set(['INPUT_INVALID', 'CONFIG_INVALID', 'UNKNOWN_ACTION', 'ABORTED']);

/** The polled action's input, copied from the wait's input as declared (`poll.input`: property -> pointer). */
export function pollInput(poll: PollDeclaration, input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, pointer] of Object.entries(poll.input)) {
    const value = resolvePointer(input, pointer);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** timeout_s and interval_s from the input, else the defaults the input schema declares (the schema is the one source of them). */
export function waitSettings(action: ActionDeclaration, input: unknown): WaitSettings {
  const poll = action.poll!;
  const given = resolvePointer(input, poll.options);
  const options = given && typeof given === 'object' ? (given as Record<string, unknown>) : {};
  const declared = (schemaAtPointer(getSchema(action.input_schema), poll.options)?.properties ?? {}) as Record<string, { default?: unknown }>;
  const seconds = (name: 'timeout_s' | 'interval_s'): number => {
    const value = options[name] ?? declared[name]?.default;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`${action.id}: ${poll.options.slice(1)}.${name} has no value and ${action.input_schema} declares no default`);
    }
    return value * 1000;
  };
  const once = options.once ?? (declared as Record<string, { default?: unknown }>).once?.default;
  return { timeoutMs: seconds('timeout_s'), intervalMs: seconds('interval_s'), once: once === true };
}

/** The outcome of a status envelope: completed / ended on a terminal value (per until.ok), ended on a status waiting will not change, else undefined (go on). */
export function outcomeOf(poll: PollDeclaration, envelope: Envelope): Exclude<WaitOutcome, 'pending'> | undefined {
  if (is2xx(envelope.status_code)) {
    const value = resolvePointer(envelope, poll.until.pointer);
    if (!(poll.until.in as unknown[]).includes(value)) return undefined;
    return (poll.until.ok as unknown[]).includes(value) ? 'completed' : 'ended';
  }
  return TRANSIENT_STATUSES.has(envelope.status_code) ? undefined : 'ended';
}

/** Seconds to wait before the next check: interval_s at least, a longer Retry-After, twice interval_s after a check with no response. */
export function nextCheckAfterS(intervalMs: number, retryAfterMs: number | undefined, failed: boolean): number {
  const base = failed ? 2 * intervalMs : intervalMs;
  return Math.max(1, Math.ceil(Math.max(base, retryAfterMs ?? 0) / 1000));
}

function headerValue(envelope: Envelope, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(envelope.response_headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function progressOf(poll: PollDeclaration, envelope: Envelope): { state: string | null; percentage: number | null } {
  const p = poll.progress ?? {};
  const rawState = resolvePointer(envelope, p.state ?? poll.until.pointer);
  const state = typeof rawState === 'string' || typeof rawState === 'number' || typeof rawState === 'boolean' ? String(rawState) : null;
  const clamp = (n: number) => Math.max(0, Math.min(100, Math.round(n)));
  const direct = p.percentage ? resolvePointer(envelope, p.percentage) : undefined;
  if (typeof direct === 'number' && Number.isFinite(direct)) return { state, percentage: clamp(direct) };
  const completed = p.completed ? resolvePointer(envelope, p.completed) : undefined;
  const total = p.total ? resolvePointer(envelope, p.total) : undefined;
  if (typeof completed === 'number' && typeof total === 'number' && Number.isFinite(completed) && total > 0) {
    return { state, percentage: clamp((100 * completed) / total) };
  }
  return { state, percentage: null };
}

const is2xx = (status: number) => status >= 200 && status <= 299;

/** Runs the declared wait of `action` (which must have `poll`). `input` is already validated. */
export async function runWait(action: ActionDeclaration, input: unknown, deps: WaitDependencies): Promise<Envelope> {
  const poll = action.poll;
  if (!poll) throw new Error(`${action.id} declares no poll`);
  const { timeoutMs, intervalMs, once } = waitSettings(action, input);
  const statusInput = pollInput(poll, input);
  const { clock, signal } = deps;

  const start = clock.now();
  // The caller's budget (MCP without a task, n8n) shortens the blocking wait; the result is then pending.
  const holdMs = deps.budgetMs !== undefined ? Math.min(timeoutMs, Math.max(0, deps.budgetMs)) : timeoutMs;
  const deadline = start + holdMs;
  const elapsed = () => Math.max(0, Math.round(clock.now() - start));
  // A shorter per-poll timeout (e.g. --timeout-ms 500) is the caller's choice: it is the floor then.
  const minPollMs = Math.min(MIN_POLL_MS, deps.pollTimeoutMs);
  let polls = 0;
  let errors = 0;
  let last: Envelope | undefined;
  let lastError: ConnectorError | undefined;
  let lastFailed = false;
  let retryAfterMs: number | undefined;
  let seen: { state: string | null; percentage: number | null } = { state: null, percentage: null };

  const aborted = () => {
    const where = seen.state === null ? '' : `; last state ${seen.state}${seen.percentage === null ? '' : ` (${seen.percentage} %)`}`;
    return abortedError(`${action.id}: wait aborted after ${polls} poll${polls === 1 ? '' : 's'} and ${(elapsed() / 1000).toFixed(1)} s${where}`);
  };
  const report = (done: boolean, error?: ConnectorError) => {
    if (!deps.onProgress) return;
    const progress: WaitProgress = { ...seen, polls, elapsed_ms: elapsed(), done };
    if (error) progress.error = { code: error.code, message: error.message };
    try {
      deps.onProgress(progress);
    } catch {
      // A failing progress display (a closed stderr) must not end the wait.
    }
  };
  const finish = (outcome: WaitOutcome, timedOut: boolean): Envelope => {
    const wait: NonNullable<Envelope['wait']> = { done: outcome !== 'pending' && is2xx(last?.status_code ?? 0), outcome, polls, waited_ms: elapsed(), errors, timed_out: timedOut };
    if (once) wait.once = true;
    if (outcome === 'pending') wait.next_check_after_s = nextCheckAfterS(intervalMs, retryAfterMs, lastFailed);
    if (lastFailed && lastError) wait.error = { code: lastError.code, message: lastError.message };
    if (!last) {
      // Only a single check resolves without any status answer: the failure is not fatal there.
      if (once && lastError) return { status_code: 0, reason: lastError.code, response_headers: {}, json_body: null, wait };
      if (lastError) throw lastError;
      throw new ConnectorError('TIMEOUT', `${action.id}: no poll could be made within timeout_s (${timeoutMs / 1000} s)`);
    }
    return { ...last, wait };
  };

  for (;;) {
    if (signal?.aborted) throw aborted();
    const pollStart = clock.now();
    const budget = once ? Math.floor(Math.min(deps.pollTimeoutMs, timeoutMs)) : Math.floor(Math.min(deps.pollTimeoutMs, deadline - pollStart));
    if (!once && budget < minPollMs) return finish('pending', true);

    polls += 1;
    let failure: ConnectorError | undefined;
    try {
      last = await deps.runPoll(poll.action, statusInput, budget, once);
    } catch (error) {
      if (isAborted(error) || signal?.aborted) throw aborted();
      if (!(error instanceof ConnectorError) || FATAL_CODES.has(error.code)) throw error;
      errors += 1;
      lastError = error;
      failure = error;
    }
    lastFailed = failure !== undefined;
    retryAfterMs = undefined;

    let next = pollStart + intervalMs;
    if (failure || !last) {
      report(false, failure);
    } else {
      seen = progressOf(poll, last);
      const outcome = outcomeOf(poll, last);
      report(outcome !== undefined && is2xx(last.status_code));
      if (outcome) return finish(outcome, false);
      // A transient status ("not now": 429, 502, 503, 504) counts as an error of this poll.
      if (!is2xx(last.status_code)) errors += 1;
      const retryAfter = parseRetryAfter(headerValue(last, 'Retry-After'), clock.now());
      if (retryAfter !== undefined) {
        retryAfterMs = retryAfter;
        next = Math.max(next, clock.now() + retryAfter);
      }
    }
    if (once) return finish('pending', false);

    // The next poll needs minPollMs before the deadline; if it cannot have them, the wait ends now rather than idle until then.
    if (next + minPollMs > deadline) return finish('pending', true);
    const pause = next - clock.now();
    if (pause > 0) await sleepUnlessAborted(clock.sleep, pause, signal, aborted);
  }
}
