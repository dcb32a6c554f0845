/**
 * RFC 6901 JSON Pointers, in one place: the manifest names every place in an
 * input or an envelope by one (`/json_body`, `/json_body/State`), `$ref`
 * fragments are one (`#/definitions/Guid`), and validation errors carry one.
 */

/** One reference token unescaped: `~1` is `/`, `~0` is `~` (in that order). */
export const unescapeToken = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');

/** One reference token escaped for a pointer. */
export const escapeToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** `/a/b~1c` -> ['a', 'b/c']; '' (the whole document) -> []. */
export function pointerTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map(unescapeToken);
}

/** The tokens of a `$ref` fragment (`#/definitions/A%20B` or `/definitions/A%20B`): URI-decoded, then unescaped. */
export function fragmentTokens(fragment: string): string[] {
  const bare = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  return bare.split('/').filter(Boolean).map((token) => unescapeToken(decodeURIComponent(token)));
}

/** The value at `pointer` in `document` (own properties only), or undefined. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const key of pointerTokens(pointer)) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The schema that describes the instance at `pointer`, following `properties` only (refs already inlined or not crossed). */
export function schemaAtPointer(schema: unknown, pointer: string): Record<string, unknown> | undefined {
  let node: unknown = schema;
  for (const key of pointerTokens(pointer)) {
    const properties = node && typeof node === 'object' ? (node as { properties?: Record<string, unknown> }).properties : undefined;
    node = properties && Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

/** `/json_body/items` -> `json_body.items`: how a pointer is named to a person. */
export function pointerToDotted(pointer: string): string {
  return pointerTokens(pointer).join('.');
}
