/**
 * Keeps secrets out of anything a person or a log may see.
 *
 * A secret of at least MIN_MASKED_SECRET_LENGTH characters is masked wherever it
 * appears, as a substring. A shorter one cannot be: masking every "t" of a
 * message for an api_token `t` garbles it ("HTTP 40*** …") and protects
 * nothing. A short secret is therefore masked only where it stands alone: as a
 * whole value (a header value, a JSON string, a reason phrase) and, in text a
 * server sent, as a whole word. A connection with such a secret gets one
 * warning (RETEST_SHORT_SECRET) per process.
 */
import type { ResolvedConnection } from './connection.js';
import type { PreparedRequest } from './request.js';

export const MASK = '***';

/** Secrets shorter than this are masked only as whole values or words, never inside other text. */
export const MIN_MASKED_SECRET_LENGTH = 8;

const formsOf = new WeakMap<readonly string[], string[]>();

/** Every form a secret may take when a server echoes it back: raw and percent-encoded (computed once per secrets list). */
export function forms(secrets: readonly string[]): string[] {
  let cached = formsOf.get(secrets);
  if (!cached) {
    cached = computeForms(secrets);
    formsOf.set(secrets, cached);
  }
  return cached;
}

function computeForms(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    out.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out.add(encoded);
  }
  // Longest first: a secret that contains another is masked whole.
  return [...out].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with every secret that can be masked safely replaced by the mask (see the file comment). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of forms(secrets)) {
    if (secret.length >= MIN_MASKED_SECRET_LENGTH) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    } else if (out === secret) {
      return MASK;
    }
  }
  return out;
}

/**
 * Text a server sent (reason phrase, header value, JSON string): long secrets
 * masked anywhere, short ones also where they stand as a whole word (between
 * start/end, white space or punctuation other than `-`, `_`, `.`).
 */
export function redactServerText(text: string, secrets: readonly string[]): string {
  let out = redact(text, secrets);
  for (const secret of forms(secrets)) {
    if (secret.length >= MIN_MASKED_SECRET_LENGTH || !out.includes(secret)) continue;
    const word = new RegExp(`(?<![\\p{L}\\p{N}_.-])${escapeRegExp(secret)}(?![\\p{L}\\p{N}_.-])`, 'gu');
    out = out.replace(word, MASK);
  }
  return out;
}

/** The secrets a warning should be given for: raw values too short to be masked inside other text. */
export function shortSecrets(secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length > 0 && s.length < MIN_MASKED_SECRET_LENGTH);
}

const warnedConnections = new Set<string>();

/** Once per process and connection: a secret too short to be masked safely. Never prints the secret or its length. */
export function warnShortSecrets(connection: Pick<ResolvedConnection, 'id' | 'secrets'>): void {
  if (warnedConnections.has(connection.id) || !connection.secrets.some((s) => s.length > 0 && s.length < MIN_MASKED_SECRET_LENGTH)) return;
  warnedConnections.add(connection.id);
  process.emitWarning(
    `A secret of the ${connection.id} connection is shorter than ${MIN_MASKED_SECRET_LENGTH} characters: too short to be masked ` +
      'inside other text, so it is masked only where it stands alone. Use the real credential.',
    { type: 'SecurityWarning', code: 'RETEST_SHORT_SECRET' },
  );
}

/** The request as it may be shown (--dry-run, logs): auth headers masked, secrets removed everywhere else. */
export function redactRequest(request: PreparedRequest, connection: ResolvedConnection): PreparedRequest {
  const { auth } = connection.declaration;
  const authHeader = (auth.type === 'basic' ? 'Authorization' : auth.header).toLowerCase();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() === authHeader) headers[name] = auth.type === 'basic' ? `Basic ${MASK}` : MASK;
    else headers[name] = redact(value, connection.secrets);
  }
  return {
    method: request.method,
    url: redact(request.url, connection.secrets),
    headers,
    body: request.body === undefined ? undefined : redact(request.body, connection.secrets),
  };
}
