// The per-call shortcuts of runAction's hot path decide exactly as the full work would:
// a connection object is resolved once but every change to it is seen, the input size
// bound never lets through what the exact JSON size check refuses, and headers without
// a secret are left as they are while headers with one are scrubbed.
import { describe, expect, test } from '@jest/globals';
import { ConnectorError } from '../../src/index.js';
import { resolveConnection } from '../../src/runtime/connection.js';
import { assertInputWithinLimits } from '../../src/contract/input-limits.js';
import { scrubEnvelope, toEnvelope } from '../../src/runtime/envelope.js';

const base = () => ({ url: 'https://www.netsparkercloud.com', user_id: 'user-1', api_token: 'token-secret-123' });

function refusal(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

describe('resolveConnection reuses a resolution only while the object is unchanged', () => {
  test('the same unchanged object gives the same resolution', () => {
    const connection = base();
    expect(resolveConnection('invicti', connection)).toBe(resolveConnection('invicti', connection));
  });

  test('a changed, added or deleted field is seen', () => {
    const connection: Record<string, unknown> = base();
    const first = resolveConnection('invicti', connection);
    connection.api_token = 'token-secret-456';
    const changed = resolveConnection('invicti', connection);
    expect(changed).not.toBe(first);
    expect(changed.secrets).toContain('token-secret-456');
    expect(changed.secrets).not.toContain('token-secret-123');
    connection.timeout_ms = 1234;
    expect(resolveConnection('invicti', connection).timeoutMs).toBe(1234);
    delete connection.timeout_ms;
    expect(resolveConnection('invicti', connection).timeoutMs).not.toBe(1234);
    connection.timeout_ms = 0;
    expect(refusal(() => resolveConnection('invicti', connection)).code).toBe('CONFIG_INVALID');
  });

  test('a field set to undefined, or re-added in another order, is resolved afresh and still right', () => {
    const connection: Record<string, unknown> = { ...base(), timeout_ms: 5000 };
    const first = resolveConnection('invicti', connection);
    connection.timeout_ms = undefined;
    const second = resolveConnection('invicti', connection);
    expect(second).not.toBe(first);
    expect(second.timeoutMs).not.toBe(5000);
    delete connection.url;
    connection.url = 'https://other.example';
    expect(resolveConnection('invicti', connection).baseUrl).toBe('https://other.example');
  });

  test('overrides and the connection id are part of what is reused', () => {
    const connection = base();
    expect(resolveConnection('invicti', connection, { timeoutMs: 1000 }).timeoutMs).toBe(1000);
    expect(resolveConnection('invicti', connection, { timeoutMs: 2000 }).timeoutMs).toBe(2000);
    expect(resolveConnection('invicti', connection).timeoutMs).not.toBe(2000);
  });

  test('an object-valued field is never served from the cache (a change inside it must be seen)', () => {
    const inner = { x: 1 };
    const connection: Record<string, unknown> = { ...base(), url: 'https://a.example', extra: inner };
    // Whatever the schema says of `extra`, two calls give the same outcome and nothing stale.
    const outcome = () => {
      try {
        return resolveConnection('invicti', connection).baseUrl;
      } catch (error) {
        return (error as ConnectorError).code;
      }
    };
    const first = outcome();
    inner.x = 2;
    expect(outcome()).toBe(first);
  });

  test('an inherited enumerable field makes the object resolved afresh', () => {
    const proto = { verify_ssl: false };
    const connection = Object.assign(Object.create(proto) as Record<string, unknown>, base());
    const first = resolveConnection('invicti', connection);
    expect(resolveConnection('invicti', connection)).not.toBe(first);
  });
});

describe('the input size guard', () => {
  const LIMIT = 1000;

  test('a plain input at the limit passes and one byte over is refused, as the exact JSON size says', () => {
    // {"a":"xxx..."} is 8 bytes plus the string.
    const atLimit = { a: 'x'.repeat(LIMIT - 8) };
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(LIMIT);
    expect(() => assertInputWithinLimits(atLimit, LIMIT)).not.toThrow();
    const over = { a: 'x'.repeat(LIMIT - 7) };
    expect(refusal(() => assertInputWithinLimits(over, LIMIT)).message).toMatch(/too large \(1001 bytes as JSON, limit 1000 bytes\)/);
  });

  test('multi-byte and escaped characters are counted as JSON writes them', () => {
    expect(refusal(() => assertInputWithinLimits({ a: '€'.repeat(400) }, LIMIT)).code).toBe('INPUT_INVALID');
    expect(refusal(() => assertInputWithinLimits({ a: '\u0001'.repeat(200) }, LIMIT)).code).toBe('INPUT_INVALID');
    expect(() => assertInputWithinLimits({ a: '\u0001'.repeat(150) }, LIMIT)).not.toThrow();
  });

  test('cycles, BigInts and deep nesting are still refused with the same messages', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(refusal(() => assertInputWithinLimits(cyclic)).message).toMatch(/not plain JSON/);
    expect(refusal(() => assertInputWithinLimits({ n: 10n })).message).toMatch(/not plain JSON/);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i += 1) deep = { d: deep };
    expect(() => assertInputWithinLimits(deep)).not.toThrow();
    expect(() => assertInputWithinLimits({ when: new Date(0) })).not.toThrow();
  });

  test('a getter that throws is reported as not plain JSON, not thrown through', () => {
    const input = Object.defineProperty({}, 'bad', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(refusal(() => assertInputWithinLimits(input)).message).toMatch(/not plain JSON/);
  });
});

describe('header scrubbing', () => {
  const SECRET = 'token-secret-123';
  const response = (rawHeaders: string[]) => ({ statusCode: 401, statusMessage: 'Unauthorized', rawHeaders, body: Buffer.from('{}') });

  test('headers holding no form of a secret are kept as they are', () => {
    const envelope = toEnvelope(response(['Content-Type', 'application/json', 'X-A', '1']));
    expect(scrubEnvelope(envelope, [SECRET], Buffer.from('{}')).response_headers).toEqual({ 'Content-Type': 'application/json', 'X-A': '1' });
  });

  test('a secret only in the reason phrase, or a short secret standing alone in a header, is still masked', () => {
    const envelope = { ...toEnvelope(response(['X-A', '1'])), reason: `echo ${SECRET}` };
    expect(scrubEnvelope(envelope, [SECRET], Buffer.from('{}')).reason).toBe('echo ***');
    const short = toEnvelope(response(['X-Token', 'tk1', 'X-Word', 'tk1x']));
    expect(scrubEnvelope(short, ['tk1'], Buffer.from('{}')).response_headers).toEqual({ 'X-Token': '***', 'X-Word': 'tk1x' });
  });

  test('a secret in a header name, a value, a repeated header or percent-encoded is masked', () => {
    const envelope = toEnvelope(
      response(['X-Echo', `Basic ${SECRET}`, `X-${SECRET}`, 'v', 'X-Rep', 'token-secret', 'x-rep', '123', 'X-Enc', encodeURIComponent(`${SECRET}/`)]),
    );
    const text = JSON.stringify(scrubEnvelope(envelope, [SECRET, 'a/b c'], Buffer.from('{}')).response_headers);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('Basic ***');
    expect(text).toContain('X-***');
  });
});
