// One style of titles on every surface (list, MCP, n8n, palette, docs): Title Case words, verb first where the
// action does something ("Request New Project Retest", "Get Project Vulnerabilities"); the vendor's own method
// name stays findable in the description.
import { describe, expect, test } from '@jest/globals';
import { manifest } from '../../src/contract/manifest.js';

/** Short words that Title Case leaves in lower case inside a title. */
const MINOR = new Set(['a', 'an', 'and', 'for', 'from', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

describe('action titles', () => {
  test.each(manifest.actions.map((a) => [a.id, a.title]))('%s: "%s" is Title Case words', (_id, title) => {
    const words = title.split(' ');
    expect(words.every((word, i) => /^[A-Z][A-Za-z0-9]*$/.test(word) || (i > 0 && MINOR.has(word)))).toBe(true);
    // Words, not an identifier: "RequestNewProjectRetest" is not a title.
    expect(words.every((word) => !/[a-z][A-Z]/.test(word))).toBe(true);
  });

  test('every description names the vendor method it calls ("Vendor method: Scans_Retest.")', () => {
    for (const action of manifest.actions) expect(action.description).toMatch(/ Vendor method: [A-Za-z][\w-]*\.$/);
  });

  test('titles are unique', () => {
    expect(new Set(manifest.actions.map((a) => a.title)).size).toBe(manifest.actions.length);
  });
});
