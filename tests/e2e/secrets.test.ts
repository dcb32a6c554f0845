// Secret-leak test: every failure scenario runs with marker secrets, and the
// markers (and the Basic credential's base64) must appear in no envelope, no
// dry run, no warning, no error property (enumerable or not, cause and stack
// included), and nowhere in the CLI's stdout or stderr.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dryRun, runAction } from '../../src/index.js';
import { useTestClock } from '../../src/runtime/retry.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { GUID, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';
import { BASIC, FORBIDDEN, KEY, PROXY_PASSWORD, TOKEN, USER } from '../helpers/secret-markers.js';
import { type LoopbackServer, refusedPort, reply, startServer, startSilentServer, tlsFixture } from '../helpers/servers.js';

jest.setTimeout(60_000);


/** Every string reachable from a value: own properties (enumerable or not, symbols too), cause, stack, nested objects. */
function strings(value: unknown, seen = new Set<unknown>()): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' && typeof value !== 'function') return [String(value)];
  if (seen.has(value)) return [];
  seen.add(value);
  const out: string[] = [];
  if (value instanceof Error) out.push(String(value), value.stack ?? '');
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch {
    /* not serializable: its properties are walked below */
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    const inner = descriptor && 'value' in descriptor ? descriptor.value : undefined;
    out.push(String(key), ...strings(inner, seen));
  }
  return out;
}

function expectNoSecret(what: string, value: unknown): void {
  const text = strings(value).join('\n');
  for (const secret of FORBIDDEN) {
    if (text.includes(secret)) throw new Error(`${what} contains the secret marker ${JSON.stringify(secret)}:\n${text.slice(0, 2000)}`);
  }
}

let ok: LoopbackServer;
let silent: LoopbackServer;
let tlsServer: LoopbackServer;
let big: LoopbackServer;
let unauthorized: LoopbackServer;
let failing: LoopbackServer;
let redirect: LoopbackServer;
let refused: string;

