/**
 * The one wording of validation errors, shared by every way in (the runtime
 * behind the CLI and the MCP server, and the palette, which bundles this
 * module): one problem per mistake, naming the field by its schema title and
 * saying what is expected, with an example from the schema:
 *
 *   Retesting window end: a date-time with an offset, e.g. 2025-03-30T00:00:00.000Z
 *   User ID: required
 *
 * Ajv reports one mistake several times (a date without a time fails `type`,
 * `pattern` and `format` alike); its errors are grouped by the value they are
 * about and said once. A raw regular expression is never shown. Values are
 * never echoed back: a connection's fields may be secrets, and an input can be
 * huge. Pure code (no Node modules): the palette runs it in the browser.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConnectorError, type ErrorCode, type FieldProblem } from './errors.js';
import { escapeToken, pointerTokens } from './json-pointer.js';

/** '/json_body/vulnerability_ids/0' -> 'json_body.vulnerability_ids[0]' (with an optional root prefix). */
export function fieldName(pointer: string, root = ''): string {
  let out = root;
  for (const part of pointerTokens(pointer)) {
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

/** A problem and the JSON Pointer of the value it is about (the palette puts it next to that field). */
export interface LocatedProblem extends FieldProblem {
  title: string;
  pointer: string;
}

type SchemaNode = {
  title?: string;
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  examples?: unknown[];
  writeOnly?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode | SchemaNode[];
};

/**
 * Words for the patterns the schemas use. A pattern with no entry here is described by its example
 * ("in the form of the example"); tests/unit/validation-wording.test.ts fails for a schema pattern
 * missing from this list, so a new one gets its words when it is added.
 */
export const PATTERN_WORDS: Readonly<Record<string, string>> = {
  '^[0-9A-Fa-f]{24}$': '24 hexadecimal digits',
  '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$': 'a GUID (hexadecimal digits in groups of 8-4-4-4-12)',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?(Z|[+]([01][0-9]|2[0-3]):[0-5][0-9]|[\\-]([01][0-9]|2[0-3]):[0-5][0-9])$':
    'a date-time with an offset',
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?(Z|[+\\-]([01][0-9]|2[0-3]):[0-5][0-9]))?$':
    'a date (YYYY-MM-DD) or a date-time with an offset',
  '^[a-zA-Z0-9]+$': 'letters and digits only',
  '^https?://[^\\s]+$': 'an http(s) URL',
  '^[\\x21-\\x7E]+$': 'printable characters without spaces',
  '^[\\x21-\\x39\\x3B-\\x7E]+$': 'printable characters without spaces or colons',
};

const FORMAT_WORDS: Readonly<Record<string, string>> = {
  'date-time': 'a date-time with an offset',
  date: 'a date (YYYY-MM-DD)',
  uri: 'an http(s) URL',
  email: 'an email address',
  uuid: 'a UUID',
};

/** 'TargetUri' / 'target_uri' -> 'Target uri': a label for a property that has no title. */
export function humanize(name: string): string {
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** The schema node of the value at `pointer`, walking properties and items (refs already inlined), or undefined. */
function nodeAt(root: SchemaNode | undefined, pointer: string): SchemaNode | undefined {
  let node = root;
  for (const part of pointerTokens(pointer)) {
    if (!node || typeof node !== 'object') return undefined;
    if (/^\d+$/.test(part) && node.items !== undefined) {
      node = Array.isArray(node.items) ? node.items[Number(part)] : node.items;
    } else if (node.properties && Object.hasOwn(node.properties, part)) {
      node = node.properties[part];
    } else if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      node = node.additionalProperties;
    } else {
      return undefined;
    }
  }
  return node;
}

/**
 * The name a person knows the value at `pointer` by: its schema title (or the property name in
 * words); an array item is its item title and number ("Vulnerability ID #2"); the whole document
 * is the schema's own title. A field the schema does not know is named by its path.
 */
export function fieldLabel(schema: unknown, pointer: string, root = ''): string {
  const rootNode = schema as SchemaNode | undefined;
  const parts = pointerTokens(pointer);
  if (parts.length === 0) return rootNode?.title ?? (root ? humanize(root) : 'Input');
  const node = nodeAt(rootNode, pointer);
  const last = parts[parts.length - 1]!;
  if (/^\d+$/.test(last)) {
    const parent = nodeAt(rootNode, pointer.slice(0, pointer.lastIndexOf('/')));
    const name = node?.title ?? parent?.title ?? humanize(parts[parts.length - 2] ?? 'item');
    return `${name} #${Number(last) + 1}`;
  }
  if (!node) return shortFieldName(fieldName(pointer, root));
  return node.title ?? humanize(last);
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

function typesOf(node: SchemaNode | undefined): string[] {
  const type = node?.type;
  return (Array.isArray(type) ? type : type ? [type] : []).filter((t) => t !== 'null');
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** ", e.g. <first example>" for a value a person types (never for a secret, never an object). */
function exampleOf(node: SchemaNode | undefined): string {
  if (!node || node.writeOnly === true || node.format === 'password') return '';
  const example = Array.isArray(node.examples) ? node.examples[0] : undefined;
  if (typeof example === 'string' && example.length > 0 && example.length <= 200) return `, e.g. ${example}`;
  if (typeof example === 'number' || typeof example === 'boolean') return `, e.g. ${example}`;
  return '';
}

function range(node: SchemaNode): string {
  const { minimum, maximum } = node;
  if (minimum !== undefined && maximum !== undefined) return ` from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return ` of at least ${minimum}`;
  if (maximum !== undefined) return ` of at most ${maximum}`;
  return '';
}

/** What a valid value of this node looks like, in words, with an example. */
export function expectation(node: SchemaNode | undefined): string {
  if (!node) return 'a valid value';
  if (Array.isArray(node.enum)) {
    const shown = node.enum.slice(0, 12).map(quoted);
    return `one of ${shown.join(', ')}${node.enum.length > shown.length ? `, … (${node.enum.length} values)` : ''}`;
  }
  if (node.const !== undefined) return `exactly ${quoted(node.const)}`;
  const types = typesOf(node);
  const words: string[] = [];
  for (const type of types.length > 0 ? types : ['string']) {
    switch (type) {
      case 'string': {
        const described =
          (node.format && FORMAT_WORDS[node.format]) ??
          (node.pattern !== undefined ? (PATTERN_WORDS[node.pattern] ?? 'text in the form of the example') : undefined) ??
          (node.minLength !== undefined && node.minLength > 0 ? 'text, not empty' : 'text');
        words.push(described);
        break;
      }
      case 'integer':
        words.push(`a whole number${range(node)}`);
        break;
      case 'number':
        words.push(`a number${range(node)}`);
        break;
      case 'boolean':
        words.push('true or false');
        break;
      case 'array':
        words.push('a list');
        break;
      case 'object':
        words.push('a group of fields (an object)');
        break;
      default:
        words.push(article(type));
    }
  }
  return `${words.join(' or ')}${exampleOf(node)}`;
}

/** Keywords about the kind of a value: any of them failing means "not what is expected here", said once. */
const SHAPE = new Set(['type', 'pattern', 'format', 'enum', 'const']);

function boundMessage(error: ErrorObject, node: SchemaNode | undefined, schema: unknown, pointer: string, root: string): string {
  const params = error.params as Record<string, unknown>;
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'minLength':
      return limit === 1 ? 'not empty' : `at least ${limit} characters`;
    case 'maxLength':
      return `at most ${limit} characters`;
    case 'minItems':
      return `at least ${limit} ${limit === 1 ? 'item' : 'items'}`;
    case 'maxItems':
      return `at most ${limit} items`;
    case 'uniqueItems':
      return `no duplicates (#${Math.min(Number(params.i), Number(params.j)) + 1} and #${Math.max(Number(params.i), Number(params.j)) + 1} are the same)`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return node && typesOf(node).length > 0 ? expectation(node) : `${error.keyword.includes('inimum') ? 'at least' : 'at most'} ${limit}`;
    case 'formatMinimum':
    case 'formatExclusiveMinimum':
    case 'formatMaximum':
    case 'formatExclusiveMaximum': {
      const bound = (typeof error.schema === 'object' && error.schema && '$data' in error.schema ? String((error.schema as { $data: string }).$data) : '') as string;
      const relation = error.keyword.includes('Minimum') ? 'not before' : 'not after';
      // "1/name" is a sibling of this field.
      if (bound.startsWith('1/')) {
        const sibling = `${pointer.slice(0, pointer.lastIndexOf('/'))}/${escapeToken(bound.slice(2))}`;
        return `${relation} ${fieldLabel(schema, sibling, root)}`;
      }
      return `${relation} ${quoted(params.limit)}`;
    }
    case 'additionalProperties':
      return 'not an allowed field';
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

/**
 * The problems of a failed validation, one per mistake, in document order.
 * `schema` is the validated schema with its refs inlined (titles and examples come from it;
 * without it fields are named by their paths); `root` prefixes the field paths (`connection`).
 */
export function describeProblems(errors: readonly ErrorObject[] | null | undefined, schema?: unknown, root = ''): LocatedProblem[] {
  // Group by the value each error is about: a missing or unknown field is about that field, not its parent.
  const groups = new Map<string, ErrorObject[]>();
  for (const error of errors ?? []) {
    const params = error.params as Record<string, unknown>;
    const pointer =
      error.keyword === 'required'
        ? `${error.instancePath}/${escapeToken(String(params.missingProperty))}`
        : error.keyword === 'additionalProperties'
          ? `${error.instancePath}/${escapeToken(String(params.additionalProperty))}`
          : error.instancePath;
    const key = `${error.keyword === 'additionalProperties' ? 'extra' : 'value'}\u0000${pointer}`;
    const group = groups.get(key);
    if (group) group.push(error);
    else groups.set(key, [error]);
  }
  const out: LocatedProblem[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const params = first.params as Record<string, unknown>;
    const pointer =
      first.keyword === 'required'
        ? `${first.instancePath}/${escapeToken(String(params.missingProperty))}`
        : first.keyword === 'additionalProperties'
          ? `${first.instancePath}/${escapeToken(String(params.additionalProperty))}`
          : first.instancePath;
    const node = nodeAt(schema as SchemaNode | undefined, pointer) ?? (first.keyword === 'required' ? undefined : (first.parentSchema as SchemaNode | undefined));
    let message: string;
    if (group.some((e) => e.keyword === 'required')) message = 'required';
    else if (first.keyword === 'additionalProperties') message = 'not an allowed field';
    else if (group.some((e) => SHAPE.has(e.keyword))) message = expectation(node);
    else message = boundMessage(first, node, schema, pointer, root);
    const field = shortFieldName(fieldName(pointer, root) || 'input');
    const title = first.keyword === 'additionalProperties' ? field : fieldLabel(schema, pointer, root);
    out.push({ field, title, message, pointer });
  }
  return out;
}

/** Problems for the errors of a failed validation (describeProblems without the pointers). */
export function problemsOf(errors: readonly ErrorObject[] | null | undefined, schema?: unknown, root = ''): FieldProblem[] {
  return describeProblems(errors, schema, root).map(({ field, title, message }) => ({ field, title, message }));
}

/** One problem as a person reads it: "Retesting window end: a date-time with an offset, e.g. …". */
export function problemLine(problem: FieldProblem): string {
  return `${problem.title ?? problem.field}: ${problem.message}`;
}

export function problemsMessage(problems: readonly FieldProblem[]): string {
  return problems.map(problemLine).join('; ');
}

export const MAX_PROBLEMS = 20;

/**
 * Validates `value`; throws a ConnectorError naming every field that is wrong. `schema` gives the
 * titles and examples (the validated schema with refs inlined); it is called only on a failure.
 */
export function assertValid(validate: ValidateFunction, value: unknown, code: ErrorCode, what: string, root = '', schema?: () => unknown): void {
  if (validate(value)) return;
  const all = problemsOf(validate.errors, schema?.(), root);
  // A thousand bad items make one readable error, not a thousand lines.
  const problems =
    all.length > MAX_PROBLEMS ? [...all.slice(0, MAX_PROBLEMS), { field: root || 'input', title: 'Not shown', message: `${all.length - MAX_PROBLEMS} more problems` }] : all;
  throw new ConnectorError(code, `${what}: ${problemsMessage(problems)}`, problems);
}
