/**
 * The mapping between n8n and the runtime, with no n8n code at run time (types
 * only), so it is testable on its own: node parameters -> action input,
 * credentials -> connection, envelope -> output item.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type * as Runtime from '../../../src/index.js';

export type { CredentialMapping, FieldMapping, GeneratedNode, OperationMapping } from './mapping-types.js';
import type { CredentialMapping, FieldMapping, GeneratedNode, OperationMapping } from './mapping-types.js';

/** An input the node could not even hand to the runtime (a JSON parameter that is not JSON). */
export class ParameterError extends Error {
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
export function readInput(ctx: Pick<IExecuteFunctions, 'getNodeParameter'>, op: OperationMapping, i: number): IDataObject {
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

/**
 * The connection object runAction expects, from the n8n credential. Unset optional fields are left out,
 * and so is a field still at its schema default: n8n fills every field in, so that value is no choice,
 * and the runtime applies its own defaults (an action's own first: 100 MiB for the report actions).
 */
export function toConnection(credentials: IDataObject, mapping: CredentialMapping): IDataObject {
  const connection: IDataObject = {};
  for (const { name, default: fallback } of mapping.fields) {
    const value = credentials[name];
    if (value === undefined || value === null || value === '' || value === fallback) continue;
    connection[name] = value;
  }
  return connection;
}

/**
 * The envelope as the item's JSON; a file body as n8n binary data (json.file keeps its metadata). A report
 * streamed to disk (file.path: execute() passes RunOptions.saveFileTo) reaches n8n as a stream, so it is
 * never whole in this process's memory unless n8n's binary mode keeps it there; the file is removed once
 * n8n has it.
 */
export async function envelopeToItem(
  envelope: Runtime.Envelope,
  i: number,
  prepareBinaryData: (data: Buffer | Readable, fileName: string, mimeType: string) => Promise<IBinaryData>,
): Promise<INodeExecutionData> {
  const { file, ...rest } = envelope;
  if (!file) return { json: envelope as unknown as IDataObject, pairedItem: { item: i } };
  let binary: IBinaryData;
  if (file.path !== undefined) {
    try {
      binary = await prepareBinaryData(createReadStream(file.path), file.file_name, file.content_type);
    } finally {
      await rm(file.path, { force: true });
    }
  } else {
    binary = await prepareBinaryData(Buffer.from(file.content_base64 ?? '', 'base64'), file.file_name, file.content_type);
  }
  const { content_base64: _content, path: _path, ...meta } = file;
  return { json: { ...(rest as IDataObject), file: meta }, binary: { data: binary }, pairedItem: { item: i } };
}
