// Regression tests for the transport defects of issue 11 (1, 2, 6, 7) and for
// aborting a call: one deadline per call that nothing can bypass (a silent
// proxy included), no request sent after its deadline, bad proxy URLs and
// ca_file values as CONFIG_INVALID, and AbortSignal → ABORTED.
// Real loopback servers on 127.0.0.1 only.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { runAction } from '../../src/index.js';
import { resolveConnection } from '../../src/runtime/connection.js';
const wasNotSent = (error: unknown) => (error as { delivery?: string }).delivery === 'not-sent';
import { MAX_IN_FLIGHT_PER_ORIGIN } from '../../src/runtime/in-flight.js';
import { prepareRequest } from '../../src/runtime/request.js';
import { getAction } from '../../src/contract/manifest.js';
import { gotTransport } from '../../src/runtime/transport.js';
import { GUID } from '../helpers/fixtures.js';
import { errorOf, runCli } from '../helpers/cli.js';
import { type LoopbackServer, reply, startServer, startSilentServer, tlsFixture } from '../helpers/servers.js';
import { failure } from '../helpers/failure.js';

jest.setTimeout(30_000);

const retest = { json_body: { BaseScanId: GUID } };
const creds = { user_id: 'user-deadline', api_token: 'token-deadline' };
const invicti = (url: string, extra: Record<string, unknown> = {}) => ({ url, ...creds, ...extra });
const created = reply(201, JSON.stringify({ Id: GUID, State: 'Queued' }), { 'Content-Type': 'application/json' });
const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const name of PROXY_VARIABLES) delete process.env[name];
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function server(handler = created, options: { tls?: boolean } = {}): Promise<LoopbackServer> {
  const s = await startServer(handler, options);
  closers.push(() => s.close());
  return s;
}

/** A TCP server that accepts every connection and never writes a byte (a dead proxy). */
async function silentTcpServer(): Promise<{ port: number; url: string; accepted: () => number }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const s = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        s.close(() => resolve());
      }),
  );
  return { port, url: `127.0.0.1:${port}`, accepted: () => accepted };
}

async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = Date.now();
  const value = await promise;
  return { ms: Date.now() - t0, value };
}

describe('defect 1: a proxy that accepts and never answers', () => {
  test('HTTP_PROXY silent, http target: TIMEOUT at timeout_ms (2000), the proxy was reached', async () => {
    const target = await server();
    const proxy = await silentTcpServer();
    process.env.HTTP_PROXY = `http://${proxy.url}`;
    const { ms, value: error } = await timed(failure(runAction('invicti_scan_retest', retest, invicti(target.url, { timeout_ms: 2000 }))));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('2000 ms');
    // Not sooner than the deadline (a lower bound holds under any load); that the deadline, not something later,
    // ended it is what TIMEOUT says: a hang would end as jest's timeout, a wall-time upper bound only measures the machine.
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(proxy.accepted()).toBeGreaterThanOrEqual(1);
    expect(target.requests).toHaveLength(0);
  });

  test('an https proxy URL (TLS to the proxy never completes), https target: TIMEOUT at timeout_ms', async () => {
    const target = await server(created, { tls: true });
    const proxy = await silentTcpServer();
    const connection = invicti(target.url, { timeout_ms: 2000, http_proxy: `https://${proxy.url}`, ca_file: tlsFixture('ca.pem') });
    const { ms, value: error } = await timed(failure(runAction('invicti_scan_retest', retest, connection)));
    expect(error.code).toBe('TIMEOUT');
    // Not sooner than the deadline (a lower bound holds under any load); that the deadline, not something later,
    // ended it is what TIMEOUT says: a hang would end as jest's timeout, a wall-time upper bound only measures the machine.
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(proxy.accepted()).toBeGreaterThanOrEqual(1);
  });

  test(`${MAX_IN_FLIGHT_PER_ORIGIN + 16} calls through a silent proxy release every slot: a later direct call to the same host succeeds`, async () => {
    const target = await server();
    const proxy = await silentTcpServer();
    const viaProxy = invicti(target.url, { timeout_ms: 300, http_proxy: `http://${proxy.url}` });
    const errors = await Promise.all(Array.from({ length: MAX_IN_FLIGHT_PER_ORIGIN + 16 }, () => failure(runAction('invicti_scan_retest', retest, viaProxy))));
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['TIMEOUT']));
    const direct = await runAction('invicti_scan_retest', retest, invicti(target.url, { timeout_ms: 2000 }));
    expect(direct.status_code).toBe(201);
    expect(target.requests).toHaveLength(1);
  });

  test('the CLI with INVICTI_HTTP_PROXY=https://<silent> and --timeout-ms 2000: exit 4, TIMEOUT', async () => {
    const target = await server(created, { tls: true });
    const proxy = await silentTcpServer();
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-', '--timeout-ms', '2000'], {
      stdin: JSON.stringify(retest),
      env: {
        INVICTI_URL: target.url,
        INVICTI_USER_ID: 'u',
        INVICTI_API_TOKEN: 'cli-token-SECRET',
        INVICTI_HTTP_PROXY: `https://proxyuser:proxy-pass-SECRET@${proxy.url}`,
        INVICTI_CA_FILE: tlsFixture('ca.pem'),
      },
    });
    // TIMEOUT (not a hang ended by jest) is what shows the 2000 ms deadline ended it; the child's start-up time is the machine's.
    expect(result.code).toBe(4);
    expect(errorOf(result).code).toBe('TIMEOUT');
    expect(result.stdout + result.stderr).not.toContain('proxy-pass-SECRET');
  });
});

