// The generated n8n package under n8n's own code: n8n-core's loader loads the
// built package, n8n's engine (WorkflowExecute) runs small workflows with it
// against the simulator over loopback. We assert what the simulator received
// and the items that came out. Needs the build (npm test runs it first).
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import type { INode, IConnections } from 'n8n-workflow';
import { SEED_PROJECT_IDS, SEED_SCAN_IDS, SEED_VULNERABILITY_IDS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { actionIds, manifest } from '../../src/contract/manifest.js';
import { join } from 'node:path';
import { loadN8nPackage, N8N_PACKAGE_DIR, runWorkflow, stopN8nServices, workflowProblems } from '../helpers/n8n.js';

jest.setTimeout(60_000);

const TYPE = 'n8n-nodes-retest-connectors';
let sim: Simulator;
let pkg: Awaited<ReturnType<typeof loadN8nPackage>>;
let invictiCredentials: Record<string, unknown>;
let attackforgeCredentials: Record<string, unknown>;

beforeAll(async () => {
  sim = await startSimulator();
  pkg = await loadN8nPackage();
  // As n8n hands credentials to a node: every field, unset optional ones empty, defaults filled in.
  invictiCredentials = { url: sim.invictiUrl, ...sim.credentials.invicti, verify_ssl: true, ca_file: '', http_proxy: '', timeout_ms: 10000, max_response_bytes: 10485760 };
  attackforgeCredentials = { url: sim.attackforgeUrl, ...sim.credentials.attackforge, verify_ssl: true, ca_file: '', http_proxy: '', timeout_ms: 10000, max_response_bytes: 10485760 };
});

afterAll(async () => {
  stopN8nServices();
  await sim?.close();
});

const credentials = () => ({ retestInvictiApi: invictiCredentials as never, retestAttackforgeApi: attackforgeCredentials as never });

const CREDENTIAL_OF: Record<string, string> = { invicti: 'retestInvictiApi', attackforge: 'retestAttackforgeApi' };

/** A node as a workflow file holds it, with a reference to its credential (n8n's credentials store resolves it). */
function node(name: string, type: string, parameters: INode['parameters'], extra: Partial<INode> = {}): INode {
  const credential = CREDENTIAL_OF[type]!;
  return {
    id: name.toLowerCase().replace(/\W+/g, '-'),
    name,
    type: `${TYPE}.${type}`,
    typeVersion: 1,
    position: [0, 0],
    parameters,
    credentials: { [credential]: { id: '1', name: `${type} demo` } },
    ...extra,
  };
}

const chain = (...names: string[]): IConnections =>
  Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1]!, type: 'main', index: 0 }]] }]));

const received = (since: number) => sim.requests.slice(since);

/** What the manifest says n8n must load: a node per vendor with actions (named by vendor id), a credential per connection in use. */
const vendorNodeNames = manifest.vendors.filter((v) => manifest.actions.some((a) => a.vendor === v.id)).map((v) => v.id).sort();
const credentialNames = Object.keys(manifest.connections)
  .filter((id) => manifest.actions.some((a) => a.connection === id))
  .map((id) => `retest${id.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Api`)
  .sort();

describe('the package as n8n loads it', () => {
  test('one node per vendor, one credential per connection, usableAsTool, Resource/Operation per action', () => {
    const names = Object.keys(pkg.loader.nodeTypes).sort();
    expect(names).toEqual(vendorNodeNames);
    expect(Object.keys(pkg.loader.credentialTypes).sort()).toEqual(credentialNames);
    const invicti = pkg.loader.nodeTypes.invicti!.type as { description: { usableAsTool?: boolean; properties: { name: string; options?: { value: string }[] }[] } };
    expect(invicti.description.usableAsTool).toBe(true);
    const operations = invicti.description.properties.filter((p) => p.name === 'operation').flatMap((p) => p.options!.map((o) => o.value));
    // Operation values are the action ids without the vendor prefix, in camelCase (n8n's convention).
    const camel = (id: string) => id.replace(/^invicti_/, '').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    expect(operations.sort()).toEqual(manifest.actions.filter((a) => a.vendor === 'invicti').map((a) => camel(a.id)).sort());
    const token = (pkg.loader.credentialTypes.retestInvictiApi!.type.properties as { name: string; typeOptions?: { password?: boolean } }[]).find((p) => p.name === 'api_token');
    expect(token?.typeOptions?.password).toBe(true);
  });

  test('N8N_CUSTOM_EXTENSIONS=integrations/n8n/dist: n8n’s CustomDirectoryLoader finds the same nodes and credentials (as CUSTOM.*)', async () => {
    const require = createRequire(import.meta.url);
    const { CustomDirectoryLoader } = require('n8n-core') as typeof import('n8n-core');
    const loader = new CustomDirectoryLoader(join(N8N_PACKAGE_DIR, 'dist'));
    await loader.loadAll();
    expect(loader.packageName).toBe('CUSTOM');
    expect(Object.keys(loader.nodeTypes).sort()).toEqual(vendorNodeNames);
    expect(Object.keys(loader.credentialTypes).sort()).toEqual(credentialNames);
  });
});

