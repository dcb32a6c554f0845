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

import { SEED_SCAN_IDS } from './invicti-seed.js';
import { SEED_PROJECT_IDS, SEED_VULNERABILITY_IDS } from './attackforge-seed.js';

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

interface VendorHandler {
  handle(request: SimRequest): SimResponse;
}

/**
 * The vendors the simulator plays, registered by connection id (connector.json's `connections`): the
 * path prefix their API lives under, the headers their responses carry, how they word an error, and
 * what `simulate` tells about them. A connection not listed here simply has no simulator.
 */
interface SimulatedVendor {
  prefix: string;
  headers: Record<string, string>;
  errorBody(message: string): unknown;
  create(credentials: Record<string, string>, context: { clock: SimulatorClock; scanSeconds: number }): VendorHandler;
  banner(url: string, credentials: Record<string, string>, scanSeconds: number): string[];
}

const SIMULATED: Record<keyof typeof DEMO_CREDENTIALS, SimulatedVendor> = {
  invicti: {
    prefix: '/api/1.0/',
    headers: INVICTI_HEADERS,
    errorBody: (message) => ({ Message: message }),
    create: (credentials, { clock, scanSeconds }) => new InvictiSimulator(credentials as typeof DEMO_CREDENTIALS.invicti, { clock, scanSeconds }),
    banner: (url, credentials, scanSeconds) => [
      `Invicti      ${url}/api/1.0   user_id ${credentials.user_id}   api_token ${credentials.api_token}`,
      `  completed scans (retest OK):  ${SEED_SCAN_IDS.completed}, ${SEED_SCAN_IDS.completedShop}`,
      `  running scan (retest 400):    ${SEED_SCAN_IDS.running}`,
      `  cancelled scan (retest 400):  ${SEED_SCAN_IDS.cancelled}`,
      `  a retest runs Queued -> Scanning -> Complete in ${scanSeconds} s (--scan-seconds); then GET /api/1.0/scans/result/{id}`,
      `  check the effect:             GET /api/1.0/issues/waitingforretest, /api/1.0/scans/status/{id}, /api/1.0/scans/list`,
    ],
  },
  attackforge: {
    prefix: '/api/ss/',
    headers: ATTACKFORGE_HEADERS,
    errorBody: (message) => ({ error: message }),
    create: (credentials, { clock }) => new AttackForgeSimulator(credentials as typeof DEMO_CREDENTIALS.attackforge, clock),
    banner: (url, credentials) => [
      `AttackForge  ${url}/api/ss   api_key ${credentials.api_key}`,
      `  project ${SEED_PROJECT_IDS.webApp}: Retest ${SEED_VULNERABILITY_IDS.xssRetest}, ${SEED_VULNERABILITY_IDS.sqliRetest}; Open ${SEED_VULNERABILITY_IDS.hstsOpen}; Closed ${SEED_VULNERABILITY_IDS.jqueryClosed}`,
      `  project ${SEED_PROJECT_IDS.mobileApi}: Retest ${SEED_VULNERABILITY_IDS.bolaRetest}; Open ${SEED_VULNERABILITY_IDS.verboseErrorsOpen}`,
      `  check the effect:             GET /api/ss/project/{id}, /api/ss/project/{id}/vulnerabilities`,
    ],
  },
};

/** The connection ids the simulator plays. */
export const simulatedConnectionIds: readonly string[] = Object.keys(SIMULATED);

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
  /**
   * A ready connection (url and demo credentials) per connection id of connector.json the simulator plays.
   * A connection it does not play is absent: callers say so (simulatorFor) instead of failing.
   */
  connections: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Per simulated connection: what `simulate` prints about it (where its API is, its seeded objects). */
  banners: Readonly<Record<string, readonly string[]>>;
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
  const vendors = Object.entries(SIMULATED).map(([id, vendor]) => ({
    id,
    vendor,
    handler: vendor.create(credentials[id as keyof typeof credentials], { clock, scanSeconds }),
  }));
  const log = new RequestLog(options.requestLog);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    const { path, query } = splitUrl(rawUrl);
    const played = path === undefined ? undefined : vendors.find((v) => path.startsWith(v.vendor.prefix));
    const vendor: LoggedRequest['vendor'] = played?.id ?? 'none';
    const headersFor = (played ?? vendors[0]!).vendor.headers;
    const errorBody = (played ?? vendors[0]!).vendor.errorBody;
    const read = await readBody(req, maxRequestBytes, budget);
    let response: SimResponse;
    if (!read.ok) {
      const [status, text, headers] =
        read.reason === 'busy'
          ? [503, 'The simulator is busy receiving other request bodies; retry later.', { 'Retry-After': '1' }]
          : [413, `Request entity too large: the body is limited to ${maxRequestBytes} bytes.`, undefined];
      response = { status, body: errorBody(text), ...(headers ? { headers } : {}) };
    } else if (path === undefined) {
      response = { status: 400, body: errorBody('Bad request: the path is not valid percent-encoding.') };
    } else {
      const simRequest: SimRequest = { method, path, query, headers: req.headers, body: read.body };
      if (played) response = played.handler.handle(simRequest);
      else if (path === '/' && method === 'GET') {
        response = { status: 200, body: { simulator: 'retest-connectors', ...Object.fromEntries(vendors.map((v) => [v.id, v.vendor.prefix.replace(/\/$/, '')])) } };
      } else {
        const where = vendors.map((v) => `${v.id} under ${v.vendor.prefix.replace(/\/$/, '')}`).join(', ');
        response = { status: 404, body: errorBody(`No API at ${path.slice(0, 200)}: ${where}.`) };
      }
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
    connections: Object.fromEntries(vendors.map((v) => [v.id, Object.freeze({ url, ...credentials[v.id as keyof typeof credentials] })])),
    banners: Object.fromEntries(vendors.map((v) => [v.id, v.vendor.banner(url, credentials[v.id as keyof typeof credentials], scanSeconds)])),
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
