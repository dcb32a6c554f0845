// The transport hands got a lean createNativeRequestOptions on each request's own Options
// (the speed issue): the bytes on the wire are still exactly the request, over HTTP and
// HTTPS, and got is left as it was for everybody else in the process.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import got, { Options } from 'got';
import { readFileSync } from 'node:fs';
import { runAction } from '../../src/index.js';
import { GUID } from '../helpers/fixtures.js';
import { type LoopbackServer, reply, startServer, tlsFixture } from '../helpers/servers.js';

jest.setTimeout(20_000);

const retest = { json_body: { BaseScanId: GUID } };
const creds = { user_id: 'user-lean', api_token: 'token-lean-secret' };
const created = reply(201, JSON.stringify({ Id: GUID, State: 'Queued' }), { 'Content-Type': 'application/json; charset=utf-8' });
const ownNativeOptions = Options.prototype.createNativeRequestOptions;

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

describe('the lean native options send the same request', () => {
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
    // And without the CA the same host is refused: verification was not lost with got's TLS options.
    await expect(runAction('invicti_scan_retest', retest, { url: tls.url, ...creds })).rejects.toMatchObject({ code: 'TLS_FAILED' });
  });
});

describe('the lean native options are the ones got uses', () => {
  test("got never builds its own native options for a bundle request, and still does for a plain got request", async () => {
    let calls = 0;
    const spy = function (this: Options) {
      calls += 1;
      return ownNativeOptions.call(this);
    };
    Options.prototype.createNativeRequestOptions = spy as typeof ownNativeOptions;
    try {
      const envelope = await runAction('invicti_scan_retest', retest, { url: plain.url, ...creds });
      expect(envelope.status_code).toBe(201);
      expect(calls).toBe(0);
      await got.post(`${plain.url}/plain`, { body: 'x', retry: { limit: 0 } });
      expect(calls).toBe(1);
    } finally {
      Options.prototype.createNativeRequestOptions = ownNativeOptions;
    }
  });
});

describe('got is left as it was for other users in the process', () => {
  test("got's prototype keeps its own createNativeRequestOptions after bundle calls", async () => {
    await runAction('invicti_scan_retest', retest, { url: plain.url, ...creds });
    expect(Options.prototype.createNativeRequestOptions).toBe(ownNativeOptions);
    expect(Object.prototype.hasOwnProperty.call(new Options('http://127.0.0.1/'), 'createNativeRequestOptions')).toBe(false);
  });

  test('plain got in the same process still gets its native options (its TLS CA, its user agent)', async () => {
    await runAction('invicti_scan_retest', retest, { url: plain.url, ...creds });
    const before = tls.requests.length;
    const response = await got.post(`${tls.url}/plain`, {
      body: 'x',
      https: { certificateAuthority: readFileSync(tlsFixture('ca.pem')) },
      retry: { limit: 0 },
    });
    expect(response.statusCode).toBe(201);
    expect(tls.requests[before]!.headers['user-agent']).toMatch(/^got/);
  });
});