describe('the credential’s Test button', () => {
  test('where the manifest has a read-only action needing no input, the Test runs it through runAction: OK with the demo credentials, the HTTP error otherwise; elsewhere no Test is offered', async () => {
    type Tested = { description: { credentials?: { name: string; testedBy?: string }[] }; methods?: { credentialTest?: Record<string, (c: unknown) => Promise<{ status: string; message: string }>> } };
    const good = { retestInvictiApi: invictiCredentials, retestAttackforgeApi: attackforgeCredentials } as Record<string, Record<string, unknown>>;
    const badSecret = { retestInvictiApi: { api_token: 'wrong-token' }, retestAttackforgeApi: { api_key: 'wrong-key' } } as Record<string, Record<string, unknown>>;
    for (const { type } of Object.values(pkg.loader.nodeTypes)) {
      const node = type as unknown as Tested;
      for (const credential of node.description.credentials ?? []) {
        const method = credential.testedBy ? node.methods?.credentialTest?.[credential.testedBy] : undefined;
        if (!credential.testedBy) {
          expect(node.methods?.credentialTest).toBeUndefined();
          continue;
        }
        expect(method).toBeDefined();
        const since = sim.requests.length;
        await expect(method!({ id: '1', name: 'demo', type: credential.name, data: good[credential.name] })).resolves.toEqual({ status: 'OK', message: 'Connection successful' });
        await expect(method!({ id: '1', name: 'demo', type: credential.name, data: { ...good[credential.name], ...badSecret[credential.name] } })).resolves.toEqual({
          status: 'Error',
          message: 'HTTP 401 Unauthorized',
        });
        expect(received(since).map((r) => r.method)).toEqual(['GET', 'GET']);
      }
    }
  });
});

