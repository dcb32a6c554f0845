/**
 * The palette's server (`retest-connectors palette`): serves the built page and
 * runs the actions it posts through runAction, with the connections the server
 * holds. Guarded like the MCP HTTP server, with the same guards (server/loopback.ts):
 *   - bound to loopback, the Host must be a loopback name; a browser's Origin
 *     must be this server's own (DNS rebinding, another local page: 403);
 *   - every /api request carries `Authorization: Bearer <token>` (401); the
 *     page reads the token from its own URL (`?token=`), the server prints it;
 *   - no CORS headers at all; bodies over the cap are refused (413); at most
 *     `maxRuns` runs at once (503 with Retry-After);
 *   - the page never sees a secret: envelopes are scrubbed by runAction and
 *     again here like MCP results, connections are shown masked (their
 *     secret fields, as auth.ts names them, are only said to be set).
 * A run answers with NDJSON, one line per event, so a wait's progress shows
 * live: {"type":"progress",...}* then {"type":"result",...} or {"type":"error",...}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConnectorError, isConnectorError } from '../contract/errors.js';
import { getAction, manifest } from '../contract/manifest.js';
import { connectionFields } from '../contract/connection-fields.js';
import { listenLocal } from '../server/local-http.js';
import { bearerMatches, digest, hostNameOf, isLoopbackHost, originAllowed } from '../server/loopback.js';
import { secretFields } from '../runtime/auth.js';
import { connectionSecrets } from '../runtime/connection.js';
import { redact, scrubbersFor, scrubDeep } from '../runtime/redact.js';
import type { RunOptions } from '../runtime/run.js';
import { summarize } from '../runtime/summary.js';

export interface PaletteServerOptions {
  host: string;
  port: number;
  /** The bearer token every /api request must carry. */
  token: string;
  /** The built page (index.html + app.js, `npm run palette`). */
  siteDir: string;
  /** Connection fields by connection id, read once at start (environment, --connection file, --simulator). */
  connections: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  log?: (line: string) => void;
  /** Largest run request accepted, in bytes (default 2 MiB: an action's input is at most 1 MiB as JSON). */
  maxBodyBytes?: number;
  /** Runs at once (default 4); more are refused with 503. */
  maxRuns?: number;
  /** Turns a connection error into one that says which variable to set (the CLI's hint). */
  explainError?: (error: ConnectorError, connectionId: string) => ConnectorError;
}

