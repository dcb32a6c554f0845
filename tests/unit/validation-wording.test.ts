// The one wording of validation errors (src/contract/validation.ts): one message per mistake, the
// field named by its schema title, what is expected said in words with the schema's example; never a
// regular expression, never "(top level)".
import { describe, expect, test } from '@jest/globals';
import { manifest } from '../../src/contract/manifest.js';
import { inlineRefs } from '../../src/contract/inline-refs.js';
import { getValidator } from '../../src/contract/validators.js';
import { describeProblems, PATTERN_WORDS, problemLine, problemsOf } from '../../src/contract/validation.js';

const schemaPaths = [...manifest.actions.map((a) => a.input_schema), ...Object.values(manifest.connections).map((c) => c.schema)];

function linesFor(path: string, value: unknown): string[] {
  const validate = getValidator(path);
  expect(validate(value)).toBe(false);
  return problemsOf(validate.errors, inlineRefs(path), path.includes('/connections/') ? 'connection' : '').map(problemLine);
}

/** Every pattern used anywhere in a schema (after inlining refs). */
function patternsIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => patternsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') out.add(value);
      else patternsIn(value, out);
    }
  }
  return out;
}

/** What gives a regular expression away in a message. */
const REGEX_MARKS = [/\^\[/, /\]\{\d/, /\$"?$/, /\\x[0-9A-F]{2}/i, /must match/, /\(top level\)/, /pattern/];

const AF = 'schemas/actions/attackforge_request_new_project_retest.input.json';
const afBody = (body: Record<string, unknown>) => ({
  path_parameters: { id: '66333e1d110ab5acf8a4354e' },
  json_body: { retesting_window_start: '2025-03-23T00:00:00.000Z', vulnerability_ids: ['6639508f50523053f459d29f'], ...body },
});

describe('one message per mistake, by title, with an example', () => {
  test('a date without a time: one message (not pattern + format + type)', () => {
    expect(linesFor(AF, afBody({ retesting_window_end: '2025-03-01' }))).toEqual([
      'Retesting window end: a date-time with an offset, e.g. 2025-03-30T00:00:00.000Z',
    ]);
  });

  test('an empty vulnerability list, a malformed item, a duplicate', () => {
    expect(linesFor(AF, afBody({ vulnerability_ids: [] }))).toEqual(['Vulnerability IDs: at least 1 item']);
    expect(linesFor(AF, afBody({ vulnerability_ids: ['6639508f50523053f459d29f', 'nope'] }))).toEqual([
      'Vulnerability ID #2: 24 hexadecimal digits, e.g. 6639508f50523053f459d29f',
    ]);
    expect(linesFor(AF, afBody({ vulnerability_ids: ['6639508f50523053f459d29f', '6639508f50523053f459d29f'] }))).toEqual([
      'Vulnerability IDs: no duplicates (#1 and #2 are the same)',
    ]);
  });

  test('an end before the start names the start by its title', () => {
    expect(linesFor(AF, afBody({ retesting_window_end: '2025-03-22T00:00:00Z' }))).toEqual(['Retesting window end: not before Retesting window start']);
  });

  test('a connection without a user id names the field, not "(top level)"', () => {
    expect(linesFor('schemas/connections/invicti.json', { api_token: 'secret-token' })).toEqual(['User ID: required']);
  });

  test('a secret is described without its example, and its value is never echoed', () => {
    const lines = linesFor('schemas/connections/invicti.json', { user_id: 'u', api_token: 'has space SECRET' });
    expect(lines).toEqual(['API token: printable characters without spaces']);
  });

  test('a field through a $ref keeps the title and example of the referring node', () => {
    expect(linesFor('schemas/actions/attackforge_get_project.input.json', { path_parameters: { id: 'x' } })).toEqual([
      'Project ID: 24 hexadecimal digits, e.g. 66333e1d110ab5acf8a4354e',
    ]);
  });

  test('the pointer of each problem is where the palette shows it', () => {
    const validate = getValidator(AF);
    validate({ path_parameters: {}, json_body: { retesting_window_start: 'x', vulnerability_ids: ['6639508f50523053f459d29f'] } });
    expect(describeProblems(validate.errors, inlineRefs(AF)).map((p) => p.pointer)).toEqual(['/path_parameters/id', '/json_body/retesting_window_start']);
  });
});

describe('never a regular expression', () => {
  test('every pattern in the input and connection schemas has words', () => {
    const missing = schemaPaths.flatMap((path) => [...patternsIn(inlineRefs(path))].filter((p) => PATTERN_WORDS[p] === undefined).map((p) => `${path}: ${p}`));
    expect(missing).toEqual([]);
  });

  test('every string field, given a value of the wrong kind, is described in words', () => {
    const bad = ['', ' ', 'not valid at all', 42, null, [], {}];
    const lines: string[] = [];
    for (const path of schemaPaths) {
      const validate = getValidator(path);
      const schema = inlineRefs(path);
      for (const value of bad) {
        // The wrong value at the top, and in every top-level group's every field.
        const candidates: unknown[] = [value];
        for (const [group, node] of Object.entries((schema.properties ?? {}) as Record<string, { properties?: Record<string, unknown> }>)) {
          candidates.push({ [group]: value });
          for (const field of Object.keys(node.properties ?? {})) candidates.push({ [group]: { [field]: value } });
        }
        for (const candidate of candidates) {
          if (validate(candidate)) continue;
          const problems = problemsOf(validate.errors, schema, path.includes('/connections/') ? 'connection' : '');
          // one message per value
          const fields = problems.map((p) => `${p.field}:${p.message === 'not an allowed field'}`);
          expect(new Set(fields).size).toBe(fields.length);
          lines.push(...problems.map(problemLine));
        }
      }
    }
    expect(lines.length).toBeGreaterThan(100);
    const giveaways = lines.filter((line) => REGEX_MARKS.some((mark) => mark.test(line)));
    expect(giveaways).toEqual([]);
  });
});
