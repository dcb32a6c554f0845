/** `retest-connectors simulate [--port N] [--host 127.0.0.1]`: the vendor simulator in the foreground. */
import { expectPositionals, parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export const DEFAULT_PORT = 8787;

export const HELP = `Usage: retest-connectors simulate [--port N] [--host 127.0.0.1]

Runs the built-in simulator of the Invicti and AttackForge APIs in the foreground
(Ctrl-C stops it) and prints its URLs, demo credentials and seeded ids.

Options:
  --port <N>     port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --host <host>  address to listen on (default 127.0.0.1)
  -h, --help     this help
`;

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError('--port must be a number from 0 to 65535.', 'simulate');
  return Number(raw);
}

export async function simulateCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandArgs('simulate', args, { port: { type: 'string', short: 'p' }, host: { type: 'string' } });
  if (help) {
    io.stdout(HELP);
    return EXIT.OK;
  }
  expectPositionals('simulate', positionals, []);
  const port = parsePort(values.port as string | undefined);
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const { startSimulator, SEED_SCAN_IDS, SEED_PROJECT_IDS, SEED_VULNERABILITY_IDS } = await import('../../simulator/index.js');
  let simulator;
  try {
    simulator = await startSimulator({ port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${port} is in use (try --port 0)` : error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot start the simulator on ${host}:${port}: ${reason}.`, 'simulate');
  }
  const { invicti, attackforge } = simulator.credentials;
  if (!/^(127\.|::1$|localhost$)/.test(host)) io.stderr(`warning: listening on ${host}, not loopback; the demo credentials are public.\n`);
  io.stdout(
    [
      `Simulator listening on ${simulator.url} (Ctrl-C to stop)`,
      '',
      `Invicti      ${simulator.invictiUrl}/api/1.0   user_id ${invicti.user_id}   api_token ${invicti.api_token}`,
      `  completed scans (retest OK):  ${SEED_SCAN_IDS.completed}, ${SEED_SCAN_IDS.completedShop}`,
      `  running scan (retest 400):    ${SEED_SCAN_IDS.running}`,
      `  cancelled scan (retest 400):  ${SEED_SCAN_IDS.cancelled}`,
      `  check the effect:             GET /api/1.0/scans/status/{id}, /api/1.0/scans/detail/{id}, /api/1.0/scans/list`,
      '',
      `AttackForge  ${simulator.attackforgeUrl}/api/ss   api_key ${attackforge.api_key}`,
      `  project ${SEED_PROJECT_IDS.webApp}: Retest ${SEED_VULNERABILITY_IDS.xssRetest}, ${SEED_VULNERABILITY_IDS.sqliRetest}; Open ${SEED_VULNERABILITY_IDS.hstsOpen}; Closed ${SEED_VULNERABILITY_IDS.jqueryClosed}`,
      `  project ${SEED_PROJECT_IDS.mobileApi}: Retest ${SEED_VULNERABILITY_IDS.bolaRetest}; Open ${SEED_VULNERABILITY_IDS.verboseErrorsOpen}`,
      `  check the effect:             GET /api/ss/project/{id}, /api/ss/projects`,
      '',
      'In another shell:',
      `  export INVICTI_URL=${simulator.invictiUrl} INVICTI_USER_ID=${invicti.user_id} INVICTI_API_TOKEN=${invicti.api_token}`,
      `  export ATTACKFORGE_URL=${simulator.attackforgeUrl} ATTACKFORGE_API_KEY=${attackforge.api_key}`,
      `  retest-connectors run invicti_scan_retest --input <(retest-connectors describe invicti_scan_retest --json | jq .example_input)`,
      '',
    ].join('\n'),
  );
  const signal = await io.untilStopped();
  await simulator.close();
  io.stderr(`Simulator stopped (${signal}); it received ${simulator.requests.length} request(s).\n`);
  return EXIT.OK;
}
