// connector.json is what a platform loads: it must validate against its
// meta-schema, and every schema it names must exist, compile under Ajv strict
// mode, and be used (no orphans).
import { connectionDefaults, connectionFields } from '../../src/contract/connection-fields.js';
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifest } from '../../src/contract/manifest.js';
import { inlinedSchema } from '../../src/contract/inline-refs.js';
import { pointerTokens } from '../../src/contract/json-pointer.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { createAjv, getSchema, compileValidator, listSchemaFiles } from '../../src/contract/schemas.js';

const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));

/** Every schema file reachable from connector.json, following $refs. */
function referencedSchemaFiles(): Set<string> {
  const seen = new Set<string>(['schemas/connector.schema.json']);
  const queue = [
    ...Object.values(manifest.connections).map((c) => c.schema),
    ...manifest.actions.flatMap((a) => [a.input_schema, a.output_schema]),
  ];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    JSON.stringify(getSchema(file), (key, value) => {
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
        queue.push(new URL(value.split('#')[0]!, `file:///${file}`).pathname.slice(1));
      }
      return value;
    });
  }
  return seen;
}

describe('connector.json', () => {
  test('validates against schemas/connector.schema.json', () => {
    const validate = compileValidator('schemas/connector.schema.json');
    expect(validate(manifest)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
  });

  test('has the package name and version', () => {
    expect(manifest.name).toBe(pkg.name);
    expect(manifest.version).toBe(pkg.version);
  });

  test('declares the actions under their fixed ids', () => {
    expect(manifest.actions.map((a) => a.id)).toEqual([
      'invicti_scan_retest',
      'invicti_scan_launch_new_from_scan',
      'invicti_scan_status',
      'invicti_scan_wait',
      'attackforge_request_new_project_retest',
      'invicti_issues_waiting_for_retest',
      'invicti_scan_detail',
      'invicti_scan_result',
      'invicti_scans_list',
      'invicti_scan_launch_new',
      'invicti_scan_report',
      'invicti_scan_custom_report',
      'invicti_issue_update',
      'invicti_issue_detail',
      'invicti_issues_list',
      'invicti_scan_cancel',
      'attackforge_get_project_vulnerabilities',
      'attackforge_get_project',
      'attackforge_update_vulnerability',
      'attackforge_cancel_project_retest_round',
      'attackforge_complete_project_retest_round',
    ]);
  });

  test('hints are honest: every GET reads only and may be retried; every other method is not idempotent but a scan cancel', () => {
    // Cancelling a scan twice changes nothing the second time (Invicti answers ScanCancelled): that POST is idempotent.
    const idempotentWrites = ['invicti_scan_cancel'];
    for (const action of manifest.actions) {
      if (action.method === 'GET') expect(action.hints).toEqual({ destructive: false, readOnly: true, idempotent: true });
      else expect(action.hints).toMatchObject({ readOnly: false, idempotent: idempotentWrites.includes(action.id) });
    }
    const destructive = manifest.actions.filter((a) => a.hints.destructive).map((a) => a.id);
    // Updating overwrites the vulnerability's or issue's fields; cancelling discards a scan's or a retest round's work.
    expect(destructive).toEqual(['invicti_issue_update', 'invicti_scan_cancel', 'attackforge_update_vulnerability', 'attackforge_cancel_project_retest_round']);
  });

  test('a wait (poll) polls a declared read of the same connection, and shows its method, path and path parameters', () => {
    const waits = manifest.actions.filter((a) => a.poll);
    expect(waits.map((a) => a.id)).toEqual(['invicti_scan_wait']);
    for (const action of waits) {
      const polled = manifest.actions.find((a) => a.id === action.poll!.action)!;
      expect(polled).toBeDefined();
      expect(polled.poll).toBeUndefined();
      expect(polled.hints).toMatchObject({ readOnly: true, idempotent: true });
      expect([action.connection, action.method, action.path, action.request]).toEqual([polled.connection, polled.method, polled.path, polled.request]);
      // The wait options the engine reads have schema defaults and the documented bounds.
      const input = getSchema(action.input_schema) as any;
      const options = input.properties[action.poll!.options.slice(1)];
      expect(options.properties.timeout_s).toMatchObject({ type: 'integer', minimum: 1, maximum: 86400, default: 3600 });
      expect(options.properties.interval_s).toMatchObject({ type: 'integer', minimum: 1, maximum: 3600, default: 30 });
      expect(input.required).not.toContain(action.poll!.options.slice(1));
      // Each mapped input property exists in both schemas.
      const polledInput = getSchema(polled.input_schema) as any;
      for (const [name, pointer] of Object.entries(action.poll!.input)) {
        expect([name, polledInput.properties[name]?.type]).toEqual([name, input.properties[pointer.slice(1)]?.type]);
      }
      // The output schema requires wait.
      expect(JSON.stringify(getSchema(action.output_schema))).toContain('"wait"');
    }
  });

  test('a next step names a declared action of the same connection; each field it fills exists there and has a source of the same type in this run', () => {
    /** The schema of the instance at `pointer`: properties by name, array items by index, any branch of a union that has it. */
    const schemaAt = (schema: unknown, pointer: string): Record<string, any> | undefined => {
      let nodes: unknown[] = [schema];
      for (const token of pointerTokens(pointer)) {
        const expand = (n: any): any[] => (n && typeof n === 'object' ? [n, ...[...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])].flatMap(expand)] : []);
        nodes = nodes.flatMap(expand).flatMap((n: any) => [n.properties?.[token], /^\d+$/.test(token) ? n.items : undefined]).filter((n) => n && typeof n === 'object');
      }
      return nodes.find((n: any) => n.type !== undefined) as Record<string, any> | undefined;
    };
    const withNext = manifest.actions.filter((a) => a.next);
    expect(withNext.length).toBeGreaterThan(0);
    for (const action of withNext) {
      for (const step of action.next!) {
        const next = manifest.actions.find((a) => a.id === step.action);
        expect({ from: action.id, to: step.action, declared: next !== undefined, connection: next?.connection }).toEqual({ from: action.id, to: step.action, declared: true, connection: action.connection });
        for (const [target, source] of Object.entries(step.input)) {
          const field = schemaAt(inlinedSchema(next!.input_schema), target);
          const [, root, ...rest] = source.split('/');
          const from = schemaAt(inlinedSchema(root === 'input' ? action.input_schema : action.output_schema), `/${rest.join('/')}`);
          const types = (s: Record<string, any> | undefined) => [s?.type].flat().filter((t) => t !== 'null');
          expect({ step: `${action.id} -> ${step.action}${target}`, target: types(field), source: types(from) }).toEqual({ step: `${action.id} -> ${step.action}${target}`, target: ['string'], source: ['string'] });
        }
      }
    }
  });

  test('GET actions declare no body; only a query string and path parameters', () => {
    for (const action of manifest.actions.filter((a) => a.method === 'GET')) expect(action.request.body).toBeUndefined();
  });

  test('a declared query source is an object of scalars in the input schema (arrays and objects are refused by the schema)', () => {
    for (const action of manifest.actions.filter((a) => a.request.query)) {
      const segment = action.request.query!.source.split('/').pop()!;
      const params = (getSchema(action.input_schema) as any).properties[segment];
      expect(params).toMatchObject({ type: 'object', additionalProperties: false });
      for (const [name, prop] of Object.entries<any>(params.properties)) {
        const resolved = prop.$ref ? (getSchema('schemas/shared/inputs.json') as any).definitions[prop.$ref.split('/').pop()] : prop;
        expect([name, resolved.type]).toEqual([name, expect.stringMatching(/^(string|integer|boolean)$/)]);
      }
    }
  });

  test('the report actions return files and read up to 100 MiB by default', () => {
    const files = manifest.actions.filter((a) => a.response?.file).map((a) => [a.id, a.response!.max_response_bytes]);
    expect(files).toEqual([
      ['invicti_scan_report', 104857600],
      ['invicti_scan_custom_report', 104857600],
    ]);
  });

  test('actions name declared connections and vendors; every connection names a declared vendor', () => {
    const vendors = new Set(manifest.vendors.map((v) => v.id));
    for (const connection of Object.values(manifest.connections)) expect(vendors.has(connection.vendor)).toBe(true);
    for (const action of manifest.actions) {
      expect(manifest.connections[action.connection]).toBeDefined();
      expect(vendors.has(action.vendor)).toBe(true);
    }
  });

  test('path placeholders are exactly the declared path parameters', () => {
    for (const action of manifest.actions) {
      const placeholders = [...action.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      if (!action.request.path_parameters) {
        expect(placeholders).toEqual([]);
        continue;
      }
      const input = getSchema(action.input_schema) as any;
      const segment = action.request.path_parameters.split('/').pop()!;
      expect(Object.keys(input.properties[segment].properties).sort()).toEqual([...placeholders].sort());
      expect(input.properties[segment].required.sort()).toEqual([...placeholders].sort());
    }
  });
});

