/**
 * The caller's AbortSignal (RunOptions.signal): a request or a wait stops the
 * moment it fires, with ConnectorError ABORTED. The transport does not take
 * the signal yet, so an in-flight request is raced against it: the caller is
 * answered at once, and the orphaned request stays bounded by its own timeout.
 */
import { ConnectorError } from '../contract/errors.js';

export function abortedError(message: string): ConnectorError {
  return new ConnectorError('ABORTED', message);
}

export function isAborted(error: unknown): boolean {
  return error instanceof ConnectorError && error.code === 'ABORTED';
}

/** Settles as `work` does, or rejects with `onAbort()` the moment `signal` fires. `work` itself is not cancelled. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbort: () => ConnectorError): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined); // settles later, unobserved
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** clock.sleep(ms) that ends at once, rejecting with `onAbort()`, when `signal` fires (also for an injected clock that ignores signals). */
export async function sleepUnlessAborted(
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
  onAbort: () => ConnectorError,
): Promise<void> {
  await raceAbort(sleep(ms, signal), signal, onAbort);
  if (signal?.aborted) throw onAbort();
}
