// Issue 18 as the hostile suite met it: the built CLI (real processes, loopback sockets) against a
// vendor or a proxy that echoes secrets in new spellings, sends terminal controls, or names a file
// after the token; and a connection that would send credentials in clear text.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorOf, runCli } from '../helpers/cli.js';
import { GUID } from '../helpers/fixtures.js';

jest.setTimeout(30_000);

const USER = 'user-trust';
const TOKEN = 'token-trust-SECRET-7731';
const env = (url: string, extra: Record<string, string> = {}) => ({
  INVICTI_URL: url,
  INVICTI_USER_ID: USER,
  INVICTI_API_TOKEN: TOKEN,
  // The parent's proxies must not take part.
  HTTP_PROXY: '',
  http_proxy: '',
  HTTPS_PROXY: '',
  https_proxy: '',
  NO_PROXY: '',
  no_proxy: '',
  ...extra,
});
/** What a terminal or a text renderer acts on (a line's own \n excepted). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Percent-encoding with lower-case hex: %2f for %2F. */
const lowerHex = (encoded: string) => encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

const http = (status: string, headers: string[], body: string) =>
  `HTTP/1.1 ${status}\r\n${[...headers, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/**
 * A loopback server answering each request with `answer(head)` (raw bytes). With `tunnel`, it first
 * plays a forward proxy: a CONNECT gets "200 Connection established", and the request that then
 * comes through the tunnel gets the answer (the CONNECT head is passed along too).
 */
async function server(answer: (head: string, connectHead: string) => string, tunnel = false): Promise<{ url: string; port: number; requests: number }> {
  const state = { requests: 0 };
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let seen = '';
    let connectHead = '';
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = seen.slice(0, end);
      if (tunnel && !connectHead && head.startsWith('CONNECT ')) {
        connectHead = head;
        seen = seen.slice(end + 4);
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
        return;
      }
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (seen.length - end - 4 < length) return;
      state.requests += 1;
      socket.end(Buffer.from(answer(head, connectHead), 'latin1'));
      seen = '';
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    srv.close();
  });
  const { port } = srv.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'retest-trust-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('defect 2: a proxy password from HTTP_PROXY, echoed by the proxy', () => {
  test('a 302 echoing it raw and percent-encoded (either hex case) in reason, Location and body: masked on stdout and stderr', async () => {
    const password = 'p@ss-PROXY-e2e/1';
    const proxy = await server((_, connectHead) => {
      const credential = Buffer.from(/proxy-authorization: basic (\S+)/i.exec(connectHead)?.[1] ?? '', 'base64').toString('utf8');
      const echoed = credential.slice(credential.indexOf(':') + 1);
      const encoded = encodeURIComponent(echoed);
      return http(`302 Found ${echoed}`, ['Content-Type: application/json', `Location: http://elsewhere.test/?p=${encoded}&q=${lowerHex(encoded)}`], JSON.stringify({ raw: echoed, encoded }));
    }, true);
    const proxyUrl = `http://proxyuser:${encodeURIComponent(password)}@127.0.0.1:${proxy.port}`;
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], {
      stdin: JSON.stringify({ json_body: { BaseScanId: GUID } }),
      env: env('http://127.0.0.1:9', { HTTP_PROXY: proxyUrl, http_proxy: proxyUrl }),
    });
    expect(proxy.requests).toBe(1);
    expect(result.code).toBe(1);
    const printed = result.stdout + result.stderr;
    for (const form of [password, encodeURIComponent(password), lowerHex(encodeURIComponent(password))]) expect(printed).not.toContain(form);
    expect(JSON.parse(result.stdout)).toMatchObject({ reason: 'Found ***', response_headers: { Location: 'http://elsewhere.test/?p=***&q=***' }, json_body: { raw: '***', encoded: '***' } });
  });
});

describe('defect 1: a report named after the token', () => {
  test('--save-file: no token in file_name, path, the name on disk, stdout or stderr', async () => {
    const vendor = await server(() => http('200 OK', ['Content-Type: application/pdf', `Content-Disposition: attachment; filename="report-${TOKEN}.pdf"`], '%PDF-1.4\n'));
    const dir = tempDir();
    const result = await runCli(['run', 'invicti_scan_report', '--input', '-', '--save-file', dir], {
      stdin: JSON.stringify({ parameters: { id: GUID, type: 'ScanDetail', format: 'Pdf' } }),
      env: env(vendor.url),
    });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    expect(names[0]).not.toContain(TOKEN);
    expect(JSON.parse(result.stdout).file).toMatchObject({ file_name: names[0], path: join(dir, names[0]!) });
  });
});

describe('defects 5 and 6: terminal controls in wait progress, the exit-5 line and the envelope', () => {
  test('a State with ESC[2J, a C1 CSI, NEL, RLO and LINE SEPARATOR: escaped on stderr, \\u escapes on stdout', async () => {
    const state = 'Scanning\u001b[2J\u001b[31mRED\u009b31m\u0085\u202e\u2028';
    const vendor = await server(() => http('200 OK', ['Content-Type: application/json; charset=utf-8'], Buffer.from(JSON.stringify({ CompletedSteps: 1, EstimatedSteps: 4, State: state }), 'utf8').toString('latin1')));
    const result = await runCli(['run', 'invicti_scan_wait', '--input', '-'], {
      stdin: JSON.stringify({ path_parameters: { id: GUID }, wait: { timeout_s: 1, interval_s: 1 } }),
      env: env(vendor.url),
    });
    expect(result.code).toBe(5);
    expect(result.stderr.replace(/\n/g, ' ')).not.toMatch(RAW_CONTROL);
    expect(result.stderr).toContain('invicti_scan_wait: Scanning\\x1b[2J\\x1b[31mRED\\x9b31m\\x85\\u202e\\u2028');
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(result.stdout).json_body.State).toBe(state);
  });
});

describe('defect 13: a digits-only token echoed as a JSON number', () => {
  test('a 401 body {"t":31415926535}: masked on stdout', async () => {
    const vendor = await server(() => http('401 Unauthorized', ['Content-Type: application/json'], '{"t":31415926535}'));
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], {
      stdin: JSON.stringify({ json_body: { BaseScanId: GUID } }),
      env: { ...env(vendor.url), INVICTI_API_TOKEN: '31415926535' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain('31415926535');
    expect(JSON.parse(result.stdout).json_body).toEqual({ t: '***' });
  });
});

describe('credentials in clear text', () => {
  test('INVICTI_URL=http://invicti.corp.example: exit 3, CONFIG_INVALID naming the URL and the field (and its variable); nothing sent', async () => {
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], {
      stdin: JSON.stringify({ json_body: { BaseScanId: GUID } }),
      env: env('http://invicti.corp.example'),
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(errorOf(result)).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/connection\.url http:\/\/invicti\.corp\.example would send the credentials in clear text.*connection\.allow_plain_http.*INVICTI_ALLOW_PLAIN_HTTP/),
    });
  });
});
