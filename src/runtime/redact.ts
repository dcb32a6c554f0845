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
import { maskAuth } from './auth.js';
import type { ResolvedConnection } from './connection.js';
import type { PreparedRequest } from './request.js';

export const MASK = '***';

/** Secrets shorter than this are masked only as whole values or words, never inside other text. */
export const MIN_MASKED_SECRET_LENGTH = 8;

/**
 * How one secret is found, in every spelling a server may echo it in:
 *   - raw;
 *   - percent-encoded, with upper- or lower-case hex, any mix of the two, and any mix of encoded and
 *     raw characters (`Tk%2f9%2Bq`, `%54%6b…`): one pattern per character, raw or its UTF-8 bytes as %XX;
 *   - base64 of the secret: standard, unpadded and URL-safe;
 *   - a digits-only secret as a JSON number (see numberHoldsSecret; JSON strings are parsed, so their
 *     \u escapes are no spelling of their own).
 */
interface SecretMatcher {
  readonly secret: string;
  /** Shorter than MIN_MASKED_SECRET_LENGTH: masked only where it stands alone. */
  readonly short: boolean;
  /** Spellings found with a plain includes(): the raw secret and its base64 forms. */
  readonly literals: readonly string[];
  /** Every spelling, anywhere (global). */
  readonly anywhere: RegExp;
  /** Every spelling, as the whole text. */
  readonly whole: RegExp;
  /** Every spelling, as a whole word (see redactServerText). */
  readonly word: RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Both cases of a hex digit: %2f and %2F are the same byte. */
const hexDigit = (digit: string) => (/[a-f]/i.test(digit) ? `[${digit.toLowerCase()}${digit.toUpperCase()}]` : digit);

function characterPattern(char: string): string {
  const encoded = [...Buffer.from(char, 'utf8')].map((byte) => `%${[...byte.toString(16).padStart(2, '0')].map(hexDigit).join('')}`).join('');
  return `(?:${escapeRegExp(char)}|${encoded}${char === ' ' ? '|\\+' : ''})`;
}

function matcherOf(secret: string): SecretMatcher {
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const literals = [...new Set([secret, base64, base64.replace(/=+$/, ''), Buffer.from(secret, 'utf8').toString('base64url')])].sort((a, b) => b.length - a.length);
  // Longest alternatives first, so a spelling that contains another is masked whole.
  const any = [...literals.filter((l) => l !== secret).map(escapeRegExp), Array.from(secret, characterPattern).join('')].join('|');
  return {
    secret,
    short: secret.length < MIN_MASKED_SECRET_LENGTH,
    literals,
    anywhere: new RegExp(`(?:${any})`, 'gu'),
    whole: new RegExp(`^(?:${any})$`, 'u'),
    word: new RegExp(`(?<![\\p{L}\\p{N}_.-])(?:${any})(?![\\p{L}\\p{N}_.-])`, 'gu'),
  };
}

const matchersOf = new WeakMap<readonly string[], SecretMatcher[]>();

/** The matchers of a secrets list, longest secret first (computed once per list). */
function matchers(secrets: readonly string[]): SecretMatcher[] {
  let cached = matchersOf.get(secrets);
  if (!cached) {
    cached = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length).map(matcherOf);
    matchersOf.set(secrets, cached);
  }
  return cached;
}

/** Can `text` hold this secret in some spelling? A cheap check before the pattern: a "yes" only costs the pattern. */
function mayHold(text: string, matcher: SecretMatcher): boolean {
  if (text.includes('%')) return true;
  for (const literal of matcher.literals) if (text.includes(literal)) return true;
  return false;
}

/** Does `text` hold any secret in any spelling (as a substring, whatever the secret's length)? */
export function holdsSecret(text: string, secrets: readonly string[]): boolean {
  for (const matcher of matchers(secrets)) {
    if (!mayHold(text, matcher)) continue;
    matcher.anywhere.lastIndex = 0;
    if (matcher.anywhere.test(text)) return true;
  }
  return false;
}

/**
 * The byte strings that reveal a secret may be in a body: each literal spelling raw and as JSON writes it
 * inside a string, and `%` (a percent-encoded spelling). See envelope.ts, which adds \u escapes.
 */
export function secretLiterals(secrets: readonly string[]): string[] {
  return [...new Set(matchers(secrets).flatMap((m) => m.literals)), '%'];
}

/** A digits-only secret that a JSON number may stand for. */
export function hasDigitSecret(secrets: readonly string[]): boolean {
  return secrets.some((s) => /^\d+$/.test(s));
}

/**
 * Is this JSON number a digits-only secret (api_token 31415926535 echoed as {"t":31415926535}, or
 * 3.1415926535e10), or does its decimal spelling hold one long enough to be masked inside text?
 */
export function numberHoldsSecret(value: number, secrets: readonly string[]): boolean {
  for (const secret of secrets) {
    if (!/^\d+$/.test(secret)) continue;
    if (Number(secret) === value) return true;
    if (secret.length >= MIN_MASKED_SECRET_LENGTH && Number.isFinite(value) && decimal(value).includes(secret)) return true;
  }
  return false;
}

/** A number's digits without exponent notation (1e21 -> "1000000000000000000000"). */
function decimal(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return Number.isInteger(value) ? BigInt(value).toString() : value.toFixed(20);
}

/** `text` with every secret that can be masked safely replaced by the mask (see the file comment). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const matcher of matchers(secrets)) {
    if (!mayHold(out, matcher)) continue;
    if (!matcher.short) {
      out = out.replace(matcher.anywhere, MASK);
    } else if (matcher.whole.test(out)) {
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
  for (const matcher of matchers(secrets)) {
    if (!matcher.short || !mayHold(out, matcher)) continue;
    out = out.replace(matcher.word, MASK);
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

/** The request as it may be shown (--dry-run, logs): the auth header or parameter masked (auth.ts), secrets removed everywhere else. */
export function redactRequest(request: PreparedRequest, connection: ResolvedConnection): PreparedRequest {
  const masked = maskAuth(connection.declaration.auth, request);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(masked.headers)) headers[name] = redact(value, connection.secrets);
  return {
    method: request.method,
    url: redact(masked.url, connection.secrets),
    headers,
    body: request.body === undefined ? undefined : redact(request.body, connection.secrets),
  };
}

export { scrubDeep } from './scrub-deep.js';

/** Secrets this short would match everywhere in vendor data; they are still removed from texts and logs. */
export const MIN_SECRET_IN_DATA = 8;

/**
 * How a server (MCP, the palette) scrubs what it sends for one connection's `secrets`: `text` for its own lines
 * and error messages (every secret), `data` for an envelope runAction has already scrubbed, walked once more
 * with the secrets long enough to be told apart inside vendor data.
 */
export function scrubbersFor(secrets: readonly string[]): { text: (text: string) => string; data: (text: string) => string } {
  const dataSecrets = secrets.filter((secret) => secret.length >= MIN_SECRET_IN_DATA);
  return { text: (text) => redact(text, secrets), data: (text) => redact(text, dataSecrets) };
}
