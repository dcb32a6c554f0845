import { expect } from '@jest/globals';
import { ConnectorError } from '../../src/index.js';
import type { LoopbackServer, SeenRequest } from './servers.js';

/**
 * One call of a property test: either it was refused before sending (asserted here: INPUT_INVALID, nothing
 * reached the server; resolves to undefined) or it resolves to its envelope and the requests it made.
 */
export async function sentOrRefused(server: LoopbackServer, call: () => Promise<unknown>): Promise<{ envelope: unknown; requests: SeenRequest[] } | undefined> {
  const before = server.requests.length;
  let outcome: { envelope: unknown } | { error: unknown };
  try {
    outcome = { envelope: await call() };
  } catch (error) {
    outcome = { error };
  }
  const requests = server.requests.slice(before);
  if ('error' in outcome) {
    expect(outcome.error).toBeInstanceOf(ConnectorError);
    expect((outcome.error as ConnectorError).code).toBe('INPUT_INVALID');
    expect(requests).toHaveLength(0);
    return undefined;
  }
  return { envelope: outcome.envelope, requests };
}