export interface RunningPaletteServer {
  /** e.g. http://127.0.0.1:8790/?token=… */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What the page shows of a connection: every field's title, a value only when it is not secret. */
export interface MaskedField {
  name: string;
  title: string;
  secret: boolean;
  set: boolean;
  /** The value as text (secrets removed), absent for a secret or an unset field. */
  value?: string;
}

export function maskedConnection(connectionId: string, fields: Readonly<Record<string, unknown>>): MaskedField[] {
  const declaration = manifest.connections[connectionId]!;
  const secrets = connectionSecrets(connectionId, fields);
  // Which fields are secret is auth.ts's to say (the auth's secret fields and any writeOnly one).
  const secretNames = new Set(secretFields(declaration));
  return connectionFields(declaration.schema).map(({ name, schema }) => {
    const secret = secretNames.has(name);
    const given = fields[name] ?? schema.default;
    const set = given !== undefined && given !== null && given !== '';
    return { name, title: schema.title ?? name, secret, set, ...(set && !secret ? { value: redact(String(given), secrets) } : {}) };
  });
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/**
 * The page may talk to this server only; nothing else, no plugins, no frames, no eval: its own code is its one
 * script, and no schema is compiled in the page (the runtime's validators are precompiled; the form library's
 * Ajv is never asked to compile, as the forms have no conditional schema and validate with the runtime's).
 */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'none'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'";

function send(res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function reject(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify({ error: { code: 'HTTP', message } }), 'application/json', headers);
}

class BodyTooLarge extends Error {}

/** The request body as text, refused past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        rejectBody(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', rejectBody);
  });
}

export async function startPaletteServer(options: PaletteServerOptions): Promise<RunningPaletteServer> {
  const log = options.log ?? (() => {});
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  const maxRuns = options.maxRuns ?? 4;
  const expectedToken = digest(options.token);
  const checkHost = isLoopbackHost(options.host);
  // The page, with its mode switched to "server" (the static build keeps "static" and never calls out).
  const indexHtml = readFileSync(join(options.siteDir, 'index.html'), 'utf8')
    .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
    .replace('<meta name="palette-mode" content="static">', '<meta name="palette-mode" content="server">');
  const appJs = readFileSync(join(options.siteDir, 'app.js'));
  const { runAction } = await import('../runtime/run.js');
  let running = 0;

  const session = () => ({
    connections: Object.fromEntries(
      Object.keys(manifest.connections).map((id) => [id, { title: manifest.connections[id]!.title, fields: maskedConnection(id, options.connections[id] ?? {}) }]),
    ),
  });

  const run = async (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > maxBodyBytes) return reject(res, 413, `Request body too large (limit ${maxBodyBytes} bytes).`, { Connection: 'close' });
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return reject(res, 415, 'Send the run as application/json.');
    if (running >= maxRuns) return reject(res, 503, `Busy: ${maxRuns} runs in progress; retry shortly.`, { 'Retry-After': '1' });
    running += 1;
    const controller = new AbortController();
    res.once('close', () => {
      running -= 1;
      controller.abort();
    });
    let request: { action?: unknown; input?: unknown };
    try {
      request = JSON.parse(await readBody(req, maxBodyBytes)) as typeof request;
    } catch (error) {
      if (error instanceof BodyTooLarge) return reject(res, 413, `Request body too large (limit ${maxBodyBytes} bytes).`, { Connection: 'close' });
      return reject(res, 400, 'The body must be JSON: {"action": "<action id>", "input": {...}}.');
    }
    const actionId = typeof request?.action === 'string' ? request.action : '';
    if (!manifest.actions.some((a) => a.id === actionId)) return reject(res, 404, `Unknown action ${JSON.stringify(actionId.slice(0, 100))}.`);
    const action = getAction(actionId);
    const connection = options.connections[action.connection] ?? {};
    const { text: scrub, data: scrubData } = scrubbersFor(connectionSecrets(action.connection, connection));
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', ...SECURITY_HEADERS });
    const line = (event: unknown) => res.write(JSON.stringify(event) + '\n');
    const started = Date.now();
    try {
      const runOptions: RunOptions = {
        signal: controller.signal,
        ...(action.poll ? { onProgress: (progress) => line({ type: 'progress', progress: scrubDeep(progress, scrub) }) } : {}),
      };
      const envelope = scrubDeep(await runAction(action.id, request.input, connection, runOptions), scrubData) as Parameters<typeof summarize>[1];
      log(scrub(`run ${action.id}: HTTP ${envelope.status_code} (${Date.now() - started} ms)`));
      line({ type: 'result', envelope, summary: summarize(action.id, envelope) });
    } catch (error) {
      if (isConnectorError(error)) {
        const explained = options.explainError ? options.explainError(error, action.connection) : error;
        log(scrub(`run ${action.id}: ${explained.code} (${Date.now() - started} ms)`));
        line({ type: 'error', error: scrubDeep(explained.toJSON(), scrub) });
      } else {
        log(scrub(`run ${action.id}: internal error: ${error instanceof Error ? error.message : String(error)}`));
        line({ type: 'error', error: { code: 'INTERNAL', message: scrub(`Internal error: ${error instanceof Error ? error.message : String(error)}`) } });
      }
    }
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const hostHeader = req.headers.host ?? '';
    if (checkHost && !isLoopbackHost(hostNameOf(hostHeader))) return reject(res, 403, 'Forbidden: Host is not a loopback name.');
    const origin = req.headers.origin;
    // A browser's Origin: this server's own page only (another page on this machine is foreign too).
    const foreign = origin !== undefined && (origin !== `http://${hostHeader}` || (checkHost && !originAllowed(origin)));
    if (foreign) return reject(res, 403, 'Forbidden: Origin not allowed.');
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      return send(res, 200, indexHtml, 'text/html; charset=utf-8', { 'Content-Security-Policy': PAGE_CSP });
    }
    if (req.method === 'GET' && path === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': appJs.length, ...SECURITY_HEADERS });
      return res.end(appJs);
    }
    if (path === '/favicon.ico') return send(res, 204, '', 'text/plain');
    if (!path?.startsWith('/api/')) return reject(res, 404, 'Not found.');
    if (!bearerMatches(req.headers.authorization, expectedToken)) {
      return reject(res, 401, 'Unauthorized: open the URL the palette printed (it carries the token).', { 'WWW-Authenticate': 'Bearer realm="retest-connectors palette"' });
    }
    if (path === '/api/session' && req.method === 'GET') return send(res, 200, JSON.stringify(session()), 'application/json');
    if (path === '/api/run' && req.method === 'POST') return run(req, res);
    return reject(res, 405, 'Method not allowed.', { Allow: path === '/api/run' ? 'POST' : 'GET' });
  };

  // A run's answer may stream for as long as its wait; the request itself is bounded (server/local-http.ts).
  const http = await listenLocal({ host: options.host, port: options.port, name: 'palette http', log, internalError: (res) => reject(res, 500, 'Internal error.') }, handle);
  return { url: `${http.base}/?token=${encodeURIComponent(options.token)}`, port: http.port, close: http.close };
}
