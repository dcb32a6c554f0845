/**
 * The simulator's HTTP plumbing: read a bounded request body, answer JSON with
 * the headers the real service sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a vendor handler sees of a request. */
export interface SimRequest {
  method: string;
  /** The decoded path, without the query. */
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** What a vendor handler answers: a status and a JSON body (plus extra headers, e.g. Allow). */
export interface SimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const MAX_REQUEST_BYTES = 1024 * 1024;

/** The request body, or undefined when it exceeds `limit` bytes (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

/** Whether the request declares a JSON body (application/json, text/json, application/*+json). */
export function isJsonContentType(headers: IncomingMessage['headers']): boolean {
  const type = String(headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type === 'text/json' || /^application\/[a-z0-9.-]+\+json$/.test(type);
}

/** The body parsed as JSON, or undefined when it is not JSON. */
export function parseJson(body: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}

/** Writes `response` as JSON, with the vendor's usual headers, Date and an exact Content-Length. */
export function sendJson(res: ServerResponse, response: SimResponse, vendorHeaders: Record<string, string>): void {
  const payload = Buffer.from(JSON.stringify(response.body), 'utf8');
  res.writeHead(response.status, {
    Date: new Date().toUTCString(),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(payload.length),
    ...vendorHeaders,
    ...response.headers,
  });
  res.end(payload);
}

export const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
export const OBJECT_ID = /^[0-9A-Fa-f]{24}$/;
