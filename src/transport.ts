/**
 * HTTP through got: one configured client per connection settings, keep-alive
 * agents, the connection's timeout and TLS verification, and no automatic
 * retry (a resent POST could start a second scan) and no redirect following
 * (credentials never travel to another origin: a 3xx comes back as an envelope).
 */
import got, { type Got, RequestError } from 'got';
import http from 'node:http';
import https from 'node:https';
import type { ResolvedConnection } from './connection.js';
import { ConnectorError } from './errors.js';
import { redact } from './redact.js';
import type { PreparedRequest } from './request.js';

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
}

/** Sends one prepared request. Tests and platforms may supply their own. */
export interface Transport {
  send(request: PreparedRequest, connection: ResolvedConnection, options: TransportOptions): Promise<TransportResponse>;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const clients = new Map<string, Got>();
const MAX_CLIENTS = 64;

function clientFor(connection: ResolvedConnection): Got {
  const key = JSON.stringify([connection.verifySsl, connection.timeoutMs, connection.httpProxy ?? null]);
  let client = clients.get(key);
  if (!client) {
    client = got.extend({
      timeout: { request: connection.timeoutMs },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      responseType: 'buffer',
      https: { rejectUnauthorized: connection.verifySsl },
      agent: {
        http: new http.Agent({ keepAlive: true }),
        https: new https.Agent({ keepAlive: true, rejectUnauthorized: connection.verifySsl }),
      },
    });
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
    clients.set(key, client);
  }
  return client;
}

const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|EPROTO$|HOSTNAME_MISMATCH)/;
const CONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
};

/** A transport failure as a ConnectorError; nothing of got's error (which holds the request options) is kept. */
export function transportError(error: unknown, request: PreparedRequest, connection: ResolvedConnection): ConnectorError {
  const where = `${request.method} ${redact(request.url, connection.secrets)}`;
  const code = error instanceof RequestError || (error && typeof error === 'object' && 'code' in error) ? String((error as { code: unknown }).code) : '';
  if (code === 'ETIMEDOUT') {
    return new ConnectorError('TIMEOUT', `${where} timed out after ${connection.timeoutMs} ms (timeout_ms) with no complete response`);
  }
  if (TLS_CODES.test(code)) {
    return new ConnectorError(
      'TLS_FAILED',
      `${where}: TLS failed (${code}). Check the host's certificate; for a private CA set ca_file or NODE_EXTRA_CA_CERTS. verify_ssl: false turns verification off (insecure).`,
    );
  }
  if (CONNECT_CODES[code]) {
    return new ConnectorError('CONNECTION_FAILED', `${where}: ${CONNECT_CODES[code]} (${code}). Check the connection's url and the network.`);
  }
  const message = error instanceof Error ? redact(error.message, connection.secrets) : 'unknown error';
  return new ConnectorError('REQUEST_FAILED', `${where} failed${code ? ` (${code})` : ''}: ${message}`);
}

export const gotTransport: Transport = {
  async send(request, connection, { maxResponseBytes }) {
    const client = clientFor(connection);
    let tooLarge = false;
    const pending = client(request.url, {
      method: request.method as 'POST',
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    pending.on('response', (response: http.IncomingMessage) => {
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxResponseBytes) {
        tooLarge = true;
        pending.cancel();
      }
    });
    pending.on('downloadProgress', (progress: { transferred: number }) => {
      if (progress.transferred > maxResponseBytes && !tooLarge) {
        tooLarge = true;
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
      if (tooLarge) {
        throw new ConnectorError(
          'RESPONSE_TOO_LARGE',
          `${request.method} ${redact(request.url, connection.secrets)}: the response body exceeds ${maxResponseBytes} bytes (maxResponseBytes); it was not read.`,
        );
      }
      throw transportError(error, request, connection);
    }
  },
};
