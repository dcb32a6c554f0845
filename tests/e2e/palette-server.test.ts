// The palette server's own bounds, over loopback HTTP (no browser): at most maxRuns runs at once, a closed
// connection ends its run (and frees its place), and a bare --connection file is read as `run` reads it.
// Ordering comes from the server's own events (the first progress line of a run, the log line of an ended
// run), never from time.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaletteServer, type RunningPaletteServer } from '../../src/palette/server.js';
import { SEED_SCAN_IDS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startPalette } from '../helpers/palette.js';

const TOKEN = 'palette-server-test-token-0123456789';
let sim: Simulator;
let siteDir: string;
let server: RunningPaletteServer;
let origin: string;
const logLines: string[] = [];
const logWaiters: { pattern: RegExp; resolve: () => void }[] = [];

function log(line: string) {
  logLines.push(line);
  for (const waiter of logWaiters.splice(0)) {
    if (waiter.pattern.test(line)) waiter.resolve();
    else logWaiters.push(waiter);
  }
}

const logged = (pattern: RegExp) =>
  logLines.some((l) => pattern.test(l)) ? Promise.resolve() : new Promise<void>((resolve) => logWaiters.push({ pattern, resolve }));

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  siteDir = mkdtempSync(join(tmpdir(), 'palette-server-site-'));
  mkdirSync(siteDir, { recursive: true });
  writeFileSync(join(siteDir, 'index.html'), '<!doctype html><meta name="palette-mode" content="static"><script src="app.js"></script>');
  writeFileSync(join(siteDir, 'app.js'), '');
  server = await startPaletteServer({ host: '127.0.0.1', port: 0, token: TOKEN, siteDir, connections: sim.connections, log, maxRuns: 2 });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
  if (siteDir) rmSync(siteDir, { recursive: true, force: true });
});

/** A wait on the Paused scan (it never ends by itself): the run holds its place until its connection closes. */
function openWait(): Promise<{ req: ClientRequest; res: IncomingMessage; firstLine: string }> {
  const body = JSON.stringify({ action: 'invicti_scan_wait', input: { path_parameters: { id: SEED_SCAN_IDS.paused }, wait: { interval_s: 600, timeout_s: 3600 } } });
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/api/run`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const onData = (chunk: string) => {
        text += chunk;
        if (text.includes('\n')) {
          res.off('data', onData);
          resolve({ req, res, firstLine: text.slice(0, text.indexOf('\n')) });
        }
      };
      res.on('data', onData);
    });
    req.once('error', reject);
    req.end(body);
  });
}

const post = (action: string, input: unknown) =>
  fetch(`${origin}/api/run`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ action, input }) });

describe('runs at once are bounded', () => {
  test('past maxRuns a run is refused with 503 and Retry-After; a closed connection ends its run and frees its place', async () => {
    const first = await openWait();
    const second = await openWait();
    for (const held of [first, second]) expect(JSON.parse(held.firstLine)).toMatchObject({ type: 'progress', progress: { state: 'Paused', polls: 1, done: false } });

    const refused = await post('invicti_scan_retest', { json_body: { BaseScanId: SEED_SCAN_IDS.completed } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/2 runs in progress/);

    // The page closes one run: the server aborts it (its log says so) and counts it out.
    first.req.destroy();
    await logged(/run invicti_scan_wait: ABORTED/);
    const admitted = await post('invicti_scan_retest', { json_body: { BaseScanId: SEED_SCAN_IDS.completed } });
    expect(admitted.status).toBe(200);
    const lines = (await admitted.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; envelope?: { status_code: number } });
    expect(lines.at(-1)).toMatchObject({ type: 'result', envelope: { status_code: 201 } });

    second.req.destroy();
    await new Promise<void>((resolve) => {
      const ended = () => logLines.filter((l) => /run invicti_scan_wait: ABORTED/.test(l)).length === 2;
      if (ended()) resolve();
      else logWaiters.push({ pattern: /run invicti_scan_wait: ABORTED/, resolve });
    });
    expect(logLines.filter((l) => /ABORTED/.test(l))).toHaveLength(2);
  });
});

describe('retest-connectors palette --connection <file>', () => {
  test('a bare file is the connection whose fields it holds; the session shows it set, its secret masked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palette-connection-'));
    const file = join(dir, 'forge.json');
    writeFileSync(file, JSON.stringify({ url: sim.url, api_key: sim.credentials.attackforge.api_key, allow_plain_http: true }));
    const palette = await startPalette(['--connection', file]);
    try {
      const session = (await (await fetch(`${palette.origin}/api/session`, { headers: { Authorization: `Bearer ${palette.token}` } })).json()) as {
        connections: Record<string, { fields: { name: string; set: boolean; value?: string }[] }>;
      };
      const forge = Object.fromEntries(session.connections.attackforge!.fields.map((f) => [f.name, f]));
      expect(forge.url).toMatchObject({ set: true, value: sim.url });
      expect(forge.api_key).toEqual(expect.objectContaining({ set: true }));
      expect(forge.api_key!.value).toBeUndefined();
      expect(JSON.stringify(session)).not.toContain(sim.credentials.attackforge.api_key);
    } finally {
      await palette.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file whose fields fit every connection is a usage error (exit 2) that asks for <id>=<file>', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palette-connection-'));
    const file = join(dir, 'shared.json');
    writeFileSync(file, JSON.stringify({ url: sim.url }));
    try {
      const result = await runCli(['palette', '--port', '0', '--connection', file]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('--connection <id>=<file>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('retest-connectors palette: usage errors exit 2 before serving', () => {
  test('a non-loopback --host without a token, a short token, a bad port, --simulator with --connection', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--host', '0.0.0.0'], {}, /not loopback: give --token \(or RETEST_PALETTE_TOKEN\)/],
      [['--host', '0.0.0.0'], { RETEST_PALETTE_TOKEN: '' }, /not loopback/],
      [['--token', 'short'], {}, /--token must be 16 to 512 printable characters/],
      [['--port', '70000'], {}, /--port must be a number from 0 to 65535/],
      [['--simulator', '--connection', 'invicti=x.json'], {}, /does not combine with --connection/],
    ];
    for (const [args, env, message] of cases) {
      const result = await runCli(['palette', ...args], { env });
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
  });
});
