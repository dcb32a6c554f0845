/**
 * The envelope every action returns, for every HTTP status:
 * { status_code, reason, response_headers, json_body } plus response_text when
 * the body is not JSON.
 *
 * What a hostile server can send is bounded here: a status outside 100-599 is
 * not an HTTP response (REQUEST_FAILED), JSON nested deeper than
 * MAX_JSON_DEPTH is kept as text (every consumer that recurses — printing,
 * validation, a platform's deep copy — stays safe), and the connection's
 * secrets are scrubbed from everything the server echoed back.
 */
import { STATUS_CODES } from 'node:http';
import { ConnectorError } from '../contract/errors.js';
import type { Envelope } from '../generated/types.js';
import { hasDigitSecret, holdsSecret, MASK, numberHoldsSecret, redactServerText, secretLiterals } from './redact.js';
import type { TransportResponse } from './transport.js';
import { sanitizeFileName } from './file.js';

export type { Envelope };

const JSON_TYPE = /^(application|text)\/([a-z0-9.+-]*\+)?json\b/i;

/** JSON bodies nested deeper than this (arrays and objects) are kept as response_text, json_body null. */
export const MAX_JSON_DEPTH = 256;

/** Warning code when a JSON body was too deeply nested to parse (process 'warning' event). */
export const DEEP_JSON_WARNING = 'RETEST_JSON_TOO_DEEP';

/** Defines `name` as an own property even when it is `__proto__` (a plain assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

/** Header names as the server sent them; a repeated header is joined with ", ". Every name is kept, `__proto__` included. */
export function headersOf(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  // Lower-cased name -> the spelling first sent, which is the envelope's key (first appearance keeps the order).
  const nameOf = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    const first = nameOf.get(lower);
    if (first === undefined) {
      nameOf.set(lower, name);
      setOwn(out, name, value);
    } else {
      setOwn(out, first, `${out[first]}, ${value}`);
    }
  }
  return out;
}

/** The Content-Type value of the envelope's headers ("" when none), found through the raw names without a copy of every entry. */
function contentTypeOf(rawHeaders: readonly string[], headers: Record<string, string>): string {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // The envelope keeps the first spelling of a name (repeats joined), so that is the key to read.
    if (name.length === 12 && name.toLowerCase() === 'content-type') return headers[name] ?? '';
  }
  return '';
}

/** The deepest nesting of arrays/objects in JSON text (strings skipped), stopping as soon as it passes `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  // Depth can pass `limit` only if more than `limit` brackets open in all: counted natively, that rules out
  // almost every real body without a character-by-character scan.
  if (countUpTo(text, '[', limit + 1) + countUpTo(text, '{', limit + 1) <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

/** Occurrences of `char` in `text`, counting no further than `max`. */
function countUpTo(text: string, char: string, max: number): number {
  let count = 0;
  for (let i = text.indexOf(char); i >= 0 && count < max; i = text.indexOf(char, i + 1)) count += 1;
  return count;
}

/** A status a server may send on the wire that is not an HTTP status (000, 999): the call failed. */
function assertHttpStatus(statusCode: number): void {
  if (Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599) return;
  throw new ConnectorError(
    'REQUEST_FAILED',
    `The server answered with an invalid status ${String(statusCode).slice(0, 12)} (an HTTP status is 100-599); the request may have been processed.`,
  );
}

/**
 * The envelope of a response. `skipText(contentType)` says a body of that type is kept elsewhere
 * (a binary report, returned as a file): it is then neither decoded nor copied into response_text.
 */
export function toEnvelope(response: TransportResponse, skipText?: (contentType: string) => boolean): Envelope {
  assertHttpStatus(response.statusCode);
  const response_headers = headersOf(response.rawHeaders);
  const reason = response.statusMessage || STATUS_CODES[response.statusCode] || '';
  const contentType = contentTypeOf(response.rawHeaders, response_headers);
  if (skipText?.(contentType) && !JSON_TYPE.test(contentType)) {
    return { status_code: response.statusCode, reason, response_headers, json_body: null };
  }
  const text = response.body.toString('utf8');
  const looksJson = JSON_TYPE.test(contentType) || (!contentType && /^\s*[[{"]/.test(text));
  // /\S/ is trim()'s notion of white space, without copying the body.
  if (looksJson && /\S/.test(text)) {
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      process.emitWarning(`HTTP ${response.statusCode}: the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels; it is kept as response_text and json_body is null.`, {
        code: DEEP_JSON_WARNING,
      });
    } else {
      try {
        return { status_code: response.statusCode, reason, response_headers, json_body: JSON.parse(text) as unknown };
      } catch {
        // Declared JSON but is not (truncated, an HTML error page behind a proxy): keep the text.
      }
    }
  }
  return { status_code: response.statusCode, reason, response_headers, json_body: null, response_text: text };
}

/** Every string of a JSON value (keys included) with the secrets scrubbed; depth is bounded by MAX_JSON_DEPTH upstream. */
function scrubJson(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactServerText(value, secrets);
  // A digits-only token echoed as a JSON number ({"t":31415926535}) is a secret like its string.
  if (typeof value === 'number') return numberHoldsSecret(value, secrets) ? MASK : value;
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, secrets));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) setOwn(out, redactServerText(key, secrets), scrubJson(item, secrets));
  return out;
}

