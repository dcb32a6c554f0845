/**
 * Streamable HTTP for the MCP server, guarded before the SDK sees a byte:
 *   - the Host must be a loopback name when bound to loopback, and a browser's
 *     Origin must be a loopback origin (DNS rebinding: 403);
 *   - `Authorization: Bearer <token>` on every request (401);
 *   - bodies over the cap are refused (413), and at most `maxInFlight` POSTs
 *     are served at once (503 with Retry-After): a POST's slot is held until
 *     the calls it started have really ended, not only until its socket closes;
 *   - a client whose socket closes before its answer ends the calls of that
 *     POST (their AbortSignal fires: a wait stops polling);
 *   - at most `maxSessions` sessions (503), each closed after `sessionIdleMs`
 *     without a request.
 * Each session gets its own MCP Server, so a cancellation or a progress
 * notification reaches the client that started the call.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLocal } from '../server/local-http.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { bearerMatches, digest, hostNameOf, isLoopbackHost, originAllowed } from '../server/loopback.js';
import { RunningCalls, type RequestId } from './running-calls.js';
import { bearerOwner } from './tasks.js';

export const MCP_PATH = '/mcp';

export interface HttpServerOptions {
  host: string;
  port: number;
  /** The bearer token every request must carry. */
  token: string;
  /**
   * A fresh MCP server for a new session; its tool calls run through `calls` (createMcpServer's option), and
   * `client.owner` (a hash of the bearer token) owns the tasks it creates outside a session (createMcpServer's taskOwner).
   */
  createServer: (calls: RunningCalls, client: { owner: string }) => Server;
  log?: (line: string) => void;
  /** Largest request body accepted, in bytes (default 2 MiB: an action's input is at most 1 MiB as JSON). */
  maxBodyBytes?: number;
  /** POST/DELETE requests served at once (default 32). */
  maxInFlight?: number;
  /** Open sessions (default 64). */
  maxSessions?: number;
  /** A session with no request for this long is closed (default 30 min). */
  sessionIdleMs?: number;
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:8788/mcp */
  url: string;
  port: number;
  /** Counted requests (POST, DELETE) holding a slot now: those being served and those whose calls are still ending. */
  readonly inFlight: number;
  close(): Promise<void>;
}

function reject(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  calls: RunningCalls;
  lastSeen: number;
}

type Body = { ok: true; value: unknown } | { ok: false; status: number; message: string };

/** The request body as JSON, read up to `maxBytes` (the Content-Length was checked before). */
function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Body> {
  return new Promise((resolve, rejectRead) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.pause();
        resolve({ ok: false, status: 413, message: `Request body too large (limit ${maxBytes} bytes).` });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', rejectRead);
    // A client that hangs up while sending: nothing to serve (resolving twice is a no-op).
    req.once('close', () => resolve({ ok: false, status: 400, message: 'Request body incomplete.' }));
    req.once('end', () => {
      if (size > maxBytes) return;
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      } catch {
        resolve({ ok: false, status: 400, message: 'Parse error: the body is not JSON.' });
      }
    });
  });
}

/** The ids of the JSON-RPC requests in a body (one message or a batch). */
function requestIdsOf(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message: unknown) => {
    if (message === null || typeof message !== 'object') return [];
    const { method, id } = message as { method?: unknown; id?: unknown };
    return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? [id] : [];
  });
}

/**
 * One HTTP request/response. `gone` fires when the response closes before it was
 * finished (the client hung up); `over` resolves when the response has closed
 * and the calls it started have ended.
 */
class Exchange {
  readonly gone = new AbortController();
  ids: RequestId[] = [];
  readonly over: Promise<void>;
  private calls: RunningCalls | undefined;

  constructor(res: ServerResponse) {
    this.over = new Promise((resolve) => {
      res.once('close', () => {
        if (!res.writableFinished) this.gone.abort();
        const calls = this.calls;
        if (!calls) return resolve();
        calls.detach(this.ids, this.gone.signal);
        void calls.settled(this.ids).then(resolve);
      });
    });
  }

