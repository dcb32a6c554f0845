// `retest-connectors mcp` driven by the MCP SDK's own Client, over stdio (the
// built CLI spawned as a desktop agent would) and over Streamable HTTP on
// 127.0.0.1, against the simulator. Requests are asserted where the simulator
// runs in this process (its request log), and through the vendor API where it
// runs inside the server (`--simulator`).
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { createAjv, getSchema } from '../../src/contract/schemas.js';
import { SEED_PROJECT_IDS, SEED_SCAN_IDS, SEED_VULNERABILITY_IDS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';

jest.setTimeout(60_000);

const TOKEN = 'test-bearer-token-0123456789abcdef';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

/** The environment a client would configure: the in-test simulator and its demo credentials, nothing inherited. */
function simulatorEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    INVICTI_URL: sim.invictiUrl,
    INVICTI_USER_ID: sim.credentials.invicti.user_id,
    INVICTI_API_TOKEN: sim.credentials.invicti.api_token,
    ATTACKFORGE_URL: sim.attackforgeUrl,
    ATTACKFORGE_API_KEY: sim.credentials.attackforge.api_key,
    ...extra,
  };
}

function collect(stream: Readable | null | undefined): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => (text += chunk));
  return () => text;
}

async function stdioClient(args: string[], env: Record<string, string>): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI_PATH, 'mcp', ...args], env, cwd: packageRoot, stderr: 'pipe' });
  const stderr = collect(transport.stderr as Readable | null);
  const client = new Client({ name: 'retest-connectors-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr };
}

/** The text blocks of a tool result, joined. */
function text(result: unknown): string {
  return (((result as { content?: { type: string; text?: string }[] }).content) ?? []).map((c) => c.text ?? '').join('\n');
}

const retestArgs = (id: string) => ({ json_body: { BaseScanId: id } });
const afArgs = (vulnerabilityIds: string[]) => ({
  path_parameters: { id: SEED_PROJECT_IDS.webApp },
  json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', retesting_window_end: '2025-03-30T00:00:00.000Z', vulnerability_ids: vulnerabilityIds },
});

/** What no tool result and no log line may contain: the secrets of both connections, and the Basic credential. */
function secrets(): string[] {
  const { user_id, api_token } = sim.credentials.invicti;
  return [api_token, sim.credentials.attackforge.api_key, Buffer.from(`${user_id}:${api_token}`).toString('base64')];
}

describe('stdio: mcp --simulator (the built-in simulator, as the README snippet runs it)', () => {
  let client: Client;
  let stderr: () => string;
  let simulatorUrl: string;

  beforeAll(async () => {
    ({ client, stderr } = await stdioClient(['--simulator'], { PATH: process.env.PATH ?? '' }));
    simulatorUrl = /simulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr())?.[1] ?? '';
  });
  afterAll(async () => {
    await client.close();
  });

  test('listTools: one tool per action, named by id, annotations from the hints, openWorldHint true', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(manifest.actions.map((a) => a.id));
    for (const action of manifest.actions) {
      const tool = tools.find((t) => t.name === action.id)!;
      expect(tool.title).toBe(action.title);
      expect(tool.description).toContain(action.description);
      expect(tool.annotations).toEqual({
        title: action.title,
        readOnlyHint: action.hints.readOnly,
        destructiveHint: action.hints.destructive,
        idempotentHint: action.hints.idempotent,
        openWorldHint: true,
      });
    }
  });

  test('listTools: every schema is an object schema that compiles alone (the SDK client\'s Ajv and a strict Ajv) with no outside $ref', async () => {
    const { tools } = await client.listTools();
    const sdkAjv = new AjvJsonSchemaValidator();
    for (const tool of tools) {
      const action = manifest.actions.find((a) => a.id === tool.name)!;
      for (const schema of [tool.inputSchema, tool.outputSchema!]) {
        expect(schema.type).toBe('object');
        expect(JSON.stringify(schema)).not.toMatch(/"\$ref":"(?!#)/);
        expect(() => createAjv().compile(schema)).not.toThrow();
        expect(() => sdkAjv.getValidator(schema)).not.toThrow();
      }
      // The schema's own examples are valid inputs and outputs under the tool's copies.
      const inputOk = sdkAjv.getValidator(tool.inputSchema);
      for (const example of (getSchema(action.input_schema).examples as unknown[] | undefined) ?? []) expect(inputOk(example).valid).toBe(true);
      const required = (getSchema(action.input_schema).required as string[] | undefined) ?? [];
      expect(inputOk({}).valid).toBe(required.length === 0); // an action whose input is all optional accepts {}
      const outputOk = sdkAjv.getValidator(tool.outputSchema!);
      for (const example of (getSchema(action.output_schema).examples as unknown[] | undefined) ?? []) expect(outputOk(example).valid).toBe(true);
    }
  });

  test('callTool invicti_scan_retest: 201, the envelope as structuredContent, and the simulator really queued the retest', async () => {
    const result = await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs(SEED_SCAN_IDS.completed) });
    expect(result.isError).toBeFalsy();
    const envelope = result.structuredContent as { status_code: number; json_body: { Id: string; ScanType: string; State: string } };
    expect(envelope.status_code).toBe(201);
    expect(envelope.json_body).toMatchObject({ ScanType: 'Retest', State: 'Queued' });
    expect(text(result)).toMatch(/^HTTP 201 Created: Id [0-9a-f-]{36}, ScanType Retest, State Queued/);
    // Read back through the vendor API of the server's own simulator.
    expect(simulatorUrl).toMatch(/^http:/);
    const auth = Buffer.from('demo-user:demo-token').toString('base64');
    const status = await fetch(`${simulatorUrl}/api/1.0/scans/status/${envelope.json_body.Id}`, { headers: { Authorization: `Basic ${auth}` } });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { State: string }).State).toBe('Queued');
  });

  test('callTool attackforge_request_new_project_retest: 200 and the round is on the project', async () => {
    const result = await client.callTool({ name: 'attackforge_request_new_project_retest', arguments: afArgs([SEED_VULNERABILITY_IDS.xssRetest]) });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status_code: 200, json_body: { status: `Project retest requested for Project ${SEED_PROJECT_IDS.webApp}` } });
    const project = await fetch(`${simulatorUrl}/api/ss/project/${SEED_PROJECT_IDS.webApp}`, { headers: { 'X-SSAPI-KEY': 'demo-ssapi-key' } });
    expect(project.status).toBe(200);
    expect(JSON.stringify(await project.json())).toContain(SEED_VULNERABILITY_IDS.xssRetest);
  });

  test('stderr carries the log; it names calls, never the demo secrets', () => {
    expect(stderr()).toContain('tools/call invicti_scan_retest: HTTP 201');
    expect(stderr()).not.toContain('demo-token');
  });
});

