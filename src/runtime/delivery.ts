/**
 * What is known about whether a failed request reached the server. The
 * transport marks its errors here (instead of on the error object, so the
 * public error keeps only code, message and details); the retry policy reads
 * the marks. Neither module imports the other.
 */
import { ConnectorError } from '../contract/errors.js';

/** Transport failures that happened before a byte of the request was sent. */
const notSent = new WeakSet<ConnectorError>();
/** Failures after which an idempotent request may be resent (the request may have been delivered). */
const resetAfterSend = new WeakSet<ConnectorError>();

export function markNotSent(error: ConnectorError): ConnectorError {
  notSent.add(error);
  return error;
}

export function markConnectionReset(error: ConnectorError): ConnectorError {
  resetAfterSend.add(error);
  return error;
}

export function wasNotSent(error: unknown): boolean {
  return error instanceof ConnectorError && notSent.has(error);
}

export function wasResetAfterSend(error: unknown): boolean {
  return error instanceof ConnectorError && resetAfterSend.has(error);
}
