/**
 * HTTP through got's stream API: one configured client per (TLS, proxy,
 * timeout) settings with keep-alive agents, neither automatic retry (the
 * runtime's retry policy decides, see retry.ts) nor redirect following
 * (credentials never travel to another origin: a 3xx comes back as an
 * envelope with its Location). Response bodies are collected here and capped
 * on Content-Length and on every chunk.
 *
 * One deadline per call: a single timer, armed when send() starts, covers the
 * wait for an in-flight slot, the proxy CONNECT (TLS to an https proxy
 * included), TLS, sending and the whole body. When it fires the request is
 * destroyed, its slot released, and the call rejects with TIMEOUT, whatever got
 * or the agent are doing. A call left with too little time is not sent at all.
 */
import got, { Options, type Request as GotRequest, RequestError } from 'got';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { ResolvedConnection } from './connection.js';
import { ConnectorError } from '../contract/errors.js';
import { MAX_IN_FLIGHT_PER_ORIGIN, slotsFor } from './in-flight.js';
import { checkProxyUrl, chooseProxy, describeProxy, HttpsTunnelAgent, HttpTunnelAgent, proxySecrets } from './proxy.js';
import { redact } from './redact.js';
import type { PreparedRequest } from './request.js';
import { markConnectionReset, markNotSent } from './delivery.js';
import { loadCaBundle, warnVerificationOff } from './tls.js';

export interface TransportResponse {
  statusCode: number;
  statusMessage: string | undefined;
  /** Header names and values in the order and case the server sent them. */
  rawHeaders: string[];
  body: Buffer;
}

export interface TransportOptions {
  /** Bytes of response body buffered at most; a larger body ends with RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
  /** Time left for this attempt in ms (the call's timeout_ms minus time already spent); defaults to timeout_ms. */
  timeoutMs?: number;
  /** Aborts the request at once: the call rejects with ConnectorError code ABORTED. */
  signal?: AbortSignal | undefined;
}

/** Sends one prepared request. Tests and platforms may supply their own. */
export interface Transport {
  send(request: PreparedRequest, connection: ResolvedConnection, options: TransportOptions): Promise<TransportResponse>;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * The least time worth sending a request with (capped at half the call's
 * timeout_ms, so a deliberately short timeout still sends its first attempt).
 * A call that waited for a slot until less than this was left reports TIMEOUT
 * without sending: a request that could not be answered in time would only
 * reach the server after its caller was told it timed out.
 */
export const MIN_SEND_MS = 100;

interface ClientSettings {
  verifySsl: boolean;
  caFile: string | undefined;
  proxyUrl: string | undefined;
  /** Hard limit of a proxy CONNECT (the connection's timeout_ms). */
  connectTimeoutMs: number;
}

interface Client {
  /** got Options with everything but the body, normalised once per (method, URL, headers) and reused. */
  readonly prepared: Map<string, Options>;
  readonly defaults: Options;
}

const clients = new Map<string, Client>();
const MAX_CLIENTS = 64;
const MAX_PREPARED_PER_CLIENT = 256;

function agentsFor({ verifySsl, caFile, proxyUrl, connectTimeoutMs }: ClientSettings): { http: http.Agent; https: https.Agent } {
  const tlsOptions = { rejectUnauthorized: verifySsl, ...(caFile ? { ca: loadCaBundle(caFile) } : {}) };
  if (proxyUrl) {
    // Both http and https targets go through a CONNECT tunnel (proxy.ts), under a hard CONNECT deadline.
    const proxy = new URL(proxyUrl);
    return {
      http: new HttpTunnelAgent({ keepAlive: true, proxy, connectTimeoutMs, ...tlsOptions }),
      https: new HttpsTunnelAgent({ keepAlive: true, proxy, connectTimeoutMs, ...tlsOptions }),
    };
  }
  return { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, ...tlsOptions }) };
}

type NativeOptions = https.RequestOptions & { agent?: http.Agent };

interface Target {
  https: boolean;
  host: string;
  port: string;
  path: string;
}

/** The URL's parts node:http needs, split once per URL object (got reuses the pre-normalised Options' URL). */
const targets = new WeakMap<URL, Target>();

function targetOf(url: URL): Target {
  let target = targets.get(url);
  if (!target) {
    const https = url.protocol === 'https:';
    target = { https, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || (https ? '443' : '80'), path: `${url.pathname}${url.search}` };
    targets.set(url, target);
  }
  return target;
}

