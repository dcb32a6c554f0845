// The built CLI (dist/cli/main.js) against hostile inputs and servers: unbounded inputs,
// a full disk, terminal escapes, deep JSON, reflected credentials. Real processes, real
// loopback sockets; each case once failed (issue 11) and must not again.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';
import { CLI_PATH, type CliResult, errorOf, runCli } from '../helpers/cli.js';
import { GUID } from '../helpers/fixtures.js';

jest.setTimeout(30_000);

const INPUT = JSON.stringify({ json_body: { BaseScanId: GUID } });
const TOKEN = 'token-hostile-1234';
const USER = 'user-hostile';
const AUTH = 'Basic ' + Buffer.from(`${USER}:${TOKEN}`).toString('base64');

/** A server that writes `response` (raw bytes: status line, headers, body) to every request once its body arrived. */
async function rawServer(response: (requestHead: string) => string): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const state = { requests: 0 };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let seen = '';
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(seen.slice(0, end))?.[1] ?? 0);
      if (seen.length - end - 4 < length) return;
      state.requests += 1;
      socket.end(Buffer.from(response(seen.slice(0, end)), 'latin1'));
      seen = '';
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const http = (status: string, headers: string[], body: string) =>
  `HTTP/1.1 ${status}\r\n${[...headers, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;

const env = (url: string) => ({ INVICTI_URL: url, INVICTI_USER_ID: USER, INVICTI_API_TOKEN: TOKEN });

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function server(response: (head: string) => string) {
  const s = await rawServer(response);
  cleanups.push(() => s.close());
  return s;
}
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'retest-hostile-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The CLI with stdin and stdout bound to files/devices (e.g. /dev/zero, /dev/full). */
function runWithFds(args: string[], io: { stdin?: string; stdout?: string; input?: string }, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const stdin = io.stdin ? openSync(io.stdin, 'r') : 'pipe';
  const stdout = io.stdout ? openSync(io.stdout, 'w') : 'pipe';
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(INVICTI|ATTACKFORGE)_/.test(name)) childEnv[name] = value;
  Object.assign(childEnv, extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: packageRoot, env: childEnv, stdio: [stdin, stdout, 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdin?.end(io.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => {
      if (typeof stdin === 'number') closeSync(stdin);
      if (typeof stdout === 'number') closeSync(stdout);
      resolve({ code, stdout: out, stderr: err });
    });
  });
}

describe('defect 4: inputs are read up to 1 MiB and no further', () => {
  test('--input - < /dev/zero: INPUT_INVALID at once, exit 3, nothing sent', async () => {
    const s = await server(() => http('201 Created', ['Content-Type: application/json'], '{}'));
    // /dev/zero never ends: that the run ends at all, with this message, shows the read stopped at the cap
    // (a wall-time bound would only measure the machine's load).
    const result = await runWithFds(['run', 'invicti_scan_retest', '--input', '-'], { stdin: '/dev/zero' }, env(s.url));
    expect(result.code).toBe(3);
    expect(errorOf(result)).toMatchObject({ code: 'INPUT_INVALID', message: 'The input on stdin is larger than 1 MiB; reading stopped there.' });
    expect(result.stdout).toBe('');
    expect(s.requests).toBe(0);
  });

  test.each([
    ['--input', ['--input', '/dev/zero'], 'INPUT_INVALID', 'The --input file "/dev/zero" is larger than 1 MiB; reading stopped there.'],
    ['--connection', ['--input', '-', '--connection', '/dev/zero'], 'CONFIG_INVALID', 'The --connection file "/dev/zero" is larger than 1 MiB; reading stopped there.'],
  ])('%s /dev/zero (args %j): %s, exit 3', async (_flag, flags, code, message) => {
    const result = await runCli(['run', 'invicti_scan_retest', ...flags], { stdin: INPUT, env: env('http://127.0.0.1:9') });
    expect(result.code).toBe(3);
    expect(errorOf(result)).toMatchObject({ code, message });
  });

  test('a regular file of 1 MiB + 1 byte is refused; a FIFO is read like a file', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(1024 * 1024 - INPUT.length) + INPUT + ' ');
    expect(errorOf(await runCli(['run', 'invicti_scan_retest', '--input', big, '--dry-run']))).toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('larger than 1 MiB') });
    const fifo = join(dir, 'input.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `printf '%s' '${INPUT}' > ${fifo}`]);
    const result = await runCli(['run', 'invicti_scan_retest', '--input', fifo, '--dry-run']);
    writer.kill();
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ method: 'POST', body: JSON.stringify({ BaseScanId: GUID }) });
  });
});

describe('defect 9: stdout on a full disk', () => {
  test('run > /dev/full after a 201: one JSON error line saying the request was processed, exit 6, no stack trace', async () => {
    const s = await server(() => http('201 Created', ['Content-Type: application/json'], JSON.stringify({ Id: GUID, State: 'Queued' })));
    const result = await runWithFds(['run', 'invicti_scan_retest', '--input', '-'], { stdout: '/dev/full', input: INPUT }, env(s.url));
    expect(s.requests).toBe(1);
    expect(result.code).toBe(6);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(errorOf(result)).toEqual({
      code: 'WRITE_FAILED',
      message: 'The request was processed (HTTP 201 Created) but its result could not be written to stdout (ENOSPC, no space left on device). Check the vendor before running it again.',
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('list > /dev/full: exit 6 with one line, too', async () => {
    const result = await runWithFds(['list'], { stdout: '/dev/full' });
    expect(result.code).toBe(6);
    expect(errorOf(result)).toEqual({ code: 'WRITE_FAILED', message: 'The result could not be written to stdout (ENOSPC, no space left on device).' });
  });
});

describe('defect 10: terminal escapes from the server never reach stderr raw', () => {
  test('a reason phrase with ESC[2J and a C1 CSI: the human line shows them escaped, the envelope keeps them as JSON escapes', async () => {
    const reason = '\x1b[2J\x1b[31mPWNED\x9b31m\x07';
    const s = await server(() => http(`400 ${reason}`, ['Content-Type: application/json'], '{"Message":"no"}'));
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: INPUT, env: env(s.url) });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(result.stderr).toContain('HTTP 400 \\x1b[2J\\x1b[31mPWNED');
    expect(result.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  });

  test('an error line built from server data escapes C1 controls and bidi overrides too', async () => {
    // A status outside 100-599 with a hostile reason: the REQUEST_FAILED line is plain ASCII.
    const s = await server(() => http('999 \u009b2J', ['Content-Type: application/json'], '{}'));
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: INPUT, env: env(s.url) });
    expect(result.code).toBe(4);
    expect(errorOf(result)).toMatchObject({ code: 'REQUEST_FAILED', message: expect.stringContaining('invalid status 999') });
    expect(result.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });
});

describe('defect 3: a hostile 2xx body after the scan was created', () => {
  test('201 with [ x5000 + ] x5000: the envelope reaches stdout (json_body null, the text kept), exit 0', async () => {
    const body = '['.repeat(5000) + ']'.repeat(5000);
    const s = await server(() => http('201 Created', ['Content-Type: application/json'], body));
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: INPUT, env: env(s.url) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status_code: 201, json_body: null, response_text: body });
    expect(result.stderr).toMatch(/RETEST_JSON_TOO_DEEP|nested deeper than 256 levels/);
  });
});

describe('defect 8: a server that reflects credentials', () => {
  test('a 401 echoing the Authorization value in its reason, a header and the body: no secret on stdout or stderr', async () => {
    const s = await server((head) => {
      const auth = /authorization: (.*)/i.exec(head)?.[1]?.trim() ?? '';
      return http(`401 Denied ${auth}`, ['Content-Type: application/json', `X-Echo: ${auth}`], JSON.stringify({ Message: `bad ${auth}`, token: TOKEN }));
    });
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: INPUT, env: env(s.url) });
    expect(result.code).toBe(1);
    for (const secret of [TOKEN, AUTH.slice(6)]) expect(result.stdout + result.stderr).not.toContain(secret);
    expect(JSON.parse(result.stdout)).toMatchObject({ reason: 'Denied Basic ***', response_headers: { 'X-Echo': 'Basic ***' }, json_body: { Message: 'bad Basic ***', token: '***' } });
  });
});
