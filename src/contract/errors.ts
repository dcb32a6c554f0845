/**
 * The bundle's error hierarchy: one class, a small set of stable codes that
 * playbooks and the CLI branch on. An error never carries request options,
 * headers or connection fields, so it cannot leak a secret.
 */
export const ERROR_CODES = [
  'UNKNOWN_ACTION',
  'INPUT_INVALID',
  'CONFIG_INVALID',
  'TIMEOUT',
  'CONNECTION_FAILED',
  'TLS_FAILED',
  'RESPONSE_TOO_LARGE',
  'REQUEST_FAILED',
  /** The caller's AbortSignal fired (RunOptions.signal; the CLI on SIGINT/SIGTERM): the request or the wait stopped at once. */
  'ABORTED',
  /** The vendor answered, but its body could not be written where the caller asked (RunOptions.saveFileTo: a full disk, a read-only directory). */
  'WRITE_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one field, e.g. `{ field: 'json_body.BaseScanId', title: 'Base scan ID', message: 'required' }`. */
export interface FieldProblem {
  /** The value's path in the input or connection, e.g. `json_body.BaseScanId`. */
  field: string;
  /** What is expected, e.g. `required`, `a GUID (…), e.g. af6d0ffd-…` (src/contract/validation.ts words it). */
  message: string;
  /** The field's title from its schema, e.g. `Base scan ID`: what a person knows the field by. */
  title?: string;
}

/**
 * Names the bundle's own error classes on their instances, so an error is recognised by what it is even
 * when it comes from another copy of its module (the CLI's commands are bundled one file each).
 */
export const ERROR_BRAND: unique symbol = Symbol.for('retest-connectors.error') as never;

/** Is `value` an error of the class named `name` (from this copy of its module or another one)? */
export function isBrandedError(value: unknown, name: string): boolean {
  return value instanceof Error && (value as unknown as Record<symbol, unknown>)[ERROR_BRAND] === name;
}

/**
 * What is known about whether a failed request reached the server, for the retry policy (runtime/retry.ts):
 * `not-sent` when provably no byte of it was sent, `reset-after-send` when the connection broke after it
 * was sent (an idempotent request may be resent). Not part of toJSON: output keeps code, message, details.
 */
export type Delivery = 'not-sent' | 'reset-after-send';

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly [ERROR_BRAND] = 'ConnectorError';
  readonly code: ErrorCode;
  readonly details: FieldProblem[] | undefined;
  /** Set by the transport on its failures; undefined means "may have been sent". */
  readonly delivery: Delivery | undefined;

  constructor(code: ErrorCode, message: string, details?: FieldProblem[], facts?: { delivery?: Delivery }) {
    super(message);
    this.code = code;
    this.details = details;
    this.delivery = facts?.delivery;
  }

  toJSON(): { code: ErrorCode; message: string; details?: FieldProblem[] } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return isBrandedError(value, 'ConnectorError');
}