  /** Hands the request to a session's transport, its calls attached to this exchange. */
  serve(calls: RunningCalls, handle: () => Promise<void>): Promise<void> {
    this.calls = calls;
    calls.attach(this.ids, this.gone.signal);
    return handle();
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = options.log ?? (() => {});
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  const maxInFlight = options.maxInFlight ?? 32;
  const maxSessions = options.maxSessions ?? 64;
  const sessionIdleMs = options.sessionIdleMs ?? 30 * 60 * 1000;
  const expectedToken = digest(options.token);
  const client = { owner: bearerOwner(options.token) };
  const checkHost = isLoopbackHost(options.host);
  const sessions = new Map<string, Session>();
  let inFlight = 0;

  const closeSession = async (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    await session.server.close().catch(() => {});
  };

  const newSession = async (req: IncomingMessage, res: ServerResponse, body: unknown, exchange: Exchange) => {
    if (sessions.size >= maxSessions) return reject(res, 503, `Too many sessions (${maxSessions}); close one or try later.`, { 'Retry-After': '5' });
    const calls = new RunningCalls();
    const server = options.createServer(calls, client);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: maxBodyBytes,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, calls, lastSeen: Date.now() });
      },
      onsessionclosed: (id) => void closeSession(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await exchange.serve(calls, () => transport.handleRequest(req, res, body));
    // Not an initialize request: the transport answered 400 and no session exists to keep.
    if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) await server.close().catch(() => {});
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const hostHeader = req.headers.host ?? '';
    if (checkHost && !isLoopbackHost(hostNameOf(hostHeader))) return reject(res, 403, 'Forbidden: Host is not a loopback name.');
    if (!originAllowed(req.headers.origin)) return reject(res, 403, 'Forbidden: Origin not allowed.');
    const path = (req.url ?? '').split('?')[0];
    if (path !== MCP_PATH) return reject(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}.`);
    if (!bearerMatches(req.headers.authorization, expectedToken)) {
      return reject(res, 401, 'Unauthorized: send Authorization: Bearer <token>.', { 'WWW-Authenticate': 'Bearer realm="retest-connectors"' });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > maxBodyBytes) return reject(res, 413, `Request body too large (limit ${maxBodyBytes} bytes).`, { Connection: 'close' });

    const counted = req.method === 'POST' || req.method === 'DELETE';
    if (counted && inFlight >= maxInFlight) return reject(res, 503, `Busy: ${maxInFlight} requests in flight; retry shortly.`, { 'Retry-After': '1' });
    const exchange = new Exchange(res);
    if (counted) {
      inFlight += 1;
      void exchange.over.then(() => {
        inFlight -= 1;
      });
    }

    let body: unknown;
    if (req.method === 'POST') {
      const read = await readJsonBody(req, maxBodyBytes);
      if (!read.ok) return reject(res, read.status, read.message, read.status === 413 ? { Connection: 'close' } : {});
      body = read.value;
      exchange.ids = requestIdsOf(body);
    }
    if (exchange.gone.signal.aborted) return; // the client left while sending: nothing is started for it

    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return reject(res, 404, 'Session not found: initialize a new one.');
      session.lastSeen = Date.now();
      return exchange.serve(session.calls, () => session.transport.handleRequest(req, res, body));
    }
    if (req.method !== 'POST') return reject(res, 400, 'Bad request: no Mcp-Session-Id; start with an initialize POST.');
    return newSession(req, res, body, exchange);
  };

  // Bounded waits for a slow or silent client (server/local-http.ts).
  const http = await listenLocal({ host: options.host, port: options.port, name: 'mcp http', log, internalError: (res) => reject(res, 500, 'Internal error.') }, handle);
  const sweep = setInterval(() => {
    const cutoff = Date.now() - sessionIdleMs;
    for (const [id, session] of sessions) if (session.lastSeen < cutoff) void closeSession(id);
  }, Math.min(60_000, sessionIdleMs));
  sweep.unref();
  return {
    url: `${http.base}${MCP_PATH}`,
    port: http.port,
    get inFlight() {
      return inFlight;
    },
    close: async () => {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map((id) => closeSession(id)));
      await http.close();
    },
  };
}
