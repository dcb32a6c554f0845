// Unit tests never touch a network: every request must be answered by a nock
// interceptor, and anything else fails the test.
import { afterEach } from '@jest/globals';
import nock from 'nock';

nock.disableNetConnect();

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`nock interceptors not used: ${pending.join(', ')}`);
});
