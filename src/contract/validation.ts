/**
 * Turns Ajv's errors into problems a playbook author can act on:
 * `json_body.BaseScanId is required`, never a schema path. Values are never
 * echoed back: a connection's fields may be secrets, and an input can be huge.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConnectorError, type ErrorCode, type FieldProblem } from './errors.js';

/** '/json_body/vulnerability_ids/0' -> 'json_body.vulnerability_ids[0]' (with an optional root prefix). */
export function fieldName(pointer: string, root = ''): string {
  let out = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}

/** Field names longer than this are cut in messages (an input may carry a 900 KB property name). */
export const MAX_FIELD_NAME_LENGTH = 120;

/** `name` cut to MAX_FIELD_NAME_LENGTH characters, saying how long it really was. */
export function shortFieldName(name: string): string {
  if (name.length <= MAX_FIELD_NAME_LENGTH) return name;
  return `${name.slice(0, MAX_FIELD_NAME_LENGTH)}…(${name.length} characters)`;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function describe(error: ErrorObject, root: string): FieldProblem {
  const field = fieldName(error.instancePath, root);
  const child = (name: string) => (field ? `${field}.${name}` : name);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as { examples?: unknown[]; title?: string };
  const example = Array.isArray(parent.examples) && typeof parent.examples[0] === 'string' ? ` (e.g. ${parent.examples[0]})` : '';
  const here = field || '(input)';
  switch (error.keyword) {
    case 'required':
      return { field: child(String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: child(String(params.additionalProperty)), message: 'is not an allowed property' };
    case 'type': {
      const types = String(params.type).split(',');
      return { field: here, message: `must be ${types.map(article).join(' or ')}` };
    }
    case 'pattern':
      return { field: here, message: `does not have the expected format${example}` };
    case 'format':
      return { field: here, message: `must be a valid ${params.format}${example}` };
    case 'formatMinimum':
    case 'formatExclusiveMinimum': {
      const other = typeof error.schema === 'object' && error.schema && '$data' in error.schema ? String((error.schema as { $data: string }).$data) : '';
      // "1/name" is a sibling of this field: swap the last segment of the field's name.
      const sibling = other.startsWith('1/') ? field.replace(/[^.]*$/, '') + other.slice(2) : 'the lower bound';
      return { field: here, message: `must not be before ${sibling}` };
    }
    case 'minLength':
      return { field: here, message: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters long` };
    case 'maxLength':
      return { field: here, message: `must be at most ${params.limit} characters long` };
    case 'minItems':
      return { field: here, message: params.limit === 1 ? 'must not be empty' : `must have at least ${params.limit} items` };
    case 'maxItems':
      return { field: here, message: `must have at most ${params.limit} items` };
    case 'uniqueItems':
      return { field: here, message: `must not contain duplicates (items ${params.j} and ${params.i} are equal)` };
    case 'minimum':
    case 'maximum':
      return { field: here, message: `must be ${error.keyword === 'minimum' ? '>=' : '<='} ${params.limit}` };
    case 'enum':
      return { field: here, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { field: here, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** Problems for the errors of a failed validation, duplicates removed, in document order. */
export function problemsOf(errors: readonly ErrorObject[] | null | undefined, root = ''): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const error of errors ?? []) {
    const described = describe(error, root);
    const p = { field: shortFieldName(described.field), message: described.message };
    const key = `${described.field}\u0000${described.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

export function problemsMessage(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field} ${p.message}`).join('; ');
}

/** Validates `value`; throws a ConnectorError naming every field that is wrong. */
export function assertValid(validate: ValidateFunction, value: unknown, code: ErrorCode, what: string, root = ''): void {
  if (validate(value)) return;
  const all = problemsOf(validate.errors, root);
  // A thousand bad items make one readable error, not a thousand lines.
  const problems = all.length > MAX_PROBLEMS ? [...all.slice(0, MAX_PROBLEMS), { field: '(input)', message: `and ${all.length - MAX_PROBLEMS} more problems` }] : all;
  throw new ConnectorError(code, `${what}: ${problemsMessage(problems)}`, problems);
}

export const MAX_PROBLEMS = 20;
