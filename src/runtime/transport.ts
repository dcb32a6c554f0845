/**
 * HTTP through got 14's public API: got.extend() per (TLS, proxy, CONNECT
 * deadline) settings with keep-alive agents, its stream API, its
 * `timeout.request`, and `retry: { limit: 0 }` and `followRedirect: false`
 * (the runtime's retry policy decides what is resent, see retry.ts; a 3xx
 * comes back as an envelope with its Location, so credentials never travel to
 * another origin). Response bodies are collected here, or streamed to a
 * BodySink, and capped on Content-Length and on every chunk.
 *
 * One deadline per call: the budget covers the wait for an in-flight slot;
 * what is left is got's `timeout.request`, which covers the proxy CONNECT (TLS
 * to an https proxy included), TLS, sending and the whole body. A call left
 * with too little time after the slot wait is not sent at all.
 */
import got, { type Got, type Request as GotRequest, RequestError } from 'got';
import http from 'node:http';
import https from 'node:https';
import type { Writable } from 'node:stream';
import type { ResolvedConnection } from './connection.js';
import { ConnectorError, isConnectorError } from '../contract/errors.js';
import { MAX_IN_FLIGHT_PER_ORIGIN, slotsFor } from './in-flight.js';
import { checkProxyUrl, chooseProxy, describeProxy, HttpsTunnelAgent, HttpTunnelAgent, proxySecrets } from './proxy.js';
import { redact } from './redact.js';
import type { PreparedRequest } from './request.js';
import { loadCaBundle, warnVerificationOff } from './tls.js';

export interface TransportResponse {
  statusCode: number;
  statusMessage: string | undefined;
  /** Header names and values in the order and case the server sent them. */
  rawHeaders: string[];
  /** The body; empty when a BodySink took it. */
  body: Buffer;
  /** Bytes written to the BodySink, when one took the body. */
  streamedBytes?: number;
}

export interface TransportOptions {
  /** Bytes of response body buffered at most; a larger body ends with RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
  /** Time left for this attempt in ms (the call's timeout_ms minus time already spent); defaults to timeout_ms. */
  timeoutMs?: number;
  /** Aborts the request at once: the call rejects with ConnectorError code ABORTED. */
  signal?: AbortSignal | undefined;
  /** Where the body goes instead of memory, when the sink takes it (a report saved to disk). */
  sink?: BodySink | undefined;
}

/**
 * Takes a response body as it arrives, under the same byte cap, instead of buffering it: asked once
 * the head is in; a response it declines (open returns undefined: an error status) is buffered as usual.
 */
