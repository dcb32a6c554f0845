/**
 * From an action's declaration and a valid input to the exact HTTP request:
 * URL, headers (auth applied here, from auth.ts), body bytes. Pure: the same
 * function feeds the transport and --dry-run.
 */
import { ConnectorError } from '../contract/errors.js';
import type { ActionDeclaration } from '../contract/manifest.js';
import { manifest } from '../contract/manifest.js';
import { getSchema } from '../contract/schema-files.js';
import { pointerToDotted, resolvePointer, schemaAtPointer } from '../contract/json-pointer.js';
import { applyAuth } from './auth.js';
import type { ResolvedConnection } from './connection.js';

export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body exactly as sent, or undefined for none. */
  body: string | undefined;
}

const USER_AGENT = `${manifest.name}/${manifest.version}`;

/** Every form a server might decode the segment to: repeated percent-decoding, then Unicode compatibility folding (／ → /, ． → .). */
function decodedForms(text: string): string[] {
  const forms = [text];
  let current = text;
  for (let i = 0; i < 4 && current.includes('%'); i += 1) {
    try {
      const next = decodeURIComponent(current);
      if (next === current) break;
      forms.push(next);
      current = next;
    } catch {
      break; // a stray % is not an escape: the rest is literal
    }
  }
  return forms.flatMap((form) => [form, form.normalize('NFKC')]);
}

const PATH_SYNTAX = /[/\\?#;\u0000-\u001f\u007f]/;

/** One path segment, percent-encoded; a value that could change the path is refused outright. */
export function encodePathSegment(name: string, value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  const refuse = (message: string): never => {
    throw new ConnectorError('INPUT_INVALID', `path_parameters.${name} ${message}`, [{ field: `path_parameters.${name}`, message }]);
  };
  if (typeof text !== 'string' || text.length === 0) return refuse('must be a non-empty string');
  if (decodedForms(text).some((form) => form === '.' || form === '..' || PATH_SYNTAX.test(form))) {
    return refuse('must not contain path syntax (/ \\ ? # ; . .. or their encoded forms)');
  }
  if (/\p{Surrogate}/u.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) return refuse('must be well-formed Unicode');
  // Dots are encoded too, so no server can read the segment as "." or "..".
  return encodeURIComponent(text).replace(/\./g, '%2E');
}

export function expandPath(action: ActionDeclaration, input: unknown): string {
  const params = action.request.path_parameters ? resolvePointer(input, action.request.path_parameters) : undefined;
  return action.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params && typeof params === 'object' ? (params as Record<string, unknown>)[name] : undefined;
    return encodePathSegment(name, value);
  });
}

/** The property names of the input schema's object at `pointer`, in declaration order (the query string's order). */
function declaredOrder(action: ActionDeclaration, pointer: string): string[] {
  const properties = schemaAtPointer(getSchema(action.input_schema), pointer)?.properties as Record<string, unknown> | undefined;
  return properties ? Object.keys(properties) : [];
}

/**
 * encodeURIComponent, and also ! ' ( ) * (RFC 3986's reserved sub-delims it leaves alone): WHATWG URL
 * parsing (got, fetch) would turn ' into %27 on the wire anyway, and the dry run must show the wire.
 */
export function encodeQueryComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** One query value: strings percent-encoded, booleans true/false, integers as digits; nothing else is a query value. */
function encodeQueryValue(name: string, value: unknown): string {
  if (typeof value === 'string') return encodeQueryComponent(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  const message = 'must be a string, a boolean or an integer';
  throw new ConnectorError('INPUT_INVALID', `parameters.${name} ${message}`, [{ field: `parameters.${name}`, message }]);
}

/**
 * The query string ("" or "?a=1&b=x"), from the input object at request.query.source:
 * the properties in the order the input schema declares them, absent ones left out.
 */
export function buildQuery(action: ActionDeclaration, input: unknown): string {
  const pointer = action.request.query?.source;
  if (!pointer) return '';
  const params = resolvePointer(input, pointer);
  if (params === undefined || params === null) return '';
  if (typeof params !== 'object' || Array.isArray(params)) {
    const field = pointerToDotted(pointer);
    throw new ConnectorError('INPUT_INVALID', `${field} must be an object`, [{ field, message: 'must be an object' }]);
  }
  const values = params as Record<string, unknown>;
  const declared = declaredOrder(action, pointer);
  const names = [...declared, ...Object.keys(values).filter((n) => !declared.includes(n))];
  const pairs = names
    .filter((name) => Object.prototype.hasOwnProperty.call(values, name) && values[name] !== undefined)
    .map((name) => `${encodeQueryComponent(name)}=${encodeQueryValue(name, values[name])}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

export function prepareRequest(action: ActionDeclaration, input: unknown, connection: ResolvedConnection): PreparedRequest {
  // A file (a report) may come in any type: asking for JSON only could make a server refuse it.
  const headers: Record<string, string> = { Accept: action.response?.file ? '*/*' : 'application/json', 'User-Agent': USER_AGENT };
  let body: string | undefined;
  if (action.request.body && action.method !== 'GET' && action.method !== 'DELETE') {
    const value = resolvePointer(input, action.request.body.source);
    if (value !== undefined) {
      body = JSON.stringify(value);
      headers['Content-Type'] = 'application/json';
    }
  }
  const auth = applyAuth(connection.declaration.auth, connection.fields);
  for (const name in auth.headers) headers[name] = auth.headers[name]!;
  let query = buildQuery(action, input);
  for (const [name, value] of auth.query) query += `${query ? '&' : '?'}${encodeQueryComponent(name)}=${encodeQueryComponent(value)}`;
  return { method: action.method, url: connection.baseUrl + expandPath(action, input) + query, headers, body };
}
