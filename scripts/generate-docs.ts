/**
 * connector.json + schemas/ -> docs/actions/<action-id>.md and docs/connections.md,
 * written by `npm run generate` (checked by `npm run generate -- --check`).
 *
 * The action pages follow the layout of the catalogue's seed documents: title,
 * description, endpoint, inputs, output example, output parameters, response
 * headers. Everything comes from the manifest and the schemas (no clock, no
 * network, no machine-specific path), in the order they declare it, so the
 * output is byte-for-byte reproducible.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Action } from '../src/generated/types.js';
import { manifest } from '../src/contract/manifest.js';
import { packageRoot } from '../src/contract/package-root.js';
import { getSchema, compileValidator } from '../src/contract/schemas.js';
import { assertValidInput } from '../src/contract/input-limits.js';
import { inlinedSchema } from '../src/contract/inline-refs.js';
import { ConnectorError } from '../src/contract/errors.js';
import { pointerToDotted, schemaAtPointer } from '../src/contract/json-pointer.js';
import { refTarget } from '../src/contract/refs.js';
import { removeOrphan, writeOrCheck } from './lib/write-or-check.js';
import { EXIT } from '../src/cli/exit-codes.js';
import { describeAuth, secretFields } from '../src/runtime/auth.js';

type Json = Record<string, unknown>;

/** A schema node and the file it lives in, so relative and local $refs can be resolved. */
interface Located {
  file: string;
  schema: Json;
}

/** What a reader needs to know about one value, with $ref, allOf and anyOf already folded in. */
interface Shape {
  /** JSON types the value may have; empty means any JSON value. */
  types: string[];
  description?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  example?: unknown;
  pattern?: string;
  /** Limits worth telling a person filling the field in: lengths, item counts, ranges. */
  limits: string[];
  secret: boolean;
  /** Titles of the alternatives of an anyOf/oneOf, e.g. ScanTaskModel | BaseResponseApiModel | null. */
  variants: string[];
  properties: Field[];
  items?: Shape;
  /** The schema of additionalProperties, for maps such as response_headers. */
  values?: Shape;
}

interface Field {
  name: string;
  required: boolean;
  shape: Shape;
}

// ---------------------------------------------------------------------------
// Schemas -> shapes

function resolveRef(from: Located, ref: string): Located {
  const { node, file } = refTarget(from.file, ref);
  return { file, schema: node as Json };
}

const emptyShape = (): Shape => ({ types: [], limits: [], secret: false, variants: [], properties: [] });

function limitsOf(schema: Json): string[] {
  const limits: string[] = [];
  const range = (min: unknown, max: unknown, unit: string) => {
    if (typeof min === 'number' && typeof max === 'number') limits.push(`${min} to ${max} ${unit}`);
    else if (typeof min === 'number') limits.push(`at least ${min} ${unit}`);
    else if (typeof max === 'number') limits.push(`at most ${max} ${unit}`);
  };
  range(schema.minLength, schema.maxLength, 'characters');
  range(schema.minItems, schema.maxItems, schema.uniqueItems === true ? 'unique items' : 'items');
  range(schema.minimum, schema.maximum, '(inclusive)');
  return limits;
}

function typesOf(schema: Json): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
  if (!values) return [];
  return [...new Set(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v)))];
}

function shapeOf(node: Located): Shape {
  const { schema } = node;
  if (typeof schema.$ref === 'string') {
    const target = shapeOf(resolveRef(node, schema.$ref));
    return typeof schema.description === 'string' ? { ...target, description: schema.description } : target;
  }
  let shape: Shape = {
    ...emptyShape(),
    types: typesOf(schema),
    limits: limitsOf(schema),
    secret: schema.writeOnly === true,
    ...(typeof schema.description === 'string' && { description: schema.description }),
    ...(typeof schema.format === 'string' && { format: schema.format }),
    ...(typeof schema.pattern === 'string' && { pattern: schema.pattern }),
    ...(Array.isArray(schema.enum) && { enum: schema.enum }),
    ...('default' in schema && { default: schema.default }),
    ...(Array.isArray(schema.examples) && schema.examples.length > 0 && { example: schema.examples[0] }),
  };
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  shape.properties = Object.entries(properties).map(([name, sub]) => ({
    name,
    required: required.has(name),
    shape: shapeOf({ file: node.file, schema: sub }),
  }));
  if (schema.items && typeof schema.items === 'object') shape.items = shapeOf({ file: node.file, schema: schema.items as Json });
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    shape.values = shapeOf({ file: node.file, schema: schema.additionalProperties as Json });
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[key])) {
      const alternatives = (schema[key] as Json[]).map((alt) => ({ alt, shape: shapeOf({ file: node.file, schema: alt }) }));
      shape = allOf(shape, anyOf(alternatives.map((a) => a.shape)));
      shape.variants = alternatives.map(({ alt, shape: s }) => variantName(node, alt, s));
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf as Json[]) shape = allOf(shape, shapeOf({ file: node.file, schema: member }));
  }
  return shape;
}