export interface BodySink {
  open(head: { statusCode: number; rawHeaders: string[] }): Writable | undefined;
  /** The error a failed write becomes (WRITE_FAILED, naming the file). */
  failed(error: Error): ConnectorError;
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

/**
 * One got instance per (TLS, proxy, CONNECT deadline) settings, so its keep-alive agents are reused
 * across calls. got's own retry and redirect following are off by option: the runtime's policy decides
 * what is resent (retry.ts), and credentials never follow a 3xx to another origin.
 */
const clients = new Map<string, { got: Got; agents: { http: http.Agent; https: https.Agent } }>();
const MAX_CLIENTS = 64;

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

function clientFor(settings: ClientSettings): Got {
  const key = `${settings.verifySsl ? 1 : 0}\u0000${settings.caFile ?? ''}\u0000${settings.proxyUrl ?? ''}\u0000${settings.connectTimeoutMs}`;
  let client = clients.get(key);
  if (!client) {
    const agents = agentsFor(settings);
    client = {
      agents,
      got: got.extend({
        agent: agents,
        https: { rejectUnauthorized: settings.verifySsl },
        retry: { limit: 0 },
        followRedirect: false,
        throwHttpErrors: false,
      }),
    };
    if (clients.size >= MAX_CLIENTS) {
      // The oldest settings' sockets are closed with them.
      const [oldest, evicted] = clients.entries().next().value as [string, { agents: { http: http.Agent; https: https.Agent } }];
      clients.delete(oldest);
      evicted.agents.http.destroy();
      evicted.agents.https.destroy();
    }
    clients.set(key, client);
  }
  return client.got;
}

/** The proxy for this request; an unusable value is CONFIG_INVALID naming where it came from. */
function proxyFor(origin: string, connection: ResolvedConnection): string | undefined {
  const choice = chooseProxy(origin, connection.httpProxy);
  if (choice.url) {
    const field = choice.source === 'connection' ? 'connection.http_proxy' : origin.startsWith('https:') ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    checkProxyUrl(choice.url, field);
  }
  return choice.url;
}

/**
 * THE one guarantee this transport needs that got's public API does not state in words: "this request
 * was provably not sent", which lets a POST that creates a scan be tried again (retry.ts). It reads got's
 * public `timings` (on the request stream and on every RequestError): got times each native request
 * (its core/utils/timer.js): `connect` is set when the socket connects, and at once when the request
 * is handed an already-connected socket (a keep-alive one, or a proxy tunnel); `upload` when the
 * request was written. So `connect` still unset means
 * no connection ever carried a byte of this request. A got upgrade that stops setting `connect` for
 * reused sockets, or starts timing before the connection exists, breaks this: tests/e2e/transport-got.test.ts
 * ("provablyNotSent: what it relies on in got") fails then.
 */
export function provablyNotSent(timings: GotRequest['timings']): boolean {
  return timings !== undefined && timings.connect === undefined && timings.upload === undefined;
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
  const timings = error instanceof RequestError ? error.timings : undefined;
  const code = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : '';
  const notSent = Boolean(BEFORE_SENDING[code]) || provablyNotSent(timings);
  const failure = describeFailure(error, code, request, connection, context);
  if (notSent) return new ConnectorError(failure.code, failure.message, undefined, { delivery: 'not-sent' });
  if (code === 'ECONNRESET' || code === 'EPIPE') return new ConnectorError(failure.code, failure.message, undefined, { delivery: 'reset-after-send' });
  return failure;
}

/** The words for a request that may have reached the server: a POST or PATCH may have been processed. */
function fateUnknown(request: PreparedRequest): string {
  return request.method === 'GET' || request.method === 'HEAD' ? '' : ` The ${request.method} may have been processed by the server: check before sending it again.`;
}

function describeFailure(
  error: unknown,
  code: string,
  request: PreparedRequest,
  connection: ResolvedConnection,
  context: TransportErrorContext,
): ConnectorError {
  const secrets = [...connection.secrets, ...proxySecrets(context.proxyUrl)];
  const where = `${request.method} ${redact(request.url, secrets)}`;
  const after = BEFORE_SENDING[code] || provablyNotSent(error instanceof RequestError ? error.timings : undefined) ? '' : fateUnknown(request);
  const message = error instanceof Error ? redact(error.message, secrets) : 'unknown error';
  const via = context.proxyUrl ? ` via proxy ${describeProxy(context.proxyUrl)}` : '';
  if (code === 'ETIMEDOUT') {
    const ms = context.timeoutMs ?? connection.timeoutMs;
    return new ConnectorError('TIMEOUT', `${where}${via} timed out: no complete response within ${ms} ms (timeout_ms).${after}`);
  }
  if (TLS_CODES.test(code)) {
    return new ConnectorError(
      'TLS_FAILED',
      `${where}: TLS failed (${code}). Check the host's certificate; for a private CA set ca_file or NODE_EXTRA_CA_CERTS. verify_ssl: false turns verification off (insecure).`,
    );
  }
  if (CONNECT_CODES[code]) {
    return new ConnectorError('CONNECTION_FAILED', `${where}${via}: ${CONNECT_CODES[code]} (${code}). Check the connection's url, proxy and network.${after}`);
  }
  // The tunnel (proxy.ts) reports a refused CONNECT as "Bad response: <status>".
  const tunnel = /^Bad response: (\d{3})$/.exec(message);
  if (tunnel && context.proxyUrl) {
    const status = tunnel[1]!;
    const hint = status === '407' ? 'the proxy requires credentials (put them in the proxy URL)' : `the proxy refused the tunnel (HTTP ${status})`;
    return new ConnectorError('CONNECTION_FAILED', `${where}${via}: ${hint}`);
  }
  if (error instanceof RequestError || code) {
    return new ConnectorError('REQUEST_FAILED', `${where}${via} failed${code ? ` (${code})` : ''}: ${message}.${after}`);
  }
  return new ConnectorError('REQUEST_FAILED', `${where}${via} failed: ${message}.${after}`);
}

function tooLarge(request: PreparedRequest, connection: ResolvedConnection, limit: number): ConnectorError {
  return new ConnectorError(
    'RESPONSE_TOO_LARGE',
    `${request.method} ${redact(request.url, connection.secrets)}: the response body exceeds ${limit} bytes (max_response_bytes); it was not read to the end.`,
  );
}

function notSentTimeout(request: PreparedRequest, connection: ResolvedConnection, why: string): ConnectorError {
  return new ConnectorError(
    'TIMEOUT',
    `${request.method} ${redact(request.url, connection.secrets)} timed out before it was sent: ${why} (timeout_ms ${connection.timeoutMs})`,
    undefined,
    { delivery: 'not-sent' },
  );
}

function aborted(request: PreparedRequest, connection: ResolvedConnection, sent: boolean): ConnectorError {
  return new ConnectorError(
    'ABORTED',
    `${request.method} ${redact(request.url, connection.secrets)} was aborted ${sent ? 'after it was sent: it may have reached the server' : 'before it was sent'}`,
  );
}

export const gotTransport: Transport = {
  async send(request, connection, { maxResponseBytes, timeoutMs, signal, sink }) {
    const budget = timeoutMs ?? connection.timeoutMs;
    const deadline = Date.now() + budget;
    if (signal?.aborted) throw aborted(request, connection, false);
    const origin = new URL(connection.baseUrl).origin;
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
      return await sendNow(client, request, connection, { maxResponseBytes, timeoutMs: left, proxyUrl, signal, sink });
    } finally {
      release();
    }
  },
};

