// The OpenAPI 3.1 document (openapi/retest-connectors.openapi.json) as a platform imports it: it is what the
// generator makes from connector.json, a maintained validator (@apidevtools/swagger-parser) accepts it, and
// Prism 5.14.2 (a validating mock: it answers 422 to a request its operation does not accept, 401 without the
// declared credentials) serves it on 127.0.0.1 while every plain action's example request goes through the
// CLI to it: all accepted.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildOpenApi } from '../../scripts/lib/openapi.js';
import { connectionVariables } from '../../src/cli/connection-env.js';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { getSchema } from '../../src/contract/schemas.js';
import { runCli } from '../helpers/cli.js';

jest.setTimeout(120_000);

const DOCUMENT = join(packageRoot, 'openapi/retest-connectors.openapi.json');
type Json = Record<string, any>;
const document = JSON.parse(readFileSync(DOCUMENT, 'utf8')) as Json;
const plainActions = manifest.actions.filter((a) => (a as { poll?: unknown }).poll === undefined);
const waits = manifest.actions.filter((a) => (a as { poll?: unknown }).poll !== undefined);

function operations(): Map<string, { method: string; path: string; operation: Json }> {
  const found = new Map<string, { method: string; path: string; operation: Json }>();
  for (const [path, item] of Object.entries(document.paths as Json)) {
    for (const [method, operation] of Object.entries(item as Json)) found.set(operation.operationId, { method: method.toUpperCase(), path, operation });
  }
  return found;
}

describe('the document', () => {
  test('is what scripts/generate-openapi.ts makes from connector.json (npm run check holds it too)', () => {
    expect(document).toEqual(JSON.parse(JSON.stringify(buildOpenApi(manifest, getSchema))));
  });

  test('@apidevtools/swagger-parser validates it as OpenAPI 3.1 (structure and every $ref)', async () => {
    const api = (await SwaggerParser.validate(structuredClone(document) as never)) as unknown as Json;
    expect(api.openapi).toBe('3.1.0');
  });

  test('one operation per plain REST action: operationId = action id, its method and path, its connection\'s security scheme', () => {
    const found = operations();
    expect([...found.keys()].sort()).toEqual(plainActions.map((a) => a.id).sort());
    for (const action of plainActions) {
      const { method, path, operation } = found.get(action.id)!;
      expect({ method, path, summary: operation.summary }).toEqual({ method: action.method, path: action.path, summary: action.title });
      expect(operation.security).toEqual([{ [action.connection]: [] }]);
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(Object.keys(manifest.connections).sort());
  });

  test('newfromscan\'s body is a bare JSON string; a wait is described on the status call it polls', () => {
    const found = operations();
    expect(found.get('invicti_scan_launch_new_from_scan')!.operation.requestBody.content['application/json'].schema.type).toBe('string');
    for (const wait of waits) {
      const polled = (wait as unknown as { poll: { action: string } }).poll.action;
      const { operation } = found.get(polled)!;
      expect(operation['x-retest-connectors-waits'].map((w: Json) => w.action)).toContain(wait.id);
      expect(operation.description).toContain(`${wait.id} (${wait.title}) is this call, repeated`);
    }
  });
});

describe('Prism 5.14.2 serves it; every plain action, sent by the CLI, is accepted', () => {
  let prism: ChildProcess | undefined;
  let url: string;
  let dir: string;

  const freePort = () =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'retest-openapi-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const cli = join(dirname(createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
    prism = spawn(process.execPath, [cli, 'mock', DOCUMENT, '-h', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        log += chunk.toString('utf8');
        if (log.includes('Prism is listening')) resolve();
      };
      prism!.stdout!.on('data', onData);
      prism!.stderr!.on('data', onData);
      prism!.once('exit', (code) => reject(new Error(`prism exited (${code}): ${log.slice(-2000)}`)));
    });
  });

  afterAll(async () => {
    if (prism && prism.exitCode === null) {
      const exited = new Promise((resolve) => prism!.once('exit', resolve));
      prism.kill();
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Every connection pointed at Prism, each required field set (Prism checks that the declared credential is there). */
  const env = () =>
    Object.fromEntries(
      Object.keys(manifest.connections).flatMap((id) =>
        connectionVariables(id)
          .filter((v) => v.field === 'url' || v.required)
          .map((v) => [v.name, v.field === 'url' ? url : 'prism-demo-0123456789abcdef']),
      ),
    );

  test.each(plainActions.map((a) => [a.id]))('%s: its example input, run through the CLI, is accepted (2xx)', async (id) => {
    const action = manifest.actions.find((a) => a.id === id)!;
    const example = ((getSchema(action.input_schema).examples as unknown[] | undefined) ?? [{}])[0];
    const input = join(dir, `${id}.json`);
    writeFileSync(input, JSON.stringify(example));
    const result = await runCli(['run', id, '--input', input], { env: env() });
    const envelope = JSON.parse(result.stdout || '{}') as { status_code?: number; json_body?: unknown };
    // Prism answers 422 (invalid request), 401 (no credentials) or 404 (no such route) when it refuses.
    expect({ id, status: envelope.status_code, body: envelope.status_code! >= 300 ? envelope.json_body : undefined }).toEqual({ id, status: expect.any(Number), body: undefined });
    expect(envelope.status_code).toBeGreaterThanOrEqual(200);
    expect(envelope.status_code).toBeLessThan(300);
  });

  test('Prism does validate: a body without BaseScanId is refused with 422, a call without credentials with 401', async () => {
    const bad = await fetch(`${url}/api/1.0/scans/retest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
      body: JSON.stringify({ AgentName: 'x' }),
    });
    expect(bad.status).toBe(422);
    await bad.arrayBuffer();
    const anonymous = await fetch(`${url}/api/1.0/scans/status/af6d0ffd-529e-4056-b39f-b141021fae74`);
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
  });
});
