/**
 * A connection's auth, as connector.json declares it (`connections.<id>.auth`),
 * in ONE place: which connection fields it reads, which of them are secrets,
 * what it adds to a request (a header or a query parameter), the forms its
 * secret takes on the wire, how a request shows it masked (dry run, logs) and
 * how docs describe it. Nothing else in the bundle branches on an auth kind.
 *
 * Kinds (schemas/connector.schema.json, definitions/Auth):
 *   basic   Authorization: Basic base64(<username>:<password>)
 *   header  <header>: <prefix><value>      e.g. Authorization: Bearer <api_key>
 *   query   ?<parameter>=<value>           for vendors that take a key in the URL only
 */
import type { Auth, BasicAuth, HeaderAuth, QueryAuth } from '../generated/types.js';
import type { ConnectionDeclaration } from '../contract/manifest.js';
import { connectionFields } from '../contract/connection-fields.js';
import { MASK } from './redact.js';
import { encodeQueryComponent } from './request.js';

export type { Auth };

/** What an auth adds to a request: headers, and query pairs (raw; the request encodes them). */
export interface AppliedAuth {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: readonly (readonly [string, string])[];
}

/** A connection field the auth reads. */
export interface AuthField {
  readonly field: string;
  readonly secret: boolean;
}

interface AuthKind<A extends Auth> {
  fields(auth: A): AuthField[];
  apply(auth: A, fields: Readonly<Record<string, unknown>>): AppliedAuth;
  /** Forms of the secret beyond the raw field value that appear on the wire (masked everywhere). */
  wireForms(auth: A, fields: Readonly<Record<string, unknown>>): string[];
  /** The header or query parameter it sets, and how it is shown masked. */
  masked(auth: A): { header?: string; parameter?: string; shown: string };
  /** One line for docs: `Authorization: Basic base64(user_id:api_token)`. */
  describe(auth: A): string;
  /** The OpenAPI security scheme that says the same (scripts/lib/openapi.ts). */
  securityScheme(auth: A): OpenApiSecurityScheme;
}

/** An OpenAPI 3.1 Security Scheme Object, of the kinds these auths are. */
export type OpenApiSecurityScheme = { type: 'http'; scheme: 'basic' | 'bearer' } | { type: 'apiKey'; in: 'header' | 'query'; name: string };

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

const basic: AuthKind<BasicAuth> = {
  fields: (auth) => [
    { field: auth.username, secret: false },
    { field: auth.password, secret: true },
  ],
  apply: (auth, f) => ({
    headers: { Authorization: `Basic ${Buffer.from(`${text(f[auth.username])}:${text(f[auth.password])}`).toString('base64')}` },
    query: [],
  }),
  wireForms: (auth, f) =>
    typeof f[auth.password] === 'string' ? [Buffer.from(`${text(f[auth.username])}:${f[auth.password]}`).toString('base64')] : [],
  masked: () => ({ header: 'Authorization', shown: `Basic ${MASK}` }),
  describe: (auth) => `\`Authorization: Basic base64(${auth.username}:${auth.password})\``,
  securityScheme: () => ({ type: 'http', scheme: 'basic' }),
};

const header: AuthKind<HeaderAuth> = {
  fields: (auth) => [{ field: auth.value, secret: true }],
  apply: (auth, f) => ({ headers: { [auth.header]: `${auth.prefix ?? ''}${text(f[auth.value])}` }, query: [] }),
  wireForms: () => [],
  masked: (auth) => ({ header: auth.header, shown: `${auth.prefix ?? ''}${MASK}` }),
  describe: (auth) => `\`${auth.header}: ${auth.prefix ?? ''}<${auth.value}>\``, // a code span shows < as is
  // "Authorization: Bearer <key>" is HTTP's bearer scheme; any other header is an API key.
  securityScheme: (auth) =>
    auth.header.toLowerCase() === 'authorization' && auth.prefix === 'Bearer ' ? { type: 'http', scheme: 'bearer' } : { type: 'apiKey', in: 'header', name: auth.header },
};

