/**
 * HTTP through got: one configured client per (TLS, proxy) settings with
 * keep-alive agents, a per-attempt time limit, and neither automatic retry
 * (the runtime's retry policy decides, see retry.ts) nor redirect following
 * (credentials never travel to another origin: a 3xx comes back as an
 * envelope with its Location). Response bodies are capped while they stream.
 */
import got, { type Got, RequestError } from 'got';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import http from 'node:http';
import https from 'node:https';
import type { ResolvedConnection } from './connection.js';
import { ConnectorError } from '../contract/errors.js';
import { MAX_IN_FLIGHT_PER_ORIGIN, slotsFor } from './in-flight.js';
import { chooseProxy, describeProxy, proxySecrets } from './proxy.js';
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
}

/** Sends one prepared request. Tests and platforms may supply their own. */
export interface Transport {
  send(request: PreparedRequest, connection: ResolvedConnection, options: TransportOptions): Promise<TransportResponse>;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const clients = new Map<string, Got>();
const MAX_CLIENTS = 64;

interface ClientSettings {
  verifySsl: boolean;
  caFile: string | undefined;
  proxyUrl: string | undefined;
}

function agentsFor({ verifySsl, caFile, proxyUrl }: ClientSettings) {
  const tlsOptions = { rejectUnauthorized: verifySsl, ...(caFile ? { ca: loadCaBundle(caFile) } : {}) };
  if (proxyUrl) {
    // hpagent tunnels both http and https targets through the proxy with CONNECT.
    return {
      http: new HttpProxyAgent({ keepAlive: true, proxy: proxyUrl }),
      https: new HttpsProxyAgent({ keepAlive: true, proxy: proxyUrl, ...tlsOptions }),
    };
  }
  return { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, ...tlsOptions }) };
}

function clientFor(settings: ClientSettings): Got {
  const key = JSON.stringify([settings.verifySsl, settings.caFile ?? null, settings.proxyUrl ?? null]);
  let client = clients.get(key);
  if (!client) {
    const agent = agentsFor(settings);
    client = got.extend({
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      responseType: 'buffer',
      https: { rejectUnauthorized: settings.verifySsl },
      agent,
    });
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
    clients.set(key, client);
  }
  return client;
}

/** The proxy for this request, with an unusable environment value reported as CONFIG_INVALID. */
function proxyFor(request: PreparedRequest, connection: ResolvedConnection): string | undefined {
  const choice = chooseProxy(request.url, connection.httpProxy);
  if (choice.source !== 'environment' || !choice.url) return choice.url;
  try {
    const url = new URL(choice.url);
    if (url.protocol === 'http:' || url.protocol === 'https:') return choice.url;
  } catch {
    /* reported below */
  }
  const variable = request.url.startsWith('https:') ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  throw new ConnectorError('CONFIG_INVALID', `${variable} (environment) is not an http(s) proxy URL`, [
    { field: variable, message: 'must be an http(s) URL, e.g. http://proxy.example.com:3128' },
  ]);
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
  // hpagent reports a refused CONNECT as "Bad response: <status>".
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

export const gotTransport: Transport = {
  async send(request, connection, { maxResponseBytes, timeoutMs }) {
    const proxyUrl = proxyFor(request, connection);
    if (!connection.verifySsl) warnVerificationOff(request.url);
    const client = clientFor({ verifySsl: connection.verifySsl, caFile: connection.caFile, proxyUrl });
    const budget = timeoutMs ?? connection.timeoutMs;
    const started = Date.now();
    const origin = new URL(request.url).origin;
    const release = await slotsFor(origin).acquire(budget);
    if (!release) {
      throw new ConnectorError(
        'TIMEOUT',
        `${request.method} ${redact(request.url, connection.secrets)} timed out before it was sent: ${MAX_IN_FLIGHT_PER_ORIGIN} requests to ${origin} stayed in flight for ${connection.timeoutMs} ms (timeout_ms)`,
      );
    }
    try {
      return await sendNow(client, request, connection, maxResponseBytes, Math.max(1, budget - (Date.now() - started)), proxyUrl);
    } finally {
      release();
    }
  },
};

async function sendNow(
  client: Got,
  request: PreparedRequest,
  connection: ResolvedConnection,
  maxResponseBytes: number,
  timeoutMs: number,
  proxyUrl: string | undefined,
): Promise<TransportResponse> {
  let overLimit = false;
  const pending = client(request.url, {
    method: request.method as 'POST',
    headers: request.headers,
    timeout: { request: timeoutMs },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  // Fires once when the headers arrive (total = Content-Length) and then per
  // chunk: cancelling destroys the socket, so an oversized body is never
  // buffered past the limit.
  pending.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
    if (overLimit) return;
    if (progress.transferred > maxResponseBytes || (progress.total !== undefined && progress.total > maxResponseBytes)) {
      overLimit = true;
      pending.cancel();
    }
  });
  try {
    const response = await pending;
    return {
      statusCode: response.statusCode,
      statusMessage: response.statusMessage,
      rawHeaders: response.rawHeaders,
      body: response.rawBody ?? Buffer.alloc(0),
    };
  } catch (error) {
    if (overLimit) throw tooLarge(request, connection, maxResponseBytes);
    throw transportError(error, request, connection, { timeoutMs: connection.timeoutMs, proxyUrl });
  }
}
