/**
 * runAction: the one path every action takes, declared or typed, library or CLI:
 * look the action up, check the connection and the input, build the request,
 * send it, return the envelope. An action that declares `poll` (a wait) runs
 * the declared wait (poll.ts), each poll being a runAction of the polled action.
 */
import { resolveConnection, type ResolvedConnection } from './connection.js';
import type { Envelope } from './envelope.js';
import { scrubEnvelope, toEnvelope } from './envelope.js';
import { describeFile, isTextType, withFile } from './file.js';
import { FileSink } from './file-sink.js';
import { ConnectorError } from '../contract/errors.js';
import { assertValidInput, plainInput } from '../contract/input-limits.js';
import { inlinedSchema } from '../contract/inline-refs.js';
import { type ActionDeclaration, getAction, getConnection } from '../contract/manifest.js';
import { redactRequest, warnShortSecrets } from './redact.js';
import { type PreparedRequest, prepareRequest } from './request.js';
import { getValidator } from '../contract/validators.js';
import { currentClock, DEFAULT_RETRY, type RetryOptions, type RetryPolicy, withRetry } from './retry.js';
import { gotTransport, type Transport, type TransportResponse } from './transport.js';
import { abortedError, raceAbort, sleepUnlessAborted } from './abort.js';
import { pollInput, runWait, type WaitProgress } from './poll.js';

export type { WaitProgress };

export interface RunOptions {
  /** Overrides the connection's timeout_ms for this call. */
  timeoutMs?: number;
  /**
   * Response bodies larger than this end with RESPONSE_TOO_LARGE. Precedence: this option, then the
   * connection's max_response_bytes when the caller set it, then the action's declared default
   * (response.max_response_bytes, 100 MiB for reports), then the connection schema's default (10 MiB).
   */
  maxResponseBytes?: number;
  /**
   * A file action (a report) writes its 2xx body into this directory as it arrives, instead of returning it
   * in memory: the envelope's `file` then has `path` in place of `content_base64` (file-sink.ts). The
   * directory is created if missing; nothing is overwritten ("name (1).ext" ...); a failed write is
   * WRITE_FAILED and leaves no partial file. Ignored by actions that return no file.
   */
  saveFileTo?: string;
  /** Tunes the retry policy (attempts, waits); see retry.ts. */
  retry?: RetryOptions;
  /** Replaces the HTTP transport (tests, platforms with their own HTTP stack). */
  transport?: Transport;
  /**
   * Stops the call at once when it fires: runAction rejects with ConnectorError ABORTED.
   * An in-flight request may still have reached the server (it is left to end within its own timeout).
   */
  signal?: AbortSignal;
  /** Wait actions (those that declare `poll`): called after each poll with the state, percentage, polls and time so far. */
  onProgress?: (progress: WaitProgress) => void;
  /**
   * Wait actions: the longest a blocking wait may hold the caller, in milliseconds (a host that schedules its own
   * checks: an MCP call without a task, an n8n node). Past it the wait returns outcome pending with next_check_after_s.
   */
  waitBudgetMs?: number;
}

export interface PreparedAction {
  action: ActionDeclaration;
  /** The caller's input as plain JSON data (cloned once): what was validated, and what is sent. */
  input: unknown;
  connection: ResolvedConnection;
  request: PreparedRequest;
}

/** The schema paths whose validators prepareAction uses for this action: connection, input, and for a wait the polled action's input. */
export function validatorPathsFor(actionId: string): string[] {
  const action = getAction(actionId);
  const paths = [getConnection(action.connection).schema, action.input_schema];
  if (action.poll) paths.push(getAction(action.poll.action).input_schema);
  return paths;
}

/** A limit the caller passed: a number, finite, at least `min` (and whole when `integer`), or CONFIG_INVALID naming it. */
function checkLimit(value: unknown, field: string, min: number, integer: boolean): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isFinite(value) && value >= min && (!integer || Number.isInteger(value))) return;
  const message = `must be ${integer ? 'a whole number' : 'a finite number'} of at least ${min}`;
  throw new ConnectorError('CONFIG_INVALID', `Invalid options: ${field} ${message}`, [{ field, message }]);
}

