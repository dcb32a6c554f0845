// The validators' `uri` format takes a shortcut for plain http(s) URLs (src/contract/formats.ts):
// it must accept exactly what ajv-formats' full `uri` accepts, shortcut or not.
import { describe, expect, test } from '@jest/globals';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { formats, uri } from '../../src/contract/formats.js';

const fullUri = fullFormats.uri as (text: string) => boolean;
const unreserved = fc.constantFrom(...'abcxyzABCXYZ0189._~-');
const word = (min: number, max: number) => fc.array(unreserved, { minLength: min, maxLength: max }).map((cs) => cs.join(''));
const plainUrl = fc
  .tuple(fc.constantFrom('http', 'https', 'HTTP'), word(1, 20), fc.option(fc.integer({ min: 0, max: 99999 })), fc.array(word(0, 8), { maxLength: 4 }))
  .map(([scheme, host, port, segments]) => `${scheme}://${host}${port === null ? '' : `:${port}`}${segments.map((s) => `/${s}`).join('')}`);
/** Near-URLs: plain ones with one character of URL syntax (or junk) spliced in somewhere. */
const nearUrl = fc
  .tuple(plainUrl, fc.constantFrom(' ', '%', '%2F', '@', '[', ']', '#', '?', ':', '"', '<', '\\', '^', '`', '{', '|', 'é', '\u0000'), fc.nat())
  .map(([url, junk, at]) => url.slice(0, at % (url.length + 1)) + junk + url.slice(at % (url.length + 1)));

describe('uri format', () => {
  test('replaces only uri in the set the validators use', () => {
    expect(formats.uri).toBe(uri);
    expect(formats['date-time']).toBe(fullFormats['date-time']);
  });

  test('plain http(s) URLs: accepted, as the full expression accepts them', () => {
    fc.assert(fc.property(plainUrl, (url) => uri(url) === true && fullUri(url) === true), { numRuns: 2000 });
  });

  test('near-URLs and arbitrary text: the same answer as ajv-formats', () => {
    fc.assert(fc.property(fc.oneof(nearUrl, fc.string(), fc.string({ unit: 'grapheme' })), (text) => uri(text) === fullUri(text)), { numRuns: 3000 });
  });

  test.each(['https://www.netsparkercloud.com', 'http://127.0.0.1:4010/api', 'https://[::1]:8443/x', 'mailto:a@b.example', 'http://exa mple.com', 'not a uri', ''])(
    '%j: same as ajv-formats',
    (text) => {
      expect(uri(text)).toBe(fullUri(text));
    },
  );
});
