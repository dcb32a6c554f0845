// The built CLI as a child process against the simulator, over real loopback
// HTTP: what a playbook step or a person at a shell gets.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleSchema } from '../../src/contract/bundle.js';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { compileValidator } from '../../src/contract/schemas.js';
import { createTestClock, SEED_PROJECT_IDS, SEED_SCAN_IDS, SEED_VULNERABILITY_IDS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CLI_PATH, errorOf, runCli } from '../helpers/cli.js';

// Generous: tests spawn node processes and talk over sockets, slow on a loaded machine.
jest.setTimeout(60_000);

let sim: Simulator;
let dir: string;
let invictiEnv: Record<string, string>;
let attackforgeEnv: Record<string, string>;

beforeAll(async () => {
  // A clock that stands still: a scan launched here stays Queued however slow the machine is.
  sim = await startSimulator({ clock: createTestClock() });
  dir = mkdtempSync(join(tmpdir(), 'retest-cli-'));
  invictiEnv = { INVICTI_URL: sim.invictiUrl, INVICTI_USER_ID: sim.credentials.invicti.user_id, INVICTI_API_TOKEN: sim.credentials.invicti.api_token };
  attackforgeEnv = { ATTACKFORGE_URL: sim.attackforgeUrl, ATTACKFORGE_API_KEY: sim.credentials.attackforge.api_key };
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const retestInput = (id: string) => JSON.stringify({ json_body: { BaseScanId: id } });
const afInput = (projectId: string, vulnerabilityIds: string[], end = '2025-03-30T00:00:00.000Z') =>
  JSON.stringify({ path_parameters: { id: projectId }, json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', retesting_window_end: end, vulnerability_ids: vulnerabilityIds } });

/** Runs `fn` and returns how many requests reached the simulator meanwhile. */
async function requestsDuring(fn: () => Promise<unknown>): Promise<number> {
  const before = sim.requests.length;
  await fn();
  return sim.requests.length - before;
}

async function scanStatus(id: string): Promise<{ State: string }> {
  const auth = Buffer.from(`${sim.credentials.invicti.user_id}:${sim.credentials.invicti.api_token}`).toString('base64');
  const response = await fetch(`${sim.invictiUrl}/api/1.0/scans/status/${id}`, { headers: { Authorization: `Basic ${auth}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { State: string };
}

describe('run: happy paths (exit 0, the envelope alone on stdout)', () => {
  test('invicti_scan_retest queues a Retest scan the simulator then reports', async () => {
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: retestInput(SEED_SCAN_IDS.completed), env: invictiEnv });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const envelope = JSON.parse(result.stdout);
    expect(envelope).toMatchObject({ status_code: 201, reason: 'Created', json_body: { ScanType: 'Retest', State: 'Queued' } });
    expect(envelope.json_body.Id).not.toBe(SEED_SCAN_IDS.completed);
    expect(envelope.response_headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(compileValidator('schemas/actions/invicti_scan_retest.output.json')(envelope)).toBe(true);
    expect((await scanStatus(envelope.json_body.Id)).State).toBe('Queued');
  });

  test('invicti_scan_launch_new_from_scan sends the bare JSON string and gets a new Full scan', async () => {
    const input = file('newfromscan.json', { data_body: { id: SEED_SCAN_IDS.completedShop } });
    const before = sim.requests.length;
    const result = await runCli(['run', 'invicti_scan_launch_new_from_scan', '--input', input], { env: invictiEnv });
    expect(result.code).toBe(0);
    const envelope = JSON.parse(result.stdout);
    expect(envelope).toMatchObject({ status_code: 201, json_body: { ScanType: 'Full', State: 'Queued', TargetUrl: 'https://shop.demo.invalid/' } });
    expect(sim.requests.slice(before).map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/api/1.0/scans/newfromscan', JSON.stringify(SEED_SCAN_IDS.completedShop)],
    ]);
  });

  test('attackforge_request_new_project_retest gets the documented 200 status sentence', async () => {
    const result = await runCli(['run', 'attackforge_request_new_project_retest', '--input', '-'], {
      stdin: afInput(SEED_PROJECT_IDS.webApp, [SEED_VULNERABILITY_IDS.xssRetest, SEED_VULNERABILITY_IDS.sqliRetest]),
      env: attackforgeEnv,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status_code: 200,
      reason: 'OK',
      json_body: { status: `Project retest requested for Project ${SEED_PROJECT_IDS.webApp}` },
    });
  });
});

describe('run: non-2xx responses exit 1 and still print the envelope', () => {
  test('Invicti: a cancelled base scan is refused with 400 { Message }', async () => {
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: retestInput(SEED_SCAN_IDS.cancelled), env: invictiEnv });
    expect(result.code).toBe(1);
    const envelope = JSON.parse(result.stdout);
    expect(envelope.status_code).toBe(400);
    expect(envelope.json_body.Message).toMatch(/completed state/);
    expect(result.stderr).toMatch(/HTTP 400 Bad Request/);
  });

  test('Invicti: an unknown scan is 404, wrong credentials are 401', async () => {
    const unknown = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: retestInput('00000000-0000-4000-8000-000000000000'), env: invictiEnv });
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).status_code).toBe(404);

    const denied = await runCli(['run', 'invicti_scan_retest', '--input', '-'], {
      stdin: retestInput(SEED_SCAN_IDS.completed),
      env: { ...invictiEnv, INVICTI_API_TOKEN: 'wrong-token-5f1e' },
    });
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout)).toMatchObject({ status_code: 401, json_body: { Message: 'Authorization has been denied for this request.' } });
    expect(denied.stdout + denied.stderr).not.toContain('wrong-token-5f1e');
  });

  test('AttackForge: an unknown project is 404, a vulnerability not in Retest status is 400', async () => {
    const unknown = await runCli(['run', 'attackforge_request_new_project_retest', '--input', '-'], {
      stdin: afInput('0123456789abcdef01234567', [SEED_VULNERABILITY_IDS.xssRetest]),
      env: attackforgeEnv,
    });
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).status_code).toBe(404);

    const open = await runCli(['run', 'attackforge_request_new_project_retest', '--input', '-'], {
      stdin: afInput(SEED_PROJECT_IDS.webApp, [SEED_VULNERABILITY_IDS.hstsOpen]),
      env: attackforgeEnv,
    });
    expect(open.code).toBe(1);
    const envelope = JSON.parse(open.stdout);
    expect(envelope.status_code).toBe(400);
    expect(JSON.stringify(envelope.json_body)).toContain(SEED_VULNERABILITY_IDS.hstsOpen);
  });
});

describe('run: invalid input or configuration exits 3 and sends nothing', () => {
  test('an input that breaks the schema: INPUT_INVALID naming the field, nothing reached the simulator', async () => {
    let result!: Awaited<ReturnType<typeof runCli>>;
    const sent = await requestsDuring(async () => {
      result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: JSON.stringify({ json_body: { BaseScanId: 'not-a-guid' } }), env: invictiEnv });
    });
    expect(sent).toBe(0);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    const error = errorOf(result);
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.details).toEqual([{ field: 'json_body.BaseScanId', title: 'Base scan ID', message: expect.stringMatching(/^a GUID .*, e\.g\. /) }]);
  });

  test('an input file that is not JSON: INPUT_INVALID naming the file; a missing file is a usage error (2)', async () => {
    const broken = file('broken.json', '{"json_body": ');
    const notJson = await runCli(['run', 'invicti_scan_retest', '--input', broken], { env: invictiEnv });
    expect(notJson.code).toBe(3);
    expect(errorOf(notJson)).toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('broken.json') });

    const missing = await runCli(['run', 'invicti_scan_retest', '--input', join(dir, 'nope.json')], { env: invictiEnv });
    expect(missing.code).toBe(2);
    expect(errorOf(missing)).toMatchObject({ code: 'USAGE', message: expect.stringContaining('nope.json') });
  });

  test('AttackForge: a window that ends before it starts never leaves the machine', async () => {
    let result!: Awaited<ReturnType<typeof runCli>>;
    const sent = await requestsDuring(async () => {
      result = await runCli(['run', 'attackforge_request_new_project_retest', '--input', '-'], {
        stdin: afInput(SEED_PROJECT_IDS.webApp, [SEED_VULNERABILITY_IDS.xssRetest], '2025-03-01T00:00:00.000Z'),
        env: attackforgeEnv,
      });
    });
    expect(sent).toBe(0);
    expect(result.code).toBe(3);
    expect(errorOf(result).details).toEqual([{ field: 'json_body.retesting_window_end', title: 'Retesting window end', message: 'not before Retesting window start' }]);
  });

  test('no credentials anywhere: CONFIG_INVALID naming the fields and their environment variables', async () => {
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin: retestInput(SEED_SCAN_IDS.completed) });
    expect(result.code).toBe(3);
    const error = errorOf(result);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('INVICTI_USER_ID');
    expect(error.message).toContain('INVICTI_API_TOKEN');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: 'connection.user_id', title: 'User ID', message: 'required' },
        { field: 'connection.api_token', title: 'API token', message: 'required' },
      ]),
    );
  });

  test('a malformed boolean in the environment names the variable', async () => {
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], {
      stdin: retestInput(SEED_SCAN_IDS.completed),
      env: { ...invictiEnv, INVICTI_VERIFY_SSL: 'maybe' },
    });
    expect(result.code).toBe(3);
    expect(errorOf(result)).toMatchObject({ code: 'CONFIG_INVALID', details: [{ field: 'INVICTI_VERIFY_SSL', message: expect.any(String) }] });
  });

  test('a --connection file that is not JSON: CONFIG_INVALID without quoting the file (it holds secrets)', async () => {
    const path = file('broken-connection.json', `{"user_id": "u", "api_token": "tok-LEAK-7a1b" oops}`);
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-', '--connection', path], { stdin: retestInput(SEED_SCAN_IDS.completed) });
    expect(result.code).toBe(3);
    expect(errorOf(result)).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('broken-connection.json') });
    expect(result.stderr + result.stdout).not.toContain('tok-LEAK-7a1b');
  });
});

describe('run --dry-run', () => {
  test('prints the exact request with secrets masked and sends nothing', async () => {
    let result!: Awaited<ReturnType<typeof runCli>>;
    const sent = await requestsDuring(async () => {
      result = await runCli(['run', 'invicti_scan_launch_new_from_scan', '--input', '-', '--dry-run'], {
        stdin: JSON.stringify({ data_body: { id: SEED_SCAN_IDS.completed } }),
        env: invictiEnv,
      });
    });
    expect(sent).toBe(0);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      method: 'POST',
      url: `${sim.invictiUrl}/api/1.0/scans/newfromscan`,
      headers: { Accept: 'application/json', 'User-Agent': `retest-connectors/${manifest.version}`, 'Content-Type': 'application/json', Authorization: 'Basic ***' },
      body: JSON.stringify(SEED_SCAN_IDS.completed),
    });
    const basic = Buffer.from(`${sim.credentials.invicti.user_id}:${sim.credentials.invicti.api_token}`).toString('base64');
    for (const secret of [sim.credentials.invicti.api_token, basic]) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  test('AttackForge: the X-SSAPI-KEY is masked, the path and body are exact', async () => {
    const stdin = afInput(SEED_PROJECT_IDS.webApp, [SEED_VULNERABILITY_IDS.xssRetest]);
    const result = await runCli(['run', 'attackforge_request_new_project_retest', '--input', '-', '--dry-run'], { stdin, env: attackforgeEnv });
    expect(result.code).toBe(0);
    const request = JSON.parse(result.stdout);
    expect(request.url).toBe(`${sim.attackforgeUrl}/api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request`);
    expect(request.headers['X-SSAPI-KEY']).toBe('***');
    expect(request.body).toBe(JSON.stringify(JSON.parse(stdin).json_body));
    expect(result.stdout + result.stderr).not.toContain(sim.credentials.attackforge.api_key);
  });
  test('needs no credentials: the auth header is masked anyway; stderr says the real run needs them', async () => {
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-', '--dry-run'], {
      stdin: retestInput(SEED_SCAN_IDS.completed),
      env: { INVICTI_URL: sim.invictiUrl },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ url: `${sim.invictiUrl}/api/1.0/scans/retest`, headers: { Authorization: 'Basic ***' } });
    expect(result.stderr).toContain('INVICTI_USER_ID, INVICTI_API_TOKEN');
  });

  test('invalid input is still refused (exit 3), credentials or not', async () => {
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-', '--dry-run'], { stdin: retestInput('nope'), env: invictiEnv });
    expect(result.code).toBe(3);
    expect(errorOf(result)).toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('Base scan ID: a GUID') });
  });
});

describe('run: where the connection comes from', () => {
  test('from a --connection file alone', async () => {
    const connection = file('invicti.json', { url: sim.invictiUrl, ...sim.credentials.invicti });
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-', '--connection', connection], { stdin: retestInput(SEED_SCAN_IDS.completed) });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).status_code).toBe(201);
  });

  test('from the environment alone (AttackForge)', async () => {
    const result = await runCli(['run', 'attackforge_request_new_project_retest', '--input', '-'], {
      stdin: afInput(SEED_PROJECT_IDS.mobileApi, [SEED_VULNERABILITY_IDS.bolaRetest]),
      env: attackforgeEnv,
    });
    expect(result.code).toBe(0);
  });

  test('fields in the file win over the environment; the environment fills the rest', async () => {
    const connection = file('token-only.json', { api_token: sim.credentials.invicti.api_token });
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-', '--connection', connection], {
      stdin: retestInput(SEED_SCAN_IDS.completed),
      env: { ...invictiEnv, INVICTI_API_TOKEN: 'stale-token-in-env' },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).status_code).toBe(201);
  });

  test('a field the connection schema does not know is CONFIG_INVALID', async () => {
    const connection = file('typo.json', { url: sim.invictiUrl, ...sim.credentials.invicti, verfy_ssl: false });
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-', '--connection', connection], { stdin: retestInput(SEED_SCAN_IDS.completed) });
    expect(result.code).toBe(3);
    expect(errorOf(result).details).toEqual([{ field: 'connection.verfy_ssl', title: 'connection.verfy_ssl', message: 'not an allowed field' }]);
  });
});

describe('run: no HTTP response exits 4', () => {
  test('a port nobody listens on: CONNECTION_FAILED on stderr, nothing on stdout', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], {
      stdin: retestInput(SEED_SCAN_IDS.completed),
      env: { ...invictiEnv, INVICTI_URL: `http://127.0.0.1:${port}` },
    });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(errorOf(result).code).toBe('CONNECTION_FAILED');
    expect(result.stderr).not.toContain(sim.credentials.invicti.api_token);
  });
});

describe('list and describe', () => {
  test('list --json: id, title, vendor, method and path of every action in connector.json', async () => {
    const result = await runCli(['list', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(manifest.actions.map(({ id, title, vendor, method, path }) => ({ id, title, vendor, method, path })));
  });

  test('list: a table naming every action', async () => {
    const result = await runCli(['list']);
    expect(result.code).toBe(0);
    for (const action of manifest.actions) expect(result.stdout).toContain(`${action.id}`);
    expect(result.stdout).toContain('/api/ss/project/{id}/retest/request');
  });

  test('list: one section per vendor, headed by its name from the manifest, holding exactly its actions', async () => {
    const result = await runCli(['list']);
    const sections = result.stdout.trimEnd().split('\n\n');
    expect(sections.map((s) => s.split('\n')[0])).toEqual(manifest.vendors.map((v) => `${v.name} (${v.id})`));
    manifest.vendors.forEach((vendor, i) => {
      const ids = sections[i]!.split('\n').slice(2).map((line) => line.trim().split(/\s+/)[0]);
      expect(ids).toEqual(manifest.actions.filter((a) => a.vendor === vendor.id).map((a) => a.id));
    });
  });

  test('describe --json: the schemas in full, self-contained (bundled), and an example input that the input schema accepts', async () => {
    for (const action of manifest.actions) {
      const result = await runCli(['describe', action.id, '--json']);
      expect(result.code).toBe(0);
      const description = JSON.parse(result.stdout);
      expect(description.input_schema).toEqual(bundleSchema(action.input_schema));
      expect(description.output_schema).toEqual(bundleSchema(action.output_schema));
      expect(JSON.stringify(description)).not.toMatch(/"\$ref":"(?!#)/);
      expect(compileValidator(action.input_schema)(description.example_input)).toBe(true);
    }
  });

  test('describe: the example input works as is against the simulator', async () => {
    const described = await runCli(['describe', 'invicti_scan_retest', '--json']);
    const stdin = JSON.stringify(JSON.parse(described.stdout).example_input);
    const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], { stdin, env: invictiEnv });
    expect(result.code).toBe(0);
  });

  test('describe: human text with the input fields, the environment variables and the example', async () => {
    const result = await runCli(['describe', 'attackforge_request_new_project_retest']);
    expect(result.code).toBe(0);
    for (const text of ['json_body.vulnerability_ids', 'path_parameters.id', 'ATTACKFORGE_API_KEY', '"retesting_window_start"']) {
      expect(result.stdout).toContain(text);
    }
  });
});

describe('usage: --help everywhere, clear errors, exit 2', () => {
  test.each([[['--help']], [['help']], [['list', '--help']], [['describe', '--help']], [['run', '--help']], [['simulate', '--help']], [['help', 'run']]])(
    '%j prints usage on stdout and exits 0',
    async (args) => {
      const result = await runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Usage/);
    },
  );

  test('run --help documents every environment variable and every exit status', async () => {
    const { stdout } = await runCli(['run', '--help']);
    for (const name of ['INVICTI_URL', 'INVICTI_USER_ID', 'INVICTI_API_TOKEN', 'INVICTI_VERIFY_SSL', 'ATTACKFORGE_URL', 'ATTACKFORGE_API_KEY', 'ATTACKFORGE_VERIFY_SSL']) {
      expect(stdout).toContain(name);
    }
    for (const code of ['0 ', '1 ', '2 ', '3 ', '4 ']) expect(stdout).toContain(`\n  ${code}`);
  });

  test.each([
    [['frobnicate'], 'frobnicate'],
    [[], 'No command'],
    [['--frob'], '--frob'],
    [['list', '--frob'], '--frob'],
    [['describe', 'no_such_action'], 'no_such_action'],
    [['run', 'no_such_action', '--input', '-'], 'no_such_action'],
    [['run', 'invicti_scan_retest'], '--input'],
    [['run', 'invicti_scan_retest', '--input'], '--input'],
    [['run', 'invicti_scan_retest', '--input', '-', '--timeout-ms', 'soon'], '--timeout-ms'],
    [['describe'], '<action>'],
    [['simulate', '--port', 'eighty'], '--port'],
    [['simulate', '--scan-seconds', 'soon'], '--scan-seconds'],
  ])('%j: USAGE error naming %s, exit 2, nothing on stdout', async (args, named) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const error = errorOf(result);
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain(named);
    expect(error.message).toContain('--help');
  });
});

describe('simulate', () => {
  test('runs in the foreground, prints its URL and demo credentials, serves both APIs, stops on SIGTERM with exit 0', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'simulate', '--port', '0', '--scan-seconds', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match && stdout.includes('ATTACKFORGE_API_KEY')) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(`simulate exited early: ${stdout}`)));
    });
    try {
      for (const text of ['demo-user', 'demo-token', 'demo-ssapi-key', SEED_SCAN_IDS.completed, SEED_SCAN_IDS.running, SEED_PROJECT_IDS.webApp]) {
        expect(stdout).toContain(text);
      }
      const result = await runCli(['run', 'invicti_scan_retest', '--input', '-'], {
        stdin: retestInput(SEED_SCAN_IDS.completed),
        env: { INVICTI_URL: url, INVICTI_USER_ID: 'demo-user', INVICTI_API_TOKEN: 'demo-token' },
      });
      expect(result.code).toBe(0);
      expect(stdout).toContain('Complete in 0 s (--scan-seconds)');
      // --scan-seconds 0: the launch answers the queued scan, which is complete at the next look.
      expect(JSON.parse(result.stdout).json_body.State).toBe('Queued');
      const status = await fetch(`${url}/api/1.0/scans/status/${JSON.parse(result.stdout).json_body.Id}`, {
        headers: { Authorization: 'Basic ' + Buffer.from('demo-user:demo-token').toString('base64') },
      });
      expect((await status.json()).State).toBe('Complete');
      const af = await fetch(`${url}/api/ss/projects`, { headers: { 'X-SSAPI-KEY': 'demo-ssapi-key' } });
      expect(af.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
