// A fan-out of many calls to one vendor host keeps at most
// MAX_IN_FLIGHT_PER_ORIGIN requests in flight; the rest wait their turn and
// all complete.
import { describe, expect, test } from '@jest/globals';
import { runAction } from '../../src/index.js';
import { MAX_IN_FLIGHT_PER_ORIGIN, slotsFor } from '../../src/runtime/in-flight.js';
import { startServer } from '../helpers/servers.js';

const INPUT = { json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74' } };

describe('requests in flight per origin', () => {
  test(`${MAX_IN_FLIGHT_PER_ORIGIN * 2 + 10} concurrent calls: never more than ${MAX_IN_FLIGHT_PER_ORIGIN} at the server at once, all answered`, async () => {
    let active = 0;
    let peak = 0;
    const server = await startServer((_req, res) => {
      active += 1;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active -= 1;
        res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"State":"Queued"}');
      }, 20);
    });
    try {
      const connection = { url: server.url, user_id: 'u', api_token: 't' };
      const calls = MAX_IN_FLIGHT_PER_ORIGIN * 2 + 10;
      const envelopes = await Promise.all(Array.from({ length: calls }, () => runAction('invicti_scan_retest', INPUT, connection)));
      expect(envelopes.every((e) => e.status_code === 201)).toBe(true);
      expect(server.requests).toHaveLength(calls);
      expect(peak).toBeLessThanOrEqual(MAX_IN_FLIGHT_PER_ORIGIN);
      expect(peak).toBeGreaterThan(1);
    } finally {
      await server.close();
    }
  });

  test('a call that finds no free slot within its timeout ends with TIMEOUT and is never sent', async () => {
    const slots = slotsFor('http://127.0.0.1:9');
    const held = await Promise.all(Array.from({ length: MAX_IN_FLIGHT_PER_ORIGIN }, () => slots.acquire(1000)));
    try {
      await expect(runAction('invicti_scan_retest', INPUT, { url: 'http://127.0.0.1:9', user_id: 'u', api_token: 't', timeout_ms: 50 })).rejects.toMatchObject({
        code: 'TIMEOUT',
        message: expect.stringContaining('before it was sent'),
      });
    } finally {
      for (const release of held) release!();
    }
  });

  test('released slots go to waiting calls in order', async () => {
    const slots = slotsFor('http://order.test');
    const held = await Promise.all(Array.from({ length: MAX_IN_FLIGHT_PER_ORIGIN }, () => slots.acquire(1000)));
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => slots.acquire(1000).then((release) => (order.push(n), release)));
    held[0]!();
    held[1]!();
    held[2]!();
    const released = await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    for (const release of [...held.slice(3), ...released]) release!();
  });
});
