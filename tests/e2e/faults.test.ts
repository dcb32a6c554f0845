// Transport behaviour against real loopback servers: timeouts, the retry
// policy (never a duplicate POST), odd bodies, the response cap, redirects,
// TLS and the forward proxy.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type http from 'node:http';
import { runAction } from '../../src/index.js';
import { useTestClock } from '../../src/runtime/retry.js';
import { GUID, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';
import {
  type LoopbackProxy,
  type LoopbackServer,
  refusedPort,
  reply,
  startProxy,
  startServer,
  startSilentServer,
  tlsFixture,
} from '../helpers/servers.js';
import { failure } from '../helpers/failure.js';

jest.setTimeout(20_000);

const retest = { json_body: { BaseScanId: GUID } };
const creds = { user_id: 'user-faults', api_token: 'token-faults' };
const invicti = (url: string, extra: Record<string, unknown> = {}) => ({ url, ...creds, ...extra });
const scanTask = JSON.stringify({ Id: GUID, State: 'Queued' });
const created = reply(201, scanTask, { 'Content-Type': 'application/json; charset=utf-8' });

const servers: Array<{ close(): Promise<void> }> = [];
async function track<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timeouts', () => {
  test('a server that never answers ends with TIMEOUT after timeout_ms, and the request is not resent', async () => {
    const server = await track(startSilentServer());
    const started = Date.now();
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(server.url, { timeout_ms: 300 })));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/timed out.*300 ms \(timeout_ms\)/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await pause(300);
    expect(server.requests).toHaveLength(1);
  });

  test('RunOptions.timeoutMs (the CLI --timeout-ms) overrides the connection', async () => {
    const server = await track(startSilentServer());
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(server.url, { timeout_ms: 60_000 }), { timeoutMs: 200 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('200 ms');
  });
});

describe('retries: only where the request provably was not processed', () => {
  test('429 with Retry-After: 1, then 201: exactly two requests, at least 1 s apart', async () => {
    const server = await track(
      startServer((req, res, seen, index) => (index === 0 ? reply(429, '{"Message":"slow down"}', { 'Retry-After': '1' }) : created)(req, res, seen, index)),
    );
    // The retry's sleep is recorded, not taken: what is asserted is the delay the runtime chose,
    // not arrival times at a server that a loaded machine can stretch or bunch.
    const waits: number[] = [];
    const restore = useTestClock({ sleep: async (ms) => void waits.push(ms) });
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url)).finally(restore);
    expect(envelope.status_code).toBe(201);
    expect(envelope.json_body).toEqual({ Id: GUID, State: 'Queued' });
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    expect(waits[0]).toBeLessThanOrEqual(1000 + 20 + 100); // Retry-After + margin + jitter
    expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
  });

  test('Retry-After as an HTTP-date is honoured', async () => {
    const NOW = Date.parse('2025-03-23T00:00:00Z');
    const server = await track(
      startServer((req, res, seen, index) =>
        (index === 0 ? reply(503, '', { 'Retry-After': new Date(NOW + 2000).toUTCString() }) : created)(req, res, seen, index),
      ),
    );
    // The runtime's clock stands still at NOW (a whole second, as HTTP-dates have 1 s resolution),
    // so the date means exactly 2 s whatever the load between the server's answer and the client's parse.
    const waits: number[] = [];
    const restore = useTestClock({ now: () => NOW, sleep: async (ms) => void waits.push(ms) });
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url)).finally(restore);
    expect(envelope.status_code).toBe(201);
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[0]).toBeLessThanOrEqual(2000 + 20 + 100);
  });

  test('503 without Retry-After: backoff, at most 3 attempts, then the 503 envelope', async () => {
    const server = await track(startServer(reply(503, '<html><body>Service Unavailable</body></html>', { 'Content-Type': 'text/html' })));
    const waits: number[] = [];
    const restore = useTestClock({ sleep: async (ms) => void waits.push(ms) });
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url)).finally(restore);
    expect(envelope.status_code).toBe(503);
    expect(envelope.json_body).toBeNull();
    expect(envelope.response_text).toContain('Service Unavailable');
    expect(server.requests).toHaveLength(3);
    // 500 ms then 1 s, each ±20 %.
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(400);
    expect(waits[0]).toBeLessThanOrEqual(600);
    expect(waits[1]).toBeGreaterThanOrEqual(800);
    expect(waits[1]).toBeLessThanOrEqual(1200);
  });

  test('a Retry-After beyond the timeout budget is not waited for: the 429 envelope comes back at once', async () => {
    const server = await track(startServer(reply(429, '{"Message":"quota"}', { 'Retry-After': '30', 'Content-Type': 'application/json' })));
    // "At once" = no sleep was scheduled at all (recorded by the injected clock), not a wall-time bound.
    const waits: number[] = [];
    const restore = useTestClock({ sleep: async (ms) => void waits.push(ms) });
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url, { timeout_ms: 5000 })).finally(restore);
    expect(envelope.status_code).toBe(429);
    expect(envelope.response_headers['Retry-After']).toBe('30');
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test.each([500, 502, 504])('%i: exactly one request, none later, the envelope returned', async (status) => {
    const server = await track(startServer(reply(status, '{"Message":"boom"}', { 'Content-Type': 'application/json' })));
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url));
    expect(envelope.status_code).toBe(status);
    expect(envelope.json_body).toEqual({ Message: 'boom' });
    await pause(1200);
    expect(server.requests).toHaveLength(1);
  });

  test('a refused port is retried (nothing was sent), then CONNECTION_FAILED', async () => {
    const port = await refusedPort();
    const waits: number[] = [];
    const restore = useTestClock({ sleep: async (ms) => void waits.push(ms) });
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(`http://127.0.0.1:${port}`))).finally(restore);
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toContain('ECONNREFUSED');
    expect(waits).toHaveLength(2); // three attempts in all
  });

  test('a connection reset after the request was sent is not retried', async () => {
    const server = await track(startServer((req) => req.socket.destroy()));
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(server.url)));
    expect(error.code).toBe('CONNECTION_FAILED');
    await pause(800);
    expect(server.requests).toHaveLength(1);
  });
});

