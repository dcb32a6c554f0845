// The palette decides which connection fields are secret as the runtime does (src/runtime/auth.ts, embedded at
// build time): the command it shows never writes such a field's value, whatever its schema says.
import { describe, expect, test } from '@jest/globals';
import type { RJSFSchema } from '@rjsf/utils';
import { runCommand } from '../../palette/src/run-command.js';
import { manifest } from '../../src/contract/manifest.js';
import { secretFields } from '../../src/runtime/auth.js';

const schema: RJSFSchema = {
  type: 'object',
  required: ['url', 'api_key'],
  // api_key is not marked writeOnly here: only the auth says it is secret.
  properties: { url: { type: 'string' }, api_key: { type: 'string' }, timeout_ms: { type: 'integer', default: 30000 } },
};

describe('the static command', () => {
  test('a field the auth names secret shows as NAME=… and never its value', () => {
    const command = runCommand({
      actionId: 'acme_thing',
      connectionId: 'acme',
      connectionSchema: schema,
      secretFields: ['api_key'],
      connection: { url: 'https://acme.example', api_key: 'do-not-print-me' },
      inputFile: 'input.json',
    });
    expect(command).toBe('ACME_URL=https://acme.example ACME_API_KEY=… retest-connectors run acme_thing --input input.json');
    expect(command).not.toContain('do-not-print-me');
  });

  test("the page's secret fields are auth.ts's, for every connection of the manifest", () => {
    for (const [id, declaration] of Object.entries(manifest.connections)) {
      const fields = secretFields(declaration);
      expect({ id, fields: fields.length > 0 }).toEqual({ id, fields: true });
      const command = runCommand({
        actionId: 'x',
        connectionId: id,
        connectionSchema: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f, { type: 'string' }])) },
        secretFields: fields,
        connection: Object.fromEntries(fields.map((f) => [f, `secret-${f}-value`])),
        inputFile: 'i.json',
      });
      for (const f of fields) expect(command).not.toContain(`secret-${f}-value`);
    }
  });
});
