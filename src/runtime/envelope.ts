/**
 * The envelope every action returns, for every HTTP status:
 * { status_code, reason, response_headers, json_body } plus response_text when
 * the body is not JSON.
 */
import { STATUS_CODES } from 'node:http';
import type { Envelope } from '../generated/types.js';
import type { TransportResponse } from './transport.js';

export type { Envelope };

const JSON_TYPE = /^(application|text)\/([a-z0-9.+-]*\+)?json\b/i;

/** Header names as the server sent them; a repeated header is joined with ", ". */
export function headersOf(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const nameOf = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    const first = nameOf.get(lower);
    if (first === undefined) {
      nameOf.set(lower, name);
      out[name] = value;
    } else {
      out[first] = `${out[first]}, ${value}`;
    }
  }
  return out;
}

/**
 * The envelope of a response. `skipText(contentType)` says a body of that type is kept elsewhere
 * (a binary report, returned as a file): it is then neither decoded nor copied into response_text.
 */
export function toEnvelope(response: TransportResponse, skipText?: (contentType: string) => boolean): Envelope {
  const response_headers = headersOf(response.rawHeaders);
  const reason = response.statusMessage || STATUS_CODES[response.statusCode] || '';
  const contentType = Object.entries(response_headers).find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
  if (skipText?.(contentType) && !JSON_TYPE.test(contentType)) {
    return { status_code: response.statusCode, reason, response_headers, json_body: null };
  }
  const text = response.body.toString('utf8');
  const looksJson = JSON_TYPE.test(contentType) || (!contentType && /^\s*[[{"]/.test(text));
  if (looksJson && text.trim() !== '') {
    try {
      return { status_code: response.statusCode, reason, response_headers, json_body: JSON.parse(text) as unknown };
    } catch {
      // Declared JSON but is not (truncated, an HTML error page behind a proxy): keep the text.
    }
  }
  return { status_code: response.statusCode, reason, response_headers, json_body: null, response_text: text };
}
