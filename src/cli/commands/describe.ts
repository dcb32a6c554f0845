/** `retest-connectors describe <action> [--json]`: input schema, output schema, an example input. */
import { getConnection, type ActionDeclaration } from '../../contract/manifest.js';
import { bundleSchema } from '../../contract/bundle.js';
import { refTarget } from '../../contract/refs.js';
import { getSchema } from '../../contract/schema-files.js';
import { actionFromArgument } from '../actions.js';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { connectionVariables } from '../connection-env.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { indent, table } from '../text.js';

export const HELP = `Usage: retest-connectors describe <action> [--json]

Shows an action: its request, its connection, its input fields, its output,
and an example input you can save and pass to \`run --input\`.

Options:
  --json      one JSON document on stdout: {id, title, description, vendor, connection, method, path,
              input_schema, output_schema, example_input} (the schemas in full and self-contained,
              every $ref inside the document, as JSON Schema draft-07)
  -h, --help  this help
`;

interface SchemaNode {
  $ref?: string;
  enum?: unknown[];
  type?: string | string[];
  description?: string;
  title?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  examples?: unknown[];
}

export interface ActionDescription {
  id: string;
  title: string;
  description: string;
  vendor: string;
  connection: string;
  method: string;
  path: string;
  input_schema: Record<string, unknown>;
  output_schema: Record<string, unknown>;
  example_input: unknown;
}

export function describeAction(action: ActionDeclaration): ActionDescription {
  // Self-contained: every referenced schema file embedded under definitions, so the schemas
  // validate on their own outside the package (ajv compile, a platform's form builder).
  const input = bundleSchema(action.input_schema);
  const output = bundleSchema(action.output_schema);
  const examples = (input as SchemaNode).examples;
  return {
    id: action.id,
    title: action.title,
    description: action.description,
    vendor: action.vendor,
    connection: action.connection,
    method: action.method,
    path: action.path,
    input_schema: input,
    output_schema: output,
    example_input: Array.isArray(examples) ? examples[0] : null,
  };
}

/** A $ref followed to its target (a file, or a definition in one), relative to `file`; the referring node's annotations win. */
function deref(node: SchemaNode, file: string): { node: SchemaNode; file: string } {
  if (typeof node.$ref !== 'string') return { node, file };
  const resolved = refTarget(file, node.$ref);
  const { $ref: _ref, ...annotations } = node;
  return { node: { ...(resolved.node as SchemaNode), ...annotations }, file: resolved.file };
}

/** One row per input field, nested objects and arrays flattened to dotted names; $refs followed (file-relative: the schema as the package holds it, not the bundled copy). */
function fieldRows(node: SchemaNode, file: string, prefix = '', parentRequired = true): string[][] {
  const rows: string[][] = [];
  const required = new Set(node.required ?? []);
  for (const [name, raw] of Object.entries(node.properties ?? {})) {
    const { node: child, file: childFile } = deref(raw, file);
    const field = prefix ? `${prefix}.${name}` : name;
    const isRequired = parentRequired && required.has(name);
    const type = Array.isArray(child.type) ? child.type.join('|') : (child.type ?? 'any');
    const items = child.items ? deref(child.items, childFile).node : undefined;
    const itemType = items?.type ? `${type} of ${String(items.type)}` : type;
    const oneOf = Array.isArray(child.enum) ? ` One of: ${child.enum.join(', ')}.` : '';
    rows.push([field, itemType, isRequired ? 'required' : 'optional', `${child.description ?? child.title ?? ''}${oneOf}`]);
    if (child.properties) rows.push(...fieldRows(child, childFile, field, isRequired));
  }
  return rows;
}

function humanDescription(action: ActionDeclaration, description: ActionDescription): string {
  const connection = getConnection(action.connection);
  const variables = connectionVariables(action.connection);
  const fields = variables.map((v) => `${v.field}${v.required ? '' : '?'}${v.secret ? ' [secret]' : ''}`).join(', ');
  return [
    `${action.id}: ${action.title} (${connection.title})`,
    action.description,
    '',
    `Request:     ${action.method} {url}${action.path}`,
    `Connection:  ${action.connection}: ${fields}`,
    `             from --connection <file> or the environment: ${variables.map((v) => v.name).join(', ')}`,
    '',
    'Input fields:',
    indent(table(['FIELD', 'TYPE', '', 'DESCRIPTION'], fieldRows(getSchema(action.input_schema) as SchemaNode, action.input_schema))).trimEnd(),
    '',
    'Example input:',
    indent(JSON.stringify(description.example_input, null, 2)),
    '',
    action.response?.file
      ? 'Output: the envelope {status_code, reason, response_headers, json_body, response_text?, file?}; on a 2xx the file is in\n  file {file_name, content_type, size_bytes, content_base64} (run --save-file <dir> writes it to disk).'
      : 'Output: the envelope {status_code, reason, response_headers, json_body, response_text?}.',
    indent(String(description.output_schema.description ?? '')),
    `  Schemas: ${action.input_schema}, ${action.output_schema} (in full: describe ${action.id} --json)`,
    '',
    ...(action.poll ? [waitLines(action.poll), ''] : []),
    'Try it:',
    `  retest-connectors describe ${action.id} --json | jq .example_input > input.json`,
    `  retest-connectors run ${action.id} --input input.json --dry-run`,
    '',
  ].join('\n');
}

/** A wait's outcomes and exit statuses, from its poll declaration (until.in / until.ok) and the exit table. */
function waitLines(poll: NonNullable<ActionDeclaration['poll']>): string {
  const options = poll.options.slice(1);
  const ok = (poll.until as { ok: unknown[] }).ok.map(String);
  const ended = poll.until.in.map(String).filter((v) => !ok.includes(v));
  return [
    'Wait:',
    `  ${options}.once true: exactly one status request, returned at once (nothing held between checks); otherwise`,
    `  polls every ${options}.interval_s until a terminal state or ${options}.timeout_s. wait.outcome:`,
    `    completed  ${ok.join(', ')} (exit ${EXIT.OK})`,
    `    ended      ${ended.join(', ')} (exit ${EXIT.WAIT_UNSUCCESSFUL}), or a status waiting will not change, e.g. 404 (exit ${EXIT.HTTP_STATUS})`,
    `    pending    not terminal yet (exit ${EXIT.WAIT_PENDING}): check again after wait.next_check_after_s seconds`,
  ].join('\n');
}

export async function describeCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandArgs('describe', args, { json: { type: 'boolean' } });
  if (help) {
    io.stdout(HELP);
    return EXIT.OK;
  }
  const [id] = expectPositionals('describe', positionals, ['action']);
  const action = actionFromArgument('describe', id!);
  const description = describeAction(action);
  io.stdout(values.json ? JSON.stringify(description, null, 2) + '\n' : humanDescription(action, description));
  return EXIT.OK;
}
