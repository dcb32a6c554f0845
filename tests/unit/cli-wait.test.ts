// `run` of a wait action in-process (nock answers): the progress lines on
// stderr, the envelope on stdout, and a stop request (SIGINT/SIGTERM through
// CliIo.onStop) ending the wait at once with exit 130.
import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { cli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { describeProgress, progressPrinter } from '../../src/cli/progress.js';
import { GUID } from '../helpers/fixtures.js';

const ORIGIN = 'https://invicti.wait.test';
const ENV = { INVICTI_URL: ORIGIN, INVICTI_USER_ID: 'u', INVICTI_API_TOKEN: 'SECRET-TOKEN-77' };
const STATUS_PATH = `/api/1.0/scans/status/${GUID}`;
const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };

function fakeIo(stdin: string, extra: Partial<CliIo> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readStdin: async () => stdin,
    env: ENV,
    untilStopped: () => new Promise(() => undefined),
    ...extra,
  };
  return { io, out };
}

describe('progress on stderr', () => {
  const p = (state: string | null, percentage: number | null, polls: number, elapsed_ms: number, done = false) => ({ state, percentage, polls, elapsed_ms, done });

  test('not a terminal: one plain line per change of state or percentage, and one per failed poll', () => {
    let text = '';
    const printer = progressPrinter('invicti_scan_wait', (t) => (text += t), false, (t) => t);
    printer.update(p('Queued', null, 1, 40));
    printer.update(p('Queued', null, 2, 30_040));
    printer.update(p('Scanning', 10, 3, 60_040));
    printer.update({ ...p('Scanning', 10, 4, 90_040), error: { code: 'CONNECTION_FAILED', message: 'refused' } });
    printer.update(p('Scanning', 10, 5, 120_040));
    printer.update(p('Complete', 100, 6, 150_040, true));
    printer.end();
    expect(text).toBe(
      [
        'invicti_scan_wait: Queued, 0 s elapsed, 1 poll',
        'invicti_scan_wait: Scanning 10 %, 60 s elapsed, 3 polls',
        'invicti_scan_wait: Scanning 10 %, 90 s elapsed, 4 polls; poll failed: CONNECTION_FAILED, retrying at the next poll',
        'invicti_scan_wait: Scanning 10 %, 120 s elapsed, 5 polls',
        'invicti_scan_wait: Complete 100 %, 150 s elapsed, 6 polls, done',
        '',
      ].join('\n'),
    );
  });

  test('a terminal: one line rewritten in place (carriage return, clear line) after every poll, ended with a newline', () => {
    let text = '';
    const printer = progressPrinter('invicti_scan_wait', (t) => (text += t), true, (t) => t);
    printer.update(p('Scanning', 10, 1, 0));
    printer.update(p('Scanning', 10, 2, 30_000));
    printer.end();
    expect(text).toBe(`\r\u001b[2K${describeProgress('invicti_scan_wait', p('Scanning', 10, 1, 0))}\r\u001b[2K${describeProgress('invicti_scan_wait', p('Scanning', 10, 2, 30_000))}\n`);
  });
});

describe('run invicti_scan_wait', () => {
  test('a terminal state: exit 0, the envelope with wait on stdout, progress on stderr', async () => {
    nock(ORIGIN).get(STATUS_PATH).reply(200, { CompletedSteps: 5, EstimatedSteps: 5, State: 'Complete' }, JSON_TYPE);
    const { io, out } = fakeIo(JSON.stringify({ path_parameters: { id: GUID } }));
    expect(await cli(['run', 'invicti_scan_wait', '--input', '-'], io)).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ status_code: 200, json_body: { State: 'Complete' }, wait: { done: true, polls: 1, errors: 0, timed_out: false } });
    expect(out.stderr).toMatch(/^invicti_scan_wait: Complete 100 %, 0 s elapsed, 1 poll, done\n$/);
  });

  test('a stop request (SIGINT) during the wait ends it at once: exit 130, nothing on stdout, what is known on stderr, no stack', async () => {
    nock(ORIGIN).get(STATUS_PATH).reply(200, { CompletedSteps: 1, EstimatedSteps: 4, State: 'Scanning' }, JSON_TYPE);
    let stop: ((signal: string) => void) | undefined;
    let unsubscribed = false;
    const { io, out } = fakeIo(JSON.stringify({ path_parameters: { id: GUID }, wait: { interval_s: 3600, timeout_s: 86400 } }), {
      onStop: (handler) => {
        stop = handler;
        return () => void (unsubscribed = true);
      },
      stderr: (t) => {
        out.stderr += t;
        // The first progress line: the wait now sleeps an hour; Ctrl-C.
        if (t.includes('1 poll')) stop!('SIGINT');
      },
    });
    expect(await cli(['run', 'invicti_scan_wait', '--input', '-'], io)).toBe(130);
    expect(out.stdout).toBe('');
    const lines = out.stderr.trim().split('\n');
    expect(lines).toEqual([
      'invicti_scan_wait: Scanning 25 %, 0 s elapsed, 1 poll',
      'retest-connectors: invicti_scan_wait: stopped by SIGINT',
      expect.stringMatching(/^\{"error":\{"code":"ABORTED","message":"invicti_scan_wait: wait aborted after 1 poll and 0\.\d s; last state Scanning \(25 %\)"\}\}$/),
    ]);
    expect(unsubscribed).toBe(true);
    expect(out.stderr).not.toContain('SECRET-TOKEN-77');
  });

  test('a stop request also ends a plain action in flight: exit 130', async () => {
    nock(ORIGIN).get(STATUS_PATH).delay(60_000).reply(200, { State: 'Scanning' });
    const { io, out } = fakeIo(JSON.stringify({ path_parameters: { id: GUID } }), {
      onStop: (handler) => {
        setTimeout(() => handler('SIGTERM'), 50);
        return () => undefined;
      },
    });
    expect(await cli(['run', 'invicti_scan_status', '--input', '-'], io)).toBe(130);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('stopped by SIGTERM');
    expect(out.stderr).toContain('"code":"ABORTED","message":"invicti_scan_status: aborted; nothing was changed"');
    nock.abortPendingRequests();
  });
});
