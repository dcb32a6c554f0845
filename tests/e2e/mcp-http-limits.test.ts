// The Streamable HTTP front's bounds, in process over real loopback sockets:
// requests in flight, open sessions, idle sessions. Small limits so each is
// reached with a handful of requests; an upstream that never answers keeps a
// tool call in flight.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttpServer, type RunningHttpServer } from '../../src/mcp/http.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { startSilentServer, type LoopbackServer } from '../helpers/servers.js';

jest.setTimeout(30_000);

const TOKEN = 'limits-test-token-0123456789abcdef';
const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${TOKEN}` };
const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

let silent: LoopbackServer;
beforeAll(async () => {
  silent = await startSilentServer();
});
afterAll(async () => {
  await silent.close();
});

function start(limits: { maxInFlight?: number; maxSessions?: number; sessionIdleMs?: number }): Promise<RunningHttpServer> {
  const connections = { invicti: { url: silent.url, user_id: 'u', api_token: 'limits-secret', timeout_ms: 20_000 } };
  return startHttpServer({ host: '127.0.0.1', port: 0, token: TOKEN, createServer: (calls) => createMcpServer({ connections, calls }), ...limits });
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'limits', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  return client;
}

describe('Streamable HTTP limits', () => {
  test('sessions beyond maxSessions and POSTs beyond maxInFlight get 503 with Retry-After; nothing else is disturbed', async () => {
    const server = await start({ maxInFlight: 1, maxSessions: 2 });
    const a = await connect(server.url);
    const b = await connect(server.url);
    try {
      const third = await fetch(server.url, { method: 'POST', headers, body: initialize });
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('5');
      expect(await third.text()).toContain('Too many sessions');

      // One call in flight (the upstream never answers) fills maxInFlight.
      const hanging = a.callTool({ name: 'invicti_scan_retest', arguments: { json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74' } } }).catch((e: unknown) => e);
      for (let i = 0; i < 100 && silent.requests.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(silent.requests).toHaveLength(1);
      const busy = await fetch(server.url, { method: 'POST', headers, body: initialize });
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('1');
      await expect(b.listTools()).rejects.toThrow();
      await a.close();
      await hanging;
      // The slot is free again once the call's HTTP request is over (the client hung up).
      let tools: string[] = [];
      for (let i = 0; i < 50 && tools.length === 0; i += 1) {
        tools = await b.listTools().then((r) => r.tools.map((t) => t.name), () => []);
        if (tools.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(tools).toContain('invicti_scan_retest');
    } finally {
      await b.close().catch(() => {});
      await server.close();
    }
  });

  test('an idle session is closed: its id is then unknown (404)', async () => {
    const server = await start({ sessionIdleMs: 200 });
    try {
      const init = await fetch(server.url, { method: 'POST', headers, body: initialize });
      expect(init.status).toBe(200);
      const session = init.headers.get('mcp-session-id')!;
      await init.body?.cancel();
      expect(session).toMatch(/^[0-9a-f-]{36}$/);
      await new Promise((r) => setTimeout(r, 700));
      const later = await fetch(server.url, {
        method: 'POST',
        headers: { ...headers, 'Mcp-Session-Id': session, 'Mcp-Protocol-Version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
      expect(later.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
