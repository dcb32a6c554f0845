// scrubEnvelope reads the raw body first: a body whose bytes cannot hold any
// secret keeps its json_body as parsed (no copy); every way JSON can spell a
// secret still gets it scrubbed.
import { describe, expect, test } from '@jest/globals';
import { scrubEnvelope, toEnvelope } from '../../src/runtime/envelope.js';

function envelopeOf(body: string, contentType = 'application/json') {
  const raw = Buffer.from(body, 'utf8');
  return { raw, envelope: toEnvelope({ statusCode: 401, statusMessage: 'Unauthorized', rawHeaders: ['Content-Type', contentType], body: raw }) };
}

const LONG = 'tok/en"with\\odd-chars-0123';
const PLAIN = 'plainsecret123456';

describe('scrubEnvelope with the raw body', () => {
  test('a body with no secret in any spelling is returned as parsed, not copied', () => {
    const { raw, envelope } = envelopeOf(JSON.stringify({ Message: 'Authorization has been denied', List: [{ a: 'b\\c' }] }));
    const scrubbed = scrubEnvelope(envelope, [PLAIN, LONG], raw);
    expect(scrubbed.json_body).toBe(envelope.json_body);
  });

  test.each([
    ['literally', (s: string) => JSON.stringify({ echo: `Basic ${s}` })],
    ['with JSON escapes for " and \\', (s: string) => JSON.stringify({ echo: s })],
    ['with / written as \\/', (s: string) => JSON.stringify({ echo: s }).replace(/\//g, '\\/')],
    ['entirely in \\u escapes', (s: string) => `{"echo":"${[...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"}`],
    ['as a key', (s: string) => JSON.stringify({ [s]: 1 })],
  ])('a secret spelled %s is scrubbed', (_, spell) => {
    for (const secret of [LONG, PLAIN]) {
      const { raw, envelope } = envelopeOf(spell(secret));
      const text = JSON.stringify(scrubEnvelope(envelope, [secret], raw).json_body);
      expect(JSON.parse(text)).not.toEqual(envelope.json_body);
      expect(JSON.stringify(envelope.json_body)).toContain(JSON.stringify(secret).slice(1, -1));
      expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
      expect(text).toContain('***');
    }
  });

  test('a secret percent-encoded in the body is scrubbed', () => {
    const { raw, envelope } = envelopeOf(JSON.stringify({ Location: `https://x.invalid/?t=${encodeURIComponent(LONG)}` }));
    expect(JSON.stringify(scrubEnvelope(envelope, [LONG], raw).json_body)).not.toContain(encodeURIComponent(LONG));
  });

  test('a text body (not JSON) that echoes a secret is scrubbed in response_text', () => {
    const { raw, envelope } = envelopeOf(`<html>denied for ${PLAIN}</html>`, 'text/html');
    expect(scrubEnvelope(envelope, [PLAIN], raw).response_text).toBe('<html>denied for ***</html>');
  });

  test('a short secret standing alone as a JSON value is scrubbed; inside other words it is left', () => {
    const { raw, envelope } = envelopeOf(JSON.stringify({ token: 't1', Message: 'abt1c total t1 left' }));
    expect(scrubEnvelope(envelope, ['t1'], raw).json_body).toEqual({ token: '***', Message: 'abt1c total *** left' });
  });

  test('headers and the reason phrase are scrubbed whatever the body holds', () => {
    const raw = Buffer.from('{}');
    const envelope = toEnvelope({ statusCode: 401, statusMessage: `bad ${PLAIN}`, rawHeaders: ['WWW-Authenticate', `Basic ${PLAIN}`, 'Content-Type', 'application/json'], body: raw });
    const scrubbed = scrubEnvelope(envelope, [PLAIN], raw);
    expect(scrubbed.reason).toBe('bad ***');
    expect(scrubbed.response_headers['WWW-Authenticate']).toBe('Basic ***');
  });
});
