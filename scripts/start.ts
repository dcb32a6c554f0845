/**
 * `npm start`: the main job tells the retest loop of both vendors.
 *
 * Starts the built-in simulator on a free loopback port (scans complete in a
 * few seconds) and runs every step through the built CLI, `node
 * dist/cli/main.js run ...`: the command a user types, as a child process with
 * the connection in its environment. Each step prints the command it ran (it can
 * be copied: secrets are never printed) and what it shows, on stdout; the wait's
 * progress lines come through on stderr. A connection the simulator does not play
 * is named and skipped. Exits 0 when every loop went through,
 * 1 with a message naming the failed step otherwise.
 *
 * Options (after `npm start --`): --reports-dir <dir> where the PDF report is
 * saved (default: a new temporary directory), --scan-seconds <N> (default 3).
 *
 * Invicti: the issues waiting for a retest → one more issue marked
 * FixedUnconfirmed (invicti_issue_update) → the retest of their scan → one
 * single check (wait.once, next_check_after_s) then the blocking wait → each
 * claimed issue's verdict from Invicti's own states (invicti_issues_list,
 * invicti_issue_detail: FixedConfirmed or Revived) → the PDF report → a full
 * scan with the base scan's configuration (invicti_scan_launch_new_from_scan),
 * cancelled (invicti_scan_cancel). AttackForge: flag → Retest → round → complete.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Envelope } from '../src/runtime/envelope.js';
import { manifest } from '../src/contract/manifest.js';
import { packageRoot } from '../src/contract/package-root.js';
import { connectionVariables } from '../src/cli/connection-env.js';
import { SEED_PROJECT_IDS, startSimulator, type Simulator } from '../src/simulator/index.js';

const CLI = join(packageRoot, 'dist/cli/main.js');
/** The wait's bounds in the story: a few 1 s polls, never more than a minute. */
const WAIT = { interval_s: 1, timeout_s: 60 };

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

class StepFailed extends Error {}

/** Runs the built CLI with `input` on stdin; asynchronous, so the simulator in this process keeps answering. */
function runCli(args: string[], input: string, env: NodeJS.ProcessEnv, passStderr: boolean): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (passStderr) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The parent's environment without any connection settings of its own, plus the simulator's for every connection it plays. */
function simulatorEnv(sim: Simulator): NodeJS.ProcessEnv {
  const variables = Object.keys(manifest.connections).flatMap((id) => connectionVariables(id));
  const ours = new Set(variables.map((v) => v.name));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!ours.has(name)) env[name] = value;
  for (const id of Object.keys(manifest.connections)) {
    const fields = sim.connections[id];
    if (!fields) continue;
    for (const v of connectionVariables(id)) if (fields[v.field] !== undefined) env[v.name] = String(fields[v.field]);
  }
  return env;
}

