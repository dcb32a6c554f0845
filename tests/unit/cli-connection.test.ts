// The connection the CLI builds: environment variables derived from the
// connection schemas, coerced by type; JSON files read without ever quoting them.
import { describe, expect, test } from '@jest/globals';
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