describe('workflows under n8n’s engine against the simulator', () => {
  test('Invicti: Scan Retest then Launch New Scan from Scan, two items, expressions resolved by n8n', async () => {
    const since = sim.requests.length;
    const wf = {
      nodes: [
        node('Scan Retest', 'invicti', {
          resource: 'scan',
          operation: 'scanRetest',
          baseScanId: '={{ $json.scanId }}',
          additionalFields: { agentName: 'Default Agent' },
        }),
        node('New From Scan', 'invicti', {
          resource: 'scan',
          operation: 'scanLaunchNewFromScan',
          id: '={{ $json.json_body.Id }}',
        }),
      ],
      connections: chain('Scan Retest', 'New From Scan'),
    };
    const items = [{ json: { scanId: SEED_SCAN_IDS.completed } }, { json: { scanId: SEED_SCAN_IDS.completedShop } }];
    const result = await runWorkflow(pkg, wf, { startNode: 'Scan Retest', items, credentials: credentials() });
    expect(result.run.data.resultData.error?.message).toBeUndefined();
    expect(result.run.status).toBe('success');

    const retests = result.output('Scan Retest');
    expect(retests).toHaveLength(2);
    expect(retests.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
    for (const item of retests) {
      expect(item.json).toMatchObject({ status_code: 201, reason: 'Created', json_body: { ScanType: 'Retest', State: 'Queued' } });
      expect(item.json.response_headers).toEqual(expect.objectContaining({ 'Content-Type': 'application/json; charset=utf-8' }));
    }
    const newScans = result.output('New From Scan');
    expect(newScans.map((i) => (i.json.json_body as { ScanType: string }).ScanType)).toEqual(['Full', 'Full']);

    const wire = received(since);
    expect(wire.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/1.0/scans/retest',
      'POST /api/1.0/scans/retest',
      'POST /api/1.0/scans/newfromscan',
      'POST /api/1.0/scans/newfromscan',
    ]);
    expect(JSON.parse(wire[0]!.body)).toEqual({ BaseScanId: SEED_SCAN_IDS.completed, AgentName: 'Default Agent' });
    expect(JSON.parse(wire[1]!.body)).toEqual({ BaseScanId: SEED_SCAN_IDS.completedShop, AgentName: 'Default Agent' });
    // newfromscan takes the bare JSON string of the new retest scan's id.
    expect(wire[2]!.body).toBe(JSON.stringify((retests[0]!.json.json_body as { Id: string }).Id));
    for (const r of wire) {
      expect(r.headers.authorization).toBe('***'); // present (the simulator masks it in its log) and accepted: 201, not 401
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.status).toBe(201);
    }
  });

  test('AttackForge: RequestNewProjectRetest with a list of vulnerability ids', async () => {
    const since = sim.requests.length;
    const wf = {
      nodes: [
        node('Request Retest', 'attackforge', {
          resource: 'project',
          operation: 'requestNewProjectRetest',
          id: SEED_PROJECT_IDS.webApp,
          retestingWindowStart: '2025-03-23T00:00:00.000Z',
          vulnerabilityIds: [SEED_VULNERABILITY_IDS.xssRetest, SEED_VULNERABILITY_IDS.sqliRetest],
          additionalFields: {
            retestingWindowEnd: '2025-03-30T00:00:00.000Z',
          },
        }),
      ],
      connections: {},
    };
    const result = await runWorkflow(pkg, wf, { startNode: 'Request Retest', credentials: credentials() });
    expect(result.run.data.resultData.error?.message).toBeUndefined();
    expect(result.run.status).toBe('success');
    const [item] = result.output('Request Retest');
    expect(item!.json).toMatchObject({ status_code: 200, reason: 'OK', json_body: { status: `Project retest requested for Project ${SEED_PROJECT_IDS.webApp}` } });
    const [wire] = received(since);
    expect(wire).toMatchObject({ method: 'POST', path: `/api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request`, status: 200 });
    expect(wire!.headers['x-ssapi-key']).toBe('***');
    expect(JSON.parse(wire!.body)).toEqual({
      retesting_window_start: '2025-03-23T00:00:00.000Z',
      retesting_window_end: '2025-03-30T00:00:00.000Z',
      vulnerability_ids: [SEED_VULNERABILITY_IDS.xssRetest, SEED_VULNERABILITY_IDS.sqliRetest],
    });
  });
});

/** A loopback port nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const retestNode = (name: string, baseScanId: string, extra: Partial<INode> = {}) =>
  node(name, 'invicti', { resource: 'scan', operation: 'scanRetest', baseScanId }, extra);

/** No secret reaches any output, error or item, whatever happened. */
function expectNoSecrets(value: unknown): void {
  const text = JSON.stringify(value);
  expect(text).not.toContain(sim.credentials.invicti.api_token);
  expect(text).not.toContain(sim.credentials.attackforge.api_key);
  expect(text).not.toContain(Buffer.from(`${sim.credentials.invicti.user_id}:${sim.credentials.invicti.api_token}`).toString('base64'));
}

