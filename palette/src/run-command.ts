/**
 * The `retest-connectors run …` line that runs what the form produced. The
 * connection travels in environment variables the CLI reads
 * (`<CONNECTION>_<FIELD>`, e.g. INVICTI_API_TOKEN); a secret's value is never
 * written out, only its variable with `…` for the person to fill in.
 */
import type { RJSFSchema } from '@rjsf/utils';

type Properties = Record<string, RJSFSchema>;

export const SECRET_PLACEHOLDER = '…';

export const envVarName = (connectionId: string, field: string) => `${connectionId}_${field}`.toUpperCase();

/** POSIX shell quoting, only where needed. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface RunCommandParts {
  actionId: string;
  connectionId: string;
  connectionSchema: RJSFSchema;
  /** The connection's secret fields, as src/runtime/auth.ts names them. */
  secretFields: readonly string[];
  connection: Record<string, unknown> | undefined;
  inputFile: string;
}

/**
 * One line: the environment assignments, then the command. Secrets and missing
 * required fields show as `NAME=…`; optional fields left at their default or
 * empty are left out, except `url`, so the target host is always explicit.
 */
export function runCommand({ actionId, connectionId, connectionSchema, secretFields, connection = {}, inputFile }: RunCommandParts): string {
  const secrets = new Set(secretFields);
  const properties = (connectionSchema.properties ?? {}) as Properties;
  const required = new Set(connectionSchema.required ?? []);
  const assignments: string[] = [];
  for (const [field, property] of Object.entries(properties)) {
    const name = envVarName(connectionId, field);
    const value = connection[field];
    const present = value !== undefined && value !== null && value !== '';
    if (secrets.has(field)) {
      if (present || required.has(field)) assignments.push(`${name}=${SECRET_PLACEHOLDER}`);
    } else if (!present) {
      if (required.has(field)) assignments.push(`${name}=${SECRET_PLACEHOLDER}`);
    } else if (field === 'url' || required.has(field) || value !== property.default) {
      assignments.push(`${name}=${shellQuote(String(value))}`);
    }
  }
  return [...assignments, 'retest-connectors', 'run', actionId, '--input', shellQuote(inputFile)].join(' ');
}
