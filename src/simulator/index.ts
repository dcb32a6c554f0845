/**
 * The built-in vendor simulator: a stateful fake of the Invicti and AttackForge
 * APIs on one loopback HTTP server (Invicti under /api/1.0, AttackForge under
 * /api/ss), for demos, end-to-end tests and platform integration work.
 *
 *   const sim = await startSimulator();
 *   // point a connection at sim.invictiUrl with sim.credentials.invicti ...
 *   await sim.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ATTACKFORGE_HEADERS, AttackForgeSimulator } from './attackforge.js';
import { type SimulatorClock, systemClock } from './clock.js';
import { BodyBudget, MAX_BUFFERED_BYTES, MAX_REQUEST_BYTES, readBody, sendResponse, type SimRequest, type SimResponse } from './http.js';
import { INVICTI_HEADERS, InvictiSimulator } from './invicti.js';
import { type LoggedRequest, RequestLog, type RequestLogOptions } from './request-log.js';

export { SEED_SCAN_IDS, SEED_WEBSITES } from './invicti-seed.js';
export { SEED_PROJECT_IDS, SEED_VULNERABILITY_IDS, seedProjects } from './attackforge-seed.js';
export { createTestClock, systemClock, type SimulatorClock, type TestClock } from './clock.js';
export { REQUEST_LOG_DEFAULTS, type LoggedRequest, type RequestLogOptions } from './request-log.js';
export { MAX_BUFFERED_BYTES, MAX_REQUEST_BYTES } from './http.js';

/** The simulator's fixed, obviously fake credentials. */
export const DEMO_CREDENTIALS = {
  invicti: { user_id: 'demo-user', api_token: 'demo-token' },
  attackforge: { api_key: 'demo-ssapi-key' },
} as const;

/** Seconds from launch to Complete of a retest by default (a full scan takes twice as long). */
export const DEFAULT_SCAN_SECONDS = 4;

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Where time comes from (default: the system clock). Inject createTestClock() for deterministic tests. */
  clock?: SimulatorClock;
  /** Seconds from launch to Complete of a retest (default 4); a full scan takes twice as long. 0 completes at once. */
  scanSeconds?: number;
  /** Bounds of the request log (entries, bytes of one body, bytes in all). */
  requestLog?: RequestLogOptions;
  /** The largest request body accepted (default 1 MiB); larger ones get 413 and are not buffered. */
  maxRequestBytes?: number;
  /** The most bytes of all request bodies being received at once (default 64 MiB); past it a request gets 503 with Retry-After. */
  maxBufferedBytes?: number;
}

export interface Simulator {
  /** The server's base URL, e.g. http://127.0.0.1:43121. */
  url: string;
  /** The url to put in an Invicti connection. */
  invictiUrl: string;
  /** The url to put in an AttackForge connection. */
  attackforgeUrl: string;
  credentials: { invicti: { user_id: string; api_token: string }; attackforge: { api_key: string } };
  /** The latest requests received, oldest first, bounded (see SimulatorOptions.requestLog); bodies cut, with their size. */
  requests: LoggedRequest[];
  /** How many requests were received since start (the log keeps only the latest). */
  readonly requestCount: number;
  /** Bytes of bodies and paths the log holds now. */
  readonly requestLogBytes: number;
  /** Bytes of request bodies being received right now (bounded by maxBufferedBytes). */
  readonly bufferedBytes: number;
  /** The clock the simulator runs on. */
  clock: SimulatorClock;
  scanSeconds: number;
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set(['authorization', 'x-ssapi-key', 'proxy-authorization', 'cookie']);
const MASK = '***';

function maskHeaders(headers: IncomingMessage['headers']): LoggedRequest['headers'] {
  const out: LoggedRequest['headers'] = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name) ? MASK : value;
  return out;
}

function splitUrl(rawUrl: string): { path: string | undefined; query: URLSearchParams } {
  const at = rawUrl.indexOf('?');
  const pathname = at === -1 ? rawUrl : rawUrl.slice(0, at);
  const query = new URLSearchParams(at === -1 ? '' : rawUrl.slice(at + 1));
  try {
    return { path: decodeURIComponent(pathname), query };
  } catch {
    return { path: undefined, query };
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const scanSeconds = options.scanSeconds ?? DEFAULT_SCAN_SECONDS;
  if (!Number.isFinite(scanSeconds) || scanSeconds < 0 || scanSeconds > 86_400) throw new RangeError('scanSeconds must be a number from 0 to 86400');
  const maxRequestBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < 1) throw new RangeError('maxRequestBytes must be a positive integer');
  const budget = new BodyBudget(options.maxBufferedBytes ?? MAX_BUFFERED_BYTES);
  if (!Number.isInteger(budget.limit) || budget.limit < 1) throw new RangeError('maxBufferedBytes must be a positive integer');
  const credentials = {
    invicti: { ...DEMO_CREDENTIALS.invicti },
    attackforge: { ...DEMO_CREDENTIALS.attackforge },
  };
  const invicti = new InvictiSimulator(credentials.invicti, { clock, scanSeconds });
  const attackforge = new AttackForgeSimulator(credentials.attackforge, clock);
  const log = new RequestLog(options.requestLog);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    const { path, query } = splitUrl(rawUrl);
    const vendor: LoggedRequest['vendor'] = path?.startsWith('/api/1.0/') ? 'invicti' : path?.startsWith('/api/ss/') ? 'attackforge' : 'none';
    const headersFor = vendor === 'attackforge' ? ATTACKFORGE_HEADERS : INVICTI_HEADERS;
    const read = await readBody(req, maxRequestBytes, budget);
    let response: SimResponse;
    if (!read.ok) {
      const [status, text, headers] =
        read.reason === 'busy'
          ? [503, 'The simulator is busy receiving other request bodies; retry later.', { 'Retry-After': '1' }]
          : [413, `Request entity too large: the body is limited to ${maxRequestBytes} bytes.`, undefined];
      response = { status, body: vendor === 'attackforge' ? { error: text } : { Message: text }, ...(headers ? { headers } : {}) };
    } else if (path === undefined) {
      response = { status: 400, body: { Message: 'Bad request: the path is not valid percent-encoding.' } };
    } else {
      const simRequest: SimRequest = { method, path, query, headers: req.headers, body: read.body };
      if (vendor === 'invicti') response = invicti.handle(simRequest);
      else if (vendor === 'attackforge') response = attackforge.handle(simRequest);
      else if (path === '/' && method === 'GET') response = { status: 200, body: { simulator: 'retest-connectors', invicti: '/api/1.0', attackforge: '/api/ss' } };
      else response = { status: 404, body: { Message: `No API at ${path.slice(0, 200)}: Invicti is under /api/1.0, AttackForge under /api/ss.` } };
    }
    log.add({
      vendor,
      method,
      path: rawUrl,
      headers: maskHeaders(req.headers),
      body: read.ok ? read.body : Buffer.alloc(0),
      bodyBytes: read.ok ? read.body.length : read.size,
      status: response.status,
    });
    sendResponse(res, response, headersFor, clock.now());
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A simulator bug must show as a 500, not hang the client.
      if (!res.headersSent) sendResponse(res, { status: 500, body: { Message: `Simulator error: ${error instanceof Error ? error.message : String(error)}` } }, {}, Date.now());
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    invictiUrl: url,
    attackforgeUrl: url,
    credentials,
    requests: log.entries,
    get requestCount() {
      return log.received;
    },
    get requestLogBytes() {
      return log.keptBytes;
    },
    get bufferedBytes() {
      return budget.used;
    },
    clock,
    scanSeconds,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive clients would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