describe('stdio against a simulator in this process: what was sent', () => {
  let client: Client;
  let stderr: () => string;

  beforeAll(async () => {
    ({ client, stderr } = await stdioClient([], simulatorEnv()));
  });
  afterAll(async () => {
    await client.close();
  });

  test('invicti_scan_retest sends exactly POST /api/1.0/scans/retest with the input body and Basic auth', async () => {
    const before = sim.requests.length;
    const result = await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs(SEED_SCAN_IDS.completedShop) });
    expect(result.isError).toBeFalsy();
    const sent = sim.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ vendor: 'invicti', method: 'POST', path: '/api/1.0/scans/retest', status: 201, body: JSON.stringify(retestArgs(SEED_SCAN_IDS.completedShop).json_body) });
    expect(sent[0]!.headers.authorization).toBe('***'); // present (masked by the simulator's log)
    expect(sent[0]!.headers['content-type']).toBe('application/json');
  });

  test('invicti_scan_launch_new_from_scan sends the bare JSON string body', async () => {
    const before = sim.requests.length;
    const result = await client.callTool({ name: 'invicti_scan_launch_new_from_scan', arguments: { data_body: { id: SEED_SCAN_IDS.completed } } });
    expect(result.structuredContent).toMatchObject({ status_code: 201, json_body: { ScanType: 'Full' } });
    expect(sim.requests.slice(before)).toMatchObject([{ method: 'POST', path: '/api/1.0/scans/newfromscan', body: JSON.stringify(SEED_SCAN_IDS.completed) }]);
  });

  test('attackforge_request_new_project_retest sends the path parameter and body with X-SSAPI-KEY', async () => {
    const before = sim.requests.length;
    const args = afArgs([SEED_VULNERABILITY_IDS.sqliRetest]);
    const result = await client.callTool({ name: 'attackforge_request_new_project_retest', arguments: args });
    expect(result.isError).toBeFalsy();
    const sent = sim.requests.slice(before);
    expect(sent).toMatchObject([{ vendor: 'attackforge', method: 'POST', path: `/api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request`, body: JSON.stringify(args.json_body), status: 200 }]);
    expect(sent[0]!.headers['x-ssapi-key']).toBe('***');
  });

  test('an input error is an error result naming the field; nothing is sent', async () => {
    const before = sim.requests.length;
    const result = await client.callTool({ name: 'invicti_scan_retest', arguments: { json_body: { BaseScanId: 'not-a-guid', Extra: 1 } } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const { error } = JSON.parse(text(result)) as { error: { code: string; details: { field: string }[] } };
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.details.map((d) => d.field)).toEqual(expect.arrayContaining(['json_body.BaseScanId', 'json_body.Extra']));
    const missing = await client.callTool({ name: 'attackforge_request_new_project_retest', arguments: { path_parameters: { id: SEED_PROJECT_IDS.webApp } } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toContain('Request body: required');
    expect(sim.requests.length).toBe(before);
  });

  test('a non-2xx answer is an error result that still carries the envelope', async () => {
    const result = await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs(SEED_SCAN_IDS.running) });
    expect(result.isError).toBe(true);
    const envelope = result.structuredContent as { status_code: number; json_body: { Message: string } };
    expect(envelope.status_code).toBe(400);
    expect(envelope.json_body.Message).toMatch(/completed state/);
    expect(text(result)).toMatch(/^HTTP 400 Bad Request: Message /);
    const af = await client.callTool({ name: 'attackforge_request_new_project_retest', arguments: afArgs([SEED_VULNERABILITY_IDS.hstsOpen]) });
    expect(af.isError).toBe(true);
    expect(af.structuredContent).toMatchObject({ status_code: 400 });
  });

  test('an unknown tool is a protocol error (InvalidParams)', async () => {
    await expect(client.callTool({ name: 'no_such_action', arguments: {} })).rejects.toThrow(/Unknown tool "no_such_action"/);
  });

  test('no secret in any result text or log line', async () => {
    const results = [
      await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs(SEED_SCAN_IDS.cancelled) }),
      await client.callTool({ name: 'invicti_scan_retest', arguments: { json_body: {} } }),
    ];
    for (const secret of secrets()) {
      for (const result of results) expect(JSON.stringify(result)).not.toContain(secret);
      expect(stderr()).not.toContain(secret);
    }
  });
});

