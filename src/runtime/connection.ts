/**
 * A connection as the runtime uses it: the caller's fields checked against the
 * connection's schema, defaults filled in, and the secrets it holds listed so
 * they can be kept out of every output.
 */
import { ConnectorError } from '../contract/errors.js';
import type { ConnectionDeclaration } from '../contract/manifest.js';
import { getConnection } from '../contract/manifest.js';
import { connectionDefaults, TRANSPORT_SCHEMA } from '../contract/connection-fields.js';
import { getValidator } from '../contract/validators.js';
import { assertValid } from '../contract/validation.js';
import { authSecrets } from './auth.js';
import { inlinedSchema } from '../contract/inline-refs.js';
import { checkProxyUrl, environmentProxyKey, environmentProxySecrets } from './proxy.js';

export interface ResolvedConnection {
  /** The connection id from connector.json (`invicti`, `attackforge`). */
  readonly id: string;
  readonly declaration: ConnectionDeclaration;
  /** The caller's fields with the schema's defaults filled in. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The url without trailing slashes; paths are appended to it. */
  readonly baseUrl: string;
  readonly verifySsl: boolean;
  readonly timeoutMs: number;
  readonly httpProxy: string | undefined;
  /** Path to a PEM bundle of extra CAs to trust (ca_file), read by the transport. */
  readonly caFile: string | undefined;
  /** Response bodies larger than this end with RESPONSE_TOO_LARGE (max_response_bytes). */
  readonly maxResponseBytes: number;
  /** True when the caller gave max_response_bytes (not the schema default): it then wins over an action's own default. */
  readonly maxResponseBytesExplicit?: boolean;
  /** Every secret value this connection holds, in each form it may take on the wire. */
  readonly secrets: readonly string[];
}

export interface ConnectionOverrides {
  timeoutMs?: number | undefined;
}

/**
 * Resolved connections, per caller's connection object. A platform calls many
 * actions with one connection object; defaults, validation, the URL check and
 * the secrets list are worked out once for it. The object may be mutated
 * between calls: an entry is reused only while the object's own enumerable
 * fields (names, order and values) and the overrides are exactly what was
 * resolved, so a changed field is seen.
 */
const resolvedFor = new WeakMap<object, { id: string; timeoutMs: number | undefined; proxies: string; snapshot: unknown[]; resolved: ResolvedConnection }>();

/**
 * The object's own enumerable fields as [name, value, name, value ...], when every value is a primitive
 * (a connection's fields are strings, numbers and booleans); undefined otherwise (an object value could
 * change inside without the snapshot seeing it: such a connection is resolved every time).
 */
function snapshotOf(supplied: object): unknown[] | undefined {
  if (Array.isArray(supplied)) return undefined;
  const snapshot: unknown[] = [];
  for (const name of Object.keys(supplied)) {
    const value = (supplied as Record<string, unknown>)[name];
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) return undefined;
    snapshot.push(name, value);
  }
  return snapshot;
}

/** Same fields, same order, same values (Object.is: NaN is NaN, 0 is not -0), read without allocating. */
function unchanged(supplied: object, snapshot: readonly unknown[]): boolean {
  let i = 0;
  for (const name in supplied) {
    if (!Object.prototype.hasOwnProperty.call(supplied, name)) return false; // an inherited enumerable field: resolve afresh
    if (snapshot[i] !== name || !Object.is(snapshot[i + 1], (supplied as Record<string, unknown>)[name])) return false;
    i += 2;
  }
  return i === snapshot.length;
}

export function resolveConnection(connectionId: string, supplied: unknown, overrides: ConnectionOverrides = {}): ResolvedConnection {
  if (supplied === null || typeof supplied !== 'object') return resolveFresh(connectionId, supplied, overrides);
  const known = resolvedFor.get(supplied);
  // The environment's proxy passwords are among the secrets: a changed HTTP(S)_PROXY resolves afresh.
  const proxies = environmentProxyKey();
  if (known && known.id === connectionId && known.timeoutMs === overrides.timeoutMs && known.proxies === proxies && unchanged(supplied, known.snapshot)) return known.resolved;
  const resolved = resolveFresh(connectionId, supplied, overrides);
  const snapshot = snapshotOf(supplied);
  if (snapshot !== undefined) resolvedFor.set(supplied, { id: connectionId, timeoutMs: overrides.timeoutMs, proxies, snapshot, resolved });
  else resolvedFor.delete(supplied);
  return resolved;
}

