// The transport uses got 14 through its public API only (got.extend, the stream API, timeout.request,
// agents, timings). What is checked here: the bytes on the wire are exactly the request, over HTTP and
// HTTPS; got is left as it was for other users in the process; the one guarantee got does not state in
// words ("provably not sent", transport.ts provablyNotSent) still holds for this got; and a complete
// answer followed by junk reaches the caller (issue 18, defect 8).
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import got from 'got';
import http from 'node:http';
import net from 'node:net';
import { runAction } from '../../src/index.js';
import { provablyNotSent } from '../../src/runtime/transport.js';
import { GUID } from '../helpers/fixtures.js';
import { failure } from '../helpers/failure.js';
import { type LoopbackServer, refusedPort, reply, startServer, startSilentServer, tlsFixture } from '../helpers/servers.js';

jest.setTimeout(20_000);

const retest = { json_body: { BaseScanId: GUID } };
const creds = { user_id: 'user-lean', api_token: 'token-lean-secret' };
const created = reply(201, JSON.stringify({ Id: GUID, State: 'Queued' }), { 'Content-Type': 'application/json; charset=utf-8' });

let plain: LoopbackServer;
let tls: LoopbackServer;
beforeAll(async () => {
  plain = await startServer(created);
  tls = await startServer(created, { tls: true });
});
afterAll(async () => {
  await plain.close();
  await tls.close();
});

function expectExactRequest(server: LoopbackServer, index: number): void {
  const seen = server.requests[index]!;
  const body = JSON.stringify(retest.json_body);
  expect(seen.method).toBe('POST');
  expect(seen.url).toBe('/api/1.0/scans/retest');
  expect(seen.body).toBe(body);
  expect(seen.headers).toEqual({
    host: `127.0.0.1:${server.port}`,
    accept: 'application/json',
    'user-agent': expect.stringMatching(/^retest-connectors\/\d+\.\d+\.\d+/),
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${creds.user_id}:${creds.api_token}`).toString('base64')}`,
    'accept-encoding': 'gzip, deflate, br',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'keep-alive',
  });
}

describe('got, used through its public API, sends the request the contract says', () => {
  test('over HTTP: method, path, every header and the body as the contract says', async () => {
    const before = plain.requests.length;
    for (let i = 0; i < 3; i++) {
      const envelope = await runAction('invicti_scan_retest', retest, { url: plain.url, ...creds });
      expect(envelope.status_code).toBe(201);
      expect(envelope.json_body).toEqual({ Id: GUID, State: 'Queued' });
    }
    for (let i = before; i < plain.requests.length; i++) expectExactRequest(plain, i);
  });

  test('over HTTPS with ca_file: TLS settings still reach the socket (verification on)', async () => {
    const before = tls.requests.length;
    const envelope = await runAction('invicti_scan_retest', retest, { url: tls.url, ...creds, ca_file: tlsFixture('ca.pem') });
    expect(envelope.status_code).toBe(201);
    expectExactRequest(tls, before);
    // And without the CA the same host is refused: verification is on.
    await expect(runAction('invicti_scan_retest', retest, { url: tls.url, ...creds })).rejects.toMatchObject({ code: 'TLS_FAILED' });
  });
});

describe('got is left as it was for other users in the process', () => {
  test('plain got in the same process keeps its own defaults (its user agent, its retry)', async () => {
    await runAction('invicti_scan_retest', retest, { url: plain.url, ...creds });
    const before = plain.requests.length;
    const response = await got.post(`${plain.url}/plain`, { body: 'x', retry: { limit: 0 } });
    expect(response.statusCode).toBe(201);
    expect(plain.requests[before]!.headers['user-agent']).toMatch(/^got/);
    expect(got.defaults.options.retry.limit).toBe(2);
    expect(got.defaults.options.followRedirect).toBe(true);
  });
});

