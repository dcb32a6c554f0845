// Transport settings are declared once (schemas/shared/transport.json): every connection schema takes each of
// them by $ref, no connection schema re-declares one, and every reader (defaults, environment, secrets) follows
// the ref to the same field.
import { describe, expect, test } from '@jest/globals';
import { connectionDefaults, connectionFields, TRANSPORT_SCHEMA, transportFieldNames } from '../../src/contract/connection-fields.js';
import { manifest } from '../../src/contract/manifest.js';
import { getSchema } from '../../src/contract/schema-files.js';
import { connectionVariables } from '../../src/cli/connection-env.js';
import { resolveConnection } from '../../src/runtime/connection.js';

const transport = getSchema(TRANSPORT_SCHEMA) as { properties: Record<string, { $ref: string }>; definitions: Record<string, { default?: unknown; type?: string }> };
const definitionOf = (name: string) => transport.definitions[transport.properties[name]!.$ref.replace('#/definitions/', '')]!;

describe.each(Object.entries(manifest.connections))('connection %s', (id, connection) => {
  const properties = getSchema(connection.schema).properties as Record<string, Record<string, unknown>>;

  test('takes every transport setting by $ref to the one transport schema, and declares none itself', () => {
    for (const name of transportFieldNames()) {
      expect(properties[name]).toEqual({ $ref: `../shared/transport.json${transport.properties[name]!.$ref}` });
    }
  });

  test('its fields, refs followed, carry the transport schema\'s types and defaults', () => {
    const fields = new Map(connectionFields(connection.schema).map((f) => [f.name, f.schema]));
    for (const name of transportFieldNames()) expect(fields.get(name)).toEqual(definitionOf(name));
    const defaults = connectionDefaults(connection.schema);
    for (const name of transportFieldNames()) {
      if (definitionOf(name).default !== undefined) expect(defaults[name]).toBe(definitionOf(name).default);
      else expect(defaults).not.toHaveProperty(name);
    }
  });

  test('environment variables type the transport settings from the transport schema', () => {
    const variables = new Map(connectionVariables(id).map((v) => [v.field, v]));
    for (const name of transportFieldNames()) expect(variables.get(name)?.type).toBe(definitionOf(name).type);
  });
});

test('a resolved connection takes timeout_ms and max_response_bytes defaults from the transport schema (numbers, never NaN)', () => {
  const [id, connection] = Object.entries(manifest.connections)[0]!;
  const required = connectionFields(connection.schema).filter((f) => f.required && f.schema.default === undefined);
  const supplied = Object.fromEntries(required.map((f) => [f.name, f.name === 'url' ? 'https://vendor.example' : 'a-long-enough-value-1']));
  const resolved = resolveConnection(id, supplied);
  expect(resolved.timeoutMs).toBe(definitionOf('timeout_ms').default);
  expect(resolved.maxResponseBytes).toBe(definitionOf('max_response_bytes').default);
  expect(resolved.verifySsl).toBe(definitionOf('verify_ssl').default);
});