function resolveFresh(connectionId: string, supplied: unknown, overrides: ConnectionOverrides): ResolvedConnection {
  const declaration = getConnection(connectionId);
  if (!supplied || typeof supplied !== 'object' || Array.isArray(supplied)) {
    throw new ConnectorError('CONFIG_INVALID', `Invalid ${connectionId} connection: connection must be an object`, [
      { field: 'connection', message: 'must be an object' },
    ]);
  }
  const fields: Record<string, unknown> = connectionDefaults(declaration.schema);
  for (const [name, value] of Object.entries(supplied)) if (value !== undefined) fields[name] = value;
  if (overrides.timeoutMs !== undefined) fields.timeout_ms = overrides.timeoutMs;

  assertValid(getValidator(declaration.schema), fields, 'CONFIG_INVALID', `Invalid ${connectionId} connection`, 'connection', () =>
    inlinedSchema(declaration.schema),
  );

  const baseUrl = checkBaseUrl(connectionId, String(fields.url), fields.allow_plain_http === true);
  const httpProxy = typeof fields.http_proxy === 'string' ? fields.http_proxy : undefined;
  // A bad port (99999) or host is refused here, before anything is sent, without echoing the value (it may hold a password).
  if (httpProxy !== undefined) checkProxyUrl(httpProxy, 'connection.http_proxy');
  return Object.freeze({
    id: connectionId,
    declaration,
    fields: Object.freeze(fields),
    baseUrl,
    verifySsl: fields.verify_ssl !== false,
    timeoutMs: settled(fields, 'timeout_ms'),
    httpProxy,
    caFile: typeof fields.ca_file === 'string' ? fields.ca_file : undefined,
    maxResponseBytes: settled(fields, 'max_response_bytes'),
    maxResponseBytesExplicit: (supplied as Record<string, unknown>).max_response_bytes !== undefined,
    secrets: Object.freeze(connectionSecrets(connectionId, fields)),
  });
}

/**
 * A numeric transport setting after defaults and validation: the caller's, or
 * the default schemas/shared/transport.json declares. A setting with neither
 * is a bundle defect, said so here rather than carried on as NaN.
 */
function settled(fields: Readonly<Record<string, unknown>>, name: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${TRANSPORT_SCHEMA}: ${name} has no default, and the connection gave none (every connection schema takes it by $ref)`);
  }
  return value;
}

/**
 * Every secret value in a connection's fields, in each form it may take on the
 * wire or in a message: the auth's (auth.ts: secret fields, Basic's base64, ...)
 * and a proxy password (raw and decoded), from http_proxy or from the
 * environment's HTTP_PROXY / HTTPS_PROXY (the transport may use those: their
 * passwords are secrets just the same). Works on unvalidated fields too,
 * so the CLI can scrub its output before the connection was ever resolved.
 */
export function connectionSecrets(connectionId: string, fields: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const secrets = authSecrets(getConnection(connectionId), fields);
  if (typeof fields.http_proxy === 'string') {
    const password = safeUrl(fields.http_proxy)?.password;
    if (password) secrets.push(password, safeDecode(password));
  }
  secrets.push(...environmentProxySecrets(env));
  return [...new Set(secrets.filter((s) => s.length > 0))];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * Is this host the machine itself? 127.0.0.0/8, ::1 (also IPv4-mapped), `localhost` and its
 * subdomains (RFC 6761: they resolve to loopback). A name that merely looks like one
 * (127.0.0.1.nip.io) is not.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) return v4[1] === '127';
  // new URL() writes an IPv4-mapped address in hex: ::ffff:7f00:1 is 127.0.0.1.
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

function checkBaseUrl(connectionId: string, url: string, allowPlainHttp: boolean): string {
  const parsed = safeUrl(url);
  const fail = (message: string): never => {
    throw new ConnectorError('CONFIG_INVALID', `Invalid ${connectionId} connection: connection.url ${message}`, [
      { field: 'connection.url', message },
    ]);
  };
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return fail('must be an http(s) URL');
  if (parsed.username || parsed.password) return fail('must not contain credentials (use the connection\'s secret fields)');
  if (parsed.search || parsed.hash) return fail('must not contain a query or fragment');
  const base = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  // Every action sends the connection's credential: over plain http anyone on the path reads it. The
  // URL holds no credential or query (refused above), so naming it is safe.
  if (parsed.protocol === 'http:' && !allowPlainHttp && !isLoopbackHost(parsed.hostname)) {
    return fail(
      `${base} would send the credentials in clear text (plain http to a host that is not loopback); use https, ` +
        'or set connection.allow_plain_http to true if that is on purpose',
    );
  }
  return base;
}
