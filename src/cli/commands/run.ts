/**
 * `retest-connectors run <action> --input <file|-> [--connection <file>] [--timeout-ms N] [--dry-run]`:
 * runs the action through runAction, the same path a library call takes, and
 * prints the envelope as one JSON document on stdout.
 */
import { connectionSecrets } from '../../runtime/connection.js';
import { isConnectorError } from '../../contract/errors.js';
import type { ActionDeclaration } from '../../contract/manifest.js';
import { redact } from '../../runtime/redact.js';
import { actionFromArgument } from '../actions.js';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { connectionVariables } from '../connection-env.js';
import { loadConnection, withEnvironmentHint } from '../connection-file.js';
import { reportError, UsageError } from '../errors.js';
import { EXIT, EXIT_STATUS_TABLE, exitCodeForStatus, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseJsonDocument, readTextFile } from '../json-file.js';
import { manifest } from '../../contract/manifest.js';

export function help(): string {
  const variables = Object.keys(manifest.connections).flatMap((id) => connectionVariables(id));
  return `Usage: retest-connectors run <action> --input <file | -> [--connection <file>] [--timeout-ms N] [--dry-run]

Runs an action and prints its envelope {status_code, reason, response_headers, json_body,
response_text?} as one JSON document on stdout. Human messages and errors go to stderr.

Options:
  --input <file | ->       the action's input as JSON (- reads stdin); see: retest-connectors describe <action>
  --connection <file>      the connection as JSON: url, user_id, api_token (Invicti) or url, api_key
                           (AttackForge), verify_ssl, http_proxy, timeout_ms. Its fields win over the environment.
  --timeout-ms <N>         timeout for this run in milliseconds (wins over the connection's timeout_ms)
  --dry-run                print the exact request {method, url, headers, body} with secrets masked; send nothing
  -h, --help               this help

Environment (used for fields the --connection file does not set; empty counts as unset):
${variables.map((v) => `  ${v.name.padEnd(24)} ${v.field}${v.secret ? ' (secret)' : ''}`).join('\n')}
  Booleans accept true/false/1/0/yes/no; integers are digits only.

Exit statuses:
${EXIT_STATUS_TABLE.map(([code, text]) => `  ${String(code).padEnd(3)} ${text}`).join('\n')}

Errors are one JSON line on stderr: {"error":{"code":"INPUT_INVALID","message":"...","details":[...]}}.

Examples:
  INVICTI_USER_ID=... INVICTI_API_TOKEN=... \\
    retest-connectors run invicti_scan_retest --input retest.json
  echo '{"data_body":{"id":"af6d0ffd-529e-4056-b39f-b141021fae74"}}' | \\
    retest-connectors run invicti_scan_launch_new_from_scan --input - --connection invicti.json --dry-run
`;
}

async function loadInput(file: string, io: CliIo): Promise<unknown> {
  const text = file === '-' ? await io.readStdin() : await readTextFile(file, '--input', 'run');
  return parseJsonDocument(text, file === '-' ? 'The input on stdin' : `The --input file ${JSON.stringify(file)}`, 'INPUT_INVALID');
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
  const auth = manifest.connections[action.connection]!.auth;
  const fields = auth.type === 'basic' ? [auth.username, auth.password] : [auth.value];
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

  const connection = await loadConnection(action.connection, values.connection as string | undefined, io.env, 'run');
  const scrub = (text: string) => redact(text, connectionSecrets(action.connection, connection));
  try {
    const input = await loadInput(values.input, io);
    // Loaded here, not at the top: list, describe and --help never pay for ajv and got.
    const { dryRun, runAction } = await import('../../runtime/run.js');
    const options = timeoutMs === undefined ? {} : { timeoutMs };
    if (values['dry-run']) {
      const request = dryRun(action.id, input, withAuthPlaceholders(action, connection, io), options);
      io.stdout(JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body: request.body ?? null }, null, 2) + '\n');
      return EXIT.OK;
    }
    const envelope = await runAction(action.id, input, connection, options);
    io.stdout(JSON.stringify(envelope, null, 2) + '\n');
    const exit = exitCodeForStatus(envelope.status_code);
    if (exit !== EXIT.OK) io.stderr(scrub(`retest-connectors: ${action.id}: HTTP ${envelope.status_code} ${envelope.reason} (exit ${exit})`) + '\n');
    return exit;
  } catch (error) {
    return reportError(io, isConnectorError(error) ? withEnvironmentHint(error, action.connection) : error, scrub);
  }
}