let restoreClock: () => void;
beforeAll(() => {
  restoreClock = useTestClock({ sleep: async () => undefined });
});
afterAll(() => restoreClock());
beforeAll(async () => {
  ok = await startServer(reply(201, JSON.stringify({ Id: GUID }), { 'Content-Type': 'application/json' }));
  silent = await startSilentServer();
  tlsServer = await startServer(reply(201, '{}'), { tls: true });
  big = await startServer(reply(200, 'x'.repeat(64 * 1024), { 'Content-Type': 'text/plain' }));
  unauthorized = await startServer(reply(401, '{"Message":"Unauthorized"}', { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="api"' }));
  failing = await startServer(reply(500, '<html>Internal Server Error</html>', { 'Content-Type': 'text/html' }));
  redirect = await startServer(reply(307, '', { Location: 'http://127.0.0.1:9/elsewhere' }));
  refused = `http://127.0.0.1:${await refusedPort()}`;
});

afterAll(async () => {
  await Promise.all([ok, silent, tlsServer, big, unauthorized, failing, redirect].map((s) => s.close()));
});

const retest = { json_body: { BaseScanId: GUID } };
const afInput = { path_parameters: { id: PROJECT_ID }, json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [VULN_ID] } };
const inv = (url: string, extra: Record<string, unknown> = {}) => ({ url, user_id: USER, api_token: TOKEN, ...extra });
const af = (url: string, extra: Record<string, unknown> = {}) => ({ url, api_key: KEY, ...extra });
// Retry waits take no time here (useTestClock, below): scenarios with `fast` are ones that retry.
const fast = {};

interface Scenario {
  name: string;
  action: string;
  input: unknown;
  connection: () => Record<string, unknown>;
  options?: Record<string, unknown>;
  /** The outcome the library must give: an error code, or an HTTP status in the envelope. */
  expected: string | number;
}

const SCENARIOS: Scenario[] = [
  { name: 'invalid input', action: 'invicti_scan_retest', input: { json_body: { BaseScanId: 'nope', Extra: TOKEN } }, connection: () => inv(ok.url), expected: 'INPUT_INVALID' },
  { name: 'invalid config (a token with a space)', action: 'invicti_scan_retest', input: retest, connection: () => inv(ok.url, { api_token: `${TOKEN} x` }), expected: 'CONFIG_INVALID' },
  { name: 'invalid config (a secret in the wrong field)', action: 'attackforge_request_new_project_retest', input: afInput, connection: () => af(ok.url, { url: `http://u:${KEY}@127.0.0.1/` }), expected: 'CONFIG_INVALID' },
  { name: 'unreadable ca_file', action: 'invicti_scan_retest', input: retest, connection: () => inv(tlsServer.url, { ca_file: `/nonexistent/${TOKEN}.pem` }), expected: 'CONFIG_INVALID' },
  { name: 'timeout', action: 'invicti_scan_retest', input: retest, connection: () => inv(silent.url, { timeout_ms: 300 }), expected: 'TIMEOUT' },
  { name: 'refused', action: 'attackforge_request_new_project_retest', input: afInput, connection: () => af(refused), options: fast, expected: 'CONNECTION_FAILED' },
  { name: 'proxy refused, credentials in the proxy URL', action: 'invicti_scan_retest', input: retest, connection: () => inv(ok.url, { http_proxy: `http://proxyuser:${PROXY_PASSWORD}@${refused.slice(7)}` }), options: fast, expected: 'CONNECTION_FAILED' },
  { name: 'TLS failure', action: 'invicti_scan_retest', input: retest, connection: () => inv(tlsServer.url), expected: 'TLS_FAILED' },
  { name: 'too large', action: 'attackforge_request_new_project_retest', input: afInput, connection: () => af(big.url, { max_response_bytes: 1024 }), expected: 'RESPONSE_TOO_LARGE' },
  { name: '401', action: 'invicti_scan_retest', input: retest, connection: () => inv(unauthorized.url), expected: 401 },
  { name: '500', action: 'attackforge_request_new_project_retest', input: afInput, connection: () => af(failing.url), expected: 500 },
  { name: 'redirect', action: 'invicti_scan_retest', input: retest, connection: () => inv(redirect.url), expected: 307 },
  { name: 'verify_ssl false (warning)', action: 'invicti_scan_retest', input: retest, connection: () => inv(tlsServer.url, { verify_ssl: false }), expected: 201 },
];

describe('library: no marker secret in any outcome', () => {
  test.each(SCENARIOS)('$name', async ({ action, input, connection, options, expected }) => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    let outcome: unknown;
    try {
      outcome = await runAction(action, input, connection(), options);
      expect((outcome as { status_code: number }).status_code).toBe(expected);
    } catch (error) {
      outcome = error;
      expect((error as { code?: string }).code).toBe(expected);
      // Only code, message, details (and the stack every Error has): no got options, no request, no cause.
      expect(Object.getOwnPropertyNames(error).sort()).toEqual(expect.arrayContaining(['code', 'message']));
      for (const name of ['cause', 'options', 'request', 'response', 'timings', 'input']) expect(error).not.toHaveProperty(name);
    } finally {
      emitWarning.mockRestore();
    }
    expectNoSecret('the outcome', outcome);
    expectNoSecret('the warnings', emitWarning.mock.calls);
  });

  test('dry run: the request as sent, with every credential masked', () => {
    for (const [action, input, connection] of [
      ['invicti_scan_retest', retest, inv(ok.url)],
      ['attackforge_request_new_project_retest', afInput, af(ok.url)],
      ['invicti_scan_launch_new_from_scan', { data_body: { id: GUID } }, inv(ok.url, { http_proxy: `http://proxyuser:${PROXY_PASSWORD}@127.0.0.1:3128` })],
    ] as const) {
      const request = dryRun(action, input, connection);
      expect(request.method).toBe('POST');
      expectNoSecret(`dry run of ${action}`, request);
    }
  });

  test('the marker check itself works (a leak would be caught)', () => {
    expect(() => expectNoSecret('bait', { nested: Object.defineProperty({}, 'hidden', { value: `Basic ${BASIC}`, enumerable: false }) })).toThrow(/secret marker/);
  });
});

const CLI = join(packageRoot, 'dist/cli/main.js');

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>, stdin: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // Only what node needs from the parent environment: no proxy variables, no NODE_OPTIONS.
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('CLI (dist/cli/main.js, built by npm test): no marker secret on stdout or stderr', () => {
  const invEnv = (url: string, extra: Record<string, string> = {}) => ({ INVICTI_URL: url, INVICTI_USER_ID: USER, INVICTI_API_TOKEN: TOKEN, ...extra });
  const afEnv = (url: string, extra: Record<string, string> = {}) => ({ ATTACKFORGE_URL: url, ATTACKFORGE_API_KEY: KEY, ...extra });

  const CASES: Array<{ name: string; action: string; input: unknown; env: () => Record<string, string>; args?: string[]; exit: number; code?: string }> = [
    { name: 'invalid input', action: 'invicti_scan_retest', input: { json_body: { BaseScanId: 'nope' } }, env: () => invEnv(ok.url), exit: 3, code: 'INPUT_INVALID' },
    { name: 'invalid config', action: 'invicti_scan_retest', input: retest, env: () => invEnv(ok.url, { INVICTI_API_TOKEN: `${TOKEN} x` }), exit: 3, code: 'CONFIG_INVALID' },
    { name: 'timeout', action: 'invicti_scan_retest', input: retest, env: () => invEnv(silent.url), args: ['--timeout-ms', '300'], exit: 4, code: 'TIMEOUT' },
    { name: 'refused', action: 'attackforge_request_new_project_retest', input: afInput, env: () => afEnv(refused), exit: 4, code: 'CONNECTION_FAILED' },
    { name: 'TLS failure', action: 'invicti_scan_retest', input: retest, env: () => invEnv(tlsServer.url), exit: 4, code: 'TLS_FAILED' },
    { name: 'too large', action: 'attackforge_request_new_project_retest', input: afInput, env: () => afEnv(big.url, { ATTACKFORGE_MAX_RESPONSE_BYTES: '1024' }), exit: 4, code: 'RESPONSE_TOO_LARGE' },
    { name: '401', action: 'invicti_scan_retest', input: retest, env: () => invEnv(unauthorized.url), exit: 1 },
    { name: '500', action: 'attackforge_request_new_project_retest', input: afInput, env: () => afEnv(failing.url), exit: 1 },
    { name: 'redirect', action: 'invicti_scan_retest', input: retest, env: () => invEnv(redirect.url), exit: 1 },
    { name: 'dry run', action: 'attackforge_request_new_project_retest', input: afInput, env: () => afEnv(ok.url), args: ['--dry-run'], exit: 0 },
    { name: 'dry run (Basic)', action: 'invicti_scan_retest', input: retest, env: () => invEnv(ok.url), args: ['--dry-run'], exit: 0 },
    { name: 'verify_ssl false prints a warning', action: 'invicti_scan_retest', input: retest, env: () => invEnv(tlsServer.url, { INVICTI_VERIFY_SSL: 'false' }), exit: 0 },
    { name: 'ca_file', action: 'invicti_scan_retest', input: retest, env: () => invEnv(tlsServer.url, { INVICTI_CA_FILE: tlsFixture('ca.pem') }), exit: 0 },
  ];

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does) before this test`);
  });

  test.each(CASES)('$name: exit $exit', async ({ action, input, env, args = [], exit, code }) => {
    const result = await runCli(['run', action, '--input', '-', ...args], env(), JSON.stringify(input));
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: exit, stderr: expect.any(String) });
    if (code) expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: { code } });
    if (env().INVICTI_VERIFY_SSL === 'false') expect(result.stderr).toContain('verification is OFF');
    expectNoSecret('CLI stdout', result.stdout);
    expectNoSecret('CLI stderr', result.stderr);
  });
});
