// The connection the CLI builds: environment variables derived from the
// connection schemas, coerced by type; JSON files read without ever quoting them.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConnectionFlags } from '../../src/cli/connection-file.js';
import { UsageError } from '../../src/cli/errors.js';
import { connectionFromEnv, connectionVariables } from '../../src/cli/connection-env.js';
import { parseJsonDocument } from '../../src/cli/json-file.js';
import { ConnectorError } from '../../src/contract/errors.js';

function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('environment variables', () => {
  test('are <CONNECTION>_<FIELD> for every field of the connection schema', () => {
    expect(connectionVariables('invicti').map((v) => v.name)).toEqual(
      expect.arrayContaining(['INVICTI_URL', 'INVICTI_USER_ID', 'INVICTI_API_TOKEN', 'INVICTI_VERIFY_SSL', 'INVICTI_HTTP_PROXY', 'INVICTI_TIMEOUT_MS']),
    );
    expect(connectionVariables('attackforge').map((v) => v.name)).toEqual(
      expect.arrayContaining(['ATTACKFORGE_URL', 'ATTACKFORGE_API_KEY', 'ATTACKFORGE_VERIFY_SSL', 'ATTACKFORGE_HTTP_PROXY', 'ATTACKFORGE_TIMEOUT_MS']),
    );
    expect(connectionVariables('invicti').filter((v) => v.secret).map((v) => v.name)).toEqual(['INVICTI_API_TOKEN']);
  });

  test('are read and coerced by the schema type; empty counts as unset; other vendors are ignored', () => {
    const env = {
      INVICTI_URL: 'https://invicti.example',
      INVICTI_USER_ID: 'u-1',
      INVICTI_API_TOKEN: 'tok',
      INVICTI_VERIFY_SSL: 'No',
      INVICTI_TIMEOUT_MS: '1500',
      INVICTI_HTTP_PROXY: '',
      ATTACKFORGE_API_KEY: 'k',
    };
    expect(connectionFromEnv('invicti', env)).toEqual({
      url: 'https://invicti.example',
      user_id: 'u-1',
      api_token: 'tok',
      verify_ssl: false,
      timeout_ms: 1500,
    });
  });

  test.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['False', false],
  ])('boolean %s is %s', (raw, value) => {
    expect(connectionFromEnv('attackforge', { ATTACKFORGE_VERIFY_SSL: raw }).verify_ssl).toBe(value);
  });

  test('a malformed boolean or integer is CONFIG_INVALID naming the variable, without echoing the value', () => {
    const bool = thrown(() => connectionFromEnv('invicti', { INVICTI_VERIFY_SSL: 'perhaps-xyz' }));
    expect(bool.code).toBe('CONFIG_INVALID');
    expect(bool.details).toEqual([{ field: 'INVICTI_VERIFY_SSL', message: expect.stringContaining('true, false') }]);
    expect(JSON.stringify(bool.toJSON())).not.toContain('perhaps-xyz');

    for (const raw of ['12.5', '-3', '1e3', 'ten']) {
      const int = thrown(() => connectionFromEnv('attackforge', { ATTACKFORGE_TIMEOUT_MS: raw }));
      expect(int.details).toEqual([{ field: 'ATTACKFORGE_TIMEOUT_MS', message: expect.stringContaining('digits') }]);
    }
  });
});

describe('JSON documents from files', () => {
  test('parse, with a byte-order mark tolerated', () => {
    expect(parseJsonDocument('\uFEFF{"a":1}', 'x', 'INPUT_INVALID')).toEqual({ a: 1 });
  });

  test('a broken document names where it breaks and never quotes the content', () => {
    const error = thrown(() => parseJsonDocument('{\n  "api_token": "tok-SECRET-1" nope\n}', 'The --connection file "c.json"', 'CONFIG_INVALID'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^The --connection file "c.json" is not valid JSON/);
    expect(error.message).toContain('line 2');
    expect(error.message).not.toContain('tok-SECRET-1');
  });

  test('an empty or truncated document is named as such', () => {
    expect(thrown(() => parseJsonDocument('  \n', 'The input on stdin', 'INPUT_INVALID')).message).toBe('The input on stdin is empty: expected a JSON document.');
    expect(thrown(() => parseJsonDocument('{"json_body": {', 'f', 'INPUT_INVALID')).message).toMatch(/^f is not valid JSON/);
  });
});

describe('--connection flags of mcp and palette: <id>=<file>, or a bare <file> as run takes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'connection-flags-'));
  const write = (name: string, fields: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(fields));
    return path;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a bare file is for the one connection whose schema declares every field it holds', async () => {
    const invicti = write('inv.json', { url: 'https://invicti.example', user_id: 'u', api_token: 't', timeout_ms: 5000 });
    const attackforge = write('af.json', { url: 'https://af.example', api_key: 'k' });
    await expect(resolveConnectionFlags([invicti, attackforge], 'palette')).resolves.toEqual({ invicti, attackforge });
    await expect(resolveConnectionFlags([`attackforge=${invicti}`], 'mcp')).resolves.toEqual({ attackforge: invicti });
  });

  test('a file that fits no connection, or several, asks for <id>=<file>; a missing file and an unknown id are usage errors', async () => {
    const shared = write('shared.json', { url: 'https://x.example', timeout_ms: 5000 });
    const foreign = write('foreign.json', { url: 'https://x.example', password: 'p' });
    const list = write('list.json', [1]);
    for (const [flags, message] of [
      [[shared], /fit invicti and attackforge\); write --connection <id>=<file>/],
      [[foreign], /fit no connection/],
      [[list], /fit no connection/],
      [[join(dir, 'absent.json')], /Cannot read the --connection file .*no such file/],
      [['nope=x.json'], /Unknown connection "nope"/],
      [[write('a.json', { api_key: 'k' }), 'attackforge=y.json'], /connection attackforge is given twice/],
    ] as const) {
      const error = await resolveConnectionFlags([...flags], 'palette').then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
  });

  test('the error never quotes the file (a connection file holds secrets)', async () => {
    const secret = 'do-not-print-this-secret-value';
    const file = write('leaky.json', { url: 'https://x.example', api_key: secret, user_id: 'u' });
    const error = await resolveConnectionFlags([file], 'mcp').then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/fit no connection/);
    expect(error?.message).not.toContain(secret);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, `{"api_key": "${secret}"`);
    const parseError = await resolveConnectionFlags([broken], 'mcp').then(() => undefined, (e: unknown) => e as Error);
    expect(parseError).toBeInstanceOf(ConnectorError);
    expect(JSON.stringify((parseError as ConnectorError).toJSON())).not.toContain(secret);
  });
});