describe('failures, the n8n way', () => {
  test('input error with continueOnFail: the bad item carries the error naming the field and sends nothing; the good item goes on', async () => {
    const since = sim.requests.length;
    const wf = { nodes: [retestNode('Retest', '={{ $json.scanId }}', { onError: 'continueRegularOutput' })], connections: {} };
    const items = [{ json: { scanId: 'not-a-guid' } }, { json: { scanId: SEED_SCAN_IDS.completed } }];
    const result = await runWorkflow(pkg, wf, { startNode: 'Retest', items, credentials: credentials() });
    expect(result.run.status).toBe('success');
    const [bad, good] = result.output('Retest');
    expect(bad!.pairedItem).toEqual({ item: 0 });
    expect(bad!.json.error).toMatchObject({ code: 'INPUT_INVALID', details: [expect.objectContaining({ field: 'json_body.BaseScanId' })] });
    expect(good!.pairedItem).toEqual({ item: 1 });
    expect(good!.json).toMatchObject({ status_code: 201 });
    expect(received(since).map((r) => JSON.parse(r.body))).toEqual([{ BaseScanId: SEED_SCAN_IDS.completed }]);
    expectNoSecrets(result.run);
  });

  test('input error without continueOnFail: the node fails with the code and the field, nothing is sent', async () => {
    const since = sim.requests.length;
    const wf = { nodes: [retestNode('Retest', 'not-a-guid')], connections: {} };
    const result = await runWorkflow(pkg, wf, { startNode: 'Retest', credentials: credentials() });
    expect(result.run.status).toBe('error');
    const error = result.error('Retest') as Error & { description?: string };
    expect(error.message).toMatch(/^INPUT_INVALID: Invalid input for invicti_scan_retest/);
    // The CLI's words: the field's title and what is expected, no regular expression.
    expect(error.description).toMatch(/^Base scan ID: .*e\.g\. af6d0ffd-529e-4056-b39f-b141021fae74/);
    expect(error.description).not.toMatch(/must match|\^\[/);
    expect(received(since)).toEqual([]);
  });

  test('an empty vulnerability list is an input error naming the field; nothing is sent', async () => {
    const since = sim.requests.length;
    const wf = {
      nodes: [
        node(
          'Request Retest',
          'attackforge',
          {
            resource: 'project',
            operation: 'requestNewProjectRetest',
            id: SEED_PROJECT_IDS.webApp,
            retestingWindowStart: '2025-03-23T00:00:00.000Z',
            vulnerabilityIds: [],
          },
          { onError: 'continueRegularOutput' },
        ),
      ],
      connections: {},
    };
    const result = await runWorkflow(pkg, wf, { startNode: 'Request Retest', credentials: credentials() });
    const [item] = result.output('Request Retest');
    expect(item!.json.error).toMatchObject({ code: 'INPUT_INVALID', details: [expect.objectContaining({ field: 'json_body.vulnerability_ids' })] });
    expect(received(since)).toEqual([]);
  });

  test('non-2xx: a 400 from Invicti and a 401 from AttackForge are normal output items with the vendor body, never thrown', async () => {
    const since = sim.requests.length;
    const wf = {
      nodes: [
        retestNode('Retest Running Scan', SEED_SCAN_IDS.running),
        node('Request Retest', 'attackforge', {
          resource: 'project',
          operation: 'requestNewProjectRetest',
          id: SEED_PROJECT_IDS.webApp,
          retestingWindowStart: '2025-03-23T00:00:00.000Z',
          vulnerabilityIds: [SEED_VULNERABILITY_IDS.xssRetest],
        }),
      ],
      connections: chain('Retest Running Scan', 'Request Retest'),
    };
    const wrongKey = { retestInvictiApi: invictiCredentials as never, retestAttackforgeApi: { ...attackforgeCredentials, api_key: 'wrong-key' } as never };
    const result = await runWorkflow(pkg, wf, { startNode: 'Retest Running Scan', credentials: wrongKey });
    expect(result.run.status).toBe('success');
    const [invicti] = result.output('Retest Running Scan');
    expect(invicti!.json).toMatchObject({ status_code: 400, reason: 'Bad Request', json_body: { Message: expect.any(String) } });
    const [attackforge] = result.output('Request Retest');
    expect(attackforge!.json).toMatchObject({ status_code: 401, json_body: { error: expect.any(String) } });
    expect(received(since).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /api/1.0/scans/retest 400',
      `POST /api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request 401`,
    ]);
    expectNoSecrets(result.run);
  });

  test('transport failure: connection refused is an error item with continueOnFail, a node error without', async () => {
    const port = await closedPort();
    const nowhere = { retestInvictiApi: { ...invictiCredentials, url: `http://127.0.0.1:${port}`, timeout_ms: 3000 } as never };
    const soft = await runWorkflow(pkg, { nodes: [retestNode('Retest', SEED_SCAN_IDS.completed, { onError: 'continueRegularOutput' })], connections: {} }, { startNode: 'Retest', credentials: nowhere });
    expect(soft.run.status).toBe('success');
    expect(soft.output('Retest')[0]!.json.error).toMatchObject({ code: 'CONNECTION_FAILED' });

    const hard = await runWorkflow(pkg, { nodes: [retestNode('Retest', SEED_SCAN_IDS.completed)], connections: {} }, { startNode: 'Retest', credentials: nowhere });
    expect(hard.run.status).toBe('error');
    // n8n words a refused connection its own way (NodeError's common errors); the runtime's code and message stay in error.messages.
    const error = hard.error('Retest') as Error & { messages?: string[] };
    expect(error.message).toBe('The service refused the connection - perhaps it is offline');
    expect(error.messages).toEqual([expect.stringMatching(/^CONNECTION_FAILED: /)]);
    expectNoSecrets([soft.run, hard.run]);
  });
});

