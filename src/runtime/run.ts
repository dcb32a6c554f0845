/**
 * runAction: the one path every action takes, declared or typed, library or CLI:
 * look the action up, check the connection and the input, build the request,
 * send it, return the envelope.
 */
import { resolveConnection, type ResolvedConnection } from './connection.js';
import type { Envelope } from './envelope.js';
import { scrubEnvelope, toEnvelope } from './envelope.js';
import { assertValidInput } from '../contract/input-limits.js';
import { type ActionDeclaration, getAction } from '../contract/manifest.js';
import { redactRequest, warnShortSecrets } from './redact.js';
import { type PreparedRequest, prepareRequest } from './request.js';
import { getValidator } from '../contract/validators.js';
import { DEFAULT_RETRY, realClock, type RetryOptions, withRetry } from './retry.js';
import { gotTransport, type Transport } from './transport.js';

export interface RunOptions {
  /** Overrides the connection's timeout_ms for this call. */
  timeoutMs?: number;
  /** Response bodies larger than this end with RESPONSE_TOO_LARGE; wins over the connection's max_response_bytes (default 10 MiB). */
  maxResponseBytes?: number;
  /** Tunes the retry policy (attempts, waits) and injects its clock; see retry.ts. */
  retry?: RetryOptions;
  /** Replaces the HTTP transport (tests, platforms with their own HTTP stack). */
  transport?: Transport;
}

export interface PreparedAction {
  action: ActionDeclaration;
  connection: ResolvedConnection;
  request: PreparedRequest;
}

/** Everything up to the wire: throws UNKNOWN_ACTION, CONFIG_INVALID or INPUT_INVALID, sends nothing. */
export function prepareAction(actionId: string, input: unknown, connection: unknown, options: RunOptions = {}): PreparedAction {
  const action = getAction(actionId);
  const resolved = resolveConnection(action.connection, connection, { timeoutMs: options.timeoutMs });
  assertValidInput(getValidator(action.input_schema), input, `Invalid input for ${action.id}`);
  return { action, connection: resolved, request: prepareRequest(action, input, resolved) };
}

/** The exact request runAction would send, with secrets masked. Sends nothing. */
export function dryRun(actionId: string, input: unknown, connection: unknown, options: RunOptions = {}): PreparedRequest {
  const prepared = prepareAction(actionId, input, connection, options);
  return redactRequest(prepared.request, prepared.connection);
}

/**
 * Runs an action. Resolves with the envelope for every HTTP status (4xx and 5xx
 * included), the connection's secrets scrubbed from it; rejects with a
 * ConnectorError only when the input or connection is invalid or no HTTP
 * response came back (a status outside 100-599 counts as none: REQUEST_FAILED).
 */
export async function runAction(actionId: string, input: unknown, connection: unknown, options: RunOptions = {}): Promise<Envelope> {
  const prepared = prepareAction(actionId, input, connection, options);
  const transport = options.transport ?? gotTransport;
  const { connection: resolved, request, action } = prepared;
  // Not in dryRun: a dry run masks the auth header whole and may run on placeholder credentials.
  warnShortSecrets(resolved);
  const maxResponseBytes = options.maxResponseBytes ?? resolved.maxResponseBytes;
  // One policy for every action, from its manifest hints: a non-idempotent POST is resent only when provably unprocessed.
  const { sleep, now, random, ...tuning } = options.retry ?? {};
  const policy = { ...DEFAULT_RETRY, ...tuning, idempotent: action.hints?.idempotent === true };
  const clock = { now: now ?? realClock.now, sleep: sleep ?? realClock.sleep, random: random ?? realClock.random };
  const response = await withRetry(
    (remainingMs) => transport.send(request, resolved, { maxResponseBytes, timeoutMs: remainingMs }),
    policy,
    resolved.timeoutMs,
    clock,
  );
  // Whatever the server echoed back (a 401 reflecting the Authorization header), the secrets stay out of the result.
  return scrubEnvelope(toEnvelope(response), resolved.secrets);
}
