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
  'ABORTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one field, e.g. `{ field: 'json_body.BaseScanId', message: 'is required' }`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly code: ErrorCode;
  readonly details: FieldProblem[] | undefined;

  constructor(code: ErrorCode, message: string, details?: FieldProblem[]) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: FieldProblem[] } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}