/**
 * got's request function, trimmed: of the ~45 native options got assembles on
 * every call (mostly undefined), only those this transport uses reach
 * node:http, and the URL is not parsed again. TLS settings live on the agent,
 * which Node merges in.
 */
function nativeRequest(url: URL, options: NativeOptions): http.ClientRequest {
  const target = targetOf(url);
  const trimmed: NativeOptions = {
    method: options.method!,
    headers: options.headers!,
    agent: options.agent!,
    host: target.host,
    port: target.port,
    path: target.path,
  };
  // The agent works out the TLS server name from the host (none for an IP address), as for any https.request.
  return target.https ? https.request(trimmed) : http.request(trimmed);
}

/**
 * What got's `createNativeRequestOptions()` is replaced with on each request's Options: the three native
 * options nativeRequest reads. got's own builds ~45 properties after two object spreads on every call,
 * which V8 can only do through its runtime (a map transition per property): the largest single cost
 * got adds to a request. Set on the request's own Options instance, never on got's prototype.
 */
function leanNativeOptions(this: Options): NativeOptions {
  const agents = this.agent;
  return {
    method: this.method,
    headers: this.headers as NativeOptions['headers'],
    agent: ((this.url as URL).protocol === 'https:' ? agents.https : agents.http) as http.Agent,
  };
}

function clientFor(settings: ClientSettings): Client {
  const key = `${settings.verifySsl ? 1 : 0}\u0000${settings.caFile ?? ''}\u0000${settings.proxyUrl ?? ''}\u0000${settings.connectTimeoutMs}`;
  let client = clients.get(key);
  if (!client) {
    const defaults = new Options({
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      isStream: true,
      https: { rejectUnauthorized: settings.verifySsl },
      agent: agentsFor(settings),
      request: nativeRequest as unknown as Options['request'],
    });
    client = { prepared: new Map(), defaults };
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
    clients.set(key, client);
  }
  return client;
}

/** The got Options for (method, URL, headers), built once: header names lower-cased, the URL parsed once. */
function preparedOptions(client: Client, request: PreparedRequest): Options {
  let key = `${request.method} ${request.url}`;
  for (const name in request.headers) key += `\u0000${name}\u0000${request.headers[name]}`;
  let options = client.prepared.get(key);
  if (!options) {
    const headers: Record<string, string> = {};
    for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name]!;
    options = new Options(request.url, { method: request.method as 'POST', headers }, client.defaults);
    if (client.prepared.size >= MAX_PREPARED_PER_CLIENT) client.prepared.delete(client.prepared.keys().next().value as string);
    client.prepared.set(key, options);
  }
  return options;
}

interface ProxyDecision {
  url: string | undefined;
}

const proxyDecisions = new Map<string, ProxyDecision>();
const MAX_PROXY_DECISIONS = 256;

/**
 * The proxy for this request, decided once per (origin, connection proxy,
 * proxy environment); an unusable value is CONFIG_INVALID naming where it came from.
 */
function proxyFor(origin: string, connection: ResolvedConnection): string | undefined {
  let key: string;
  if (connection.httpProxy !== undefined) key = `${origin}\u0000c${connection.httpProxy}`;
  else {
    // Only the variables that can apply to this origin are read (process.env lookups are not free).
    const env = process.env;
    const proxy = origin.startsWith('https:') ? `${env.https_proxy ?? ''}\u0000${env.HTTPS_PROXY ?? ''}` : `${env.http_proxy ?? ''}\u0000${env.HTTP_PROXY ?? ''}`;
    key = `${origin}\u0000e${proxy}\u0000${env.no_proxy ?? ''}\u0000${env.NO_PROXY ?? ''}`;
  }
  const known = proxyDecisions.get(key);
  if (known) return known.url;
  const choice = chooseProxy(origin, connection.httpProxy);
  if (choice.url) {
    const field = choice.source === 'connection' ? 'connection.http_proxy' : origin.startsWith('https:') ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    checkProxyUrl(choice.url, field);
  }
  if (proxyDecisions.size >= MAX_PROXY_DECISIONS) proxyDecisions.delete(proxyDecisions.keys().next().value as string);
  proxyDecisions.set(key, { url: choice.url });
  return choice.url;
}

const origins = new Map<string, string>();