function variantName(from: Located, alt: Json, shape: Shape): string {
  if (typeof alt.$ref === 'string') {
    const title = resolveRef(from, alt.$ref).schema.title;
    if (typeof title === 'string') return title;
  }
  if (typeof alt.title === 'string') return alt.title;
  if (shape.types.length === 1 && shape.types[0] !== 'object') return shape.types[0]!;
  return 'any other object';
}

const union = <T>(a: T[], b: T[]) => [...new Set([...a, ...b])];

/** Both must hold: types intersect (an untyped side accepts anything), properties combine. */
function allOf(a: Shape, b: Shape): Shape {
  const types = a.types.length === 0 ? b.types : b.types.length === 0 ? a.types : a.types.filter((t) => b.types.includes(t));
  const properties = [...a.properties];
  for (const field of b.properties) {
    const i = properties.findIndex((p) => p.name === field.name);
    if (i < 0) properties.push(field);
    else properties[i] = { name: field.name, required: properties[i]!.required || field.required, shape: allOf(properties[i]!.shape, field.shape) };
  }
  return {
    ...b,
    ...a,
    types,
    limits: union(a.limits, b.limits),
    secret: a.secret || b.secret,
    variants: a.variants.length > 0 ? a.variants : b.variants,
    properties,
    ...((a.items ?? b.items) && { items: a.items && b.items ? allOf(a.items, b.items) : (a.items ?? b.items) }),
    ...((a.values ?? b.values) && { values: a.values ?? b.values }),
  };
}

/** One of them holds: types add up; a property is required only if every object alternative requires it. */
function anyOf(alternatives: Shape[]): Shape {
  const objects = alternatives.filter((s) => s.types.includes('object'));
  const properties: Field[] = [];
  for (const alt of objects) {
    for (const field of alt.properties) {
      if (properties.some((p) => p.name === field.name)) continue;
      const required = objects.every((o) => o.properties.some((p) => p.name === field.name && p.required));
      properties.push({ ...field, required });
    }
  }
  return {
    ...emptyShape(),
    types: alternatives.some((s) => s.types.length === 0) ? [] : alternatives.reduce<string[]>((t, s) => union(t, s.types), []),
    properties,
  };
}

// ---------------------------------------------------------------------------
// Shapes -> Markdown

/** Text from schemas goes into Markdown: keep `<id>` from turning into an HTML tag. */
const md = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (text: string) => md(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
};

