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
import { readBody, sendJson, type SimRequest, type SimResponse } from './http.js';
import { INVICTI_HEADERS, InvictiSimulator } from './invicti.js';

export { SEED_SCAN_IDS, SEED_WEBSITES } from './invicti-seed.js';
export { SEED_PROJECT_IDS, SEED_VULNERABILITY_IDS, seedProjects } from './attackforge-seed.js';

/** The simulator's fixed, obviously fake credentials. */
export const DEMO_CREDENTIALS = {
  invicti: { user_id: 'demo-user', api_token: 'demo-token' },
  attackforge: { api_key: 'demo-ssapi-key' },
} as const;

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
}

/** One request the simulator received; credentials are masked. */
export interface LoggedRequest {
  vendor: 'invicti' | 'attackforge' | 'none';
  method: string;
  /** The path and query as received. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (bodies carry no secrets). */
  body: string;
  status: number;
}

export interface Simulator {
  /** The server's base URL, e.g. http://127.0.0.1:43121. */
  url: string;
  /** The url to put in an Invicti connection. */
  invictiUrl: string;
  /** The url to put in an AttackForge connection. */
  attackforgeUrl: string;
  credentials: { invicti: { user_id: string; api_token: string }; attackforge: { api_key: string } };
  /** Every request received, in order. */
  requests: LoggedRequest[];
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set(['authorization', 'x-ssapi-key', 'proxy-authorization', 'cookie']);
const MASK = '***';

function maskHeaders(headers: IncomingMessage['headers']): LoggedRequest['headers'] {
  const out: LoggedRequest['headers'] = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name) ? MASK : value;
  return out;
}

function decodePath(rawUrl: string): string | undefined {
  const pathname = rawUrl.split('?')[0]!;
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const credentials = {
    invicti: { ...DEMO_CREDENTIALS.invicti },
    attackforge: { ...DEMO_CREDENTIALS.attackforge },
  };
  const invicti = new InvictiSimulator(credentials.invicti);
  const attackforge = new AttackForgeSimulator(credentials.attackforge);
  const requests: LoggedRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    const path = decodePath(rawUrl);
    const vendor: LoggedRequest['vendor'] = path?.startsWith('/api/1.0/') ? 'invicti' : path?.startsWith('/api/ss/') ? 'attackforge' : 'none';
    const headersFor = vendor === 'attackforge' ? ATTACKFORGE_HEADERS : INVICTI_HEADERS;
    const body = await readBody(req);
    let response: SimResponse;
    if (body === undefined) {
      response = vendor === 'attackforge' ? { status: 413, body: { error: 'Request entity too large.' } } : { status: 413, body: { Message: 'Request entity too large.' } };
    } else if (path === undefined) {
      response = { status: 400, body: { Message: 'Bad request: the path is not valid percent-encoding.' } };
    } else {
      const simRequest: SimRequest = { method, path, headers: req.headers, body };
      if (vendor === 'invicti') response = invicti.handle(simRequest);
      else if (vendor === 'attackforge') response = attackforge.handle(simRequest);
      else if (path === '/' && method === 'GET') response = { status: 200, body: { simulator: 'retest-connectors', invicti: '/api/1.0', attackforge: '/api/ss' } };
      else response = { status: 404, body: { Message: `No API at ${path}: Invicti is under /api/1.0, AttackForge under /api/ss.` } };
    }
    requests.push({ vendor, method, path: rawUrl, headers: maskHeaders(req.headers), body: (body ?? Buffer.alloc(0)).toString('utf8'), status: response.status });
    sendJson(res, response, headersFor);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A simulator bug must show as a 500, not hang the client.
      if (!res.headersSent) sendJson(res, { status: 500, body: { Message: `Simulator error: ${error instanceof Error ? error.message : String(error)}` } }, {});
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
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive clients would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