/** A shell word: single-quoted unless it is plainly safe. */
function shellWord(word: string): string {
  return /^[\w./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function parseOptions(argv: string[]): { reportsDir: string | undefined; scanSeconds: number } {
  let reportsDir: string | undefined;
  let scanSeconds = 3;
  for (let i = 0; i < argv.length; i += 1) {
    const value = argv[i + 1];
    if (argv[i] === '--reports-dir' && value) {
      reportsDir = resolve(value);
      i += 1;
    } else if (argv[i] === '--scan-seconds' && value && /^\d{1,2}$/.test(value)) {
      scanSeconds = Number(value);
      i += 1;
    } else {
      throw new StepFailed(`unknown or incomplete option ${argv[i]} (known: --reports-dir <dir>, --scan-seconds <0-99>)`);
    }
  }
  return { reportsDir, scanSeconds };
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- vendor bodies, read for the story only

class Story {
  private step = 0;
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** One step: prints the command, runs it, returns the envelope of a 2xx answer or fails the story. */
  async run(what: string, action: string, input: unknown, options: { extraArgs?: string[]; progress?: boolean; exits?: number[] } = {}): Promise<Envelope & { file?: Json; wait?: Json }> {
    this.step += 1;
    const args = ['run', action, '--input', '-', ...(options.extraArgs ?? [])];
    const json = JSON.stringify(input);
    console.log(`\n${this.step}. ${what}`);
    console.log(`   $ echo ${shellWord(json)} | retest-connectors ${args.map(shellWord).join(' ')}`);
    const result = await runCli(args, json, this.env, options.progress ?? false);
    let envelope: (Envelope & { file?: Json; wait?: Json }) | undefined;
    try {
      envelope = JSON.parse(result.stdout) as Envelope;
    } catch {
      envelope = undefined;
    }
    // A wait's single check exits 5 while the scan runs (pending), 7 when it ended Failed or Cancelled: the story expects them where it says so.
    if (!(options.exits ?? [0]).includes(result.code ?? -1) || !envelope) {
      const status = envelope ? `, HTTP ${envelope.status_code} ${envelope.reason}` : '';
      const stderr = result.stderr.trim().split('\n').at(-1) ?? '';
      throw new StepFailed(`step ${this.step} (${action}) exited ${result.code}${status}${stderr ? `: ${stderr}` : ''}`);
    }
    console.log(`   -> HTTP ${envelope.status_code} ${envelope.reason}${result.code === 0 ? '' : ` (exit ${result.code})`}`);
    return envelope;
  }

  say(line: string): void {
    console.log(`   ${line}`);
  }
}

function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailed(message);
}

const issueKey = (v: { Title: string; Url: string }) => `${v.Title} ${v.Url}`;

async function invictiLoop(story: Story, reportsDir: string): Promise<void> {
  console.log('\n== Invicti Enterprise: mark a fix, retest, follow the retest, read the vendor\'s verdict per issue, save the report');

  const waiting = (await story.run('Issues waiting for a retest', 'invicti_issues_waiting_for_retest', { parameters: { pageSize: 50 } })).json_body as Json;
  const issues: Json[] = waiting.List;
  expectThat(issues.length > 0, 'no issue waits for a retest on the simulator');
  story.say(`${waiting.TotalItemCount} issues wait for a retest, e.g.:`);
  for (const issue of issues.slice(0, 4)) story.say(`   [${issue.Severity}] ${issue.Title} (${issue.WebsiteName}, found by scan ${issue.LatestScanId})`);
  const baseScanId: string = issues[0].LatestScanId;
  const website: string = issues[0].WebsiteName;

  const all = (await story.run(`All issues of ${website}, with their states`, 'invicti_issues_list', { parameters: { webSiteName: website, pageSize: 200 } })).json_body as Json;
  const present = (all.List as Json[]).filter((i) => i.State === 'Present' && i.LatestScanId === baseScanId);
  expectThat(present.length > 0, `no Present issue on ${website} to mark fixed`);
  const claimed = present[0];
  story.say(`${all.TotalItemCount} issues on ${website}; a developer has fixed "${claimed.Title}" (${claimed.Id}, ${claimed.State}): mark it FixedUnconfirmed.`);

  await story.run('Mark it fixed: it waits for a retest now', 'invicti_issue_update', { json_body: { IssueId: claimed.Id, State: 'FixedUnconfirmed', Note: 'Fix deployed' } });
  const now = (await story.run(`Issues waiting for a retest on ${website}`, 'invicti_issues_waiting_for_retest', { parameters: { webSiteName: website, pageSize: 200 } })).json_body as Json;
  const claimedIds: string[] = (now.List as Json[]).filter((i) => i.LatestScanId === baseScanId).map((i) => i.Id);
  expectThat(claimedIds.includes(claimed.Id), 'the issue marked FixedUnconfirmed is not on the waiting list');
  story.say(`${claimedIds.length} issues of scan ${baseScanId} wait for its retest, "${claimed.Title}" among them.`);

  const launched = (await story.run('Retest the base scan', 'invicti_scan_retest', { json_body: { BaseScanId: baseScanId } })).json_body as Json;
  const retestId: string = launched.Id;
  story.say(`Retest scan ${retestId}: ${launched.ScanType}, ${launched.State}.`);

  // One check, "call again in N s": exit 5 while it runs, nothing held in between.
  const check = await story.run('Check it once (wait.once)', 'invicti_scan_wait', { path_parameters: { id: retestId }, wait: { once: true, interval_s: WAIT.interval_s } }, { exits: [0, 5] });
  story.say(`Outcome ${check.wait.outcome} (State ${(check.json_body as Json).State})${check.wait.outcome === 'pending' ? `: check again in ${check.wait.next_check_after_s} s (a scheduler would; the demo follows it with the blocking wait)` : ''}.`);

  console.log(`\n   (progress lines of the wait come on stderr)`);
  const waited = await story.run('Wait until the retest scan ends', 'invicti_scan_wait', { path_parameters: { id: retestId }, wait: WAIT }, { progress: true });
  const state = (waited.json_body as Json).State;
  story.say(`State ${state} after ${waited.wait.polls} polls, ${(waited.wait.waited_ms / 1000).toFixed(1)} s (done: ${waited.wait.done}, outcome: ${waited.wait.outcome}).`);
  expectThat(waited.wait.outcome === 'completed', `the retest scan ended ${state}, not Complete`);

  // The verdict is the vendor's: each claimed issue's State after the retest.
  const after = (await story.run(`The issues of ${website} after the retest`, 'invicti_issues_list', { parameters: { webSiteName: website, pageSize: 200 } })).json_body as Json;
  const verdicts = (after.List as Json[]).filter((i) => claimedIds.includes(i.Id));
  const confirmed = verdicts.filter((i) => i.State === 'FixedConfirmed');
  const revived = verdicts.filter((i) => i.State === 'Revived');
  story.say(`Verdict of the retest (Invicti's own states): ${confirmed.length} FixedConfirmed, ${revived.length} Revived:`);
  for (const i of confirmed) story.say(`   FixedConfirmed: ${i.Title} (${i.Url})`);
  for (const i of revived) story.say(`   Revived: ${i.Title} (${i.Url})`);
  expectThat(confirmed.length + revived.length === claimedIds.length, 'an issue claimed fixed got no verdict from the retest');

  const detail = (await story.run(`The issue marked fixed, in detail`, 'invicti_issue_detail', { path_parameters: { id: claimed.Id } })).json_body as Json;
  story.say(`"${detail.Title}": ${detail.State}; history: ${(detail.History as Json[]).map((h) => h.Message).join(' -> ')}.`);

  const waitingNow = (await story.run(`Issues still waiting for a retest on ${website}`, 'invicti_issues_waiting_for_retest', { parameters: { webSiteName: website } })).json_body as Json;
  story.say(`${waitingNow.TotalItemCount} issues of ${website} wait for a retest now.`);

  const report = await story.run('Save the retest\'s PDF report', 'invicti_scan_report', { parameters: { id: retestId, type: 'Vulnerabilities', format: 'Pdf' } }, { extraArgs: ['--save-file', reportsDir] });
  expectThat(report.file?.path, 'the report came back without a file');
  story.say(`PDF report saved: ${report.file.path} (${report.file.size_bytes} bytes, ${report.file.content_type})`);

  const full = (await story.run('A full scan with the base scan\'s configuration', 'invicti_scan_launch_new_from_scan', { data_body: { id: baseScanId } })).json_body as Json;
  story.say(`Full scan ${full.Id}: ${full.ScanType}, ${full.State}. The demo cancels it to stay short.`);
  const cancelled = (await story.run('Cancel the full scan', 'invicti_scan_cancel', { data_body: { id: full.Id } })).json_body as Json;
  story.say(`Cancel result: ${JSON.stringify(cancelled)}.`);
  const ended = await story.run('Check it once: a cancelled scan ends the wait unsuccessfully (exit 7)', 'invicti_scan_wait', { path_parameters: { id: full.Id }, wait: { once: true } }, { exits: [7] });
  story.say(`Outcome ${ended.wait.outcome} (State ${(ended.json_body as Json).State}).`);
}

async function attackforgeLoop(story: Story, _reportsDir: string): Promise<void> {
  console.log('\n== AttackForge: flag vulnerabilities for retest, request a retest round, complete it');
  const project = SEED_PROJECT_IDS.webApp;

  const flaggedBody = (await story.run('Vulnerabilities flagged for retest', 'attackforge_get_project_vulnerabilities', {
    path_parameters: { id: project },
    parameters: { q: '{ is_retest: { $eq: "Yes" } }' },
  })).json_body as Json;
  story.say(`${flaggedBody.count} flagged for retest in project ${project}:`);
  for (const v of flaggedBody.vulnerabilities) story.say(`   [${v.vulnerability_priority}] ${v.vulnerability_title} (${v.vulnerability_status})`);

  const open = (await story.run('Open vulnerabilities', 'attackforge_get_project_vulnerabilities', {
    path_parameters: { id: project },
    parameters: { q: '{ status: { $eq: "Open" } }' },
  })).json_body as Json;
  expectThat(open.count > 0, 'no Open vulnerability to set to Retest');
  const fixed = open.vulnerabilities[0];
  story.say(`A fix is reported for "${fixed.vulnerability_title}" (${fixed.vulnerability_id}): set it to Retest.`);

  const updated = (await story.run('Set it to Retest', 'attackforge_update_vulnerability', {
    path_parameters: { id: fixed.vulnerability_id },
    json_body: { projectId: project, status: 'Retest' },
  })).json_body as Json;
  story.say(`Now ${updated.vulnerability.vulnerability_status} (retest: ${updated.vulnerability.vulnerability_retest}).`);

  const ids: string[] = [...flaggedBody.vulnerabilities.map((v: Json) => v.vulnerability_id as string), fixed.vulnerability_id];
  const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00.000Z');
  const windowEnd = new Date(today.getTime() + 7 * 86_400_000);
  const requested = (await story.run('Request a retest round for them', 'attackforge_request_new_project_retest', {
    path_parameters: { id: project },
    json_body: { retesting_window_start: today.toISOString(), retesting_window_end: windowEnd.toISOString(), vulnerability_ids: ids },
  })).json_body as Json;
  story.say(`"${requested.status}"`);

  const shown = (await story.run('The project shows the round', 'attackforge_get_project', { path_parameters: { id: project } })).json_body as Json;
  const rounds: Json[] = shown.project.project_retest_rounds;
  const round = rounds.filter((r) => r.status === 'Requested').at(-1);
  expectThat(round, 'the project shows no open retest round');
  story.say(`Project ${shown.project.project_code} is ${shown.project.project_status}: round ${round.round_number} ${round.status}, ${round.vulnerability_ids.length} vulnerabilities.`);

  const completed = (await story.run(`The tester completes round ${round.round_number}`, 'attackforge_complete_project_retest_round', {
    path_parameters: { id: project, roundNumber: round.round_number },
  })).json_body as Json;
  story.say(`"${completed.status}"`);

  const final = (await story.run('The vulnerabilities of the round now', 'attackforge_get_project_vulnerabilities', {
    path_parameters: { id: project },
    parameters: { q: JSON.stringify({ id: { $in: round.vulnerability_ids } }) },
  })).json_body as Json;
  for (const v of final.vulnerabilities) story.say(`   ${v.vulnerability_title}: ${v.vulnerability_status}`);
  const closed = final.vulnerabilities.filter((v: Json) => v.vulnerability_status === 'Closed').length;
  expectThat(closed === round.vulnerability_ids.length, `${closed} of the round's ${round.vulnerability_ids.length} vulnerabilities are Closed`);
  story.say(`All ${closed} Closed.`);
}

/** The story told for each connection the simulator plays, by connection id. */
const LOOPS: Record<string, (story: Story, reportsDir: string) => Promise<void>> = { invicti: invictiLoop, attackforge: attackforgeLoop };

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(CLI)) throw new StepFailed(`${CLI} is missing: run "npm run build" first (npm start does)`);
  const reportsDir = options.reportsDir ?? mkdtempSync(join(tmpdir(), 'retest-connectors-reports-'));
  const sim = await startSimulator({ port: 0, host: '127.0.0.1', scanSeconds: options.scanSeconds });
  const started = Date.now();
  try {
    console.log(`retest-connectors ${manifest.version}: the retest loop of both vendors against the built-in simulator at ${sim.url}`);
    console.log(`(demo accounts, no credentials of yours, no internet; a retest takes ${options.scanSeconds} s here)`);
    console.log('Every step is a run of the CLI, with the simulator in the environment:');
    for (const id of Object.keys(manifest.connections)) {
      const fields = sim.connections[id];
      if (!fields) continue;
      const set = connectionVariables(id).filter((v) => fields[v.field] !== undefined).map((v) => `${v.name}=${v.secret ? '***' : String(fields[v.field])}`);
      console.log(`   $ export ${set.join(' ')}`);
    }
    console.log('   (*** = the demo credentials that `retest-connectors simulate` prints)');
    const story = new Story(simulatorEnv(sim));
    for (const [id, connection] of Object.entries(manifest.connections)) {
      const loop = LOOPS[id];
      if (loop && sim.connections[id]) await loop(story, reportsDir);
      else console.log(`\n== ${connection.title}: no ${sim.connections[id] ? 'loop story' : 'simulator'} for the ${id} connection; skipped`);
    }
  } finally {
    await sim.close();
  }
  console.log(`\nThe loops went through in ${((Date.now() - started) / 1000).toFixed(1)} s. Simulator stopped.`);
  console.log('Try it yourself: README, "Try the loop yourself".');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`\nnpm start failed: ${error instanceof StepFailed ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
