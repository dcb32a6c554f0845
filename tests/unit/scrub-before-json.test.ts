// A secret may hold characters JSON escapes (the connection schemas allow any printable ASCII, " and \ too).
// Scrubbing a JSON text after JSON.stringify looks for the raw secret and misses its escaped spelling; every
// error line is scrubbed before it is serialised instead.
import { describe, expect, test } from '@jest/globals';
import { reportError } from '../../src/cli/errors.js';
import type { CliIo } from '../../src/cli/io.js';
import { ConnectorError } from '../../src/contract/errors.js';
import { redact } from '../../src/runtime/redact.js';

const SECRET = 'Tok"en\\with-quote-1234';

describe('error lines are scrubbed before they are serialised', () => {
  test('the CLI: a ConnectorError and an internal error whose message holds a secret with " and \\', () => {
    for (const error of [new ConnectorError('CONNECTION_FAILED', `failed for ${SECRET}`, [{ field: 'x', message: `saw ${SECRET}` }]), new Error(`boom ${SECRET}`)]) {
      let err = '';
      const io = { stderr: (text: string) => (err += text) } as unknown as CliIo;
      reportError(io, error, (text) => redact(text, [SECRET]));
      const parsed = JSON.parse(err) as { error: { message: string; details?: { message: string }[] } };
      expect(JSON.stringify(parsed)).not.toContain('Tok\\"en');
      expect(parsed.error.message).not.toContain(SECRET);
      expect(parsed.error.message).toContain('***');
      for (const d of parsed.error.details ?? []) expect(d.message).not.toContain(SECRET);
    }
  });
});
