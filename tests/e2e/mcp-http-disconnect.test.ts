// A Streamable HTTP client whose socket closes mid-call ends that call: its
// wait stops polling, and the POST's in-flight slot is freed only once the
// call has really ended. In process over loopback sockets; the wait's clock is
// injected (a sleep that only ends when aborted or when the test ticks), so
// "still running" is a fact to read, not a duration to guess.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { startHttpServer, type RunningHttpServer } from '../../src/mcp/http.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { useTestClock } from '../../src/runtime/retry.js';
import { startServer, type LoopbackServer } from '../helpers/servers.js';

jest.setTimeout(30_000);

const TOKEN = 'disconnect-test-token-0123456789abcdef';
const MAX_IN_FLIGHT = 32;
const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${TOKEN}` };

/** Waits that are parked between two polls, by the sleep the wait was given. */
let parked: Set<() => void>;
let peakParked: number;
let vendor: LoopbackServer;
let server: RunningHttpServer;
let session: string;

const scanId = (i: number) => `a1b2c3d4-0000-4000-8000-${String(i).padStart(12, '0')}`;
const polls = () => vendor.requests.filter((r) => r.url.startsWith('/api/1.0/scans/status/')).length;

/** Until `condition` holds (a bounded loop over the event loop, not a timing assertion). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeEach(async () => {
  parked = new Set();
  peakParked = 0;
  vendor = await startServer((_req, res) => {
    const body = JSON.stringify({ State: 'Scanning', CompletedSteps: 3, EstimatedSteps: 10, EstimatedLaunchTime: 0 });
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
  });
  // The wait's clock: time stands still; a sleep ends when its signal aborts (or when the test ticks).
  const sleep = (_ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        parked.delete(wake);
        resolve();
      };
      parked.add(wake);
      peakParked = Math.max(peakParked, parked.size);
      signal?.addEventListener('abort', wake, { once: true });
    });
  restoreClock = useTestClock({ now: () => 0, sleep });
  const connections = { invicti: { url: vendor.url, user_id: 'u', api_token: 'disconnect-secret' } };
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    maxInFlight: MAX_IN_FLIGHT,
    createServer: (calls) => createMcpServer({ connections, calls }),
  });
  const init = await fetch(server.url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  session = init.headers.get('mcp-session-id')!;
  await init.text();
});

let restoreClock: (() => void) | undefined;
afterEach(async () => {
  restoreClock?.();
  for (const wake of [...parked]) wake();
  await server.close();
  await vendor.close();
});

/** A tools/call invicti_scan_wait POST on its own socket; `status` is set when the answer's head arrives. */
function callWait(id: number): { req: ClientRequest; status: () => number | undefined } {
  let status: number | undefined;
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'invicti_scan_wait', arguments: { path_parameters: { id: scanId(id) }, wait: { interval_s: 10, timeout_s: 3600 } } },
  });
  const req = httpRequest(server.url, { method: 'POST', agent: false, headers: { ...headers, 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-06-18' } }, (res) => {
    status = res.statusCode;
    res.resume();
  });
  req.on('error', () => {
    /* destroyed by the test */
  });
  req.end(body);
  return { req, status: () => status };
}

describe('Streamable HTTP: a client that disconnects', () => {
  test('disconnect mid-wait: the call ends (its sleep aborts, its slot is freed) and no more polls reach the vendor', async () => {
    const call = callWait(1);
    await until(() => parked.size === 1);
    expect(parked.size).toBe(1);
    expect(polls()).toBe(1);
    expect(server.inFlight).toBe(1);

    call.req.destroy();
    await until(() => parked.size === 0 && server.inFlight === 0);
    expect(parked.size).toBe(0);
    expect(server.inFlight).toBe(0);
    // Nothing is left to poll: a tick of the wait's clock wakes no one, and the vendor saw the one poll only.
    for (const wake of [...parked]) wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(polls()).toBe(1);
  });

  test(`64 disconnecting waits, three rounds: never more than ${MAX_IN_FLIGHT} running, each refused POST gets 503, all end`, async () => {
    let next = 1;
    for (let round = 0; round < 3; round += 1) {
      const calls = Array.from({ length: 64 }, () => callWait(next++));
      // Every POST is either refused (503) or running (its wait parked after a poll).
      await until(() => calls.filter((c) => c.status() === 503).length + parked.size === 64);
      const refused = calls.filter((c) => c.status() === 503).length;
      expect(refused).toBeGreaterThanOrEqual(64 - MAX_IN_FLIGHT);
      expect(parked.size).toBe(64 - refused);
      expect(peakParked).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      for (const call of calls) call.req.destroy();
    }
    await until(() => parked.size === 0 && server.inFlight === 0);
    expect(parked.size).toBe(0);
    expect(server.inFlight).toBe(0);
    expect(peakParked).toBeLessThanOrEqual(MAX_IN_FLIGHT);
  });
});
