// The n8n package is a pure function of the manifest and the schemas: a new
// action (or vendor) in connector.json changes the generated package with no
// hand edits, and the checked-in package is exactly what the generator writes.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { getSchema } from '../../src/contract/schema-files.js';
import type { ConnectorManifest } from '../../src/generated/types.js';
import { generateN8nPackage, resourceOf } from '../../scripts/lib/n8n-package.js';

type Property = { name: string; type: string; required?: boolean; default?: unknown; options?: Property[] & { value?: string }[]; typeOptions?: Record<string, unknown>; displayOptions?: { show?: Record<string, unknown[]> } };

/** A list action with query parameters (optional, an enum, an integer range) and a nested body: every mapping rule at once. */
const EXTRA_INPUT = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['path_parameters'],
  properties: {
    path_parameters: { type: 'object', required: ['websiteId'], properties: { websiteId: { title: 'Website ID', type: 'string' } } },
    parameters: {
      title: 'Query',
      type: 'object',
      properties: {
        page: { title: 'Page', type: 'integer', minimum: 1, maximum: 1000, default: 1 },
        state: { title: 'State', type: 'string', enum: ['Queued', 'Scanning', 'Complete'] },
        includeDeleted: { title: 'Include deleted', type: 'boolean' },
      },
    },
    json_body: { title: 'Body', type: 'object', properties: { Filter: { type: 'object', properties: { Severity: { type: 'array', items: { type: 'object' } } } } } },
  },
};

function withExtraAction(): { manifest: ConnectorManifest; read: (path: string) => Record<string, unknown> } {
  const extra = structuredClone(manifest);
  extra.actions.push({
    ...extra.actions[0]!,
    id: 'invicti_website_scans_list',
    title: 'List Website Scans',
    description: 'Lists the scans of a website.',
    method: 'GET',
    path: '/api/1.0/websites/{websiteId}/scans',
    input_schema: 'schemas/actions/invicti_website_scans_list.input.json',
    output_schema: 'schemas/actions/invicti_scan_retest.output.json',
    hints: { destructive: false, readOnly: true, idempotent: true },
  });
  const read = (path: string) => (path === 'schemas/actions/invicti_website_scans_list.input.json' ? structuredClone(EXTRA_INPUT) : getSchema(path));
  return { manifest: extra, read };
}

const invictiNode = (pkg: ReturnType<typeof generateN8nPackage>) => pkg.nodes.find((n) => n.typeName === 'invicti')!;
const props = (pkg: ReturnType<typeof generateN8nPackage>) => invictiNode(pkg).description.properties as Property[];

