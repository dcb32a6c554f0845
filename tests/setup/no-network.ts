// Unit tests never touch a network: every request must be answered by a nock
// interceptor, and anything else fails the test.
import { afterAll, afterEach } from '@jest/globals';
import nock from 'nock';

// Jest loads a fresh copy of nock for each test file, but its HTTP interceptor
// is process-wide: each file activates its own and restores it when done, so
// the next file in the same worker is intercepted by its own copy.
if (!nock.isActive()) nock.activate();
nock.disableNetConnect();

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`nock interceptors not used: ${pending.join(', ')}`);
});

afterAll(() => {
  nock.restore();
});
