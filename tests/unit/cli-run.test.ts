// `run` in-process, the vendor answered by nock: where each setting comes from
// and which one wins, and what reaches stdout and stderr.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { basic, GUID } from '../helpers/fixtures.js';

interface Captured {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

function fakeIo(env: Record<string, string> = {}, stdin = ''): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      readStdin: async () => stdin,
      env,
      untilStopped: () => new Promise(() => undefined),
    },
    stdout: () => out,
    stderr: () => err,
  };
}

const ORIGIN = 'https://invicti.cli.test';
const INPUT = JSON.stringify({ json_body: { BaseScanId: GUID } });
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'retest-cli-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function connectionFile(fields: Record<string, unknown>): string {
  const path = join(dir, 'connection.json');
  writeFileSync(path, JSON.stringify(fields));
  return path;
}

describe('run', () => {
  test('the envelope is the only thing on stdout, one JSON document; a 2xx exits 0 with a quiet stderr', async () => {
    nock(ORIGIN).post('/api/1.0/scans/retest').reply(201, { Id: GUID, ScanType: 'Retest', State: 'Queued' }, { 'Content-Type': 'application/json' });
    const c = fakeIo({ INVICTI_URL: ORIGIN, INVICTI_USER_ID: 'u', INVICTI_API_TOKEN: 't' }, INPUT);
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-'], c.io)).toBe(0);
    expect(JSON.parse(c.stdout())).toMatchObject({ status_code: 201, json_body: { State: 'Queued' } });
    expect(c.stderr()).toBe('');
  });

  test('file fields win over the environment, which fills in the rest', async () => {
    const seen: string[] = [];
    nock(ORIGIN)
      .post('/api/1.0/scans/retest')
      .reply(function () {
        seen.push(String(this.req.headers.authorization));
        return [201, '{}', { 'Content-Type': 'application/json' }];
      });
    const c = fakeIo({ INVICTI_URL: ORIGIN, INVICTI_USER_ID: 'env-user', INVICTI_API_TOKEN: 'env-token' }, INPUT);
    const file = connectionFile({ api_token: 'file-token' });
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-', '--connection', file], c.io)).toBe(0);
    expect(seen).toEqual([basic('env-user', 'file-token')]);
  });

  test('--timeout-ms wins over the file and the environment', async () => {
    nock(ORIGIN).post('/api/1.0/scans/retest').delay(5_000).reply(201, {});
    const c = fakeIo({ INVICTI_URL: ORIGIN, INVICTI_USER_ID: 'u', INVICTI_API_TOKEN: 't', INVICTI_TIMEOUT_MS: '60000' }, INPUT);
    const file = connectionFile({ timeout_ms: 60_000 });
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-', '--connection', file, '--timeout-ms', '20'], c.io)).toBe(4);
    expect(JSON.parse(c.stderr())).toEqual({ error: { code: 'TIMEOUT', message: expect.stringContaining('20 ms') } });
    expect(c.stdout()).toBe('');
    nock.abortPendingRequests();
  });

  test('a non-2xx response exits 1, with the envelope on stdout and one human line on stderr', async () => {
    nock(ORIGIN).post('/api/1.0/scans/retest').reply(400, { Message: 'Base scan should be in completed state.' }, { 'Content-Type': 'application/json' });
    const c = fakeIo({ INVICTI_URL: ORIGIN, INVICTI_USER_ID: 'u', INVICTI_API_TOKEN: 'tok-SECRET-77' }, INPUT);
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-'], c.io)).toBe(1);
    expect(JSON.parse(c.stdout()).status_code).toBe(400);
    expect(c.stderr()).toBe('retest-connectors: invicti_scan_retest: HTTP 400 Bad Request: "Base scan should be in completed state." (exit 1)\n');
  });

  test('--dry-run resolves the same connection and sends nothing', async () => {
    const c = fakeIo({ INVICTI_URL: ORIGIN, INVICTI_USER_ID: 'u' }, INPUT);
    const file = connectionFile({ api_token: 'tok-SECRET-88' });
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-', '--connection', file, '--dry-run'], c.io)).toBe(0);
    const request = JSON.parse(c.stdout());
    expect(request).toEqual({
      method: 'POST',
      url: `${ORIGIN}/api/1.0/scans/retest`,
      headers: expect.objectContaining({ Authorization: 'Basic ***', 'Content-Type': 'application/json' }),
      body: `{"BaseScanId":"${GUID}"}`,
    });
    expect(c.stdout()).not.toContain('tok-SECRET-88');
    expect(c.stdout()).not.toContain(basic('u', 'tok-SECRET-88').slice(6));
  });

  test('a --connection file holding an array is CONFIG_INVALID', async () => {
    const path = join(dir, 'array.json');
    writeFileSync(path, '[]');
    const c = fakeIo({}, INPUT);
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-', '--connection', path], c.io)).toBe(3);
    expect(JSON.parse(c.stderr()).error.code).toBe('CONFIG_INVALID');
  });
});