describe('the README', () => {
  test('its simulator client snippet works as written (with the clone\'s path filled in)', async () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Client configuration (stdio)'));
    const snippet = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!.replaceAll('/absolute/path/to/retest-connectors', packageRoot)) as {
      mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }>;
    };
    const server = snippet.mcpServers['retest-connectors']!;
    expect(server.args).toEqual([CLI_PATH, 'mcp', '--simulator']);
    const transport = new StdioClientTransport({ command: server.command, args: server.args, env: { PATH: process.env.PATH ?? '', ...server.env }, stderr: 'pipe' });
    const client = new Client({ name: 'readme', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs(SEED_SCAN_IDS.completed) });
      expect(result.structuredContent).toMatchObject({ status_code: 201 });
    } finally {
      await client.close();
    }
  });
});

describe('stdio: connections come from the environment and --connection files, at start', () => {
  test('a missing connection is a CONFIG_INVALID tool error naming the variables; the other vendor still works', async () => {
    const env = simulatorEnv();
    delete env.ATTACKFORGE_URL;
    delete env.ATTACKFORGE_API_KEY;
    const { client, stderr } = await stdioClient([], env);
    try {
      expect(stderr()).toMatch(/attackforge: .*ATTACKFORGE_URL, ATTACKFORGE_API_KEY are set/);
      const before = sim.requests.length;
      const af = await client.callTool({ name: 'attackforge_request_new_project_retest', arguments: afArgs([SEED_VULNERABILITY_IDS.xssRetest]) });
      expect(af.isError).toBe(true);
      const { error } = JSON.parse(text(af)) as { error: { code: string; message: string } };
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('ATTACKFORGE_API_KEY');
      expect(sim.requests.length).toBe(before);
      const invicti = await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs(SEED_SCAN_IDS.completed) });
      expect(invicti.structuredContent).toMatchObject({ status_code: 201 });
    } finally {
      await client.close();
    }
  });

  test('--connection <id>=<file> fills a connection, over the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retest-mcp-'));
    const file = join(dir, 'attackforge.json');
    writeFileSync(file, JSON.stringify({ url: sim.attackforgeUrl, api_key: sim.credentials.attackforge.api_key }));
    const env = simulatorEnv({ ATTACKFORGE_API_KEY: 'wrong-key-from-env' });
    const { client } = await stdioClient(['--connection', `attackforge=${file}`], env);
    try {
      const args = { path_parameters: { id: SEED_PROJECT_IDS.mobileApi }, json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [SEED_VULNERABILITY_IDS.bolaRetest] } };
      const af = await client.callTool({ name: 'attackforge_request_new_project_retest', arguments: args });
      expect(af.structuredContent).toMatchObject({ status_code: 200 });
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('usage errors exit 2 before serving: unknown connection id, --simulator with --connection, --port without --http', async () => {
    for (const args of [['--connection', 'nope=x.json'], ['--simulator', '--connection', 'invicti=x.json'], ['--port', '1234'], ['--connection', 'invicti']]) {
      const result = await runCli(['mcp', ...args]);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toContain('"code":"USAGE"');
    }
  });
});

