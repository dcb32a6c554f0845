// Issue 18, "credentials in clear text": a connection whose url is plain http to a host that is not
// loopback would send the Basic credential or the API key readable by anyone on the path. It is
// refused before anything is sent (CONFIG_INVALID naming the URL and the field that allows it on
// purpose); loopback (the simulator, a local tunnel) stays allowed, and so does an explicit opt-in.
import { describe, expect, jest, test } from '@jest/globals';
import { cli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { dryRun, runAction, type Transport } from '../../src/index.js';
import { attackforge, GUID, invicti, PROJECT_ID } from '../helpers/fixtures.js';

// The first in-process run loads the runtime and its validators: seconds on a loaded machine, not a timing claim.
jest.setTimeout(30_000);

const RETEST = { json_body: { BaseScanId: GUID } };

function neverSends(): Transport & { sent: number } {
  const transport = {
    sent: 0,
    async send(): Promise<never> {
      transport.sent += 1;
      throw new Error('must not be sent');
    },
  };
  return transport;
}

describe('plain http to a host that is not loopback is refused', () => {
  test.each(['http://invicti.corp.example', 'http://10.0.0.5:8080/invicti', 'http://127.0.0.1.nip.io', 'http://Invicti.Corp.Example/'])('%s: CONFIG_INVALID naming the URL and connection.allow_plain_http, nothing sent', async (url) => {
    const transport = neverSends();
    const refusal = runAction('invicti_scan_retest', RETEST, { ...invicti, url }, { transport });
    await expect(refusal).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/connection\.url http:\/\/.* clear text.*connection\.allow_plain_http/i),
      details: [expect.objectContaining({ field: 'connection.url' })],
    });
    expect(transport.sent).toBe(0);
    expect(() => dryRun('invicti_scan_retest', RETEST, { ...invicti, url })).toThrow(/allow_plain_http/);
  });

  test('the header-key connection (AttackForge) is refused the same way', () => {
    expect(() => dryRun('attackforge_get_project', { path_parameters: { id: PROJECT_ID } }, { ...attackforge, url: 'http://af.corp.example' })).toThrow(
      /connection\.url http:\/\/af\.corp\.example .*allow_plain_http/,
    );
  });

  test.each(['http://127.0.0.1:9', 'http://127.8.9.10', 'http://localhost:8080', 'http://api.localhost', 'http://[::1]:9'])('loopback %s stays allowed', (url) => {
    expect(dryRun('invicti_scan_retest', RETEST, { ...invicti, url }).url).toMatch(/^http:\/\//);
  });

  test('allow_plain_http: true is the deliberate way; https needs nothing', () => {
    expect(dryRun('invicti_scan_retest', RETEST, { ...invicti, url: 'http://invicti.corp.example', allow_plain_http: true }).url).toBe('http://invicti.corp.example/api/1.0/scans/retest');
    expect(dryRun('invicti_scan_retest', RETEST, { ...invicti, url: 'https://invicti.corp.example' }).url).toBe('https://invicti.corp.example/api/1.0/scans/retest');
  });

  test('CLI: INVICTI_URL=http://… is exit 3 with the reason; INVICTI_ALLOW_PLAIN_HTTP=true allows it', async () => {
    const run = async (env: Record<string, string>) => {
      const out = { stdout: '', stderr: '' };
      const io: CliIo = {
        stdout: (t) => void (out.stdout += t),
        stderr: (t) => void (out.stderr += t),
        readStdin: async () => JSON.stringify(RETEST),
        env: { INVICTI_URL: 'http://invicti.corp.example', INVICTI_USER_ID: 'user-cli', INVICTI_API_TOKEN: 'token-cli-123456', ...env },
        untilStopped: () => new Promise(() => undefined),
      };
      return { code: await cli(['run', 'invicti_scan_retest', '--input', '-', '--dry-run'], io), ...out };
    };
    const refused = await run({});
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stderr).error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('allow_plain_http') });
    expect(refused.stderr).toContain('INVICTI_ALLOW_PLAIN_HTTP');
    expect((await run({ INVICTI_ALLOW_PLAIN_HTTP: 'true' })).code).toBe(0);
  });
});
