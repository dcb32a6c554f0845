// The one JSON Pointer module (RFC 6901): parsing, escaping, lookup, $ref fragments, schema walking.
import { expect, test } from '@jest/globals';
import { escapeToken, fragmentTokens, pointerToDotted, pointerTokens, resolvePointer, schemaAtPointer } from '../../src/contract/json-pointer.js';

test('tokens: ~1 is /, ~0 is ~ (unescaped in that order), "" is the whole document', () => {
  expect(pointerTokens('')).toEqual([]);
  expect(pointerTokens('/a/b~1c/d~0e/~01')).toEqual(['a', 'b/c', 'd~e', '~1']);
  expect(escapeToken('a/b~c')).toBe('a~1b~0c');
  expect(pointerTokens(`/${escapeToken('x~1/y')}`)).toEqual(['x~1/y']);
});

test('resolvePointer reads own properties and array indexes only', () => {
  const doc = { json_body: { items: [{ Id: 'x' }], 'a/b': 1 } };
  expect(resolvePointer(doc, '/json_body/items/0/Id')).toBe('x');
  expect(resolvePointer(doc, '/json_body/a~1b')).toBe(1);
  expect(resolvePointer(doc, '/json_body/missing/deeper')).toBeUndefined();
  expect(resolvePointer(doc, '/json_body/constructor')).toBeUndefined();
  expect(resolvePointer(doc, '')).toBe(doc);
});

test('$ref fragments are URI-decoded then unescaped', () => {
  expect(fragmentTokens('#/definitions/A%20B')).toEqual(['definitions', 'A B']);
  expect(fragmentTokens('/definitions/x~1y')).toEqual(['definitions', 'x/y']);
  expect(fragmentTokens('')).toEqual([]);
});

test('schemaAtPointer walks properties; pointerToDotted names a pointer for people', () => {
  const schema = { properties: { wait: { type: 'object', properties: { timeout_s: { default: 3600 } } } } };
  expect(schemaAtPointer(schema, '/wait/timeout_s')).toEqual({ default: 3600 });
  expect(schemaAtPointer(schema, '/nope')).toBeUndefined();
  expect(pointerToDotted('/json_body/items')).toBe('json_body.items');
});