/** `mcp --http` as a child process; resolves once it prints its URL. */
async function startHttpChild(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string; stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI_PATH, 'mcp', '--http', '--port', '0', ...args], { env, cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = collect(child.stderr);
  const stdout = collect(child.stdout);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      // Ready once both start-up lines are in (they are two writes: one may arrive before the other).
      const match = /tools at (http:\/\/\S+\/mcp)/.exec(stderr());
      if (match && /bearer token[^\n]*\n/.test(stderr())) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`mcp --http exited ${code}: ${stderr()}`));
    });
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.once('exit', (code) => {
        expect(stdout()).toBe(''); // nothing on stdout in HTTP mode either
        resolve(code);
      });
      child.kill('SIGTERM');
    });
  return { child, url, stderr, stop };
}

async function httpClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'retest-connectors-e2e-http', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const mcpHeaders = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** A raw request where fetch cannot go (a forged Host header). */
function rawPost(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A POST the server should refuse: its status as text, or the code of the error the client saw writing it. */
function refusedPost(url: string, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(body);
  });
}

describe('Streamable HTTP on 127.0.0.1', () => {
  let server: Awaited<ReturnType<typeof startHttpChild>>;
  let client: Client;

  beforeAll(async () => {
    server = await startHttpChild([], simulatorEnv({ RETEST_MCP_TOKEN: TOKEN }));
    client = await httpClient(server.url, TOKEN);
  });
  afterAll(async () => {
    await client.close();
    expect(await server.stop()).toBe(0);
  });

  test('binds loopback and says the token comes from RETEST_MCP_TOKEN (never prints it)', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.stderr()).toContain('bearer token from RETEST_MCP_TOKEN');
    expect(server.stderr()).not.toContain(TOKEN);
  });

  test('listTools and a call for each vendor, asserted on the simulator', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(manifest.actions.map((a) => a.id));
    const before = sim.requests.length;
    const retest = await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs(SEED_SCAN_IDS.completed) });
    expect(retest.structuredContent).toMatchObject({ status_code: 201, json_body: { ScanType: 'Retest' } });
    const af = await client.callTool({ name: 'attackforge_request_new_project_retest', arguments: afArgs([SEED_VULNERABILITY_IDS.xssRetest]) });
    expect(af.structuredContent).toMatchObject({ status_code: 200 });
    expect(sim.requests.slice(before)).toMatchObject([
      { method: 'POST', path: '/api/1.0/scans/retest', body: JSON.stringify({ BaseScanId: SEED_SCAN_IDS.completed }) },
      { method: 'POST', path: `/api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request` },
    ]);
  });

  test('an input error and a non-2xx over HTTP too', async () => {
    const before = sim.requests.length;
    const bad = await client.callTool({ name: 'invicti_scan_launch_new_from_scan', arguments: { data_body: {} } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain('data_body.id');
    expect(sim.requests.length).toBe(before);
    const notFound = await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs('00000000-0000-4000-8000-000000000000') });
    expect(notFound.isError).toBe(true);
    expect(notFound.structuredContent).toMatchObject({ status_code: 404 });
  });

  test('missing or wrong bearer token: 401 with WWW-Authenticate, and the SDK client cannot connect', async () => {
    const none = await fetch(server.url, { method: 'POST', headers: mcpHeaders, body: initialize });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(server.url, { method: 'POST', headers: { ...mcpHeaders, Authorization: 'Bearer wrong-token' }, body: initialize });
    expect(wrong.status).toBe(401);
    const basic = await fetch(server.url, { method: 'POST', headers: { ...mcpHeaders, Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }, body: initialize });
    expect(basic.status).toBe(401);
    await expect(httpClient(server.url, 'wrong-token')).rejects.toThrow();
  });

  test('a foreign Origin or Host is refused with 403 (DNS rebinding); loopback origins and no Origin are served', async () => {
    const auth = { ...mcpHeaders, Authorization: `Bearer ${TOKEN}` };
    const foreign = await fetch(server.url, { method: 'POST', headers: { ...auth, Origin: 'http://evil.example' }, body: initialize });
    expect(foreign.status).toBe(403);
    const lookalike = await fetch(server.url, { method: 'POST', headers: { ...auth, Origin: 'http://localhost.evil.example:8788' }, body: initialize });
    expect(lookalike.status).toBe(403);
    expect(await rawPost(server.url, { ...auth, Host: 'evil.example' }, initialize)).toBe(403);
    const local = await fetch(server.url, { method: 'POST', headers: { ...auth, Origin: 'http://localhost:5173' }, body: initialize });
    expect(local.status).toBe(200);
    await local.body?.cancel();
  });

  test('an oversized body is refused with 413 before it is read (or the socket is closed on the sender); nothing runs; other paths are 404', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'invicti_scan_retest', arguments: { pad: 'x'.repeat(3 * 1024 * 1024) } } });
    const before = sim.requestCount;
    // The server answers 413 and closes at once; the client may still be writing then. Which side of that race the
    // kernel picks decides whether the client reads the 413 or sees its write fail: both are a refusal.
    const outcome = await refusedPost(server.url, { ...mcpHeaders, Authorization: `Bearer ${TOKEN}`, 'Content-Length': String(Buffer.byteLength(big)) }, big);
    expect(['413', 'EPIPE', 'ECONNRESET']).toContain(outcome);
    // Nothing was processed, and the server still serves.
    const { tools } = await client.listTools();
    expect(tools.length).toBe(manifest.actions.length);
    expect(sim.requestCount).toBe(before);
    const other = await fetch(server.url.replace(/\/mcp$/, '/other'), { method: 'POST', headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}` }, body: initialize });
    expect(other.status).toBe(404);
  });
});

describe('Streamable HTTP: the token', () => {
  test('without RETEST_MCP_TOKEN a token is generated, printed once on stderr, and works', async () => {
    const server = await startHttpChild(['--simulator'], { PATH: process.env.PATH ?? '' });
    try {
      const lines = server.stderr().split('\n').filter((line) => line.includes('bearer token'));
      expect(lines).toHaveLength(1);
      const token = /: (\S+)$/.exec(lines[0]!)![1]!;
      expect(token.length).toBeGreaterThanOrEqual(32);
      const client = await httpClient(server.url, token);
      const result = await client.callTool({ name: 'invicti_scan_retest', arguments: retestArgs(SEED_SCAN_IDS.completed) });
      expect(result.structuredContent).toMatchObject({ status_code: 201 });
      await client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test('a non-loopback --host without RETEST_MCP_TOKEN is refused at start (exit 2), nothing bound', async () => {
    const result = await runCli(['mcp', '--http', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('RETEST_MCP_TOKEN');
  });
});
