/**
 * The simulator's HTTP plumbing: read a request body under a cap (never
 * buffering past it), answer JSON or a file with the headers the real service sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a vendor handler sees of a request. */
export interface SimRequest {
  method: string;
  /** The decoded path, without the query. */
  path: string;
  /** The query string, parsed. */
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/**
 * What a vendor handler answers: a status and a JSON body, or raw bytes of a
 * file with their Content-Type (reports); plus extra headers (Allow, Content-Disposition …).
 */
export interface SimResponse {
  status: number;
  body?: unknown;
  file?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
}

/** Default cap of a request body: the runtime's own input cap is 1 MiB of JSON. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** After a 413, at most this many times the cap is read and discarded before the connection is dropped. */
const DISCARD_FACTOR = 16;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; size: number; reason: 'too-large' | 'busy' };

/** Default bound of the bytes of all request bodies being received at once. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** The bytes of request bodies held in memory at once, across every connection, under one limit. */
export class BodyBudget {
  used = 0;
  constructor(readonly limit = MAX_BUFFERED_BYTES) {}
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }
  give(bytes: number): void {
    this.used -= bytes;
  }
}

/**
 * Reads the request body up to `limit` bytes. A declared Content-Length over
 * the limit is refused at once; a body that passes the limit while streaming
 * stops being kept at that moment (`too-large`, the caller answers 413); a
 * chunk that would take the bodies of all requests past `budget` refuses the
 * request too (`busy`, the caller answers 503). Either way the rest of the body
 * is read and thrown away, so the keep-alive connection stays usable; a client
 * that keeps sending far past the cap has its connection dropped.
 */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES, budget = new BodyBudget()): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    let discarded = 0;
    let settled = false;
    const release = () => {
      budget.give(held);
      held = 0;
      chunks.length = 0;
    };
    const refuse = (reason: 'too-large' | 'busy') => {
      settled = true;
      release();
      resolve({ ok: false, size, reason });
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      size = declared;
      refuse('too-large');
    }
    req.on('data', (chunk: Buffer) => {
      if (settled) {
        discarded += chunk.length;
        if (discarded > limit * DISCARD_FACTOR) req.socket.destroy();
        return;
      }
      size += chunk.length;
      if (size > limit) return refuse('too-large');
      if (!budget.take(chunk.length)) return refuse('busy');
      held += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!settled) {
        settled = true;
        const body = Buffer.concat(chunks, size);
        release();
        resolve({ ok: true, body });
      }
    });
    req.on('error', (error) => {
      if (!settled) {
        settled = true;
        release();
        reject(error);
      }
    });
    // A client that goes away mid-body gives its share back.
    req.on('close', () => {
      if (!settled) release();
    });
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

/** Writes `response` (JSON, or a file's bytes) with the vendor's usual headers, Date and an exact Content-Length. */
export function sendResponse(res: ServerResponse, response: SimResponse, vendorHeaders: Record<string, string>, now: number): void {
  // No body (a 200 the vendor documents without content, e.g. issues/update): no Content-Type either.
  const empty = !response.file && response.body === undefined;
  const payload = response.file ? response.file.bytes : empty ? Buffer.alloc(0) : Buffer.from(JSON.stringify(response.body), 'utf8');
  res.writeHead(response.status, {
    Date: new Date(now).toUTCString(),
    ...(empty ? {} : { 'Content-Type': response.file ? response.file.contentType : 'application/json; charset=utf-8' }),
    'Content-Length': String(payload.length),
    ...vendorHeaders,
    ...response.headers,
  });
  res.end(payload);
}

export const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
export const OBJECT_ID = /^[0-9A-Fa-f]{24}$/;

/** A query parameter as a whole number in [min, max]; `fallback` when absent; undefined when malformed. */
export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

/** A query parameter as a boolean (true/false, any case); undefined when absent; 'invalid' when malformed. */
export function boolParam(query: URLSearchParams, name: string): boolean | undefined | 'invalid' {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  return 'invalid';
}