/** The origin of a connection's base URL, parsed once. */
function originOf(baseUrl: string): string {
  let origin = origins.get(baseUrl);
  if (origin === undefined) {
    origin = new URL(baseUrl).origin;
    if (origins.size >= 1024) origins.clear();
    origins.set(baseUrl, origin);
  }
  return origin;
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|EPROTO$|HOSTNAME_MISMATCH)/;
/** Failures before a connection existed: nothing was sent, so a retry cannot duplicate anything. */
const BEFORE_SENDING: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
};
const CONNECT_CODES: Record<string, string> = {
  ...BEFORE_SENDING,
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
};

export interface TransportErrorContext {
  /** The call's whole time budget (timeout_ms), named in TIMEOUT messages. */
  timeoutMs?: number;
  /** The proxy the request went through, if any. */
  proxyUrl?: string | undefined;
}

/**
 * A transport failure as a ConnectorError. Nothing of got's error (which holds
 * the request options, headers included) is kept: only a code and a message
 * built here, with every secret masked.
 */
export function transportError(
  error: unknown,
  request: PreparedRequest,
  connection: ResolvedConnection,
  context: TransportErrorContext = {},
): ConnectorError {
  const secrets = [...connection.secrets, ...proxySecrets(context.proxyUrl)];
  const where = `${request.method} ${redact(request.url, secrets)}`;
  const code = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? redact(error.message, secrets) : 'unknown error';
  const via = context.proxyUrl ? ` via proxy ${describeProxy(context.proxyUrl)}` : '';
  if (code === 'ETIMEDOUT') {
    const ms = context.timeoutMs ?? connection.timeoutMs;
    return new ConnectorError('TIMEOUT', `${where}${via} timed out: no complete response within ${ms} ms (timeout_ms)`);
  }
  if (TLS_CODES.test(code)) {
    return new ConnectorError(
      'TLS_FAILED',
      `${where}: TLS failed (${code}). Check the host's certificate; for a private CA set ca_file or NODE_EXTRA_CA_CERTS. verify_ssl: false turns verification off (insecure).`,
    );
  }
  if (CONNECT_CODES[code]) {
    const failure = new ConnectorError('CONNECTION_FAILED', `${where}${via}: ${CONNECT_CODES[code]} (${code}). Check the connection's url, proxy and network.`);
    if (BEFORE_SENDING[code]) return markNotSent(failure);
    return code === 'ECONNRESET' || code === 'EPIPE' ? markConnectionReset(failure) : failure;
  }
  // The tunnel (proxy.ts) reports a refused CONNECT as "Bad response: <status>".
  const tunnel = /^Bad response: (\d{3})$/.exec(message);
  if (tunnel && context.proxyUrl) {
    const status = tunnel[1]!;
    const hint = status === '407' ? 'the proxy requires credentials (put them in the proxy URL)' : `the proxy refused the tunnel (HTTP ${status})`;
    return new ConnectorError('CONNECTION_FAILED', `${where}${via}: ${hint}`);
  }
  if (error instanceof RequestError || code) {
    return new ConnectorError('REQUEST_FAILED', `${where}${via} failed${code ? ` (${code})` : ''}: ${message}`);
  }
  return new ConnectorError('REQUEST_FAILED', `${where}${via} failed: ${message}`);
}

function tooLarge(request: PreparedRequest, connection: ResolvedConnection, limit: number): ConnectorError {
  return new ConnectorError(
    'RESPONSE_TOO_LARGE',
    `${request.method} ${redact(request.url, connection.secrets)}: the response body exceeds ${limit} bytes (max_response_bytes); it was not read to the end.`,
  );
}

function notSentTimeout(request: PreparedRequest, connection: ResolvedConnection, why: string): ConnectorError {
  return markNotSent(
    new ConnectorError('TIMEOUT', `${request.method} ${redact(request.url, connection.secrets)} timed out before it was sent: ${why} (timeout_ms ${connection.timeoutMs})`),
  );
}

function aborted(request: PreparedRequest, connection: ResolvedConnection, sent: boolean): ConnectorError {
  return new ConnectorError(
    'ABORTED',
    `${request.method} ${redact(request.url, connection.secrets)} was aborted ${sent ? 'after it was sent: it may have reached the server' : 'before it was sent'}`,
  );
}