/** RunOptions' limits: NaN, Infinity, 0 or a negative number would remove a bound (or make it meaningless), so they are refused. */
function checkRunOptions(options: RunOptions): void {
  checkLimit(options.maxResponseBytes, 'options.maxResponseBytes', 1, true);
  checkLimit(options.retry?.maxAttempts, 'options.retry.maxAttempts', 1, true);
  checkLimit(options.retry?.baseDelayMs, 'options.retry.baseDelayMs', 0, false);
  checkLimit(options.retry?.maxDelayMs, 'options.retry.maxDelayMs', 0, false);
}

/** Everything up to the wire: throws UNKNOWN_ACTION, CONFIG_INVALID or INPUT_INVALID, sends nothing. */
export function prepareAction(actionId: string, callerInput: unknown, connection: unknown, options: RunOptions = {}): PreparedAction {
  const action = getAction(actionId);
  checkRunOptions(options);
  const resolved = resolveConnection(action.connection, connection, { timeoutMs: options.timeoutMs });
  // One plain copy: validated here, sent below (toJSON and getters ran once, while it was made).
  const input = plainInput(callerInput);
  assertValidInput(getValidator(action.input_schema), input, `Invalid input for ${action.id}`, () => inlinedSchema(action.input_schema));
  if (action.poll) {
    // A wait sends what its polled action sends: the request is that of the first poll.
    const polled = getAction(action.poll.action);
    const statusInput = pollInput(action.poll, input);
    assertValidInput(getValidator(polled.input_schema), statusInput, `Invalid input for ${action.id} (as ${polled.id})`, () =>
      inlinedSchema(polled.input_schema),
    );
    return { action, input, connection: resolved, request: prepareRequest(polled, statusInput, resolved) };
  }
  return { action, input, connection: resolved, request: prepareRequest(action, input, resolved) };
}

/** The exact request runAction would send, with secrets masked. Sends nothing. */
export function dryRun(actionId: string, input: unknown, connection: unknown, options: RunOptions = {}): PreparedRequest {
  const prepared = prepareAction(actionId, input, connection, options);
  return redactRequest(prepared.request, prepared.connection);
}

/** The response size cap for this call; see RunOptions.maxResponseBytes for the precedence. */
export function effectiveMaxResponseBytes(action: ActionDeclaration, connection: ResolvedConnection, options: RunOptions = {}): number {
  if (options.maxResponseBytes !== undefined) return options.maxResponseBytes;
  if (connection.maxResponseBytesExplicit) return connection.maxResponseBytes;
  return action.response?.max_response_bytes ?? connection.maxResponseBytes;
}

/** The retry policy: DEFAULT_RETRY with the caller's tuning, idempotent from the action's hints. */
const DEFAULT_POLICIES = { idempotent: Object.freeze({ ...DEFAULT_RETRY, idempotent: true }), other: Object.freeze({ ...DEFAULT_RETRY, idempotent: false }) };

function policyOf(retry: RetryOptions | undefined, idempotent: boolean): RetryPolicy {
  // The untuned policy is shared (frozen): no object per call.
  if (!retry || (retry.maxAttempts === undefined && retry.maxDelayMs === undefined && retry.baseDelayMs === undefined)) {
    return idempotent ? DEFAULT_POLICIES.idempotent : DEFAULT_POLICIES.other;
  }
  const policy: RetryPolicy = { ...DEFAULT_RETRY, idempotent };
  if (retry) {
    if (retry.maxAttempts !== undefined) policy.maxAttempts = retry.maxAttempts;
    if (retry.maxDelayMs !== undefined) policy.maxDelayMs = retry.maxDelayMs;
    if (retry.baseDelayMs !== undefined) policy.baseDelayMs = retry.baseDelayMs;
  }
  return policy;
}

/**
 * Runs an action. Resolves with the envelope for every HTTP status (4xx and 5xx
 * included), the connection's secrets scrubbed from it; rejects with a
 * ConnectorError only when the input or connection is invalid or no HTTP
 * response came back (a status outside 100-599 counts as none: REQUEST_FAILED).
 */