const UNICODE_ESCAPE = Buffer.from('\\u');
const ESCAPED_SLASH = Buffer.from('\\/');
/** Each literal spelling of a secret, as bytes raw and as JSON writes it inside a string (computed once per secrets list). */
interface SecretBytes {
  raw: Buffer;
  /** Undefined when JSON writes the form as it is. */
  json: Buffer | undefined;
  hasSlash: boolean;
}
const secretBytesOf = new WeakMap<readonly string[], SecretBytes[]>();

/**
 * Can a string parsed from (or decoded from) these bytes contain a form of a secret? Without \u escapes in
 * the body, a JSON string holds a secret only where the bytes hold the secret as JSON writes it (", \ and
 * control characters escaped; / either way, so a secret with / is assumed present when the body has \/).
 * Text that is not JSON holds it literally. A false "yes" only costs the full walk.
 */
function mayHoldSecret(body: Buffer, secrets: readonly string[]): boolean {
  // A JSON number can stand for a digits-only secret in spellings no byte search sees (3.1415926535e10).
  if (body.includes(UNICODE_ESCAPE) || hasDigitSecret(secrets)) return true;
  let escaped = secretBytesOf.get(secrets);
  if (!escaped) {
    // secretLiterals ends with '%': a percent-encoded spelling, in any case mix, is then possible.
    escaped = secretLiterals(secrets).map((form) => {
      const json = JSON.stringify(form).slice(1, -1);
      return { raw: Buffer.from(form), json: json === form ? undefined : Buffer.from(json), hasSlash: form.includes('/') };
    });
    secretBytesOf.set(secrets, escaped);
  }
  const slashEscaped = body.includes(ESCAPED_SLASH);
  for (const { raw, json, hasSlash } of escaped) {
    if (slashEscaped && hasSlash) return true;
    if (body.includes(raw) || (json !== undefined && body.includes(json))) return true;
  }
  return false;
}

/**
 * Do the reason phrase and the header names and values hold any form of a secret? Redaction only ever
 * replaces a form found inside one of them, and each of them is part of the text searched here, so a
 * "no" means scrubbing them would change nothing. A false "yes" only costs the full scrub.
 */
function headMayHoldSecret(reason: string, headers: Record<string, string>, secrets: readonly string[]): boolean {
  let text = reason;
  for (const name of Object.keys(headers)) text += `\n${name}\n${headers[name]}`;
  return holdsSecret(text, secrets);
}

function scrubHeaders(headers: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) setOwn(out, redactServerText(name, secrets), redactServerText(value, secrets));
  return out;
}

/**
 * The envelope with the connection's secrets scrubbed from everything the
 * server sent: reason phrase, header names and values, JSON strings and keys,
 * response_text. A server that reflects the Authorization header or the SSAPI
 * key (a 401 echoing the request) must not put it on a playbook's stdout.
 */
export function scrubEnvelope(envelope: Envelope, secrets: readonly string[], rawBody?: Buffer): Envelope {
  if (secrets.length === 0) return envelope;
  // The body's bytes tell at once whether any parsed string can hold a secret: most bodies are then left as they are.
  const bodyMayHoldSecret = rawBody === undefined || mayHoldSecret(rawBody, secrets);
  const out: Envelope = { ...envelope, json_body: bodyMayHoldSecret ? scrubJson(envelope.json_body, secrets) : envelope.json_body };
  if (headMayHoldSecret(envelope.reason, envelope.response_headers, secrets)) {
    out.reason = redactServerText(envelope.reason, secrets);
    out.response_headers = scrubHeaders(envelope.response_headers, secrets);
  }
  if (envelope.response_text !== undefined && bodyMayHoldSecret) out.response_text = redactServerText(envelope.response_text, secrets);
  // A file's name came from a header too (withFile names it from the scrubbed text already; this holds for any caller).
  if (envelope.file && holdsSecret(envelope.file.file_name, secrets)) {
    out.file = { ...envelope.file, file_name: sanitizeFileName(envelope.file.file_name, secrets) ?? 'file' };
  }
  return out;
}