describe('bodies that are not what they claim', () => {
  test('an HTML 502 from a proxy: envelope with json_body null and response_text', async () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    const server = await track(startServer(reply(502, html, { 'Content-Type': 'text/html' })));
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url));
    expect(envelope).toMatchObject({ status_code: 502, reason: 'Bad Gateway', json_body: null, response_text: html });
  });

  test('an empty 201: json_body null, response_text ""', async () => {
    const server = await track(startServer(reply(201, '', { 'Content-Type': 'application/json' })));
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url));
    expect(envelope).toMatchObject({ status_code: 201, json_body: null, response_text: '' });
  });

  test('truncated JSON: json_body null, the text kept', async () => {
    const server = await track(startServer(reply(201, '{"Id":"af6d0ffd-529e', { 'Content-Type': 'application/json' })));
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url));
    expect(envelope).toMatchObject({ status_code: 201, json_body: null, response_text: '{"Id":"af6d0ffd-529e' });
  });
});

describe('response cap', () => {
  const TOTAL = 200 * 1024 * 1024;
  const CAP = 1024 * 1024;

  /** Streams up to TOTAL bytes with backpressure, stopping when the client hangs up; records how much it wrote. */
  function streamingServer(declareLength: boolean) {
    const written = { bytes: 0, done: Promise.resolve() };
    const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/json', ...(declareLength ? { 'Content-Length': String(TOTAL) } : {}) });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      written.done = new Promise<void>((resolve) => {
        let closed = false;
        res.on('close', () => {
          closed = true;
          resolve();
        });
        const pump = () => {
          while (!closed && written.bytes < TOTAL) {
            written.bytes += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!closed) res.end();
        };
        pump();
      });
    };
    return { written, handler };
  }

  test('a 200 MiB streamed body with a 1 MiB cap: RESPONSE_TOO_LARGE, the connection closed long before the end', async () => {
    const { written, handler } = streamingServer(false);
    const server = await track(startServer(handler));
    const rssBefore = process.memoryUsage().rss;
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(server.url), { maxResponseBytes: CAP }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(error.message).toContain(`${CAP} bytes`);
    await written.done;
    expect(written.bytes).toBeLessThan(TOTAL / 4);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(TOTAL / 2);
  });

  test('a declared Content-Length over the cap (connection max_response_bytes) is refused before reading the body', async () => {
    const { written, handler } = streamingServer(true);
    const server = await track(startServer(handler));
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(server.url, { max_response_bytes: CAP })));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    await written.done;
    expect(written.bytes).toBeLessThan(TOTAL / 4);
  });

  test('RunOptions.maxResponseBytes wins over the connection; a body under the cap is returned whole', async () => {
    const body = JSON.stringify({ Id: GUID, Padding: 'x'.repeat(4000) });
    const server = await track(startServer(reply(201, body, { 'Content-Type': 'application/json' })));
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(server.url, { max_response_bytes: 1_000_000 }), { maxResponseBytes: 1000 }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url, { max_response_bytes: 5000 }));
    expect(envelope.json_body).toEqual(JSON.parse(body));
  });
});

