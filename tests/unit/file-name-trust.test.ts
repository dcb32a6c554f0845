// Issue 18: a report's file name is text a server sent. It goes through the same scrubbing as every
// other string (defect 1), the same neutralising rule (terminal-safety.test.ts), and is cut to 255
// BYTES on a character boundary (defect 9), so what reaches file.file_name, stdout, n8n's binary
// fileName and the disk never carries a secret and can always be created.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import nock from 'nock';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { candidateName } from '../../src/runtime/file-sink.js';
import { runAction } from '../../src/index.js';
import { sanitizeFileName } from '../../src/runtime/file.js';
import { GUID } from '../helpers/fixtures.js';

// The first in-process run loads the runtime and its validators: seconds on a loaded machine, not a timing claim.
jest.setTimeout(30_000);

const ORIGIN = 'https://invicti.names.test';
const TOKEN = 'SECRET-NAME-TOKEN-5150';
const CONNECTION = { url: ORIGIN, user_id: 'user-names', api_token: TOKEN };
const REPORT = { parameters: { id: GUID, type: 'ScanDetail', format: 'Pdf' } };
const PDF = { 'Content-Type': 'application/pdf' };

function reply(disposition: string): void {
  nock(ORIGIN).get('/api/1.0/scans/report/').query(true).reply(200, '%PDF-1.4\n', { ...PDF, 'Content-Disposition': disposition });
}

function fakeIo() {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readStdin: async () => JSON.stringify(REPORT),
    env: { INVICTI_URL: ORIGIN, INVICTI_USER_ID: CONNECTION.user_id, INVICTI_API_TOKEN: TOKEN },
    untilStopped: () => new Promise(() => undefined),
  };
  return { io, out };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'retest-names-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('defect 1: a secret in a report\'s file name', () => {
  const COLON_TOKEN = 'SECRET:NAME*TOKEN-5150';
  test.each([
    ['filename="report-<token>.pdf"', TOKEN, `attachment; filename="report-${TOKEN}.pdf"`],
    ['filename*= percent-encoded in lower-case hex', TOKEN, `attachment; filename*=UTF-8''report-${[...Buffer.from(TOKEN)].map((b) => `%${b.toString(16)}`).join('')}.pdf`],
    ['split by a control character that the name rule removes', TOKEN, `attachment; filename*=UTF-8''report-SECRET-NAME-%01TOKEN-5150.pdf`],
    ['a token with characters the name rule replaces (":" and "*" -> "_")', COLON_TOKEN, `attachment; filename="report-${COLON_TOKEN}.pdf"`],
  ])('%s: file.file_name is scrubbed (library envelope, n8n fileName)', async (_, token, disposition) => {
    reply(disposition);
    const envelope = await runAction('invicti_scan_report', REPORT, { ...CONNECTION, api_token: token });
    expect(envelope.file!.file_name).not.toMatch(/SECRET|TOKEN-5150/);
    expect(envelope.file!.file_name).toMatch(/^report-.*\.pdf$/);
    expect(JSON.stringify(envelope)).not.toContain(token);
  });

  test('the CLI: no secret in file.file_name, file.path, on stderr or in the name on disk', async () => {
    reply(`attachment; filename="report-${TOKEN}.pdf"`);
    const { io, out } = fakeIo();
    expect(await cli(['run', 'invicti_scan_report', '--input', '-', '--save-file', dir], io)).toBe(0);
    const printed = JSON.parse(out.stdout) as { file: { file_name: string; path: string } };
    expect(out.stdout + out.stderr).not.toContain(TOKEN);
    expect(readdirSync(dir)).toEqual([printed.file.file_name]);
    expect(readdirSync(dir)[0]).not.toContain(TOKEN);
    expect(printed.file.path).toBe(join(dir, printed.file.file_name));
  });
});

describe('defect 9: long non-ASCII file names', () => {
  test('filename*=UTF-8\'\' + 250 × é: cut to at most 255 bytes on a character boundary, extension kept, and saved', async () => {
    const name = `${'é'.repeat(250)}.pdf`;
    reply(`attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
    const { io, out } = fakeIo();
    expect(await cli(['run', 'invicti_scan_report', '--input', '-', '--save-file', dir], io)).toBe(0);
    const [saved] = readdirSync(dir);
    expect(bytes(saved!)).toBeLessThanOrEqual(255);
    expect(saved).toMatch(/^é+\.pdf$/);
    expect(saved).toBe(JSON.parse(out.stdout).file.file_name);

    // The same name again: the numbered variant fits as well.
    reply(`attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
    const again = fakeIo();
    expect(await cli(['run', 'invicti_scan_report', '--input', '-', '--save-file', dir], again.io)).toBe(0);
    const second = JSON.parse(again.out.stdout).file.path as string;
    expect(second).toMatch(/ \(1\)\.pdf$/);
    expect(bytes(second.slice(dir.length + 1))).toBeLessThanOrEqual(255);
  });

  test.each([
    ['é (2 bytes)', 'é'],
    ['报 (3 bytes)', '报'],
    ['😀 (4 bytes, a surrogate pair)', '😀'],
  ])('sanitizeFileName with %s: <= 255 bytes, never half a character', (_, char) => {
    const name = sanitizeFileName(`${char.repeat(300)}.pdf`)!;
    expect(bytes(name)).toBeLessThanOrEqual(255);
    expect(bytes(name)).toBeGreaterThan(255 - 8);
    expect(name).not.toContain('\ufffd');
    expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
    expect(name.endsWith('.pdf')).toBe(true);
    expect(Array.from(name.slice(0, -4)).every((c) => c === char)).toBe(true);
  });

  test('candidateName keeps a numbered variant within 255 bytes', () => {
    const name = sanitizeFileName(`${'😀'.repeat(100)}.pdf`)!;
    const third = candidateName(name, 999);
    expect(bytes(third)).toBeLessThanOrEqual(255);
    expect(third).toMatch(/^😀+ \(999\)\.pdf$/u);
  });
});
