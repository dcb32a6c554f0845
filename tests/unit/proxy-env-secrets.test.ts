// Issue 18, defect 2: a proxy password from HTTP_PROXY / HTTPS_PROXY (either spelling) is a secret
// exactly like one in connection.http_proxy: scrubbed from the envelope (raw, percent-encoded in
// either hex case) and from every message built from the connection's secrets (CLI, MCP).
import { afterEach, describe, expect, test } from '@jest/globals';
import { runAction, type Transport, type TransportResponse } from '../../src/index.js';
import { connectionSecrets } from '../../src/runtime/connection.js';
import { GUID, invicti } from '../helpers/fixtures.js';

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'];
const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of PROXY_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const PASSWORD = 'p@ss-ENV-word9';
const ENCODED = encodeURIComponent(PASSWORD); // p%40ss-ENV-word9

/** What the hostile proxy of the issue answers: a 302 echoing the password in the reason, Location and body. */
const echoing: Transport = {
  async send(): Promise<TransportResponse> {
    return {
      statusCode: 302,
      statusMessage: `Found ${PASSWORD}`,
      rawHeaders: ['Content-Type', 'application/json', 'Location', `http://elsewhere.test/?p=${ENCODED}&q=${PASSWORD}`],
      body: Buffer.from(JSON.stringify({ raw: PASSWORD, encoded: ENCODED })),
    };
  },
};

const retest = (connection: Record<string, unknown>) =>
  runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, connection, { transport: echoing, retry: { maxAttempts: 1 } });

describe('defect 2: proxy passwords from the environment are secrets', () => {
  test.each(PROXY_VARIABLES)('%s=http://user:p%%40ss…@127.0.0.1:P: the password is scrubbed from reason, Location and json_body', async (name) => {
    for (const other of PROXY_VARIABLES) delete process.env[other];
    process.env[name] = `http://user:${ENCODED}@127.0.0.1:3128`;
    const envelope = await retest({ ...invicti });
    expect(JSON.stringify(envelope)).not.toMatch(/p@ss-ENV|p%40ss-ENV/i);
    expect(envelope).toMatchObject({ reason: 'Found ***', response_headers: { Location: 'http://elsewhere.test/?p=***&q=***' }, json_body: { raw: '***', encoded: '***' } });
  });

  test('the same connection object reused after the environment changed still gets the new password scrubbed', async () => {
    for (const other of PROXY_VARIABLES) delete process.env[other];
    const connection = { ...invicti };
    expect((await retest(connection)).reason).toBe(`Found ${PASSWORD}`);
    process.env.HTTPS_PROXY = `http://user:${ENCODED}@127.0.0.1:3128`;
    expect((await retest(connection)).reason).toBe('Found ***');
  });

  test('connectionSecrets (what the CLI and MCP scrub their messages with) lists it, like connection.http_proxy', () => {
    for (const other of PROXY_VARIABLES) delete process.env[other];
    const fromField = connectionSecrets('invicti', { ...invicti, http_proxy: `http://user:${ENCODED}@127.0.0.1:3128` });
    process.env.http_proxy = `user:${ENCODED}@127.0.0.1:3128`; // no scheme: means http://
    const fromEnv = connectionSecrets('invicti', { ...invicti });
    expect(fromField).toEqual(expect.arrayContaining([ENCODED, PASSWORD]));
    expect(fromEnv).toEqual(expect.arrayContaining([ENCODED, PASSWORD]));
  });
});
