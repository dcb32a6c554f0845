// Secret-leak test for the MCP server: the failure scenarios of secrets.test.ts
// run as tool calls, with marker secrets in the server's connections, through
// the SDK's own Client (in-memory transport, real loopback vendors). No marker
// may appear in any tool result (content, structuredContent, the protocol
// error of a call) or in any log line, even when the vendor echoes the
// credential back in its answer.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { GUID, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';
import { BASIC, FORBIDDEN, KEY, PROXY_PASSWORD, TOKEN, USER } from '../helpers/secret-markers.js';
import { type LoopbackServer, refusedPort, reply, startServer, startSilentServer } from '../helpers/servers.js';

jest.setTimeout(60_000);


let ok: LoopbackServer;
let echo: LoopbackServer;
let silent: LoopbackServer;
let tlsServer: LoopbackServer;
let big: LoopbackServer;
let unauthorized: LoopbackServer;
let refused: string;

beforeAll(async () => {
  ok = await startServer(reply(201, JSON.stringify({ Id: GUID, ScanType: 'Retest', State: 'Queued' }), { 'Content-Type': 'application/json' }));
  // A vendor (or a proxy) that echoes the credentials it received, in the body and in a header.
  echo = await startServer((req, res) => {
    const seen = String(req.headers.authorization ?? req.headers['x-ssapi-key'] ?? '');
    const body = JSON.stringify({ Message: `Bad credentials: ${seen}`, [seen]: seen });
    res.writeHead(403, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'X-Echo': seen });
    res.end(body);
  });
  silent = await startSilentServer();
  tlsServer = await startServer(reply(201, '{}'), { tls: true });
  big = await startServer(reply(200, 'x'.repeat(64 * 1024), { 'Content-Type': 'text/plain' }));
  unauthorized = await startServer(reply(401, '{"Message":"Unauthorized"}', { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="api"' }));
  refused = `http://127.0.0.1:${await refusedPort()}`;
});

afterAll(async () => {
  await Promise.all([ok, echo, silent, tlsServer, big, unauthorized].map((s) => s.close()));
});

const retest = { json_body: { BaseScanId: GUID } };
const afInput = { path_parameters: { id: PROJECT_ID }, json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: [VULN_ID] } };
const inv = (url: string, extra: Record<string, unknown> = {}) => ({ url, user_id: USER, api_token: TOKEN, ...extra });
const af = (url: string, extra: Record<string, unknown> = {}) => ({ url, api_key: KEY, ...extra });

interface Scenario {
  name: string;
  tool: string;
  args: Record<string, unknown>;
  connections: () => Record<string, Record<string, unknown>>;
  /** The error code in the result text, or the HTTP status in structuredContent. */
  expected: string | number;
}

const SCENARIOS: Scenario[] = [
  { name: 'invalid input carrying a marker', tool: 'invicti_scan_retest', args: { json_body: { BaseScanId: 'nope', Extra: TOKEN } }, connections: () => ({ invicti: inv(ok.url) }), expected: 'INPUT_INVALID' },
  { name: 'invalid config (a token with a space)', tool: 'invicti_scan_retest', args: retest, connections: () => ({ invicti: inv(ok.url, { api_token: `${TOKEN} x` }) }), expected: 'CONFIG_INVALID' },
  { name: 'invalid config (a secret in the url)', tool: 'attackforge_request_new_project_retest', args: afInput, connections: () => ({ attackforge: af(ok.url, { url: `http://u:${KEY}@127.0.0.1/` }) }), expected: 'CONFIG_INVALID' },
  { name: 'unreadable ca_file', tool: 'invicti_scan_retest', args: retest, connections: () => ({ invicti: inv(tlsServer.url, { ca_file: `/nonexistent/${TOKEN}.pem` }) }), expected: 'CONFIG_INVALID' },
  { name: 'timeout', tool: 'invicti_scan_retest', args: retest, connections: () => ({ invicti: inv(silent.url, { timeout_ms: 300 }) }), expected: 'TIMEOUT' },
  { name: 'refused', tool: 'attackforge_request_new_project_retest', args: afInput, connections: () => ({ attackforge: af(refused, { timeout_ms: 3000 }) }), expected: 'CONNECTION_FAILED' },
  {
    name: 'proxy refused, credentials in the proxy URL',
    tool: 'invicti_scan_retest',
    args: retest,
    connections: () => ({ invicti: inv(ok.url, { timeout_ms: 3000, http_proxy: `http://proxyuser:${PROXY_PASSWORD}@${refused.slice(7)}` }) }),
    expected: 'CONNECTION_FAILED',
  },
  { name: 'TLS failure', tool: 'invicti_scan_retest', args: retest, connections: () => ({ invicti: inv(tlsServer.url) }), expected: 'TLS_FAILED' },
  { name: 'too large', tool: 'attackforge_request_new_project_retest', args: afInput, connections: () => ({ attackforge: af(big.url, { max_response_bytes: 1024 }) }), expected: 'RESPONSE_TOO_LARGE' },
  { name: '401', tool: 'invicti_scan_retest', args: retest, connections: () => ({ invicti: inv(unauthorized.url) }), expected: 401 },
  { name: 'Invicti echoes the Basic credential', tool: 'invicti_scan_retest', args: retest, connections: () => ({ invicti: inv(echo.url) }), expected: 403 },
  { name: 'AttackForge echoes the key', tool: 'attackforge_request_new_project_retest', args: afInput, connections: () => ({ attackforge: af(echo.url) }), expected: 403 },
  { name: '201', tool: 'invicti_scan_retest', args: retest, connections: () => ({ invicti: inv(ok.url) }), expected: 201 },
];

describe('MCP: no marker secret in any tool result or log line', () => {
  test.each(SCENARIOS)('$name', async ({ tool, args, connections, expected }) => {
    const logged: string[] = [];
    const server = createMcpServer({ connections: connections(), log: (line) => logged.push(line) });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'secrets', version: '1.0.0' });
    await server.connect(serverSide);
    await client.connect(clientSide);
    try {
      await client.listTools(); // the client then checks structuredContent against the output schema
      const result = await client.callTool({ name: tool, arguments: args });
      if (typeof expected === 'number') {
        expect(result.structuredContent).toMatchObject({ status_code: expected });
        expect(result.isError).toBe(expected < 200 || expected > 299 ? true : undefined);
      } else {
        expect(result.isError).toBe(true);
        const { error } = JSON.parse((result.content as { text: string }[])[0]!.text) as { error: { code: string } };
        expect(error.code).toBe(expected);
      }
      const everything = JSON.stringify(result) + '\n' + logged.join('\n');
      for (const secret of FORBIDDEN) expect({ secret, leaked: everything.includes(secret) }).toEqual({ secret, leaked: false });
      expect(logged).toHaveLength(1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test('the check itself works: the echo server does send the credential back', async () => {
    const response = await fetch(echo.url, { headers: { 'X-SSAPI-KEY': KEY } });
    expect(await response.text()).toContain(KEY);
    expect(response.headers.get('x-echo')).toBe(KEY);
  });
});
