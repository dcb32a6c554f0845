// The simulator's own parsers and writers, without a socket: AttackForge's
// relaxed-JSON q filter and the PDF writer behind Invicti's reports.
import { describe, expect, test } from '@jest/globals';
import { renderPdf } from '../../src/simulator/pdf.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseRelaxedJson } from '../../src/simulator/relaxed-json.js';
import { pdfProblems } from '../helpers/files.js';

describe('parseRelaxedJson (the q filter)', () => {
  test.each([
    ['{ is_retest: { $eq: "Yes" } }', { is_retest: { $eq: 'Yes' } }],
    ["{ status: 'Open', }", { status: 'Open' }],
    ['{ $and: [ { priority: { $in: ["Critical","High",] } }, { status: { $eq: "Open" } } ] }', { $and: [{ priority: { $in: ['Critical', 'High'] } }, { status: { $eq: 'Open' } }] }],
    ['{"a": -1.5e2, b: true, c: null, d: false}', { a: -150, b: true, c: null, d: false }],
    ['{ t: "tab\\there \\u0041 \\"q\\"" }', { t: 'tab\there A "q"' }],
    ['  [ ]  ', []],
  ])('%s', (text, expected) => {
    expect(JSON.parse(JSON.stringify(parseRelaxedJson(text)))).toEqual(expected);
  });

  test.each([
    '{ is_retest: ',
    '{ is_retest { $eq: "Yes" } }',
    '{ "a": "unterminated }',
    '{ a: "bad \\x escape" }',
    '{ a: undefined }',
    '{ a: 1 } extra',
    '{ 1a: 2 }',
    '{ a: 1 }; process.exit()',
    '',
  ])('%j is a SyntaxError', (text) => {
    expect(() => parseRelaxedJson(text)).toThrow(SyntaxError);
  });

  test('bounded: length and nesting depth', () => {
    expect(() => parseRelaxedJson(`{ a: "${'x'.repeat(MAX_FILTER_LENGTH)}" }`)).toThrow(/longer than/);
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(() => parseRelaxedJson(deep(MAX_FILTER_DEPTH + 1))).not.toThrow();
    expect(() => parseRelaxedJson(deep(MAX_FILTER_DEPTH + 2))).toThrow(/nested too deeply/);
  });

  test('a __proto__ key is an own property of a prototype-less object, never the prototype', () => {
    const parsed = parseRelaxedJson('{ __proto__: { polluted: true } }') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('renderPdf', () => {
  test('one page: header, objects, an exact xref, %%EOF', () => {
    const pdf = renderPdf('Vulnerabilities: Sample', ['[High] Cross-site Scripting - http://x.test/?q=(1)\\'], Date.UTC(2026, 0, 5));
    expect(pdfProblems(pdf)).toEqual([]);
    const text = pdf.toString('latin1');
    expect(text).toContain('/Count 1');
    expect(text).toContain('(Vulnerabilities: Sample) Tj');
    expect(text).toContain('([High] Cross-site Scripting - http://x.test/?q=\\(1\\)\\\\) Tj'); // ( ) \\ escaped
    expect(text).toContain('/CreationDate (D:20260105000000Z)');
  });

  test('many lines: several pages, long lines wrapped, non-ASCII replaced, still a valid xref', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `line ${i} ${'é'.repeat(2)} ${'word '.repeat(i % 3 === 0 ? 40 : 1)}`);
    const pdf = renderPdf('Long', lines, 0);
    expect(pdfProblems(pdf)).toEqual([]);
    const text = pdf.toString('latin1');
    expect(Number(/\/Count (\d+)/.exec(text)![1])).toBeGreaterThanOrEqual(3);
    expect(text).toContain('(line 1 ?? word ) Tj'); // é is not in the ASCII the writer emits
    expect(pdf.includes(Buffer.from('é', 'utf8'))).toBe(false);
    for (const shown of text.matchAll(/\((.*)\) Tj/g)) expect(shown[1]!.length).toBeLessThanOrEqual(110);
  });
});