function typeLabel(shape: Shape): string {
  if (shape.types.length === 0) return 'any';
  return shape.types
    .map((t) => (t === 'array' && shape.items && shape.items.types.length > 0 ? `array[${typeLabel(shape.items)}]` : t))
    .join(' | ');
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

interface DetailOptions {
  examples: boolean;
}

/** The prose after a field's name and type: description, enum, default, variants, example. */
function details(shape: Shape, options: DetailOptions): string {
  const parts: string[] = [];
  if (shape.description) parts.push(sentence(md(shape.description)));
  if (shape.variants.length > 0) parts.push(`One of: ${shape.variants.map(md).join(', ')}.`);
  if (shape.enum) parts.push(`Values: ${shape.enum.map(code).join(', ')}.`);
  if (shape.values) parts.push(`Values are ${typeLabel(shape.values)}.`);
  if (shape.default !== undefined) parts.push(`Default: ${code(shape.default)}.`);
  if (options.examples && shape.limits.length > 0) parts.push(`${capitalize(shape.limits.join(', '))}.`);
  if (options.examples && shape.items && shape.items.properties.length === 0 && shape.items.description) {
    parts.push(`Each item: ${details(shape.items, options)}`);
  }
  if (options.examples && shape.pattern) parts.push(`Pattern: ${code(shape.pattern)}.`);
  if (options.examples && shape.example !== undefined && shape.types.some((t) => t !== 'object' && t !== 'array')) {
    parts.push(`Example: ${code(shape.example)}.`);
  }
  return parts.join(' ');
}

function fieldLines(fields: Field[], depth: number, options: DetailOptions): string[] {
  const lines: string[] = [];
  for (const { name, required, shape } of fields) {
    const format = shape.format ? `, ${shape.format}` : '';
    const text = details(shape, options);
    const requiredMark = required ? ' – Required' : '';
    lines.push(`${'  '.repeat(depth)}- **${name}** (${typeLabel(shape)}${format})${requiredMark}${text ? `: ${text}` : ''}`);
    lines.push(...fieldLines(childFields(shape), depth + 1, options));
  }
  return lines;
}

/** Nested fields are listed under their parent: an object's properties, or an array's item properties. */
function childFields(shape: Shape): Field[] {
  if (shape.properties.length > 0) return shape.properties;
  if (shape.items && shape.items.properties.length > 0) return shape.items.properties;
  return [];
}

const jsonBlock = (value: unknown) => ['```json', JSON.stringify(value, null, 2), '```'];

function schemaOf(path: string): Located {
  return { file: path, schema: getSchema(path) };
}

function firstExample(path: string): unknown {
  const examples = getSchema(path).examples;
  if (!Array.isArray(examples) || examples.length === 0) throw new Error(`${path}: needs an "examples" array for the docs`);
  return examples[0];
}

function requestBodyLine(action: Action): string {
  const body = action.request.body;
  if (!body) return 'none';
  const source = pointerToDotted(body.source);
  const target = schemaAtPointer(getSchema(action.input_schema), body.source);
  const isObject = target?.type === 'object';
  return isObject
    ? `\`${source}\`, sent as a JSON object (\`Content-Type: application/json\`)`
    : `\`${source}\`, sent as a bare JSON ${String(target?.type ?? 'value')} (\`Content-Type: application/json\`)`;
}

function pathParameterLine(action: Action): string | undefined {
  const names = [...action.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  if (names.length === 0 || !action.request.path_parameters) return undefined;
  const base = pointerToDotted(action.request.path_parameters);
  return names.map((n) => `\`{${n}}\` ← \`${base}.${n}\``).join(', ');
}

function queryLine(action: Action): string | undefined {
  const source = action.request.query?.source;
  if (!source) return undefined;
  const base = pointerToDotted(source);
  return `\`${base}\`: each property given, in the order listed under Inputs, as \`name=value\` percent-encoded (encodeURIComponent, and \`! ' ( ) *\` too; booleans \`true\`/\`false\`, integers as digits); absent ones are left out`;
}

function responseLine(action: Action): string {
  const limit = action.response?.max_response_bytes;
  const size = limit ? `read up to ${limit} bytes (${limit / 1048576} MiB) unless \`max_response_bytes\` is set` : "read up to the connection's `max_response_bytes` (default 10 MiB)";
  return action.response?.file
    ? `a file on 2xx (in the envelope's \`file\`: \`file_name\`, \`content_type\`, \`size_bytes\`, \`content_base64\`; \`run --save-file <dir>\` writes it), ${size}`
    : `JSON, ${size}`;
}

function statusLines(action: Action, example: { status_code?: number; reason?: string }): string[] {
  const success = `${example.status_code ?? 200} ${example.reason ?? 'OK'}`;
  const retried = action.hints.idempotent ? 'retried (Retry-After honoured) within `timeout_ms`, then returned' : 'retried only when the request provably was not processed, then returned';
  const rows: Array<[string, string, string]> = [
    [success, action.response?.file ? 'success: the report is in `file`' : 'success: the result is in `json_body`', '0'],
    ['400 Bad Request', 'the vendor refused the request (e.g. an unknown or unsuitable id)', '1'],
    ['401 Unauthorized', 'wrong or missing credentials', '1'],
    ['403 Forbidden', 'the credentials may not do this (this method, or this project, scan or object)', '1'],
    ['404 Not Found', 'no such object', '1'],
    ['429 Too Many Requests, 503 Service Unavailable', 'not processed, try later: retried (Retry-After honoured) within `timeout_ms`, then returned', '1'],
    ['502 Bad Gateway, 504 Gateway Timeout', action.hints.idempotent ? retried : 'returned as is: the request may have been processed, so it is never resent', '1'],
    ['other 3xx, 4xx, 5xx', 'returned as an envelope, never followed or hidden', '1'],
    ['no HTTP response', 'error `TIMEOUT`, `CONNECTION_FAILED`, `TLS_FAILED`, `RESPONSE_TOO_LARGE` or `REQUEST_FAILED`', '4'],
    ['invalid input or connection', 'error `INPUT_INVALID` or `CONFIG_INVALID`; nothing is sent', '3'],
  ];
  return ['| Status | Meaning | CLI exit |', '|--------|---------|----------|', ...rows.map(([s, m, e]) => `| ${s} | ${m} | ${e} |`)];
}

/** The real error the validator gives for an input with a field the schema does not know. */
function inputErrorExample(action: Action): unknown {
  try {
    assertValidInput(compileValidator(action.input_schema), { unexpected_field: true }, `Invalid input for ${action.id}`, () => inlinedSchema(action.input_schema));
  } catch (error) {
    if (error instanceof ConnectorError) return { error: error.toJSON() };
    throw error;
  }
  throw new Error(`${action.id}: an input with an unknown field validated; every input schema must set additionalProperties: false`);
}

function errorExampleLines(action: Action): string[] {
  const vendor = manifest.vendors.find((v) => v.id === action.vendor);
  const known = vendor?.error_example;
  const http = known
    ? [
        `An HTTP error comes back as an envelope (exit 1 from the CLI). ${known.note}`,
        '',
        ...jsonBlock({ status_code: known.status_code, reason: known.reason, response_headers: { 'Content-Type': 'application/json; charset=utf-8' }, json_body: known.json_body }),
      ]
    : [`An HTTP error comes back as an envelope (exit 1 from the CLI). ${md(vendor?.name ?? action.vendor)} does not document its error bodies: branch on \`status_code\`, not on the body.`];
  return [
    ...http,
    '',
    'An input the schema refuses is an error, nothing is sent (exit 3; one JSON line on stderr):',
    '',
    ...jsonBlock(inputErrorExample(action)),
  ];
}

function renderAction(action: Action): string {
  const connection = manifest.connections[action.connection]!;
  const connectionSchema = getSchema(connection.schema);
  const urlDefault = ((connectionSchema.properties as Record<string, Json>).url ?? {}).default;
  const input = shapeOf(schemaOf(action.input_schema));
  const output = shapeOf(schemaOf(action.output_schema));
  const example = firstExample(action.output_schema) as { response_headers?: Record<string, string>; status_code?: number; reason?: string };
  const query = queryLine(action);
  const vendor = manifest.vendors.find((v) => v.id === action.vendor);
  const pathParameters = pathParameterLine(action);
  const pollLine = (poll: NonNullable<Action['poll']>) =>
    `runs [\`${poll.action}\`](${poll.action}.md) every \`${poll.options.slice(1)}.interval_s\` seconds until \`${poll.until.pointer}\` is ${poll.until.in
      .map((v) => `\`${String(v)}\``)
      .join(', ')} (then \`wait.done\` is true) or \`${poll.options.slice(1)}.timeout_s\` has passed; returns the last envelope plus \`wait\` (README "Waiting for a scan"). With \`${poll.options.slice(1)}.once\` true it sends exactly one status request and returns at once. \`wait.outcome\`: \`completed\` when the value is ${(poll.until as { ok: unknown[] }).ok
      .map((v) => `\`${String(v)}\``)
      .join(', ')} (CLI exit ${EXIT.OK}), \`ended\` for the other terminal values (CLI exit ${EXIT.WAIT_UNSUCCESSFUL}), \`pending\` when not terminal yet (CLI exit ${EXIT.WAIT_PENDING}): check again after \`wait.next_check_after_s\` seconds ([docs/waiting.md](../waiting.md))`;
  // connector.json's `next`: what usually follows, and which of its input fields this run fills in.
  const nextLine = (step: NonNullable<Action['next']>[number]) =>
    `${md(step.title)}: [\`${step.action}\`](${step.action}.md) with ${Object.entries(step.input)
      .map(([target, source]) => {
        const [, root, ...rest] = source.split('/');
        return `\`${pointerToDotted(target)}\` from ${root === 'input' ? "the input's" : "the result's"} \`${pointerToDotted(`/${rest.join('/')}`)}\``;
      })
      .join(', ')}`;
  const lines = [
    `# ${action.title}`,
    '',
    `**Description**: ${md(action.description)}`,
    '',
    `Action id \`${action.id}\` · vendor ${md(vendor?.name ?? action.vendor)} · connection [\`${action.connection}\`](../connections.md#${action.connection})`,
    '',
    '<!-- Generated by scripts/generate-docs.ts from connector.json and schemas/ -- do not edit by hand; run `npm run generate`. -->',
    '',
    '## Endpoint',
    '',
    `- **URL:** \`${action.path}\``,
    `- **Method:** \`${action.method}\``,
    `- **Base URL:** the connection's \`url\`${urlDefault ? ` (default \`${String(urlDefault)}\`)` : ''}`,
    ...(pathParameters ? [`- **Path parameters:** ${pathParameters}, percent-encoded`] : []),
    ...(query ? [`- **Query string:** ${query}`] : []),
    `- **Request body:** ${requestBodyLine(action)}`,
    `- **Response:** ${responseLine(action)}`,
    `- **Authentication:** ${describeAuth(connection.auth)}`,
    ...(action.poll ? [`- **Wait:** ${pollLine(action.poll)}`] : []),
    ...(action.next ? [`- **Next:** ${action.next.map(nextLine).join('; ')}`] : []),

    `- **Hints:** readOnly ${action.hints.readOnly}, idempotent ${action.hints.idempotent}, destructive ${action.hints.destructive}`,
    '',
    '## Inputs',
    '',
    ...(input.description ? [md(input.description), ''] : []),
    ...fieldLines(input.properties, 0, { examples: true }),
    '',
    '### Example input',
    '',
    ...jsonBlock(firstExample(action.input_schema)),
    '',
    '## Output',
    '',
    ...(output.description ? [md(output.description), ''] : []),
    '### Example',
    '',
    ...jsonBlock(example),
    '',
    '### Output Parameters',
    '',
    ...fieldLines(output.properties, 0, { examples: false }),
    '',
    '## Response Headers',
    '',
    '| Header | Type |',
    '|--------|------|',
    ...Object.entries(example.response_headers ?? {}).map(([name, value]) => `| ${cell(name)} | ${typeof value} |`),
    '',
    '## Statuses',
    '',
    ...statusLines(action, example),
    '',
    '### Error example',
    '',
    ...errorExampleLines(action),
    '',
  ];
  return lines.join('\n');
}

function renderConnections(): string {
  const lines = [
    '# Connections',
    '',
    'Credentials and transport settings, declared once in `connector.json` apart from the actions. Each action names',
    'the connection it uses; the runtime checks the fields against the schema below and fills in the defaults.',
    'Fields marked **secret** are `writeOnly` with `format: password`: forms mask them, and they never appear in',
    'output, errors, dry runs or logs.',
    '',
    '<!-- Generated by scripts/generate-docs.ts from connector.json and schemas/ -- do not edit by hand; run `npm run generate`. -->',
  ];
  for (const [id, connection] of Object.entries(manifest.connections)) {
    const shape = shapeOf(schemaOf(connection.schema));
    const users = manifest.actions.filter((a) => a.connection === id);
    const secrets = secretFields(connection);
    lines.push(
      '',
      `## ${md(connection.title)} (\`${id}\`)`,
      '',
      ...(shape.description ? [sentence(md(shape.description)), ''] : []),
      `- **Schema:** [\`${connection.schema}\`](../${connection.schema})`,
      `- **Authentication:** ${describeAuth(connection.auth)}`,
      `- **Used by:** ${users.map((a) => `[${md(a.title)}](actions/${a.id}.md) (\`${a.id}\`)`).join(', ')}`,
      '',
      '| Field | Type | Required | Secret | Default | Description |',
      '|-------|------|----------|--------|---------|-------------|',
      ...shape.properties.map(({ name, required, shape: f }) => {
        const type = `${typeLabel(f)}${f.format && f.format !== 'password' ? ` (${f.format})` : ''}`;
        const isSecret = secrets.includes(name);
        const secret = isSecret ? '**secret**' : '';
        const example = f.example !== undefined && !isSecret ? ` Example: ${code(f.example)}.` : '';
        const description = f.description ? sentence(f.description) : '';
        return `| \`${name}\` | ${type} | ${required ? 'yes' : 'no'} | ${secret} | ${f.default !== undefined ? cell(code(f.default)) : ''} | ${cell(description + example)} |`;
      }),
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Every generated file, by path relative to the package root, in manifest order. */
export function renderDocs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const action of manifest.actions) files.set(`docs/actions/${action.id}.md`, renderAction(action));
  files.set('docs/connections.md', renderConnections());
  return files;
}

/** Writes docs/ (or with --check records what is stale), and deletes the page of an action that left the manifest. */
export function generateDocs(): void {
  const files = renderDocs();
  for (const [path, content] of files) writeOrCheck(join(packageRoot, path), content);
  const pages = join(packageRoot, 'docs/actions');
  for (const page of existsSync(pages) ? readdirSync(pages) : []) {
    if (page.endsWith('.md') && !files.has(`docs/actions/${page}`)) removeOrphan(join(pages, page));
  }
}