export async function runAction(actionId: string, callerInput: unknown, connection: unknown, options: RunOptions = {}): Promise<Envelope> {
  const prepared = prepareAction(actionId, callerInput, connection, options);
  // From here on, only the plain copy that was validated: the caller's object is never read again.
  const { connection: resolved, request, action, input } = prepared;
  const { signal } = options;
  // Not in dryRun: a dry run masks the auth header whole and may run on placeholder credentials.
  warnShortSecrets(resolved);
  const clock = currentClock();

  if (action.poll) {
    return runWait(action, input, {
      // Each poll is a whole runAction of the polled action: same validation, retries, redaction, envelope.
      // A single check sends exactly one request: the poll's own retries are off (the caller checks again later).
      runPoll: (pollId, statusInput, budgetMs, single) =>
        runAction(pollId, statusInput, connection, { ...options, timeoutMs: budgetMs, onProgress: undefined, ...(single ? { retry: { ...options.retry, maxAttempts: 1 } } : {}) }),
      pollTimeoutMs: resolved.timeoutMs,
      budgetMs: options.waitBudgetMs,
      clock,
      signal,
      onProgress: options.onProgress,
    });
  }

  const aborted = () => abortedError(`${action.id}: aborted; ${action.hints.readOnly ? 'nothing was changed' : 'the request may have reached the server'}`);
  if (signal?.aborted) throw aborted();
  const transport = options.transport ?? gotTransport;
  const maxResponseBytes = effectiveMaxResponseBytes(action, resolved, options);
  // One policy for every action, from its manifest hints: a non-idempotent POST is resent only when provably unprocessed.
  const policy = policyOf(options.retry, action.hints?.idempotent === true);
  const retryClock = signal ? { ...clock, sleep: (ms: number) => sleepUnlessAborted(clock.sleep, ms, signal, aborted) } : clock;
  const sink = options.saveFileTo !== undefined && action.response?.file ? fileSinkFor(options.saveFileTo, action, input, resolved.secrets) : undefined;
  // The directory exists before anything is sent: one that cannot be created fails the call while nothing happened yet.
  await sink?.prepare();
  // The got transport aborts its request on the signal; the race keeps the promise immediate with a transport that ignores it.
  const response = await raceAbort(
    withRetry((remainingMs) => transport.send(request, resolved, { maxResponseBytes, timeoutMs: remainingMs, signal, sink }), policy, resolved.timeoutMs, retryClock),
    signal,
    aborted,
  ).catch(async (error: unknown) => {
    // A failed call leaves no partial file behind, and says so only once it is gone.
    await sink?.discard();
    throw error;
  });
  if (sink && response.statusCode >= 200 && response.statusCode <= 299) return savedFileEnvelope(sink, response, resolved.secrets);
  // A file action's 2xx body is a file (a report); any other status keeps the usual envelope.
  // Whatever the server echoed back (a 401 reflecting the Authorization header), the secrets stay out of the result.
  if (action.response?.file && response.statusCode >= 200 && response.statusCode <= 299) {
    // A binary report is not decoded as text on the way (it would only be dropped): one copy fewer of a large body.
    return scrubEnvelope(withFile(toEnvelope(response, (type) => !isTextType(type)), response.body, action, input, resolved.secrets), resolved.secrets, response.body);
  }
  return scrubEnvelope(toEnvelope(response), resolved.secrets, response.body);
}

/** A sink that streams a file action's 2xx body into `dir` (file-sink.ts), named as withFile would name it. */
function fileSinkFor(dir: string, action: ActionDeclaration, input: unknown, secrets: readonly string[]): FileSink {
  return new FileSink(dir, (rawHeaders) => {
    const header = (name: string) => {
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) return rawHeaders[i + 1];
      return undefined;
    };
    return describeFile(header, action, input, secrets);
  });
}

/**
 * The envelope of a file saved to disk: `file` names it (file_name, content_type, size_bytes, path) and
 * the body is neither in content_base64 nor repeated as response_text or json_body.
 */
async function savedFileEnvelope(sink: FileSink, response: TransportResponse, secrets: readonly string[]): Promise<Envelope> {
  let size = response.streamedBytes;
  if (size === undefined) {
    // A transport that does not stream (a custom one) handed the body over whole: it is written the same way.
    const out = sink.open(response);
    if (!out) throw new ConnectorError('WRITE_FAILED', 'The response could not be saved.');
    await new Promise<void>((resolve, reject) => {
      out.once('error', (error) => reject(sink.failed(error)));
      out.end(response.body, () => resolve());
    });
    size = response.body.length;
  }
  const file = await sink.commit(size);
  const { response_text: _text, ...head } = toEnvelope({ ...response, body: Buffer.alloc(0) }, () => true);
  return scrubEnvelope({ ...head, json_body: null, file }, secrets);
}