/** A raw TCP server: answers every request's first bytes with `text`, as is (and then closes, with `end`). */
async function rawServer(text: string, end = false): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => (end ? socket.end(text) : socket.write(text)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('provablyNotSent: what it relies on in got (fails when a got upgrade changes it)', () => {
  const agent = new http.Agent({ keepAlive: true });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 }, throwHttpErrors: false });
  afterAll(() => agent.destroy());

  test('a refused connection: got reports timings without `connect`, so the POST counts as not sent', async () => {
    const port = await refusedPort();
    const error = (await client.post(`http://127.0.0.1:${port}/`, { body: 'x' }).catch((e: unknown) => e)) as { timings?: unknown; code?: string };
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.timings).toBeDefined();
    expect(provablyNotSent(error.timings as never)).toBe(true);
  });

  test('a connection that was made (the server never answers): `connect` is set, so the POST may have been sent', async () => {
    const silent = await startSilentServer();
    try {
      const error = (await client.post(`${silent.url}/`, { body: 'x', timeout: { request: 300 } }).catch((e: unknown) => e)) as { timings?: unknown; code?: string };
      expect(error.code).toBe('ETIMEDOUT');
      expect(provablyNotSent(error.timings as never)).toBe(false);
    } finally {
      await silent.close();
    }
  });

  test('a request on a reused keep-alive socket: `connect` is set at once (never "not sent")', async () => {
    const first = await client.post(`${plain.url}/`, { body: 'x' });
    const second = await client.post(`${plain.url}/`, { body: 'x' });
    expect(first.statusCode).toBe(201);
    expect(second.timings.connect).toBeDefined();
    expect(provablyNotSent(second.timings)).toBe(false);
  });

  test('a request that has no socket yet: not sent', async () => {
    const silent = await startSilentServer();
    try {
      const stream = client.stream.post(`${silent.url}/`, { body: 'x' });
      stream.on('error', () => {});
      // got creates the native request asynchronously: before that there are no timings at all.
      expect(provablyNotSent(stream.timings)).toBe(false);
      await new Promise((resolve) => stream.once('request', resolve));
      expect(provablyNotSent(stream.timings)).toBe(true);
      stream.destroy();
    } finally {
      await silent.close();
    }
  });
});

describe('issue 18 defect 8: a complete answer followed by junk reaches the caller', () => {
  const body = JSON.stringify({ Id: GUID, State: 'Queued' });
  const cases: Array<[string, string, number]> = [
    ['a 201 with an exact Content-Length, then junk in the same segment', `HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}GARBAGE after the body`, 201],
    ['a 204 that carries a body', `HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\n\r\n${body}`, 204],
    ['a 304 that carries a body', `HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello`, 304],
  ];
  test.each(cases)('%s', async (_name, text, status) => {
    const server = await rawServer(text);
    try {
      const envelope = await runAction('invicti_scan_retest', retest, { url: server.url, ...creds });
      expect(envelope.status_code).toBe(status);
      if (status === 201) expect(envelope.json_body).toEqual({ Id: GUID, State: 'Queued' });
    } finally {
      await server.close();
    }
  });

  test('a body cut short of its Content-Length is still a failure, and says the POST may have been processed', async () => {
    const server = await rawServer(`HTTP/1.1 201 Created\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{"Id":`, true);
    try {
      const error = await failure(runAction('invicti_scan_retest', retest, { url: server.url, ...creds }));
      expect(error.code).toBe('CONNECTION_FAILED');
      expect(error.message).toMatch(/The POST may have been processed by the server/);
    } finally {
      await server.close();
    }
  });

  test('garbage instead of a response: REQUEST_FAILED saying the POST may have been processed', async () => {
    const server = await rawServer('SMTP ready\r\n\r\n');
    try {
      const error = await failure(runAction('invicti_scan_retest', retest, { url: server.url, ...creds }));
      expect(error.code).toBe('REQUEST_FAILED');
      expect(error.message).toMatch(/The POST may have been processed by the server/);
    } finally {
      await server.close();
    }
  });
});