/** Statuses whose response has no body whatever the server sends after the head (RFC 9110). */
const NO_BODY = new Set([204, 205, 304]);

/**
 * A response whose head and whole declared body arrived before the connection failed: the server sent
 * junk after a complete answer (bytes past an exact Content-Length, a body on a 204/304). Node's parser
 * reports the junk as an error on the request; the answer itself is complete (IncomingMessage.complete)
 * and reaches the caller. Without a Content-Length there is no way to tell a whole body from a cut one.
 */
function wholeDespiteError(head: http.IncomingMessage | undefined, method: string, received: number): boolean {
  if (!head?.complete) return false;
  if (NO_BODY.has(head.statusCode!) || method === 'HEAD') return true;
  const declared = head.headers['content-length'];
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) === received;
}

interface SendSettings {
  maxResponseBytes: number;
  timeoutMs: number;
  proxyUrl: string | undefined;
  signal: AbortSignal | undefined;
  sink: BodySink | undefined;
}

function sendNow(client: Got, request: PreparedRequest, connection: ResolvedConnection, settings: SendSettings): Promise<TransportResponse> {
  const { maxResponseBytes, timeoutMs, proxyUrl, signal, sink } = settings;
  return new Promise<TransportResponse>((resolve, reject) => {
    const stream = client.stream(request.url, {
      method: request.method as 'POST',
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      // One deadline for everything after the slot: CONNECT through a proxy, TLS, sending, the whole body.
      timeout: { request: timeoutMs },
    });
    // got's stream waits for a request body to be written to it on any method but GET/HEAD: a POST without
    // one (closing a retest round) is ended here, so it goes out with Content-Length: 0 and no Content-Type.
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') stream.end();
    const chunks: Buffer[] = [];
    let received = 0;
    let head: http.IncomingMessage | undefined;
    let target: Writable | undefined;
    let settled = false;

    const finish = (error: ConnectorError | undefined) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        stream.destroy();
        target?.destroy();
        return reject(error);
      }
      const response: TransportResponse = {
        statusCode: head!.statusCode!,
        statusMessage: head!.statusMessage,
        rawHeaders: head!.rawHeaders,
        body: target ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received),
        ...(target ? { streamedBytes: received } : {}),
      };
      if (!target) return resolve(response);
      // The file is complete only once the sink has flushed it.
      target.end((error?: Error | null) => (error ? reject(sink!.failed(error)) : resolve(response)));
    };
    const onAbort = () => finish(aborted(request, connection, !provablyNotSent(stream.timings)));
    signal?.addEventListener('abort', onAbort, { once: true });
    const take = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxResponseBytes) return finish(tooLarge(request, connection, maxResponseBytes));
      if (!target) return void chunks.push(chunk);
      // Backpressure: the socket is not read faster than the disk takes the bytes.
      if (!target.write(chunk)) {
        stream.pause();
        target.once('drain', () => stream.resume());
      }
    };

    stream.once('response', (response: http.IncomingMessage) => {
      head = response;
      const declared = response.headers['content-length'];
      if (declared !== undefined && Number(declared) > maxResponseBytes) return finish(tooLarge(request, connection, maxResponseBytes));
      try {
        target = sink?.open({ statusCode: response.statusCode!, rawHeaders: response.rawHeaders });
      } catch (error) {
        return finish(isConnectorError(error) ? error : new ConnectorError('WRITE_FAILED', String(error)));
      }
      target?.once('error', (error: Error) => finish(sink!.failed(error)));
    });
    // A complete answer followed by junk (wholeDespiteError): the native request reports the junk as an
    // error. This listener runs before got's own, which destroys the request and with it whatever the
    // response still holds; it takes what is left of the body while it is there.
    let recovered = false;
    stream.once('request', (native: http.ClientRequest) => {
      let nativeResponse: http.IncomingMessage | undefined;
      native.once('response', (response: http.IncomingMessage) => (nativeResponse = response));
      native.prependListener('error', () => {
        if (settled || !nativeResponse?.complete) return;
        head ??= nativeResponse;
        for (let chunk = nativeResponse.read() as Buffer | null; chunk !== null && !settled; chunk = nativeResponse.read() as Buffer | null) take(chunk);
        recovered = !settled && wholeDespiteError(nativeResponse, request.method, received);
      });
    });
    stream.on('data', take);
    stream.once('end', () => {
      if (!head) return finish(transportError(new Error('no response'), request, connection, { proxyUrl }));
      finish(undefined);
    });
    stream.on('error', (error: Error) => {
      if (recovered) return finish(undefined);
      finish(transportError(error, request, connection, { timeoutMs: connection.timeoutMs, proxyUrl }));
    });
  });
}
