/**
 * scrubDeep on its own, without redact.ts's imports, so the CLI's dispatcher (dist/cli/main.js) can scrub its
 * error line without bundling the runtime.
 */

/**
 * Every string in a JSON value (object keys too) with `scrub` applied: a vendor
 * that echoes a credential back does not put it in a tool result. The
 * envelope's own member names are never touched.
 */
export function scrubDeep<T>(value: T, scrub: (text: string) => string, depth = 0): T {
  // The same shape back: strings scrubbed, top-level keys kept, deeper keys scrubbed like any text.
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub, depth + 1)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [depth === 0 ? key : scrub(key), scrubDeep(item, scrub, depth + 1)])) as T;
}
