/**
 * Keeps secrets out of anything a person or a log may see.
 */
import type { ResolvedConnection } from './connection.js';
import type { PreparedRequest } from './request.js';

export const MASK = '***';

/** `text` with every occurrence of every secret replaced by the mask. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(MASK);
  return out;
}

/** The request as it may be shown (--dry-run, logs): auth headers masked, secrets removed everywhere else. */
export function redactRequest(request: PreparedRequest, connection: ResolvedConnection): PreparedRequest {
  const { auth } = connection.declaration;
  const authHeader = (auth.type === 'basic' ? 'Authorization' : auth.header).toLowerCase();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() === authHeader) headers[name] = auth.type === 'basic' ? `Basic ${MASK}` : MASK;
    else headers[name] = redact(value, connection.secrets);
  }
  return {
    method: request.method,
    url: redact(request.url, connection.secrets),
    headers,
    body: request.body === undefined ? undefined : redact(request.body, connection.secrets),
  };
}
