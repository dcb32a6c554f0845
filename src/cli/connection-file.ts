/**
 * A connection as the commands read it (run, mcp): the environment first
 * (<CONNECTION>_<FIELD>), the fields of a --connection file over it.
 */
import { existsSync } from 'node:fs';
import { ConnectorError } from '../contract/errors.js';
import { connectionFields } from '../contract/connection-fields.js';
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

/**
 * The connection a bare `--connection <file>` is for: the one connection whose schema declares every field the
 * file holds. None or several (a file of shared fields only) is a usage error that asks for `<id>=<file>`.
 */
async function connectionOfFile(file: string, command: string): Promise<string> {
  const text = await readTextFile(file, '--connection', command, 'CONFIG_INVALID');
  const parsed = parseJsonDocument(text, `The --connection file ${JSON.stringify(file)}`, 'CONFIG_INVALID');
  const ids = Object.keys(manifest.connections);
  const fits = parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    ? ids.filter((id) => {
        const declared = new Set(connectionFields(manifest.connections[id]!.schema).map((f) => f.name));
        return Object.keys(parsed).every((name) => declared.has(name));
      })
    : [];
  if (fits.length === 1) return fits[0]!;
  const why = fits.length === 0 ? 'its fields fit no connection' : `its fields fit ${fits.join(' and ')}`;
  throw new UsageError(`--connection ${file}: cannot tell which connection it is for (${why}); write --connection <id>=<file>, e.g. --connection ${ids[0]}=${file} (connections: ${ids.join(', ')}).`, command);
}

/**
 * `--connection` flags as connection id -> file: `invicti=./invicti.json`, or a bare `./invicti.json` (as `run`
 * takes it), whose connection is the one whose schema declares every field in it.
 */
export async function resolveConnectionFlags(flags: string[], command: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const flag of flags) {
    const match = /^([^=]+)=(.+)$/.exec(flag);
    let id: string;
    let file: string;
    if (match && Object.hasOwn(manifest.connections, match[1]!)) [, id, file] = match as unknown as [string, string, string];
    else if (existsSync(flag) || !match) [id, file] = [await connectionOfFile(flag, command), flag];
    else throw new UsageError(`Unknown connection ${JSON.stringify(match[1])} in --connection; connections: ${Object.keys(manifest.connections).join(', ')}.`, command);
    if (files[id] !== undefined) throw new UsageError(`--connection: connection ${id} is given twice.`, command);
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
