// A vendor is data. On a copy of the project, a third vendor is added to connector.json and schemas/ only
// (Bearer auth, two plain actions, no simulator) and, with NO source change: `npm run generate` and its
// --check succeed, the CLI lists its actions, --dry-run masks its key, `run` sends
// `Authorization: Bearer <key>` to a loopback server, the MCP server lists its tools, and the generated
// n8n package has its node and credential (the key a password field).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { copyProject, type ProjectCopy } from '../helpers/project-copy.js';

const KEY = 'acme-key-0123456789abcdef';
const FINDING = 'F-1042';
type Json = Record<string, any>;

let project: ProjectCopy;
let manifest: Json;

/** The third vendor, as a contributor would add it: a vendor, a connection, two actions and their schemas. */
function addThirdVendor(copy: ProjectCopy): void {
  const transport = copy.readJson<Json>('schemas/shared/transport.json');
  copy.writeJson('schemas/connections/acme.json', {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://retest-connectors.invalid/schemas/connections/acme.json',
    title: 'Acme Scanner connection',
    description: 'Credentials and transport settings for the Acme Scanner API (Bearer token).',
    type: 'object',
    additionalProperties: false,
    required: ['url', 'api_key'],
    properties: {
      url: { title: 'URL', description: 'Base URL of the Acme API.', type: 'string', format: 'uri', pattern: '^https?://[^\\s]+$', maxLength: 2048, examples: ['https://api.acme.example'] },
      api_key: { title: 'API key', description: 'The Acme API token, sent as a Bearer token.', type: 'string', minLength: 1, maxLength: 1024, pattern: '^[\\x21-\\x7E]+$', format: 'password', writeOnly: true, examples: ['********'] },
      ...Object.fromEntries(Object.entries(transport.properties as Record<string, { $ref: string }>).map(([name, ref]) => [name, { $ref: `../shared/transport.json${ref.$ref}` }])),
    },
  });
  const idInput = (id: string, title: string) => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://retest-connectors.invalid/schemas/actions/${id}.input.json`,
    title: `${title} input`,
    description: `${title}: which finding.`,
    type: 'object',
    additionalProperties: false,
    required: ['path_parameters'],
    properties: {
      path_parameters: {
        title: 'Path parameters',
        description: 'Which finding.',
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: { title: 'Finding ID', description: 'The finding id.', type: 'string', pattern: '^F-[0-9]+$', maxLength: 32, examples: [FINDING] } },
        examples: [{ id: FINDING }],
      },
    },
    examples: [{ path_parameters: { id: FINDING } }],
  });
  const output = (id: string, title: string, status: number, reason: string) => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://retest-connectors.invalid/schemas/actions/${id}.output.json`,
    title: `${title} output`,
    description: 'The envelope; json_body is the finding as Acme returns it.',
    allOf: [{ $ref: '../shared/envelope.json' }],
    examples: [{ status_code: status, reason, response_headers: { 'Content-Type': 'application/json' }, json_body: { id: FINDING, status: 'retest_requested' } }],
  });
  copy.writeJson('schemas/actions/acme_get_finding.input.json', idInput('acme_get_finding', 'Get Finding'));
  copy.writeJson('schemas/actions/acme_get_finding.output.json', output('acme_get_finding', 'Get Finding', 200, 'OK'));
  copy.writeJson('schemas/actions/acme_request_retest.input.json', idInput('acme_request_retest', 'Request Retest'));
  copy.writeJson('schemas/actions/acme_request_retest.output.json', output('acme_request_retest', 'Request Retest', 202, 'Accepted'));

  const m = copy.readJson<Json>('connector.json');
  m.vendors.push({ id: 'acme', name: 'Acme Scanner', website: 'https://acme.example' });
  m.connections.acme = {
    title: 'Acme Scanner API',
    vendor: 'acme',
    schema: 'schemas/connections/acme.json',
    auth: { type: 'header', header: 'Authorization', value: 'api_key', prefix: 'Bearer ' },
  };
  const action = (id: string, title: string, method: string, path: string, readOnly: boolean) => ({
    id,
    title,
    description: `${title} in Acme Scanner.`,
    vendor: 'acme',
    group: 'Acme Scanner',
    connection: 'acme',
    method,
    path,
    input_schema: `schemas/actions/${id}.input.json`,
    output_schema: `schemas/actions/${id}.output.json`,
    request: { path_parameters: '/path_parameters' },
    hints: { destructive: false, readOnly, idempotent: readOnly },
  });
  m.actions.push(action('acme_get_finding', 'Get Finding', 'GET', '/api/v1/findings/{id}', true));
  m.actions.push(action('acme_request_retest', 'Request Retest', 'POST', '/api/v1/findings/{id}/retest', false));
  copy.writeJson('connector.json', m);
  manifest = m;
}