describe('schema files', () => {
  test('every schema connector.json references exists and compiles under Ajv strict mode', () => {
    for (const file of referencedSchemaFiles()) {
      expect(listSchemaFiles()).toContain(file);
      expect(() => compileValidator(file)).not.toThrow();
    }
  });

  test('no schema file is orphaned', () => {
    expect(listSchemaFiles().filter((f) => !referencedSchemaFiles().has(f))).toEqual([]);
  });

  test('each file compiles on its own in a fresh strict Ajv too (no hidden reliance on load order)', () => {
    const ajv = createAjv();
    for (const file of listSchemaFiles()) ajv.addSchema(getSchema(file));
    for (const file of listSchemaFiles()) expect(ajv.getSchema(getSchema(file).$id as string)).toBeDefined();
  });

  test('all are draft-07 with definitions, never $defs', () => {
    for (const file of listSchemaFiles()) {
      const schema = getSchema(file);
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(JSON.stringify(schema)).not.toContain('"$defs"');
    }
  });

  test('every input property has a title, a description and examples (forms render them)', () => {
    const missing: string[] = [];
    const walk = (node: any, path: string, file: string) => {
      for (const [name, prop] of Object.entries<any>(node.properties ?? {})) {
        const here = `${path}.${name}`;
        for (const key of ['title', 'description', 'examples']) if (!(key in prop)) missing.push(`${here} lacks ${key}`);
        if (prop.type === 'object') walk(prop, here, file);
        if (prop.type === 'array' && prop.items?.type === 'object') walk(prop.items, `${here}[]`, file);
        // A whole model in a file of its own (json_body: NewScanTaskApiModel): its fields are form fields too.
        if (typeof prop.$ref === 'string' && !prop.$ref.includes('#')) {
          const target = new URL(prop.$ref, `file:///${file}`).pathname.slice(1);
          walk(getSchema(target), here, target);
        }
      }
    };
    for (const action of manifest.actions) walk(getSchema(action.input_schema), action.id, action.input_schema);
    // A connection's fields with their $refs followed (the transport settings live in schemas/shared/transport.json).
    for (const connection of Object.values(manifest.connections)) {
      walk({ properties: Object.fromEntries(connectionFields(connection.schema).map((f) => [f.name, f.schema])) }, connection.schema, connection.schema);
    }
    expect(missing).toEqual([]);
  });

  // Secret fields agree with the auth declaration: tests/unit/auth.test.ts.

  test('connection defaults are as documented', () => {
    // Transport defaults come from schemas/shared/transport.json by $ref (tests/unit/connection-fields.test.ts).
    expect(connectionDefaults('schemas/connections/invicti.json')).toMatchObject({ url: 'https://www.netsparkercloud.com', verify_ssl: true, timeout_ms: 30000 });
    const attackforge = getSchema('schemas/connections/attackforge.json') as any;
    expect(attackforge.required).toContain('url');
    expect(connectionDefaults('schemas/connections/attackforge.json')).toMatchObject({ verify_ssl: true, max_response_bytes: 10485760 });
  });
});
