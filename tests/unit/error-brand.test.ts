// Each CLI command is bundled in a file of its own, with its own copy of the error classes
// (scripts/build-cli.ts): main.js's reporter must still know a UsageError, WriteError or
// ConnectorError from another copy, and must not take any other error for one.
import { describe, expect, test } from '@jest/globals';
import { ConnectorError, ERROR_BRAND, isConnectorError } from '../../src/contract/errors.js';
import { reportError, UsageError } from '../../src/cli/errors.js';
import type { CliIo } from '../../src/cli/io.js';

function io(): CliIo & { err: string } {
  const sink = { err: '' } as CliIo & { err: string };
  sink.stderr = (text: string) => {
    sink.err += text;
  };
  return sink;
}

/** What an instance from another copy of a class looks like: same shape and brand, another prototype. */
function foreign(name: string, code: string, message: string): Error {
  const error = new Error(message);
  Object.assign(error, { name, code, [ERROR_BRAND]: name, toJSON: () => ({ code, message }) });
  return error;
}

describe('errors are recognised by brand across bundle copies', () => {
  test('the classes carry their brand', () => {
    expect((new ConnectorError('TIMEOUT', 't') as unknown as Record<symbol, unknown>)[ERROR_BRAND]).toBe('ConnectorError');
    expect((new UsageError('u') as unknown as Record<symbol, unknown>)[ERROR_BRAND]).toBe('UsageError');
  });

  test.each([
    ['UsageError', 'USAGE', 2],
    ['WriteError', 'WRITE_FAILED', 6],
    ['ConnectorError', 'INPUT_INVALID', 3],
    ['ConnectorError', 'TIMEOUT', 4],
  ])('a foreign %s (%s) exits %i with its own JSON', (name, code, status) => {
    const sink = io();
    expect(reportError(sink, foreign(name, code, 'from another copy'))).toBe(status);
    expect(JSON.parse(sink.err)).toEqual({ error: { code, message: 'from another copy' } });
  });

  test('isConnectorError: own and foreign instances yes; an unbranded look-alike no', () => {
    expect(isConnectorError(new ConnectorError('TIMEOUT', 't'))).toBe(true);
    expect(isConnectorError(foreign('ConnectorError', 'TIMEOUT', 't'))).toBe(true);
    expect(isConnectorError(Object.assign(new Error('x'), { name: 'ConnectorError', code: 'TIMEOUT' }))).toBe(false);
  });

  test('an error without the brand is an internal error (exit 70), whatever its name', () => {
    const sink = io();
    expect(reportError(sink, Object.assign(new Error('boom'), { name: 'UsageError', code: 'USAGE' }))).toBe(70);
    expect(JSON.parse(sink.err).error.code).toBe('INTERNAL');
  });
});