/** The CLI of the copy, run from its sources (tsx), asynchronously so a loopback server in this process can answer. */
function cli(args: string[], env: Record<string, string>, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(project.root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts', ...args], {
      cwd: project.root,
      env: { PATH: process.env.PATH ?? '', HOME: project.root, NODE_NO_WARNINGS: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

beforeAll(() => {
  project = copyProject('retest-third-vendor-');
  addThirdVendor(project);
  const generated = project.tsx('scripts/generate.ts', []);
  if (generated.status !== 0) throw new Error(`npm run generate failed in the copy:\n${generated.stderr}`);
}, 300_000);
afterAll(() => project?.remove());

describe('a third vendor with Bearer auth, declared in connector.json and schemas/ only', () => {
  test('generate wrote its files and --check finds nothing stale', () => {
    const check = project.tsx('scripts/generate.ts', ['--check']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    for (const path of ['docs/actions/acme_get_finding.md', 'docs/actions/acme_request_retest.md', 'actions/acme_get_finding.ts']) expect(project.read(path).length).toBeGreaterThan(0);
    expect(project.read('docs/connections.md')).toContain('`Authorization: Bearer <api_key>`');
    expect(project.read('src/generated/types.ts')).toContain('export interface AcmeConnection');
  });

  test('the CLI lists its actions, and run --help its variables', async () => {
    const list = await cli(['list', '--json'], {});
    expect(list.code).toBe(0);
    const ids = (JSON.parse(list.stdout) as Array<{ id: string }>).map((a) => a.id);
    expect(ids).toEqual(manifest.actions.map((a: Json) => a.id));
    expect(ids).toEqual(expect.arrayContaining(['acme_get_finding', 'acme_request_retest']));
    const help = await cli(['run', '--help'], {});
    expect(help.stdout).toContain('ACME_API_KEY             api_key (secret)');
    expect(help.stdout).toContain('acme (Acme Scanner API): url, api_key');
  }, 120_000);

  test('--dry-run shows Authorization: Bearer *** and never the key', async () => {
    const dry = await cli(['run', 'acme_request_retest', '--input', '-', '--dry-run'], { ACME_URL: 'https://api.acme.example', ACME_API_KEY: KEY }, JSON.stringify({ path_parameters: { id: FINDING } }));
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const request = JSON.parse(dry.stdout);
    expect(request).toMatchObject({ method: 'POST', url: `https://api.acme.example/api/v1/findings/${FINDING}/retest`, body: null });
    expect(request.headers.Authorization).toBe('Bearer ***');
    expect(dry.stdout + dry.stderr).not.toContain(KEY);
  }, 120_000);

  describe('run against a loopback server', () => {
    let server: Server;
    const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push({ method: req.method, url: req.url, headers: req.headers });
        req.resume();
        res.writeHead(202, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: FINDING, status: 'retest_requested' }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test('sends Authorization: Bearer <key> and prints the envelope without the key', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await cli(['run', 'acme_request_retest', '--input', '-'], { ACME_URL: url, ACME_API_KEY: KEY }, JSON.stringify({ path_parameters: { id: FINDING } }));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ method: 'POST', url: `/api/v1/findings/${FINDING}/retest` });
      expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(JSON.parse(result.stdout)).toMatchObject({ status_code: 202, json_body: { id: FINDING, status: 'retest_requested' } });
      expect(result.stdout).not.toContain(KEY);
    }, 120_000);
  });

  test('the MCP server lists its tools', async () => {
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'third-vendor-test', version: '0' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    ];
    const env: Record<string, string> = { ACME_URL: 'https://api.acme.example', ACME_API_KEY: KEY };
    // The other connections need their required fields too (read once at start); demo values, nothing is sent.
    for (const [id, connection] of Object.entries(manifest.connections as Record<string, Json>)) {
      if (id === 'acme') continue;
      const schema = project.readJson<Json>(connection.schema);
      for (const field of schema.required ?? []) env[`${id}_${field}`.toUpperCase()] = field === 'url' ? 'https://vendor.example' : 'demo-value-0123456789';
    }
    const names = await new Promise<string[]>((resolve, reject) => {
      const child = spawn(process.execPath, [join(project.root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts', 'mcp'], {
        cwd: project.root,
        env: { PATH: process.env.PATH ?? '', HOME: project.root, NODE_NO_WARNINGS: '1', ...env },
      });
      let buffer = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        buffer += d;
        for (const line of buffer.split('\n').slice(0, -1)) {
          const message = JSON.parse(line);
          if (message.id === 2) {
            child.kill();
            resolve((message.result.tools as Array<{ name: string }>).map((t) => t.name));
          }
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
      });
      child.on('close', (code) => reject(new Error(`mcp exited (${code}) before listing tools: ${stderr}`)));
      child.stdin.write(messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
    });
    expect(names).toEqual(expect.arrayContaining(['acme_get_finding', 'acme_request_retest']));
  }, 120_000);

  test('simulate names the vendor it has no simulator for, and still serves the others', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(project.root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts', 'simulate', '--port', '0'], {
        cwd: project.root,
        env: { PATH: process.env.PATH ?? '', HOME: project.root, NODE_NO_WARNINGS: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        // The banner is one write ending in a newline; then stop it as Ctrl-C would.
        if (stdout.includes('In another shell:') && stdout.endsWith('\n')) child.kill('SIGINT');
      });
      const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code) => {
        clearTimeout(guard);
        if (stdout.includes('In another shell:')) resolve(stdout);
        else reject(new Error(`simulate exited (${code}): ${stderr}`));
      });
    });
    expect(out).toContain("Acme Scanner API (acme): no simulator; point its connection at the vendor's API.");
    expect(out).toMatch(/^Simulator listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).not.toContain('ACME_');
  }, 120_000);

  test('the generated n8n package has its node and credential, the key a password field', () => {
    const n8nPackage = project.readJson<Json>('integrations/n8n/package.json');
    const nodes: string[] = n8nPackage.n8n.nodes;
    const credentials: string[] = n8nPackage.n8n.credentials;
    const node = nodes.find((p) => /acme/i.test(p));
    const credential = credentials.find((p) => /acme/i.test(p));
    expect(node).toBeDefined();
    expect(credential).toBeDefined();
    // The node's folder: the node class and whatever description and operation files the generator splits it into.
    const nodeDir = dirname(`integrations/n8n/${node!.replace(/^dist\//, '')}`);
    const nodeSource = (readdirSync(join(project.root, nodeDir), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => project.read(`${nodeDir}/${f}`))
      .join('\n');
    expect(nodeSource).toContain('acme_get_finding');
    expect(nodeSource).toContain('acme_request_retest');
    const credentialSource = project.read(`integrations/n8n/${credential!.replace(/^dist\//, '').replace(/\.js$/, '.ts')}`);
    expect(credentialSource).toMatch(/["']?name["']?: ["']api_key["'][\s\S]*?["']?password["']?: true/);
  });
});