describe('defect 2: no request is sent after its deadline', () => {
  test('300 concurrent POSTs, timeout_ms 1000, a server that never answers: no request reaches it after its call reported TIMEOUT; calls reported "before it was sent" never reach it', async () => {
    const target = await startSilentServer();
    closers.push(() => target.close());
    const calls = 300;
    const ids = Array.from({ length: calls }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const endedAt = new Map<string, number>();
    const errors = await Promise.all(
      ids.map((id) =>
        failure(runAction('invicti_scan_retest', { json_body: { BaseScanId: id } }, invicti(target.url, { timeout_ms: 1000 }))).then((error) => {
          endedAt.set(id, Date.now());
          return { id, error };
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything still on its way arrives now
    expect(new Set(errors.map((e) => e.error.code))).toEqual(new Set(['TIMEOUT']));
    const arrived = new Map(target.requests.map((r) => [(JSON.parse(r.body) as { BaseScanId: string }).BaseScanId, r.at]));
    for (const [id, at] of arrived) expect({ id, late: at > endedAt.get(id)! }).toEqual({ id, late: false });
    const notSent = errors.filter((e) => /before it was sent/.test(e.error.message));
    expect(notSent.length).toBeGreaterThan(0);
    for (const { id, error } of notSent) {
      expect(wasNotSent(error)).toBe(true);
      expect(arrived.has(id)).toBe(false);
    }
    // Only the first wave (one per slot) had time to be answered; the calls that waited for a slot were not sent.
    expect(arrived.size).toBeLessThanOrEqual(MAX_IN_FLIGHT_PER_ORIGIN);
  });
});

describe('defect 6: a bad proxy URL is CONFIG_INVALID naming it, never echoing the password', () => {
  test('connection.http_proxy with port 99999', async () => {
    const error = await failure(
      runAction('invicti_scan_retest', retest, invicti('http://127.0.0.1:9', { http_proxy: 'http://u:proxy-pass-SECRET@127.0.0.1:99999' })),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details).toEqual([{ field: 'connection.http_proxy', message: expect.stringContaining('port') }]);
    expect(JSON.stringify(error) + error.stack).not.toContain('proxy-pass-SECRET');
  });

  test('HTTP_PROXY / HTTPS_PROXY from the environment with a bad port', async () => {
    process.env.HTTP_PROXY = 'http://u:env-pass-SECRET@127.0.0.1:99999';
    const plain = await failure(runAction('invicti_scan_retest', retest, invicti('http://127.0.0.1:9')));
    expect(plain.code).toBe('CONFIG_INVALID');
    expect(plain.details).toEqual([{ field: 'HTTP_PROXY', message: expect.stringContaining('port') }]);
    process.env.HTTPS_PROXY = 'http://127.0.0.1:0';
    const secure = await failure(runAction('invicti_scan_retest', retest, invicti('https://127.0.0.1:9')));
    expect(secure.details).toEqual([{ field: 'HTTPS_PROXY', message: expect.stringContaining('port') }]);
    expect(JSON.stringify([plain, secure])).not.toContain('env-pass-SECRET');
  });

  test('the CLI: INVICTI_HTTP_PROXY with port 99999 exits 3 (CONFIG_INVALID), not 70', async () => {
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], {
      stdin: JSON.stringify(retest),
      env: { INVICTI_URL: 'http://127.0.0.1:9', INVICTI_USER_ID: 'user-cli', INVICTI_API_TOKEN: 'token-cli-SECRET', INVICTI_HTTP_PROXY: 'http://u:cli-pass-SECRET@127.0.0.1:99999' },
    });
    expect(result.code).toBe(3);
    expect(errorOf(result)).toMatchObject({ code: 'CONFIG_INVALID', details: [{ field: 'connection.http_proxy' }] });
    expect(result.stdout + result.stderr).not.toContain('cli-pass-SECRET');
  });
});

describe('defect 7: ca_file must be a regular file of sane size', () => {
  const caFailure = async (caFile: string) => {
    const target = await server(created, { tls: true });
    return timed(failure(runAction('invicti_scan_retest', retest, invicti(target.url, { ca_file: caFile, timeout_ms: 5000 }))));
  };

  test('/dev/zero is refused at once, without reading it', async () => {
    const { value: error } = await caFailure('/dev/zero');
    expect(error.code).toBe('CONFIG_INVALID');
    // "Not a regular file" is decided from stat, before any read: reading /dev/zero would never end (or end at the size cap).
    expect(error.details).toEqual([{ field: 'connection.ca_file', message: expect.stringContaining('not a regular file') }]);
  });

  test('a FIFO without a writer is refused at once (no hang)', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'ca-fifo-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const fifo = join(dir, 'ca.pem');
    execFileSync('mkfifo', [fifo]);
    const { value: error } = await caFailure(fifo);
    expect(error.code).toBe('CONFIG_INVALID');
    // Opening a FIFO without a writer blocks until one comes: any answer at all shows it was not opened.
    expect(error.details).toEqual([{ field: 'connection.ca_file', message: expect.stringContaining('not a regular file') }]);
  });

  test('a regular file over 1 MiB is refused', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'ca-big-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const big = join(dir, 'ca.pem');
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 0x41));
    const { value: error } = await caFailure(big);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details).toEqual([{ field: 'connection.ca_file', message: expect.stringContaining('too large') }]);
  });
});

