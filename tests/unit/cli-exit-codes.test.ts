// The exit-status table is a contract: every error code the runtime can raise
// has its documented status, and only 2xx responses exit 0.
import { describe, expect, test } from '@jest/globals';
import { EXIT, EXIT_STATUS_TABLE, exitCodeForEnvelope, exitCodeForError, exitCodeForStatus } from '../../src/cli/exit-codes.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../src/contract/errors.js';
import { packageRoot } from '../../src/contract/package-root.js';

describe('exit statuses', () => {
  test('every runtime error code maps to its documented status', () => {
    const expected: Record<string, number> = {
      UNKNOWN_ACTION: 2,
      INPUT_INVALID: 3,
      CONFIG_INVALID: 3,
      TIMEOUT: 4,
      CONNECTION_FAILED: 4,
      TLS_FAILED: 4,
      RESPONSE_TOO_LARGE: 4,
      REQUEST_FAILED: 4,
      WRITE_FAILED: 6,
      ABORTED: 130,
    };
    for (const code of ERROR_CODES) expect([code, exitCodeForError(code)]).toEqual([code, expected[code] ?? 4]);
    expect(exitCodeForError('USAGE')).toBe(2);
    expect(exitCodeForError('WRITE_FAILED')).toBe(6);
    expect(exitCodeForError('SOMETHING_NEW')).toBe(70);
  });

  test('2xx is 0; every other HTTP status, 3xx included, is 1', () => {
    for (const status of [200, 201, 202, 204, 299]) expect(exitCodeForStatus(status)).toBe(0);
    for (const status of [100, 199, 300, 302, 304, 400, 401, 404, 429, 500, 503]) expect(exitCodeForStatus(status)).toBe(1);
  });

  test('a wait that timed out is 5 whatever its last status; a finished wait, or one ended by a status, goes by the status', () => {
    const wait = (done: boolean, timed_out: boolean) => ({ done, polls: 3, waited_ms: 1000, errors: 0, timed_out });
    expect(exitCodeForEnvelope({ status_code: 200, wait: wait(false, true) })).toBe(5);
    expect(exitCodeForEnvelope({ status_code: 429, wait: wait(false, true) })).toBe(5);
    expect(exitCodeForEnvelope({ status_code: 200, wait: wait(true, false) })).toBe(0);
    expect(exitCodeForEnvelope({ status_code: 404, wait: wait(false, false) })).toBe(1);
    expect(exitCodeForEnvelope({ status_code: 201 })).toBe(0);
    expect(exitCodeForEnvelope({ status_code: 500 })).toBe(1);
  });

  test('the documented table lists each status once', () => {
    expect(EXIT_STATUS_TABLE.map(([code]) => code)).toEqual(Object.values(EXIT));
  });

  test('README "Exit statuses" has a row for every status, 6 (WRITE_FAILED) included', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('## Exit statuses');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    for (const code of Object.values(EXIT)) expect(documented).toContain(code);
    expect(section).toContain('WRITE_FAILED');
  });
});
