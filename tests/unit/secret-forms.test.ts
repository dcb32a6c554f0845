// Issue 18: a secret is scrubbed in every spelling a server may echo it in: raw, percent-encoded with
// upper- or lower-case hex (or any mix, or every character encoded), base64, and a digits-only token
// as a JSON number. Through runAction with an injected transport, so the whole envelope is checked.
import { describe, expect, test } from '@jest/globals';
import { runAction, type Transport, type TransportResponse } from '../../src/index.js';
import { redact, redactServerText } from '../../src/runtime/redact.js';
import { GUID, invicti } from '../helpers/fixtures.js';

function answering(statusCode: number, body: string, rawHeaders: string[] = ['Content-Type', 'application/json'], statusMessage?: string): Transport {
  return {
    async send(): Promise<TransportResponse> {
      return { statusCode, statusMessage, rawHeaders, body: Buffer.from(body) };
    },
  };
}

const retest = (transport: Transport, connection: Record<string, unknown>) =>
  runAction('invicti_scan_retest', { json_body: { BaseScanId: GUID } }, connection, { transport, retry: { maxAttempts: 1 } });

const TOKEN = 'Tk/9+q=SECRET:x&y';
const lowerHex = (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const everyByte = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

describe('defect 14: a token echoed percent-encoded in lower-case hex', () => {
  test.each([
    ['upper-case hex', encodeURIComponent(TOKEN)],
    ['lower-case hex', lowerHex(TOKEN)],
    ['mixed case', encodeURIComponent(TOKEN).replace('%2F', '%2f')],
    ['every byte encoded', everyByte(TOKEN)],
    ['every byte encoded, upper case', everyByte(TOKEN).toUpperCase()],
  ])('%s (%s) is masked in the reason, a header, the JSON body and response_text', async (_, form) => {
    const connection = { ...invicti, api_token: TOKEN };
    const json = await retest(answering(401, JSON.stringify({ Location: `https://x.test/?t=${form}`, [form]: 1 }), ['Content-Type', 'application/json', 'Location', `/?t=${form}`], `Denied ${form}`), connection);
    const text = await retest(answering(401, `t=${form}`, ['Content-Type', 'text/plain']), connection);
    const printed = JSON.stringify([json, text]);
    expect(printed).not.toContain(form);
    expect(json).toMatchObject({ reason: 'Denied ***', response_headers: { Location: '/?t=***' }, json_body: { Location: 'https://x.test/?t=***', '***': 1 } });
    expect(text.response_text).toBe('t=***');
  });

  test('redact and redactServerText: same forms, short secrets still only as whole values', () => {
    expect(redact(`a ${lowerHex(TOKEN)} b`, [TOKEN])).toBe('a *** b');
    expect(redactServerText(`a ${lowerHex(TOKEN)} b`, [TOKEN])).toBe('a *** b');
    // A short secret is masked when it stands alone, in any spelling, and nowhere inside other text.
    expect(redactServerText('p%2fw', ['p/w'])).toBe('***');
    expect(redactServerText('xp%2fwx and p%2Fw', ['p/w'])).toBe('xp%2fwx and ***');
  });
});

describe('base64: a token echoed base64-encoded', () => {
  test('standard, unpadded and URL-safe base64 of the token are masked', async () => {
    const token = 'tok~~SECRET~~>>?';
    const connection = { ...invicti, api_token: token };
    const b64 = Buffer.from(token).toString('base64');
    const url = Buffer.from(token).toString('base64url');
    expect(b64).not.toBe(url);
    const envelope = await retest(answering(401, JSON.stringify({ a: `x ${b64} y`, b: `x ${b64.replace(/=+$/, '')}`, c: url })), connection);
    expect(envelope.json_body).toEqual({ a: 'x *** y', b: 'x ***', c: '***' });
  });
});

describe('defect 13: a digits-only token echoed as a JSON number', () => {
  test('api_token 31415926535, a 401 body {"t":31415926535}: the number is masked, wherever it stands', async () => {
    const connection = { ...invicti, api_token: '31415926535' };
    const envelope = await retest(answering(401, '{"t":31415926535,"list":[1,31415926535],"exp":3.1415926535e10,"other":42,"s":"31415926535"}'), connection);
    expect(envelope.json_body).toEqual({ t: '***', list: [1, '***'], exp: '***', other: 42, s: '***' });
    expect(JSON.stringify(envelope)).not.toContain('31415926535');
  });

  test('a longer number that holds the token is masked whole; other numbers stay numbers', async () => {
    const connection = { ...invicti, api_token: '31415926535' };
    const envelope = await retest(answering(401, '{"a":9931415926535,"b":3141592653,"c":0.5}'), connection);
    expect(envelope.json_body).toEqual({ a: '***', b: 3141592653, c: 0.5 });
  });
});
