/**
 * What stands between a playbook's input and the wire: a guard in front of
 * schema validation (an input that is not plain JSON, or whose JSON is larger
 * than any real request could be, is refused at once with one short message,
 * before Ajv walks it item by item), then the action's input schema.
 */
import type { ValidateFunction } from 'ajv';
import { ConnectorError } from './errors.js';
import { assertValid } from './validation.js';

export const MAX_INPUT_BYTES = 1024 * 1024;

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB` : `${bytes} bytes`;
}

/** Nesting a plain input is walked to at most by the quick bound; deeper (or cyclic) input takes the exact check. */
const BOUND_DEPTH = 32;

/**
 * An upper bound on the UTF-8 size of JSON.stringify(value), without building the text, or -1 when the
 * value is not one the bound covers (anything JSON.stringify might treat specially: toJSON, a class
 * instance, a BigInt, a function, deep or cyclic nesting): the exact check then decides. A string
 * costs at most 6 bytes per UTF-16 unit (a \u escape) plus its quotes.
 */
function jsonSizeBound(value: unknown, depth: number, budget: number): number {
  switch (typeof value) {
    case 'string':
      return value.length * 6 + 2;
    case 'number':
    case 'boolean':
    case 'undefined':
      return 24;
    case 'object':
      break;
    default:
      return -1;
  }
  if (value === null) return 4;
  if (depth >= BOUND_DEPTH) return -1;
  let total = 2;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return -1;
    for (let i = 0; i < value.length; i += 1) {
      const size = jsonSizeBound(value[i], depth + 1, budget - total);
      if (size < 0) return -1;
      total += size + 1;
      if (total > budget) return -1;
    }
    return total;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return -1;
  for (const name of Object.keys(value)) {
    const size = jsonSizeBound((value as Record<string, unknown>)[name], depth + 1, budget - total);
    if (size < 0) return -1;
    total += name.length * 6 + 3 + size + 1;
    if (total > budget) return -1;
  }
  return total;
}

export function assertInputWithinLimits(input: unknown, limit = MAX_INPUT_BYTES): void {
  // Most inputs are a few small plain objects: a bound within the limit settles it without serialising them.
  if (input !== undefined && typeof input === 'object' && input !== null) {
    let bound = -1;
    try {
      bound = jsonSizeBound(input, 0, limit);
    } catch {
      // A getter or a proxy that throws: the exact check below reports it as JSON.stringify meets it.
    }
    if (bound >= 0 && bound <= limit) return;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    // Cycles, BigInt, a string too long for the engine, nesting deeper than the stack.
    const why = error instanceof RangeError ? 'it is too large or too deeply nested' : 'it is not plain JSON (a cycle or a BigInt?)';
    throw new ConnectorError('INPUT_INVALID', `Invalid input: ${why}`, [{ field: '(input)', message: why }]);
  }
  if (text === undefined) return; // undefined, a function: the schema check names the problem.
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limit) {
    const message = `is too large (${formatBytes(bytes)} as JSON, limit ${formatBytes(limit)})`;
    throw new ConnectorError('INPUT_INVALID', `Invalid input: input ${message}`, [{ field: '(input)', message }]);
  }
}

/**
 * The input as plain JSON data, made once: JSON.stringify (toJSON and getters run here, once) then
 * JSON.parse. That copy is what gets validated and what gets sent, so an object whose toJSON() or a
 * getter answers something else than what was validated cannot reach the wire. Refused with the same
 * messages as assertInputWithinLimits (not plain JSON, too large).
 */
export function plainInput(input: unknown, limit = MAX_INPUT_BYTES): unknown {
  if (input === null || typeof input !== 'object') {
    assertInputWithinLimits(input, limit);
    return input;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    const why = error instanceof RangeError ? 'it is too large or too deeply nested' : 'it is not plain JSON (a cycle or a BigInt?)';
    throw new ConnectorError('INPUT_INVALID', `Invalid input: ${why}`, [{ field: '(input)', message: why }]);
  }
  // An object whose toJSON() answers undefined: nothing to send; the schema check names the problem.
  if (text === undefined) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limit) {
    const message = `is too large (${formatBytes(bytes)} as JSON, limit ${formatBytes(limit)})`;
    throw new ConnectorError('INPUT_INVALID', `Invalid input: input ${message}`, [{ field: '(input)', message }]);
  }
  return JSON.parse(text) as unknown;
}

/**
 * The size guard, then the schema. A validator that throws on a value JSON
 * cannot hold (a null-prototype object where a string belongs makes Ajv's
 * string comparison throw a TypeError) still means "invalid input".
 */
export function assertValidInput(validate: ValidateFunction, input: unknown, what: string, schema?: () => unknown): void {
  assertInputWithinLimits(input);
  try {
    assertValid(validate, input, 'INPUT_INVALID', what, '', schema);
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    const message = 'contains values that are not plain JSON';
    throw new ConnectorError('INPUT_INVALID', `${what}: input ${message}`, [{ field: '(input)', message }]);
  }
}
