/**
 * A connection as the commands read it (run, mcp): the environment first
 * (<CONNECTION>_<FIELD>), the fields of a --connection file over it.
 */
import { ConnectorError } from '../contract/errors.js';
import { connectionFromEnv, connectionVariables } from './connection-env.js';
import { parseJsonDocument, readTextFile } from './json-file.js';
import { manifest } from '../contract/manifest.js';
import { UsageError } from './errors.js';

/** The connection: environment first, the --connection file's fields over it. */
export async function loadConnection(
  connectionId: string,
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  command: string,
): Promise<Record<string, unknown>> {
  const fromEnv = connectionFromEnv(connectionId, env);
  if (file === undefined) return fromEnv;
  const text = await readTextFile(file, '--connection', command, 'CONFIG_INVALID');
  const parsed = parseJsonDocument(text, `The --connection file ${JSON.stringify(file)}`, 'CONFIG_INVALID');
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConnectorError('CONFIG_INVALID', `The --connection file ${JSON.stringify(file)} must hold a JSON object of connection fields.`, [
      { field: 'connection', message: 'must be an object' },
    ]);
  }
  return { ...fromEnv, ...(parsed as Record<string, unknown>) };
}

/** A missing connection field is most often a variable that was not exported: say which. */
export function withEnvironmentHint(error: ConnectorError, connectionId: string): ConnectorError {
  if (error.code !== 'CONFIG_INVALID' || !error.details) return error;
  const variables = connectionVariables(connectionId);
  const missing = error.details
    .filter((d) => d.message === 'required' && d.field.startsWith('connection.'))
    .map((d) => variables.find((v) => `connection.${v.field}` === d.field)?.name)
    .filter((name): name is string => name !== undefined);
  // A message that names another field of the connection (connection.allow_plain_http): say its variable too.
  const named = variables.filter((v) => error.message.includes(`connection.${v.field} `) && !error.details!.some((d) => d.field === `connection.${v.field}`));
  if (missing.length === 0 && named.length === 0) return error;
  if (missing.length === 0) {
    return new ConnectorError('CONFIG_INVALID', `${error.message} (${named.map((v) => `connection.${v.field} is ${v.name} in the environment`).join(', ')}).`, error.details);
  }
  return new ConnectorError(
    'CONFIG_INVALID',
    `${error.message}. Give ${missing.length > 1 ? 'them' : 'it'} in the --connection file or set ${missing.join(', ')}.`,
    error.details,
  );
}

/** `invicti=./invicti.json` -> { invicti: './invicti.json' }. */
export function parseConnectionFlags(flags: string[], command: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const flag of flags) {
    const match = /^([^=]+)=(.+)$/.exec(flag);
    if (!match) throw new UsageError(`--connection takes <id>=<file>, e.g. --connection ${Object.keys(manifest.connections)[0]}=./${Object.keys(manifest.connections)[0]}.json (got ${JSON.stringify(flag)}).`, command);
    const [, id, file] = match as unknown as [string, string, string];
    if (!Object.hasOwn(manifest.connections, id)) {
      throw new UsageError(`Unknown connection ${JSON.stringify(id)} in --connection; connections: ${Object.keys(manifest.connections).join(', ')}.`, command);
    }
    if (files[id] !== undefined) throw new UsageError(`--connection ${id}=... is given twice.`, command);
    files[id] = file;
  }
  return files;
}

/** One line per connection for stderr: which fields are set (never their values), which variables are missing. */
export function describeConnection(id: string, fields: Record<string, unknown>): string {
  const variables = connectionVariables(id);
  const missing = variables.filter((v) => v.required && fields[v.field] === undefined).map((v) => v.name);
  const set = Object.keys(fields).join(', ') || 'nothing';
  return missing.length === 0 ? `  ${id}: ${set} set` : `  ${id}: ${set} set; its actions will answer CONFIG_INVALID until ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} set`;
}
