// Issue 18: one neutralising rule for every human- or terminal-facing string and every file name.
// Whatever a server sends (reason, a JSON state, a file name) cannot clear, recolour, reorder or
// break what a person reads: C0 and C1 controls (ESC, CSI U+009B, NEL U+0085), line and paragraph
// separators (U+2028/U+2029) and bidi controls (U+202A-U+202E, U+2066-U+2069) are shown escaped on
// human lines, spelled as JSON escapes on stdout, and removed from file names.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import nock from 'nock';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { progressPrinter } from '../../src/cli/progress.js';
import { sanitizeFileName } from '../../src/runtime/file.js';
import { escapeControls, terminalSafeJson, UNSAFE_TEXT } from '../../src/runtime/neutralise.js';
import { GUID } from '../helpers/fixtures.js';

// The first in-process run loads the runtime and its validators: seconds on a loaded machine, not a timing claim.
jest.setTimeout(30_000);

const ORIGIN = 'https://invicti.terminal.test';
const ENV = { INVICTI_URL: ORIGIN, INVICTI_USER_ID: 'u', INVICTI_API_TOKEN: 'SECRET-TOKEN-88' };
const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };
/** Every character class the rule covers, once. */
const HOSTILE = '\u001b[2J\u001b[31mRED\u009b31m\u0085\u202e\u2028\u2029\u2066\u0007';
/** Anything a terminal or a text renderer would act on rather than show. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function fakeIo(stdin: string) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readStdin: async () => stdin,
    env: ENV,
    untilStopped: () => new Promise(() => undefined),
  };
  return { io, out };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'retest-terminal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the rule itself', () => {
  test('escapeControls shows every control as an escape; terminalSafeJson keeps the JSON value and escapes what JSON.stringify leaves raw', () => {
    const shown = escapeControls(`a${HOSTILE}b`);
    expect(shown).not.toMatch(RAW_CONTROL);
    expect(shown).toContain('\\x1b[2J');
    expect(shown).toContain('\\x9b');
    expect(shown).toContain('\\u202e');
    const json = terminalSafeJson(JSON.stringify({ s: HOSTILE }));
    expect(json).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json)).toEqual({ s: HOSTILE });
    expect(UNSAFE_TEXT.test('plain text, é, 报告')).toBe(false);
  });
});

describe('defect 5: terminal escapes in wait progress', () => {
  test('a status State with ESC[2J and colours reaches the progress line escaped, on a pipe and on a terminal', () => {
    for (const tty of [false, true]) {
      let text = '';
      const printer = progressPrinter('invicti_scan_wait', (t) => (text += t), tty, (t) => t);
      printer.update({ state: `Scanning${HOSTILE}`, percentage: 10, polls: 1, elapsed_ms: 0, done: false });
      printer.end();
      // The printer's own in-place update (\r, ESC[2K) on a terminal is the only control written.
      const own = tty ? text.replace(/^\r\u001b\[2K/, '') : text;
      expect(own.replace(/\n$/, '')).not.toMatch(RAW_CONTROL);
      expect(own).toContain('Scanning\\x1b[2J\\x1b[31mRED');
    }
  });
});

describe('defect 6: C1 controls and bidi overrides', () => {
  test('run: the envelope on stdout spells them as JSON escapes, the exit-5 line and the progress line show them escaped', async () => {
    const state = `Scanning${HOSTILE}`;
    nock(ORIGIN).get(`/api/1.0/scans/status/${GUID}`).reply(200, { CompletedSteps: 1, EstimatedSteps: 4, State: state }, JSON_TYPE);
    const { io, out } = fakeIo(JSON.stringify({ path_parameters: { id: GUID }, wait: { timeout_s: 1, interval_s: 1 } }));
    expect(await cli(['run', 'invicti_scan_wait', '--input', '-'], io)).toBe(5);
    expect(out.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(out.stdout)).toMatchObject({ json_body: { State: state } });
    expect(out.stderr.replace(/\n/g, ' ')).not.toMatch(RAW_CONTROL);
    expect(out.stderr).toMatch(/the wait ended after .* \(last state "Scanning\\u001b\[2J\\u001b\[31mRED\\x9b31m\\x85\\u202e/);
  });

  test('run --save-file: a name with U+202E is saved without it; the envelope and the WRITE_FAILED line carry no raw control', async () => {
    const report = { parameters: { id: GUID, type: 'ScanDetail', format: 'Pdf' } };
    nock(ORIGIN)
      .get('/api/1.0/scans/report/')
      .query(true)
      .reply(200, '%PDF-1.4\n', { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent('invoice\u202efdp.exe')}` });
    const saved = fakeIo(JSON.stringify(report));
    expect(await cli(['run', 'invicti_scan_report', '--input', '-', '--save-file', dir], saved.io)).toBe(0);
    expect(readdirSync(dir)).toEqual(['invoicefdp.exe']);
    expect(saved.out.stdout).not.toMatch(RAW_CONTROL);

    // A directory that cannot be made (here: its parent is a file, its name holds controls) fails with one JSON
    // line, no raw control in it; the sink is opened before the request, so nothing is sent (no interceptor).
    const failed = fakeIo(JSON.stringify(report));
    const notADir = join(dir, 'invoicefdp.exe', `sub\u202e\u0085`);
    expect(await cli(['run', 'invicti_scan_report', '--input', '-', '--save-file', notADir], failed.io)).toBe(6);
    expect(failed.out.stderr).toContain('WRITE_FAILED');
    expect(failed.out.stderr.replace(/\n$/, '')).not.toMatch(RAW_CONTROL);
    expect(failed.out.stdout).not.toMatch(RAW_CONTROL);
  });

  test('file names: the same set is removed (C0, C1, separators, bidi), nothing else', () => {
    expect(sanitizeFileName(`in${HOSTILE}voice.pdf`)).toBe('in[2J[31mRED31mvoice.pdf');
    expect(sanitizeFileName('\u2066report\u2069.pdf')).toBe('report.pdf');
    expect(sanitizeFileName('Résultat 报告.pdf')).toBe('Résultat 报告.pdf');
  });
});

describe('a non-2xx line shows the vendor\'s reason', () => {
  test('Invicti { Message }: printed after the status, neutralised', async () => {
    nock(ORIGIN)
      .post('/api/1.0/scans/retest')
      .reply(400, { Message: `Running or cancelled scans are not valid for retest. Base scan should be in completed state.${HOSTILE}` }, JSON_TYPE);
    const { io, out } = fakeIo(JSON.stringify({ json_body: { BaseScanId: GUID } }));
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-'], io)).toBe(1);
    const line = out.stderr.trimEnd();
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).toMatch(/^retest-connectors: invicti_scan_retest: HTTP 400 Bad Request: "Running or cancelled scans are not valid for retest\. Base scan should be in completed state\.\\x1b\[2J.*" \(exit 1\)$/);
  });

  test('a long message is cut; a message echoing the token is scrubbed; a text body gives its first line; HTML gives nothing', async () => {
    nock(ORIGIN).post('/api/1.0/scans/retest').reply(403, { error: { message: `${'x'.repeat(1000)}` } }, JSON_TYPE);
    const long = fakeIo(JSON.stringify({ json_body: { BaseScanId: GUID } }));
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-'], long.io)).toBe(1);
    expect(long.out.stderr).toMatch(/HTTP 403 Forbidden: "x{200}…" \(exit 1\)\n$/);

    nock(ORIGIN).post('/api/1.0/scans/retest').reply(401, { message: 'token SECRET-TOKEN-88 is not valid' }, JSON_TYPE);
    const echo = fakeIo(JSON.stringify({ json_body: { BaseScanId: GUID } }));
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-'], echo.io)).toBe(1);
    expect(echo.out.stderr).toContain('HTTP 401 Unauthorized: "token *** is not valid" (exit 1)');

    nock(ORIGIN).post('/api/1.0/scans/retest').reply(409, '\n  Scan already running\nsecond line', { 'Content-Type': 'text/plain' });
    const text = fakeIo(JSON.stringify({ json_body: { BaseScanId: GUID } }));
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-'], text.io)).toBe(1);
    expect(text.out.stderr).toBe('retest-connectors: invicti_scan_retest: HTTP 409 Conflict: "Scan already running" (exit 1)\n');

    nock(ORIGIN).post('/api/1.0/scans/retest').reply(404, '<html><body>Not here</body></html>', { 'Content-Type': 'text/html' });
    const html = fakeIo(JSON.stringify({ json_body: { BaseScanId: GUID } }));
    expect(await cli(['run', 'invicti_scan_retest', '--input', '-'], html.io)).toBe(1);
    expect(html.out.stderr).toBe('retest-connectors: invicti_scan_retest: HTTP 404 Not Found (exit 1)\n');
  });
});