describe('generateN8nPackage', () => {
  test('the checked-in integrations/n8n is exactly what the generator writes (npm run check says the same)', () => {
    const { files } = generateN8nPackage(manifest, getSchema);
    for (const [path, content] of files) expect([path, readFileSync(join(packageRoot, 'integrations/n8n', path), 'utf8')]).toEqual([path, content]);
  });

  test('pure: the same manifest and schemas give the same files', () => {
    const a = generateN8nPackage(manifest, getSchema).files;
    const b = generateN8nPackage(structuredClone(manifest), (p) => structuredClone(getSchema(p))).files;
    expect([...b]).toEqual([...a]);
  });

  test('a credential masks the fields auth.ts calls secret, even one its schema does not mark writeOnly', () => {
    const file = manifest.connections.invicti!.schema;
    // The token's schema without writeOnly / format: password; the Basic auth still names it the secret.
    const read = (path: string) => {
      const schema = structuredClone(getSchema(path)) as { properties: Record<string, Record<string, unknown>> };
      if (path === file) {
        delete schema.properties.api_token!.writeOnly;
        delete schema.properties.api_token!.format;
      }
      return schema;
    };
    const credential = generateN8nPackage(manifest, read).files.get('credentials/RetestInvictiApi.credentials.ts')!;
    const field = (name: string) => credential.slice(credential.indexOf(`name: '${name}'`)).split(/\n\t\t\},/)[0]!;
    expect(field('api_token')).toMatch(/password: true/);
    expect(field('user_id')).not.toMatch(/password: true/);
  });

  test('a new action in the manifest becomes a new operation of its vendor’s node, with properties derived from its schema', () => {
    const before = generateN8nPackage(manifest, getSchema);
    const { manifest: extended, read } = withExtraAction();
    const after = generateN8nPackage(extended, read);

    // Only the Invicti node (and the README's table) changed, plus the new resource's description and the operation's
    // own file; the package.json lists the same built files.
    const changed = [...after.files].filter(([path, content]) => before.files.get(path) !== content).map(([path]) => path);
    expect(changed.sort()).toEqual([
      'README.md',
      'nodes/Invicti/Invicti.node.ts',
      'nodes/Invicti/WebsiteDescription.ts',
      'nodes/Invicti/website/websiteScansList.operation.ts',
    ]);
    expect(after.files.get('integrations/n8n/README.md')).toBeUndefined();
    expect(after.files.get('README.md')).toContain('| Invicti Enterprise | Website | List Website Scans (`websiteScansList`) | `invicti_website_scans_list` | `GET /api/1.0/websites/{websiteId}/scans` |');

    // A new resource (derived from the path) with the action as its operation.
    const resourcesBefore = (props(before).find((p) => p.name === 'resource')!.options as { value: string }[]).map((o) => o.value);
    const resource = props(after).find((p) => p.name === 'resource')!;
    expect((resource.options as { value: string }[]).map((o) => o.value)).toEqual([...resourcesBefore, 'website']);
    const operation = props(after).find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.[0] === 'website')!;
    // The operation: Title Case name from the action's title, camelCase value from its id (vendor prefix dropped).
    expect(operation.options).toEqual([{ name: 'List Website Scans', value: 'websiteScansList', action: 'List website scans', description: 'Lists the scans of a website' }]);

    const own = props(after).filter((p) => p.displayOptions?.show?.operation?.[0] === 'websiteScansList');
    const byName = Object.fromEntries(own.map((p) => [p.name, p]));
    // required leaf -> a required top-level property, named after the field in camelCase
    expect(byName.websiteId).toMatchObject({ type: 'string', required: true, default: '', displayName: 'Website ID' });
    // an all-optional query -> one "Options" collection, with number (range, integer), options (enum) and boolean inside
    const query = byName.options!;
    expect(query).toMatchObject({ type: 'collection', displayName: 'Options', default: {} });
    const inside = Object.fromEntries((query.options as Property[]).map((p) => [p.name, p]));
    expect(inside.page).toMatchObject({ type: 'number', default: 1, typeOptions: { minValue: 1, maxValue: 1000, numberPrecision: 0 } });
    expect(inside.state).toMatchObject({ type: 'options', options: [{ value: 'Complete' }, { value: 'Queued' }, { value: 'Scanning' }] });
    expect(inside.includeDeleted).toMatchObject({ type: 'boolean', default: false, displayName: 'Include Deleted' });
    // nested objects -> JSON, in the body's "Additional Fields"
    const body = byName.additionalFields!;
    expect((body.options as Property[])[0]).toMatchObject({ name: 'filter', type: 'json', default: '{}' });

    // ... and execute() learns where each value goes, from the same derivation.
    const mapping = invictiNode(after).operations.websiteScansList!;
    expect(mapping).toEqual({
      action: 'invicti_website_scans_list',
      credential: 'retestInvictiApi',
      requiredSections: ['path_parameters'],
      fields: [
        { param: 'websiteId', path: ['path_parameters', 'websiteId'], kind: 'string' },
        { param: 'page', path: ['parameters', 'page'], kind: 'number', collection: 'options' },
        { param: 'state', path: ['parameters', 'state'], kind: 'options', collection: 'options' },
        { param: 'includeDeleted', path: ['parameters', 'includeDeleted'], kind: 'boolean', collection: 'options' },
        { param: 'filter', path: ['json_body', 'Filter'], kind: 'json', collection: 'additionalFields' },
      ],
    });
    const source = after.files.get('nodes/Invicti/website/websiteScansList.operation.ts')!;
    expect(source).toContain("name: 'options',");
    expect(after.files.get('nodes/Invicti/WebsiteDescription.ts')).toContain("import * as websiteScansList from './website/websiteScansList.operation';");
    expect(after.files.get('nodes/Invicti/Invicti.node.ts')).toContain('...websiteOperations,');
  });

  test('a new vendor with its connection becomes a new node and a new credential class in package.json', () => {
    const extended = structuredClone(manifest);
    extended.vendors.push({ id: 'acme', name: 'Acme Scanner', website: 'https://acme.invalid' });
    extended.connections.acme = { ...extended.connections.invicti!, title: 'Acme API', vendor: 'acme' };
    extended.actions.push({ ...extended.actions[0]!, id: 'acme_scan_retest', vendor: 'acme', connection: 'acme', group: 'Acme' });
    const after = generateN8nPackage(extended, getSchema);
    const pkg = JSON.parse(after.files.get('package.json')!);
    expect(pkg.n8n.nodes).toContain('dist/nodes/Acme/Acme.node.js');
    expect(pkg.n8n.credentials).toContain('dist/credentials/RetestAcmeApi.credentials.js');
    expect(after.files.get('credentials/RetestAcmeApi.credentials.ts')).toContain("name = 'retestAcmeApi'");
    expect(pkg.keywords).toContain('n8n-community-node-package');
    // n8n's starter declares the host's n8n-workflow as a peer; optional, so a plain npm install does not fetch another.
    expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    expect(pkg.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
  });

  test('a read-only action that needs no input becomes the credential’s Test (testedBy + a credentialTest method running it)', () => {
    // Start from the manifest's actions that change something: none of them can be a Test.
    const base = structuredClone(manifest);
    base.actions = base.actions.filter((a) => !a.hints.readOnly) as typeof base.actions;
    const before = generateN8nPackage(base, getSchema);
    expect(before.files.get('nodes/Invicti/Invicti.node.ts')).not.toContain('credentialTest');
    const extended = structuredClone(base);
    extended.actions.push({
      ...extended.actions[0]!,
      id: 'invicti_scans_list_all',
      title: 'List Scans',
      method: 'GET',
      path: '/api/1.0/scans/list',
      input_schema: 'schemas/actions/invicti_scans_list_all.input.json',
      hints: { destructive: false, readOnly: true, idempotent: true },
    });
    const read = (path: string) => (path.endsWith('invicti_scans_list_all.input.json') ? { type: 'object', properties: { parameters: { type: 'object', properties: { page: { type: 'integer' } } } } } : getSchema(path));
    const after = generateN8nPackage(extended, read);
    const invicti = after.nodes.find((n) => n.typeName === 'invicti')!;
    expect(invicti.credentials.retestInvictiApi!.probe).toBe('invicti_scans_list_all');
    expect(invicti.description.credentials).toEqual([{ name: 'retestInvictiApi', required: true, testedBy: 'retestCredentialTest' }]);
    expect(after.files.get('nodes/Invicti/Invicti.node.ts')).toContain('methods = { credentialTest: { retestCredentialTest: credentialTest(mapping) } };');
    // AttackForge has no such action: no Test, no method.
    expect(after.files.get('nodes/Attackforge/Attackforge.node.ts')).not.toContain('credentialTest');
  });

  test('credentials come from the connection schemas: secrets are password fields, required fields required, defaults kept', () => {
    const invicti = generateN8nPackage(manifest, getSchema).credentials.find((c) => c.description.name === 'retestInvictiApi')!;
    const properties = invicti.description.properties as Property[];
    const byName = Object.fromEntries(properties.map((p) => [p.name, p]));
    expect(byName.api_token).toMatchObject({ type: 'string', required: true, typeOptions: { password: true } });
    expect(byName.user_id).toMatchObject({ type: 'string', required: true });
    expect(byName.user_id!.typeOptions).toBeUndefined();
    expect(byName.url).toMatchObject({ type: 'string', default: 'https://www.netsparkercloud.com' });
    expect(byName.verify_ssl).toMatchObject({ type: 'boolean', default: true });
    expect(byName.timeout_ms).toMatchObject({ type: 'number', default: 30000 });
  });

  test('resources are nouns from the path', () => {
    expect(resourceOf({ path: '/api/1.0/scans/retest' })).toEqual({ value: 'scan', name: 'Scan' });
    expect(resourceOf({ path: '/api/ss/project/{id}/retest/request' })).toEqual({ value: 'project', name: 'Project' });
    expect(resourceOf({ path: '/api/1.0/issues/waitingforretest' })).toEqual({ value: 'issue', name: 'Issue' });
    expect(resourceOf({ path: '/api/ss/vulnerability/{id}' })).toEqual({ value: 'vulnerability', name: 'Vulnerability' });
  });
});
