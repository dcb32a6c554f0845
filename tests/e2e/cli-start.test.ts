// `npm start`, the main job: both retest loops against the simulator through the
// built CLI, one story on stdout, the wait's progress on stderr, the PDF report
// saved, exit 0. (npm test has built dist/ already, so this runs the script
// itself, as `npm start` does after its build.)
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';
import { CLI_PATH, type CliResult, runNode } from '../helpers/cli.js';

jest.setTimeout(90_000);

const reportsDir = mkdtempSync(join(tmpdir(), 'cli-start-'));
afterAll(() => rmSync(reportsDir, { recursive: true, force: true }));

// No vendor settings from the caller's environment: the demo needs none.
const runStart = (args: string[] = []) => runNode(['--import', 'tsx', 'scripts/start.ts', ...args]);

let story: CliResult;

describe('npm start', () => {
  test('exits 0 and spawns the very executable package.json publishes as the bin', async () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
    expect(CLI_PATH).toBe(join(packageRoot, pkg.bin['retest-connectors']));
    expect(pkg.scripts.start).toBe('npm run build && tsx scripts/start.ts');
    story = await runStart(['--reports-dir', reportsDir]);
    expect([story.code, story.stderr.includes('npm start failed') ? story.stderr : '']).toEqual([0, '']);
  });

  test('each step shows the CLI command it ran, never a secret', () => {
    const commands = story.stdout.split('\n').filter((l) => l.trimStart().startsWith('$ echo '));
    expect(commands.length).toBeGreaterThanOrEqual(20);
    for (const line of commands) expect(line).toMatch(/^ {3}\$ echo '.+' \| retest-connectors run [a-z_]+ --input -( --save-file \S+)?$/);
    expect(story.stdout).toMatch(/export INVICTI_URL=http:\/\/127\.0\.0\.1:\d+ INVICTI_USER_ID=demo-user INVICTI_API_TOKEN=\*\*\*/);
    expect(story.stdout + story.stderr).not.toContain('demo-token');
    expect(story.stdout + story.stderr).not.toContain('demo-ssapi-key');
  });

  test('all three seed actions run, each as a command a user can copy', () => {
    for (const seed of ['invicti_scan_retest', 'invicti_scan_launch_new_from_scan', 'attackforge_request_new_project_retest']) {
      expect(story.stdout).toMatch(new RegExp(`\\$ echo '.+' \\| retest-connectors run ${seed} --input -\\n {3}-> HTTP 20[01] (OK|Created)\\n`));
    }
  });

  test('Invicti: one more issue marked FixedUnconfirmed -> retest -> a single check (exit 5, next_check_after_s) -> the vendor\'s verdict per issue', () => {
    const out = story.stdout;
    expect(out).toContain('a developer has fixed "Local File Inclusion" (f3a1c84e-1551-4e0d-9a7b-000000000004, Present): mark it FixedUnconfirmed.');
    expect(out).toMatch(/retest-connectors run invicti_issue_update --input -\n {3}-> HTTP 200 OK\n/);
    expect(out).toContain('5 issues of scan af6d0ffd-529e-4056-b39f-b141021fae74 wait for its retest, "Local File Inclusion" among them.');
    expect(out).toMatch(/"wait":\{"once":true,"interval_s":1\}\}' \| retest-connectors run invicti_scan_wait --input -\n {3}-> HTTP 200 OK( \(exit 5\)\n {3}Outcome pending \(State (Queued|Scanning)\): check again in 1 s|\n {3}Outcome completed)/);
    expect(out).toContain("Verdict of the retest (Invicti's own states): 4 FixedConfirmed, 1 Revived:");
    for (const fixed of ['SQL Injection', 'Cross-site Scripting', 'Local File Inclusion', 'Out-of-date Version (jQuery)']) expect(out).toContain(`FixedConfirmed: ${fixed} (http://php.testinvicti.com/`);
    expect(out).toContain('Revived: Boolean Based SQL Injection (http://php.testinvicti.com/listproducts.php?cat=1)');
    expect(out).toMatch(/"Local File Inclusion": FixedConfirmed; history: Issue found -> Marked as Fixed \(Unconfirmed\); waiting for retest -> Fixed \(Confirmed\) by retest scan [0-9a-f-]{36}\./);
  });

  test('Invicti: a full scan from the base scan, cancelled; its single check ends the wait unsuccessfully (exit 7)', () => {
    const out = story.stdout;
    expect(out).toMatch(/Full scan [0-9a-f-]{36}: Full, Queued\. The demo cancels it to stay short\./);
    expect(out).toMatch(/retest-connectors run invicti_scan_cancel --input -\n {3}-> HTTP 200 OK\n {3}Cancel result: "Ok"\./);
    expect(out).toMatch(/-> HTTP 200 OK \(exit 7\)\n {3}Outcome ended \(State Cancelled\)\./);
  });

  test('Invicti: waiting issues -> retest of their scan -> wait with progress on stderr -> the PDF saved', () => {
    const out = story.stdout;
    expect(out).toMatch(/retest-connectors run invicti_issues_waiting_for_retest --input -\n {3}-> HTTP 200 OK\n {3}6 issues wait for a retest, e\.g\.:\n {6}\[Critical\] SQL Injection \(Sample, found by scan af6d0ffd-529e-4056-b39f-b141021fae74\)/);
    expect(out).toContain("$ echo '{\"json_body\":{\"BaseScanId\":\"af6d0ffd-529e-4056-b39f-b141021fae74\"}}' | retest-connectors run invicti_scan_retest --input -\n   -> HTTP 201 Created");
    expect(out).toMatch(/Retest scan [0-9a-f-]{36}: Retest, Queued\./);
    expect(out).toMatch(/retest-connectors run invicti_scan_wait --input -\n {3}-> HTTP 200 OK\n {3}State Complete after \d+ polls, [\d.]+ s \(done: true, outcome: completed\)\./);
    // The CLI's own progress lines, passed through.
    // The walkthrough's simulator runs on the wall clock: a first poll delayed past the queue time (a loaded machine) sees Scanning.
    expect(story.stderr).toMatch(/^invicti_scan_wait: (Queued|Scanning \d+ %), \d+ s elapsed, 1 poll\n/);
    expect(story.stderr).toMatch(/invicti_scan_wait: Complete 100 %, \d+ s elapsed, \d+ polls, done\n$/);
    expect(out).toContain('0 issues of Sample wait for a retest now.');
    const saved = /PDF report saved: (\S+\.pdf) \((\d+) bytes, application\/pdf\)/.exec(out);
    expect(saved).not.toBeNull();
    expect(saved![1]!.startsWith(reportsDir)).toBe(true);
    expect(existsSync(saved![1]!)).toBe(true);
    const pdf = readFileSync(saved![1]!);
    expect(pdf.length).toBe(Number(saved![2]));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  test('AttackForge: flagged for retest -> one set to Retest -> round requested -> the project shows it -> completed -> Closed', () => {
    const out = story.stdout;
    expect(out).toContain('2 flagged for retest in project 66333e1d110ab5acf8a4354e:');
    expect(out).toContain('"parameters":{"q":"{ is_retest: { $eq: \\"Yes\\" } }"}');
    expect(out).toContain('A fix is reported for "Missing HTTP Strict Transport Security header" (6639508f50523053f459d2a1): set it to Retest.');
    expect(out).toMatch(/retest-connectors run attackforge_update_vulnerability --input -\n {3}-> HTTP 200 OK\n {3}Now Retest \(retest: Yes\)\./);
    expect(out).toContain('"Project retest requested for Project 66333e1d110ab5acf8a4354e"');
    expect(out).toContain('Project DEMO-WEB is Retest: round 1 Requested, 3 vulnerabilities.');
    expect(out).toContain('"Retest round 1 completed for Project 66333e1d110ab5acf8a4354e"');
    expect(out).toContain('Missing HTTP Strict Transport Security header: Closed');
    expect(out).toContain('All 3 Closed.');
    expect(out).toMatch(/The loops went through in [\d.]+ s\. Simulator stopped\.\n/);
  });

  test('a step that fails: exit 1 and a message naming it (here: the reports directory is a file)', async () => {
    const file = join(reportsDir, 'not-a-dir');
    rmSync(file, { force: true });
    writeFileSync(file, 'x');
    const failed = await runStart(['--reports-dir', file]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/npm start failed: step 11 \(invicti_scan_report\) exited 6/);
    expect(failed.stdout).not.toContain('The loops went through');
  });
});