const query: AuthKind<QueryAuth> = {
  fields: (auth) => [{ field: auth.value, secret: true }],
  apply: (auth, f) => ({ headers: {}, query: [[auth.parameter, text(f[auth.value])]] }),
  // The pair as it stands in a URL: masks a short key (masked only as a whole word otherwise) wherever a URL is shown.
  wireForms: (auth, f) => (typeof f[auth.value] === 'string' ? [`${auth.parameter}=${encodeQueryComponent(f[auth.value] as string)}`] : []),
  masked: (auth) => ({ parameter: auth.parameter, shown: MASK }),
  describe: (auth) => `query parameter \`${auth.parameter}=<${auth.value}>\``,
  securityScheme: (auth) => ({ type: 'apiKey', in: 'query', name: auth.parameter }),
};

const KINDS: { [K in Auth['type']]: AuthKind<Extract<Auth, { type: K }>> } = { basic, header, query };

function kindOf(auth: Auth): AuthKind<Auth> {
  const kind = KINDS[auth.type] as AuthKind<Auth> | undefined;
  if (!kind) throw new Error(`connector.json: unknown auth type ${JSON.stringify((auth as { type: unknown }).type)}`);
  return kind;
}

/** The connection fields the auth reads, in declaration order (a dry run fills the missing ones with a placeholder). */
export function authFields(auth: Auth): AuthField[] {
  return kindOf(auth).fields(auth);
}

export function describeAuth(auth: Auth): string {
  return kindOf(auth).describe(auth);
}

/** The OpenAPI security scheme of an auth. */
export function openApiSecurityScheme(auth: Auth): OpenApiSecurityScheme {
  return kindOf(auth).securityScheme(auth);
}

/**
 * The names of a connection's secret fields: the auth's secret field(s) and any
 * property its schema marks writeOnly. Every surface that shows or asks for a
 * field (env variables, CLI help, docs, MCP, n8n credentials) asks here.
 */
export function secretFields(declaration: ConnectionDeclaration): string[] {
  return secretFieldsOf(declaration.auth, connectionFields(declaration.schema));
}

/** The rule of secretFields, for a connection whose field schemas the caller has read (the n8n generator reads its own). */
export function secretFieldsOf(auth: Auth, fields: Iterable<{ name: string; schema: { writeOnly?: boolean } }>): string[] {
  const out = new Set(authFields(auth).filter((f) => f.secret).map((f) => f.field));
  for (const { name, schema } of fields) if (schema.writeOnly === true) out.add(name);
  return [...out];
}

/**
 * Every secret value in a connection's fields, in each form it may take on the
 * wire: the secret fields' values and the auth's own forms (Basic's base64, a
 * query key's `name=value`). Works on unvalidated fields too.
 */
export function authSecrets(declaration: ConnectionDeclaration, fields: Readonly<Record<string, unknown>>): string[] {
  const values = secretFields(declaration)
    .map((name) => fields[name])
    .filter((value): value is string => typeof value === 'string');
  return [...values, ...kindOf(declaration.auth).wireForms(declaration.auth, fields)];
}

/** Applied auth per frozen fields object (a resolved connection's) and auth, built once. */
const appliedFor = new WeakMap<object, { auth: Auth; applied: AppliedAuth }>();

/** The headers and query pairs the auth adds, for the connection's (validated) fields. */
export function applyAuth(auth: Auth, fields: Readonly<Record<string, unknown>>): AppliedAuth {
  const known = appliedFor.get(fields);
  if (known && known.auth === auth) return known.applied;
  const built = kindOf(auth).apply(auth, fields);
  const applied: AppliedAuth = Object.freeze({ headers: Object.freeze({ ...built.headers }), query: Object.freeze(built.query.map((p) => Object.freeze(p))) });
  if (Object.isFrozen(fields)) appliedFor.set(fields, { auth, applied });
  return applied;
}

/** The request as it may be shown: the auth header's or parameter's value replaced by the mask. Other secrets are the caller's (redact). */
export function maskAuth<R extends { url: string; headers: Record<string, string> }>(auth: Auth, request: R): R {
  const { header: name, parameter, shown } = kindOf(auth).masked(auth);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) headers[key] = name && key.toLowerCase() === name.toLowerCase() ? shown : value;
  let { url } = request;
  if (parameter) {
    const at = url.indexOf('?');
    if (at >= 0) {
      const pairs = url
        .slice(at + 1)
        .split('&')
        .map((pair) => (pair.split('=')[0] === encodeQueryComponent(parameter) ? `${pair.split('=')[0]}=${shown}` : pair));
      url = `${url.slice(0, at)}?${pairs.join('&')}`;
    }
  }
  return { ...request, url, headers };
}
