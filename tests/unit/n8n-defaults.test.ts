// Issue 18, defect 10: a default is not a choice. n8n hands a node every credential field with its
// default filled in, so max_response_bytes always arrived as 10 MiB and the report actions lost their
// declared 100 MiB default. The generated mapping carries each field's schema default, and
// toConnection leaves out a value equal to it: the runtime applies its own defaults, the action's first.
import { describe, expect, test } from '@jest/globals';
import { getAction } from '../../src/contract/manifest.js';
import { manifest } from '../../src/contract/manifest.js';
import { getSchema } from '../../src/contract/schema-files.js';
import { resolveConnection } from '../../src/runtime/connection.js';
import { effectiveMaxResponseBytes } from '../../src/runtime/run.js';
import { generateN8nPackage } from '../../scripts/lib/n8n-package.js';
import type { CredentialMapping } from '../../integrations/n8n/src/mapping-types.js';

// mapping.ts is part of the CommonJS n8n package (its own tsconfig): loaded by path, typed here.
const MAPPING_MODULE = '../../integrations/n8n/src/mapping.js';
const { toConnection } = (await import(MAPPING_MODULE)) as { toConnection: (credentials: Record<string, unknown>, mapping: CredentialMapping) => Record<string, unknown> };

const MiB = 1024 * 1024;
const pkg = generateN8nPackage(manifest, getSchema);
const mapping = pkg.nodes.find((n) => n.typeName === 'invicti')!.credentials.retestInvictiApi!;
/** As n8n hands credentials to a node: every field, unset optional ones empty, defaults filled in. */
const asN8nGivesThem = { url: 'https://invicti.n8n.test', user_id: 'user-n8n', api_token: 'token-n8n-12345', verify_ssl: true, ca_file: '', http_proxy: '', timeout_ms: 30000, max_response_bytes: 10 * MiB };

const capFor = (actionId: string, connection: Record<string, unknown>) => {
  const action = getAction(actionId);
  return effectiveMaxResponseBytes(action, resolveConnection(action.connection, connection));
};

describe('defect 10: n8n reports keep their declared 100 MiB default', () => {
  test('the generated credential mapping carries each field\'s schema default', () => {
    const byName = Object.fromEntries(mapping.fields.map((f) => [f.name, f]));
    expect(byName.max_response_bytes).toMatchObject({ kind: 'number', default: 10 * MiB });
    expect(byName.timeout_ms).toMatchObject({ default: 30000 });
    expect(byName.api_token).not.toHaveProperty('default');
  });

  test('the credential\'s untouched default is left out: invicti_scan_report reads up to 100 MiB, other actions 10 MiB', () => {
    const connection = toConnection(asN8nGivesThem, mapping);
    expect(connection).not.toHaveProperty('max_response_bytes');
    expect(connection).toMatchObject({ url: 'https://invicti.n8n.test', user_id: 'user-n8n', api_token: 'token-n8n-12345' });
    expect(capFor('invicti_scan_report', connection)).toBe(100 * MiB);
    expect(capFor('invicti_scan_retest', connection)).toBe(10 * MiB);
  });

  test('a value the user chose is kept and wins over the action\'s default', () => {
    const connection = toConnection({ ...asN8nGivesThem, max_response_bytes: 50 * MiB, timeout_ms: 1234 }, mapping);
    expect(connection).toMatchObject({ max_response_bytes: 50 * MiB, timeout_ms: 1234 });
    expect(capFor('invicti_scan_report', connection)).toBe(50 * MiB);
  });
});