describe('redirects are not followed', () => {
  test('a 307 to another origin comes back as the envelope; the other origin never sees a request or a credential', async () => {
    const other = await track(startServer(created));
    const server = await track(startServer(reply(307, '', { Location: `${other.url}/api/1.0/scans/retest` })));
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url));
    expect(envelope.status_code).toBe(307);
    expect(envelope.response_headers.Location).toBe(`${other.url}/api/1.0/scans/retest`);
    expect(server.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  test('the same holds for AttackForge and its X-SSAPI-KEY', async () => {
    const other = await track(startServer(reply(200, '{}')));
    const server = await track(startServer(reply(308, '', { Location: `${other.url}/steal` })));
    const envelope = await runAction(
      'attackforge_request_new_project_retest',
      { path_parameters: { id: PROJECT_ID }, json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [VULN_ID] } },
      { url: server.url, api_key: 'key-redirect' },
    );
    expect(envelope.status_code).toBe(308);
    expect(other.requests).toHaveLength(0);
  });
});

describe('TLS', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startServer(created, { tls: true });
  });
  afterAll(() => server.close());

  test('a certificate from an unknown CA is refused by default: TLS_FAILED, nothing sent', async () => {
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(server.url)));
    expect(error.code).toBe('TLS_FAILED');
    expect(error.message).toMatch(/ca_file/);
    expect(server.requests).toHaveLength(0);
  });

  test('verify_ssl: false accepts it, with one warning on stderr per origin', async () => {
    // process.emitWarning prints to stderr unless warnings are disabled; the spy sees each one.
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const first = await runAction('invicti_scan_retest', retest, invicti(server.url, { verify_ssl: false }));
      const second = await runAction('invicti_scan_retest', retest, invicti(server.url, { verify_ssl: false }));
      expect([first.status_code, second.status_code]).toEqual([201, 201]);
      const ours = emitWarning.mock.calls.map((call) => String(call[0])).filter((w) => w.includes('verification is OFF'));
      expect(ours).toEqual([expect.stringContaining(server.url)]);
    } finally {
      emitWarning.mockRestore();
    }
  });

  test('ca_file with the private CA accepts it, verification on', async () => {
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url, { ca_file: tlsFixture('ca.pem') }));
    expect(envelope.status_code).toBe(201);
  });

  test('a ca_file that cannot be read is CONFIG_INVALID naming connection.ca_file', async () => {
    const error = await failure(runAction('invicti_scan_retest', retest, invicti(server.url, { ca_file: tlsFixture('missing.pem') })));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details).toEqual([{ field: 'connection.ca_file', message: expect.stringContaining('cannot be read') }]);
  });
});

describe('forward proxy', () => {
  let proxy: LoopbackProxy;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(() => proxy.close());
  afterEach(() => {
    proxy.targets.length = 0;
    for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) delete process.env[name];
  });

  test('connection http_proxy: the request goes through the proxy', async () => {
    const server = await track(startServer(created));
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url, { http_proxy: proxy.url }));
    expect(envelope.status_code).toBe(201);
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
    expect(server.requests).toHaveLength(1);
  });

  test('HTTPS through the proxy (CONNECT tunnel) with ca_file', async () => {
    const server = await track(startServer(created, { tls: true }));
    const envelope = await runAction('invicti_scan_retest', retest, invicti(server.url, { http_proxy: proxy.url, ca_file: tlsFixture('ca.pem') }));
    expect(envelope.status_code).toBe(201);
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
  });

  test('HTTP_PROXY from the environment is used, and NO_PROXY bypasses it', async () => {
    const server = await track(startServer(created));
    process.env.HTTP_PROXY = proxy.url;
    await runAction('invicti_scan_retest', retest, invicti(server.url));
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
    process.env.NO_PROXY = 'localhost,127.0.0.1';
    await runAction('invicti_scan_retest', retest, invicti(server.url));
    expect(proxy.targets).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  test('a refused proxy is CONNECTION_FAILED naming the proxy, never its credentials', async () => {
    const port = await refusedPort();
    const restore = useTestClock({ sleep: async () => undefined });
    const error = await failure(
      runAction('invicti_scan_retest', retest, invicti('http://127.0.0.1:9', { http_proxy: `http://proxyuser:proxy-pass-SECRET@127.0.0.1:${port}` })),
    ).finally(restore);
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.message).toContain(`via proxy http://127.0.0.1:${port}`);
    expect(JSON.stringify(error)).not.toContain('proxy-pass-SECRET');
  });
});