describe('AbortSignal: the transport aborts at once with ABORTED', () => {
  const prepared = (url: string) => {
    const connection = resolveConnection('invicti', invicti(url, { timeout_ms: 10_000 }));
    return { connection, request: prepareRequest(getAction('invicti_scan_retest'), retest, connection) };
  };

  test('aborted while waiting for the response: rejects within ms, not at timeout_ms', async () => {
    const target = await startSilentServer();
    closers.push(() => target.close());
    const { connection, request } = prepared(target.url);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { ms, value: error } = await timed(failure(gotTransport.send(request, connection, { maxResponseBytes: 1024, signal: controller.signal })));
    expect(error.code).toBe('ABORTED');
    expect(error.message).toContain('may have reached the server');
    expect(wasNotSent(error)).toBe(false); // never retried as "not sent"
    // ABORTED, not TIMEOUT (timeout_ms is 10 s): the signal ended it, not the deadline; the abort came after 200 ms at least.
    expect(ms).toBeGreaterThanOrEqual(150);
  });

  test('already aborted: nothing is sent', async () => {
    const target = await server();
    const { connection, request } = prepared(target.url);
    const error = await failure(gotTransport.send(request, connection, { maxResponseBytes: 1024, signal: AbortSignal.abort() }));
    expect(error.code).toBe('ABORTED');
    expect(error.message).toContain('before it was sent');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.requests).toHaveLength(0);
  });
});

describe('a connection resolved once per object still sees changes', () => {
  test('mutating the connection object between calls takes effect', async () => {
    const first = await server();
    const second = await server();
    const connection: Record<string, unknown> = invicti(first.url);
    expect((await runAction('invicti_scan_retest', retest, connection)).status_code).toBe(201);
    connection.url = second.url;
    expect((await runAction('invicti_scan_retest', retest, connection)).status_code).toBe(201);
    expect([first.requests.length, second.requests.length]).toEqual([1, 1]);
    connection.timeout_ms = 0; // invalid now: must be refused, not served from the cache
    expect((await failure(runAction('invicti_scan_retest', retest, connection))).code).toBe('CONFIG_INVALID');
  });
});
