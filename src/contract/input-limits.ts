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

export function assertInputWithinLimits(input: unknown, limit = MAX_INPUT_BYTES): void {
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
 * The size guard, then the schema. A validator that throws on a value JSON
 * cannot hold (a null-prototype object where a string belongs makes Ajv's
 * string comparison throw a TypeError) still means "invalid input".
 */
export function assertValidInput(validate: ValidateFunction, input: unknown, what: string): void {
  assertInputWithinLimits(input);
  try {
    assertValid(validate, input, 'INPUT_INVALID', what);
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    const message = 'contains values that are not plain JSON';
    throw new ConnectorError('INPUT_INVALID', `${what}: input ${message}`, [{ field: '(input)', message }]);
  }
}