describe('the example workflows and credentials of integrations/n8n/examples', () => {
  const example = (name: string) => JSON.parse(readFileSync(join(N8N_PACKAGE_DIR, 'examples', name), 'utf8'));

  test('credentials.json: one credential per generated credential type, the simulator on port 8787, demo secrets only', () => {
    const creds = example('credentials.json') as { id: string; type: string; data: Record<string, unknown> }[];
    expect(creds.map((c) => c.type).sort()).toEqual(Object.keys(pkg.loader.credentialTypes).sort());
    for (const c of creds) {
      expect(c.data.url).toBe('http://127.0.0.1:8787');
      const known = (pkg.loader.credentialTypes[c.type]!.type.properties as { name: string }[]).map((p) => p.name);
      expect(Object.keys(c.data).every((k) => known.includes(k))).toBe(true);
    }
    expect(creds.find((c) => c.type === 'retestInvictiApi')!.data).toMatchObject(sim.credentials.invicti);
    expect(creds.find((c) => c.type === 'retestAttackforgeApi')!.data).toMatchObject(sim.credentials.attackforge);
  });

  test('attackforge-retest.workflow.json is valid for the generated node (n8n’s parameter resolution) and runs under the engine', async () => {
    const wf = example('attackforge-retest.workflow.json');
    expect(workflowProblems(pkg, wf)).toEqual([]);
    const creds = example('credentials.json') as { id: string; type: string; data: Record<string, unknown> }[];
    const fromFile = Object.fromEntries(creds.map((c) => [c.type, { ...c.data, url: sim.url }])) as never;
    const since = sim.requests.length;
    // The Manual Trigger (n8n-nodes-base, not installed here) is not run: execution starts at the node it triggers.
    const result = await runWorkflow(pkg, wf, { startNode: 'Request Project Retest', credentials: fromFile });
    expect(result.run.status).toBe('success');
    expect(result.output('Request Project Retest')[0]!.json).toMatchObject({ status_code: 200 });
    const [wire] = received(since);
    expect(wire).toMatchObject({ method: 'POST', path: `/api/ss/project/${SEED_PROJECT_IDS.webApp}/retest/request`, status: 200 });
    expect(JSON.parse(wire!.body)).toEqual({
      retesting_window_start: '2025-03-23T00:00:00.000Z',
      retesting_window_end: '2025-03-30T00:00:00.000Z',
      vulnerability_ids: [SEED_VULNERABILITY_IDS.xssRetest, SEED_VULNERABILITY_IDS.sqliRetest],
    });
  });

  test('invicti-retest.workflow.json: valid for the generated node, except operations the manifest does not have yet (the loop actions)', () => {
    const problems = workflowProblems(pkg, example('invicti-retest.workflow.json'));
    const missing = ['invicti_scan_wait', 'invicti_scan_result'].filter((id) => !actionIds.includes(id));
    expect(problems).toEqual(missing.map((id) => expect.stringContaining(`has no operation ${id.replace(/^invicti_/, '').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}`)));
  });

  test('workflowProblems catches what n8n would: an unknown operation, a misspelt parameter, a missing required one', () => {
    const wf = example('attackforge-retest.workflow.json');
    const [, request] = wf.nodes;
    const typo = structuredClone(wf);
    typo.nodes[1].parameters.idd = typo.nodes[1].parameters.id;
    delete typo.nodes[1].parameters.id;
    expect(workflowProblems(pkg, typo).join('\n')).toMatch(/parameter idd is not a parameter/);
    expect(workflowProblems(pkg, typo).join('\n')).toMatch(/Request Project Retest: id: /);
    const unknown = structuredClone(wf);
    unknown.nodes[1].parameters.operation = `${request.parameters.operation}_nope`;
    expect(workflowProblems(pkg, unknown)).toEqual([expect.stringMatching(/has no operation/)]);
  });
});

