/**
 * The one execute() every generated node uses: node parameters -> action input,
 * credentials -> connection, then runAction of retest-connectors (so validation,
 * retries and redaction are the runtime's, not ours), envelope -> output item.
 *
 * Hand-written and generic: it knows no action; the generated node passes the
 * mapping (which parameter goes where) that scripts/lib/n8n-package.ts derived
 * from the schemas.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
// Types only (erased at build): the runtime itself is loaded with import() below.
import type * as Runtime from '../../../src/index.js';

export interface FieldMapping {
  param: string;
  path: string[];
  kind: 'string' | 'number' | 'boolean' | 'options' | 'multiOptions' | 'stringList' | 'json';
  collection?: string;
}

export interface OperationMapping {
  action: string;
  credential: string;
  requiredSections: string[];
  fields: FieldMapping[];
}

export interface CredentialMapping {
  name: string;
  fields: { name: string; kind: 'string' | 'number' | 'boolean' }[];
}

export interface GeneratedNode {
  operations: Record<string, OperationMapping>;
  credentials: Record<string, CredentialMapping>;
}

/** The envelope's optional file member (shared interface; present on report actions). */
interface EnvelopeFile {
  file_name: string;
  content_type: string;
  size_bytes: number;
  content_base64: string;
}

/** RunOptions as the runtime exposes them once waits can be aborted (`signal`); older runtimes ignore it. */
type RunOptionsWithSignal = Runtime.RunOptions & { signal?: AbortSignal };

type RuntimeModule = typeof Runtime;

/** The runtime package: a dependency of this package, same version (resolved at run time, not at build time). */
const RUNTIME_PACKAGE: string = 'retest-connectors';

let runtime: Promise<RuntimeModule> | undefined;

/** retest-connectors is an ES module; n8n loads this node as CommonJS, and import() bridges the two. */
function loadRuntime(): Promise<RuntimeModule> {
  runtime ??= import(RUNTIME_PACKAGE) as Promise<RuntimeModule>;
  return runtime;
}

/** An input the node could not even hand to the runtime (a JSON parameter that is not JSON). */
class ParameterError extends Error {
  readonly code = 'INPUT_INVALID';

  constructor(
    message: string,
    readonly details: { field: string; message: string }[],
  ) {
    super(message);
  }

  toJSON() {
    return { code: this.code, message: this.message, details: this.details };
  }
}

function setPath(target: IDataObject, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as IDataObject;
  }
  node[path[path.length - 1]!] = value as IDataObject[string];
}

function parameterValue(field: FieldMapping, value: unknown, action: string): unknown {
  if (field.kind !== 'json' || typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    const name = field.path.join('.');
    throw new ParameterError(`Invalid input for ${action}: ${name} is not valid JSON`, [{ field: name, message: 'is not valid JSON' }]);
  }
}

/** The action input for item i, from the node's parameters as n8n resolved them (expressions included). */
export function readInput(ctx: IExecuteFunctions, op: OperationMapping, i: number): IDataObject {
  const input: IDataObject = {};
  for (const section of op.requiredSections) input[section] = {};
  const collections = new Map<string, IDataObject>();
  for (const field of op.fields) {
    let value: unknown;
    if (field.collection) {
      let values = collections.get(field.collection);
      if (!values) {
        values = (ctx.getNodeParameter(field.collection, i, {}) ?? {}) as IDataObject;
        collections.set(field.collection, values);
      }
      value = values[field.param];
      // An optional field the user added but left empty is not sent.
      if (value === undefined || value === null || value === '') continue;
    } else {
      value = ctx.getNodeParameter(field.param, i);
    }
    setPath(input, field.path, parameterValue(field, value, op.action));
  }
  return input;
}

/** The connection object runAction expects, from the n8n credential (unset optional fields left out). */
export function toConnection(credentials: IDataObject, mapping: CredentialMapping): IDataObject {
  const connection: IDataObject = {};
  for (const { name } of mapping.fields) {
    const value = credentials[name];
    if (value === undefined || value === null || value === '') continue;
    connection[name] = value;
  }
  return connection;
}

/** The envelope as the item's JSON; a file body as n8n binary data (json.file keeps its metadata). */
export async function envelopeToItem(ctx: IExecuteFunctions, envelope: Runtime.Envelope, i: number): Promise<INodeExecutionData> {
  const { file, ...rest } = envelope as Runtime.Envelope & { file?: EnvelopeFile };
  if (!file) return { json: envelope as unknown as IDataObject, pairedItem: { item: i } };
  const binary = await ctx.helpers.prepareBinaryData(Buffer.from(file.content_base64, 'base64'), file.file_name, file.content_type);
  const { content_base64: _content, ...meta } = file;
  return { json: { ...(rest as IDataObject), file: meta }, binary: { data: binary }, pairedItem: { item: i } };
}

function errorJson(error: unknown): IDataObject {
  if (error && typeof (error as { toJSON?: unknown }).toJSON === 'function' && typeof (error as { code?: unknown }).code === 'string') {
    return (error as { toJSON(): IDataObject }).toJSON();
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export async function executeItems(ctx: IExecuteFunctions, node: GeneratedNode): Promise<INodeExecutionData[][]> {
  const items = ctx.getInputData();
  const out: INodeExecutionData[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      const operation = ctx.getNodeParameter('operation', i) as string;
      const op = node.operations[operation];
      if (!op) throw new NodeOperationError(ctx.getNode(), `Unknown operation ${JSON.stringify(operation)}`, { itemIndex: i });
      const input = readInput(ctx, op, i);
      const credentials = (await ctx.getCredentials(op.credential, i)) as IDataObject;
      const connection = toConnection(credentials, node.credentials[op.credential]!);
      const { runAction } = await loadRuntime();
      const options: RunOptionsWithSignal = {};
      const signal = ctx.getExecutionCancelSignal?.();
      if (signal) options.signal = signal;
      // Every HTTP status resolves to an envelope: a 4xx/5xx is an output item like a 2xx, never a thrown error.
      const envelope = await runAction(op.action, input, connection, options);
      out.push(await envelopeToItem(ctx, envelope, i));
    } catch (error) {
      if (ctx.continueOnFail()) {
        out.push({ json: { error: errorJson(error) }, pairedItem: { item: i } });
        continue;
      }
      if (error instanceof NodeOperationError) throw error;
      const json = errorJson(error);
      const details = Array.isArray(json.details) ? (json.details as { field: string; message: string }[]) : [];
      // n8n rewords messages that mention a Node error code (ECONNREFUSED ...); the description keeps the runtime's own words.
      const message = `${typeof json.code === 'string' ? `${json.code}: ` : ''}${String(json.message)}`;
      throw new NodeOperationError(ctx.getNode(), message, {
        itemIndex: i,
        description: details.length > 0 ? details.map((d) => `${d.field}: ${d.message}`).join('\n') : message,
      });
    }
  }
  return [out];
}
