/**
 * `retest-connectors run <action> --input <file|-> [--connection <file>] [--timeout-ms N] [--save-file <dir>] [--dry-run]`:
 * runs the action through runAction, the same path a library call takes, and
 * prints the envelope as one JSON document on stdout.
 */
import { authFields } from '../../runtime/auth.js';
import { connectionSecrets } from '../../runtime/connection.js';
import { loadValidators } from '../../contract/validators.js';
import { isConnectorError } from '../../contract/errors.js';
import type { ActionDeclaration } from '../../contract/manifest.js';
import { redact } from '../../runtime/redact.js';
import { resolvePointer } from '../../contract/json-pointer.js';
import { actionFromArgument } from '../actions.js';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { connectionVariables } from '../connection-env.js';
import { transportFieldNames } from '../../contract/connection-fields.js';
import { loadConnection, withEnvironmentHint } from '../connection-file.js';
import { reportError, UsageError, WriteError } from '../errors.js';
import { EXIT, EXIT_STATUS_TABLE, exitCodeForEnvelope, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { MAX_DOCUMENT_BYTES, parseJsonDocument, readTextFile, stdinText } from '../json-file.js';
import type { Envelope } from '../../runtime/envelope.js';
import { escapeControls, terminalSafeJson } from '../../runtime/neutralise.js';
import { vendorMessage } from '../../runtime/summary.js';
import { getConnection, manifest } from '../../contract/manifest.js';
import { progressPrinter } from '../progress.js';

/** Per connection: its id and the fields a caller sets (url, credentials), then the transport settings. */
function connectionFieldLines(): string {
  return Object.entries(manifest.connections)
    .map(([id, connection]) => {
      const fields = connectionVariables(id).filter((v) => v.required || v.secret || v.field === 'url').map((v) => v.field);
      return `${' '.repeat(27)}${id} (${connection.title}): ${fields.join(', ')}`;
    })
    .concat(`${' '.repeat(27)}and any of: ${transportFieldNames().join(', ')}`)
    .join('\n');
}

/** Examples built from the manifest: its first action, a wait action and a file action where there are some. */
function examples(): string {
  const first = manifest.actions[0]!;
  const secrets = connectionVariables(first.connection).filter((v) => v.required && v.field !== 'url');
  const wait = manifest.actions.find((a) => a.poll);
  const file = manifest.actions.find((a) => a.response?.file);
  return [
    `  ${secrets.map((v) => `${v.name}=...`).join(' ')} \\`,
    `    retest-connectors run ${first.id} --input input.json`,
    `  retest-connectors describe ${first.id} --json | jq .example_input | \\`,
    `    retest-connectors run ${first.id} --input - --connection ${first.connection}.json --dry-run`,
    ...(wait ? [`  retest-connectors run ${wait.id} --input wait.json; echo "exit $?"   # 0 Complete, 7 Failed/Cancelled, 5 still running`] : []),
    ...(file ? [`  retest-connectors run ${file.id} --input report.json --save-file reports/`] : []),
  ].join('\n');
}

export function help(): string {
  const connectionLines = connectionFieldLines();
  const variables = Object.keys(manifest.connections).flatMap((id) => connectionVariables(id));
  const waits = manifest.actions.filter((a) => a.poll).map((a) => a.id).join(', ');
  return `Usage: retest-connectors run <action> --input <file | -> [--connection <file>] [--timeout-ms N]
                             [--save-file <dir>] [--dry-run]

Runs an action and prints its envelope {status_code, reason, response_headers, json_body,
response_text?, file?} as one JSON document on stdout. Human messages and errors go to stderr.
A report comes back in file {file_name, content_type, size_bytes, content_base64}.

A wait action (${waits}) polls until a terminal state or its wait.timeout_s: progress
(state, percentage, elapsed) goes to stderr, one line per change (updated in place on a terminal);
its envelope is the last status plus wait {done, outcome, polls, waited_ms, errors, timed_out,
next_check_after_s}. With "wait": {"once": true} it sends one status request and returns at once.
outcome completed (exit 0): a successful terminal state (Complete); ended (exit 7): a terminal state
that is not (Failed, Cancelled); pending (exit 5): not yet, check again after wait.next_check_after_s.
--timeout-ms bounds each poll, not the wait. Ctrl-C or SIGTERM stops any run at once (exit 130).

Options:
  --input <file | ->       the action's input as JSON (- reads stdin); see: retest-connectors describe <action>
  --connection <file>      the connection as JSON, its fields as the connection's schema names them:
${connectionLines}
                           Its fields win over the environment.
  --timeout-ms <N>         timeout for this run in milliseconds (wins over the connection's timeout_ms)
  --save-file <dir>        stream a returned file (a report) to <dir>/<file_name> as it arrives (dir is
                           created if missing); it gets its name only once complete, and the envelope
                           prints file.path (absolute) in place of content_base64 and response_text.
                           Never overwrites: an existing name is saved as "name (1).ext", "name (2).ext", ...
  --dry-run                print the exact request {method, url, headers, body} with secrets masked; send nothing
  -h, --help               this help

Environment (used for fields the --connection file does not set; empty counts as unset):
${variables.map((v) => `  ${v.name.padEnd(24)} ${v.field}${v.secret ? ' (secret)' : ''}`).join('\n')}
  Booleans accept true/false/1/0/yes/no; integers are digits only.

Exit statuses:
${EXIT_STATUS_TABLE.map(([code, text]) => `  ${String(code).padEnd(3)} ${text}`).join('\n')}

Errors are one JSON line on stderr: {"error":{"code":"INPUT_INVALID","message":"...","details":[...]}}.

Examples:
${examples()}
`;
}

async function loadInput(file: string, io: CliIo): Promise<unknown> {
  const what = file === '-' ? 'The input on stdin' : `The --input file ${JSON.stringify(file)}`;
  const text = file === '-' ? stdinText(await io.readStdin(MAX_DOCUMENT_BYTES), what, 'INPUT_INVALID') : await readTextFile(file, '--input', 'run', 'INPUT_INVALID');
  return parseJsonDocument(text, what, 'INPUT_INVALID');
}

function parseTimeout(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError('--timeout-ms must be a whole number of milliseconds, at least 1.', 'run');
  return Number(raw);
}

/**
 * A dry run shows the auth header masked whatever the credentials are, so it
 * does not need them: a missing auth field (user_id, api_token, api_key) is
 * filled with a placeholder, and stderr says the real run will need it.
 */
function withAuthPlaceholders(action: ActionDeclaration, connection: Record<string, unknown>, io: CliIo): Record<string, unknown> {
  const fields = authFields(getConnection(action.connection).auth).map((f) => f.field);
  const missing = fields.filter((field) => connection[field] === undefined);
  if (missing.length === 0) return connection;
  const names = connectionVariables(action.connection)
    .filter((v) => missing.includes(v.field))
    .map((v) => v.name);
  io.stderr(`retest-connectors: dry run without ${names.join(', ')}: the auth header is shown masked; a real run needs ${missing.length > 1 ? 'them' : 'it'}.\n`);
  return { ...connection, ...Object.fromEntries(missing.map((field) => [field, 'unset'])) };
}

export async function runCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals, help: wantsHelp } = parseCommandArgs('run', args, {
    input: { type: 'string', short: 'i' },
    connection: { type: 'string', short: 'c' },
    'timeout-ms': { type: 'string' },
    'save-file': { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (wantsHelp) {
    io.stdout(help());
    return EXIT.OK;
  }
  const [id] = expectPositionals('run', positionals, ['action']);
  const action = actionFromArgument('run', id!);
  if (typeof values.input !== 'string') throw new UsageError('"run" needs --input <file> (or --input - to read stdin).', 'run');
  const timeoutMs = parseTimeout(values['timeout-ms'] as string | undefined);
  const saveDir = values['save-file'] as string | undefined;
  if (saveDir !== undefined && saveDir.trim() === '') throw new UsageError('--save-file needs a directory.', 'run');

  const connection = await loadConnection(action.connection, values.connection as string | undefined, io.env, 'run');
  // One list for the whole run, so redact's matchers for it are built once.
  const secrets = connectionSecrets(action.connection, connection);
  const scrub = (text: string) => redact(text, secrets);
  try {
    const input = await loadInput(values.input, io);
    // Loaded here, not at the top: list, describe and --help never pay for ajv and got.
    const { dryRun, runAction, validatorPathsFor } = await import('../../runtime/run.js');
    // The CLI bundle carries each schema's validator as its own module: only this action's are loaded.
    await loadValidators(validatorPathsFor(action.id));
    const options = { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(saveDir === undefined ? {} : { saveFileTo: saveDir }) };
    if (values['dry-run']) {
      const request = dryRun(action.id, input, withAuthPlaceholders(action, connection, io), options);
      io.stdout(terminalSafeJson(JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body: request.body ?? null }, null, 2)) + '\n');
      return EXIT.OK;
    }
    const envelope = await runStoppable(action, input, connection, options, io, scrub, runAction);
    // The envelope's JSON is nested at most MAX_JSON_DEPTH deep (runtime/envelope.ts), so printing it cannot exhaust the stack.
    // Every JSON document on stdout goes through terminalSafeJson: the same value, no raw terminal control.
    const print = (value: unknown) => io.stdout(terminalSafeJson(JSON.stringify(value, null, 2)) + '\n');
    // A human line on stderr: secrets scrubbed, then every control shown escaped (runtime/neutralise.ts).
    const say = (text: string) => io.stderr(escapeControls(scrub(text)) + '\n');
    // With --save-file a report was streamed to disk by runAction (runtime/file-sink.ts): file.path names it.
    if (saveDir !== undefined && !envelope.file) io.stderr(`retest-connectors: --save-file: the response carries no file; nothing saved.\n`);
    print(envelope);
    try {
      await io.flushStdout?.();
    } catch (error) {
      throw new WriteError(error, `HTTP ${envelope.status_code} ${escapeControls(envelope.reason)}`);
    }
    const exit = exitCodeForEnvelope(envelope);
    if (exit === EXIT.WAIT_PENDING || exit === EXIT.WAIT_UNSUCCESSFUL) {
      const value = resolvePointer(envelope, action.poll?.progress?.state ?? action.poll?.until.pointer ?? '/status_code');
      const state = value === undefined ? '' : ` (last state ${JSON.stringify(value)})`;
      const wait = envelope.wait!;
      if (exit === EXIT.WAIT_UNSUCCESSFUL) say(`retest-connectors: ${action.id}: ended unsuccessfully${state} (exit ${exit})`);
      else if (wait.once) say(`retest-connectors: ${action.id}: pending${state}${wait.error ? ` (${wait.error.code})` : ''}; check again in ${wait.next_check_after_s} s (exit ${exit})`);
      else say(`retest-connectors: ${action.id}: the wait ended after ${Math.round(wait.waited_ms / 1000)} s before a terminal state${state}; check again in ${wait.next_check_after_s} s (exit ${exit})`);
    } else if (exit !== EXIT.OK) {
      // The vendor's own reason (a 400's Message) says what to fix; the status alone does not.
      const message = vendorMessage(envelope);
      say(`retest-connectors: ${action.id}: HTTP ${envelope.status_code} ${envelope.reason}${message === undefined ? '' : `: "${message}"`} (exit ${exit})`);
    }
    return exit;
  } catch (error) {
    return reportError(io, isConnectorError(error) ? withEnvironmentHint(error, action.connection) : error, scrub);
  }
}

type RunActionFn = typeof import('../../runtime/run.js').runAction;

/**
 * runAction with SIGINT/SIGTERM wired to its AbortSignal (the run stops at once,
 * ABORTED, exit 130) and, for a wait action, progress on stderr.
 */
async function runStoppable(
  action: ActionDeclaration,
  input: unknown,
  connection: Record<string, unknown>,
  options: { timeoutMs?: number; saveFileTo?: string },
  io: CliIo,
  scrub: (text: string) => string,
  runAction: RunActionFn,
): Promise<Envelope> {
  const controller = new AbortController();
  let stoppedBy: string | undefined;
  const unsubscribe = io.onStop?.((signal) => {
    stoppedBy ??= signal;
    controller.abort();
  });
  const progress = action.poll ? progressPrinter(action.id, io.stderr, io.stderrIsTTY === true, scrub) : undefined;
  try {
    return await runAction(action.id, input, connection, {
      ...options,
      signal: controller.signal,
      ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
    });
  } finally {
    unsubscribe?.();
    progress?.end();
    if (stoppedBy) io.stderr(`retest-connectors: ${action.id}: stopped by ${stoppedBy}\n`);
  }
}