export const gotTransport: Transport = {
  async send(request, connection, { maxResponseBytes, timeoutMs, signal }) {
    const budget = timeoutMs ?? connection.timeoutMs;
    const deadline = Date.now() + budget;
    if (signal?.aborted) throw aborted(request, connection, false);
    const origin = originOf(connection.baseUrl);
    const proxyUrl = proxyFor(origin, connection);
    if (!connection.verifySsl) warnVerificationOff(origin);
    const client = clientFor({ verifySsl: connection.verifySsl, caFile: connection.caFile, proxyUrl, connectTimeoutMs: connection.timeoutMs });
    const slots = slotsFor(origin);
    const release = await slots.acquire(budget, signal);
    if (!release) {
      if (signal?.aborted) throw aborted(request, connection, false);
      throw notSentTimeout(request, connection, `${MAX_IN_FLIGHT_PER_ORIGIN} requests to ${origin} stayed in flight`);
    }
    try {
      const left = deadline - Date.now();
      if (left < Math.min(MIN_SEND_MS, connection.timeoutMs / 2)) {
        throw notSentTimeout(request, connection, `only ${Math.max(0, left)} ms were left after waiting for a free connection slot to ${origin}`);
      }
      if (signal?.aborted) throw aborted(request, connection, false);
      return await sendNow(client, request, connection, maxResponseBytes, left, proxyUrl, signal);
    } finally {
      release();
    }
  },
};

/** True once the request's socket is connected (its bytes may be on the wire); false before, i.e. provably not sent. */
function socketConnected(stream: GotRequest): boolean {
  const socket = (stream as unknown as { _request?: http.ClientRequest })._request?.socket as (net.Socket & { connecting?: boolean }) | null | undefined;
  return Boolean(socket) && socket!.connecting === false && !socket!.pending;
}

function sendNow(
  client: Client,
  request: PreparedRequest,
  connection: ResolvedConnection,
  maxResponseBytes: number,
  timeoutMs: number,
  proxyUrl: string | undefined,
  signal: AbortSignal | undefined,
): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    // got(undefined, options, defaults) starts from the pre-normalised Options; only the body is merged per call.
    const stream = (got as unknown as (url: undefined, options: { body: string } | undefined, defaults: Options) => GotRequest)(
      undefined,
      request.body === undefined ? undefined : { body: request.body },
      preparedOptions(client, request),
    );
    if (stream.options) (stream.options as unknown as { createNativeRequestOptions: typeof leanNativeOptions }).createNativeRequestOptions = leanNativeOptions;
    // got's stream waits for a request body to be written to it on any method but GET/HEAD: a POST without
    // one (closing a retest round) is ended here, so it goes out with Content-Length: 0 and no Content-Type.
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') stream.end();
    const chunks: Buffer[] = [];
    let received = 0;
    let head: http.IncomingMessage | undefined;
    let settled = false;

    const finish = (error: ConnectorError | undefined, response?: TransportResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        stream.destroy();
        reject(error);
      } else resolve(response!);
    };
    const stop = (error: ConnectorError) => finish(error);
    const onAbort = () => stop(aborted(request, connection, socketConnected(stream)));
    const timer = setTimeout(() => {
      const error = new ConnectorError(
        'TIMEOUT',
        `${request.method} ${redact(request.url, connection.secrets)}${proxyUrl ? ` via proxy ${describeProxy(proxyUrl)}` : ''} timed out: no complete response within ${connection.timeoutMs} ms (timeout_ms)`,
      );
      stop(socketConnected(stream) || head ? error : markNotSent(error));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    stream.once('response', (response: http.IncomingMessage) => {
      head = response;
      const declared = response.headers['content-length'];
      if (declared !== undefined && Number(declared) > maxResponseBytes) stop(tooLarge(request, connection, maxResponseBytes));
    });
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxResponseBytes) return stop(tooLarge(request, connection, maxResponseBytes));
      chunks.push(chunk);
    });
    stream.once('end', () => {
      if (!head) return stop(transportError(new Error('no response'), request, connection, { proxyUrl }));
      finish(undefined, {
        statusCode: head.statusCode!,
        statusMessage: head.statusMessage,
        rawHeaders: head.rawHeaders,
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received),
      });
    });
    stream.on('error', (error: Error) => stop(transportError(error, request, connection, { timeoutMs: connection.timeoutMs, proxyUrl })));
  });
}