describe('the mapping, with n8n’s own helpers', () => {
  const require = createRequire(import.meta.url);
  // The built CommonJS of integrations/n8n/src/mapping.ts (a CommonJS source the ESM test typecheck cannot import).
  type Item = { json: Record<string, unknown>; binary?: Record<string, Record<string, unknown>>; pairedItem?: unknown };
  const { envelopeToItem, readInput } = require(join(N8N_PACKAGE_DIR, 'dist/src/mapping.js')) as {
    envelopeToItem: (envelope: unknown, i: number, prepare: (data: Buffer | NodeJS.ReadableStream, name: string, type: string) => Promise<unknown>) => Promise<Item>;
    readInput: (ctx: unknown, op: unknown, i: number) => Record<string, unknown>;
  };
  const { prepareBinaryData } = require('n8n-core/dist/execution-engine/node-execution-context/utils/binary-helper-functions') as {
    prepareBinaryData: (data: Buffer | NodeJS.ReadableStream, executionId: string, workflowId: string, filePath?: string, mimeType?: string) => Promise<Record<string, unknown>>;
  };

  test('a report envelope (envelope.file) becomes n8n binary data via n8n-core’s prepareBinaryData; json.file keeps the metadata, not the content', async () => {
    const pdf = Buffer.from('%PDF-1.4 retest report');
    const envelope = {
      status_code: 200,
      reason: 'OK',
      response_headers: { 'Content-Type': 'application/pdf' },
      json_body: null,
      file: { file_name: 'scan-report.pdf', content_type: 'application/pdf', size_bytes: pdf.length, content_base64: pdf.toString('base64') },
    };
    const item = await envelopeToItem(envelope as never, 3, (data, name, type) => prepareBinaryData(data, 'exec-1', 'wf-1', name, type));
    expect(item.pairedItem).toEqual({ item: 3 });
    expect(item.json).toEqual({ ...envelope, file: { file_name: 'scan-report.pdf', content_type: 'application/pdf', size_bytes: pdf.length } });
    expect(item.binary!.data).toMatchObject({ fileName: 'scan-report.pdf', mimeType: 'application/pdf', fileExtension: 'pdf', data: pdf.toString('base64') });
  });

  test('a report streamed to disk (file.path, from RunOptions.saveFileTo) reaches n8n-core’s prepareBinaryData as a stream; the file is removed after', async () => {
    const pdf = Buffer.from('%PDF-1.4 streamed retest report');
    const dir = mkdtempSync(join(tmpdir(), 'n8n-file-'));
    const path = join(dir, 'scan-report.pdf');
    writeFileSync(path, pdf);
    const file = { file_name: 'scan-report.pdf', content_type: 'application/pdf', size_bytes: pdf.length, path };
    const envelope = { status_code: 200, reason: 'OK', response_headers: { 'Content-Type': 'application/pdf' }, json_body: null, file };
    const handed: unknown[] = [];
    const item = await envelopeToItem(envelope as never, 0, (data, name, type) => {
      handed.push(data);
      return prepareBinaryData(data, 'exec-1', 'wf-1', name, type);
    });
    expect(Buffer.isBuffer(handed[0])).toBe(false); // a stream, not the bytes in memory
    expect(item.json.file).toEqual({ file_name: 'scan-report.pdf', content_type: 'application/pdf', size_bytes: pdf.length });
    expect(item.binary!.data).toMatchObject({ fileName: 'scan-report.pdf', mimeType: 'application/pdf', data: pdf.toString('base64') });
    expect(existsSync(path)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  test('an envelope without a file is the item’s JSON as it is', async () => {
    const envelope = { status_code: 404, reason: 'Not Found', response_headers: {}, json_body: { Message: 'no such scan' } };
    const item = await envelopeToItem(envelope as never, 0, () => Promise.reject(new Error('not called')));
    expect(item).toEqual({ json: envelope, pairedItem: { item: 0 } });
  });

  test('a JSON parameter is parsed; one that is not JSON is INPUT_INVALID naming the field', () => {
    const op = {
      action: 'x_action',
      credential: 'c',
      requiredSections: ['json_body'],
      fields: [{ param: 'p', path: ['json_body', 'Filter'], kind: 'json' as const, collection: 'opt' }],
    };
    const ctx = (value: unknown) => ({ getNodeParameter: (name: string) => (name === 'opt' ? { p: value } : undefined) }) as never;
    expect(readInput(ctx('{"Severity":["High"]}'), op, 0)).toEqual({ json_body: { Filter: { Severity: ['High'] } } });
    expect(readInput(ctx(''), op, 0)).toEqual({ json_body: {} });
    expect(() => readInput(ctx('{not json'), op, 0)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', details: [{ field: 'json_body.Filter', message: 'is not valid JSON' }] }));
  });
});
