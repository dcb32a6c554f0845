/**
 * A connection from the environment, derived from the connection's schema:
 * every property `field` of connection `id` is read from `<ID>_<FIELD>`
 * (INVICTI_URL, INVICTI_API_TOKEN, ATTACKFORGE_API_KEY, ...) and coerced by
 * the property's type. Empty values count as unset.
 */
import { ConnectorError } from '../contract/errors.js';
import { getConnection } from '../contract/manifest.js';
import { connectionFields } from '../contract/connection-fields.js';
import { secretFields } from '../runtime/auth.js';

export interface ConnectionVariable {
  /** The environment variable, e.g. INVICTI_API_TOKEN. */
  name: string;
  /** The connection field it fills, e.g. api_token. */
  field: string;
  type: string;
  secret: boolean;
  required: boolean;
}

export function envVariableName(connectionId: string, field: string): string {
  return `${connectionId}_${field}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** The variables a connection reads, in the schema's property order. */
export function connectionVariables(connectionId: string): ConnectionVariable[] {
  const declaration = getConnection(connectionId);
  const secrets = secretFields(declaration);
  return connectionFields(declaration.schema).map(({ name: field, schema, required }) => ({
    name: envVariableName(connectionId, field),
    field,
    type: typeof schema.type === 'string' ? schema.type : 'string',
    secret: secrets.includes(field),
    required,
  }));
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

function coerce(variable: ConnectionVariable, raw: string): unknown {
  const fail = (expected: string): never => {
    // The value is not echoed: a mistyped variable may hold a secret.
    throw new ConnectorError('CONFIG_INVALID', `Invalid environment variable ${variable.name}: must be ${expected}`, [
      { field: variable.name, message: `must be ${expected}` },
    ]);
  };
  switch (variable.type) {
    case 'boolean': {
      const text = raw.trim().toLowerCase();
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      return fail('true, false, 1, 0, yes or no');
    }
    case 'integer':
      return /^\s*\d+\s*$/.test(raw) ? Number(raw.trim()) : fail('a whole number (digits only)');
    case 'number': {
      const value = Number(raw);
      return raw.trim() !== '' && Number.isFinite(value) ? value : fail('a number');
    }
    default:
      return raw;
  }
}

/** The connection fields set in `env` for this connection; throws CONFIG_INVALID naming a malformed variable. */
export function connectionFromEnv(connectionId: string, env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const variable of connectionVariables(connectionId)) {
    const raw = env[variable.name];
    if (raw === undefined || raw === '') continue;
    fields[variable.field] = coerce(variable, raw);
  }
  return fields;
}
