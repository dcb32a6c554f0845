/** `retest-connectors simulate [--port N] [--host 127.0.0.1] [--scan-seconds N]`: the vendor simulator in the foreground. */
import { expectPositionals, parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export const DEFAULT_PORT = 8787;

export const HELP = `Usage: retest-connectors simulate [--port N] [--host 127.0.0.1] [--scan-seconds N]

Runs the built-in simulator of the Invicti and AttackForge APIs in the foreground
(Ctrl-C stops it) and prints its URLs, demo credentials and seeded ids.

Options:
  --port <N>     port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --host <host>  address to listen on (default 127.0.0.1)
  --scan-seconds <N>
                 seconds a retest takes from launch to Complete (default 4; a full
                 scan takes twice as long; 0 completes at once; at most 86400)
  -h, --help     this help
`;

function parseScanSeconds(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,5}(\.\d{1,3})?$/.test(raw) || Number(raw) > 86_400) throw new UsageError('--scan-seconds must be a number from 0 to 86400.', 'simulate');
  return Number(raw);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError('--port must be a number from 0 to 65535.', 'simulate');
  return Number(raw);
}

export async function simulateCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandArgs('simulate', args, {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'scan-seconds': { type: 'string' },
  });
  if (help) {
    io.stdout(HELP);
    return EXIT.OK;
  }
  expectPositionals('simulate', positionals, []);
  const port = parsePort(values.port as string | undefined);
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const scanSeconds = parseScanSeconds(values['scan-seconds'] as string | undefined);
  const { startSimulator, SEED_SCAN_IDS, SEED_PROJECT_IDS, SEED_VULNERABILITY_IDS } = await import('../../simulator/index.js');
  let simulator;
  try {
    simulator = await startSimulator({ port, host, ...(scanSeconds === undefined ? {} : { scanSeconds }) });
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
      `  a retest runs Queued -> Scanning -> Complete in ${simulator.scanSeconds} s (--scan-seconds); then GET /api/1.0/scans/result/{id}`,
      `  check the effect:             GET /api/1.0/issues/waitingforretest, /api/1.0/scans/status/{id}, /api/1.0/scans/list`,
      '',
      `AttackForge  ${simulator.attackforgeUrl}/api/ss   api_key ${attackforge.api_key}`,
      `  project ${SEED_PROJECT_IDS.webApp}: Retest ${SEED_VULNERABILITY_IDS.xssRetest}, ${SEED_VULNERABILITY_IDS.sqliRetest}; Open ${SEED_VULNERABILITY_IDS.hstsOpen}; Closed ${SEED_VULNERABILITY_IDS.jqueryClosed}`,
      `  project ${SEED_PROJECT_IDS.mobileApi}: Retest ${SEED_VULNERABILITY_IDS.bolaRetest}; Open ${SEED_VULNERABILITY_IDS.verboseErrorsOpen}`,
      `  check the effect:             GET /api/ss/project/{id}, /api/ss/project/{id}/vulnerabilities`,
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
  io.stderr(`Simulator stopped (${signal}); it received ${simulator.requestCount} request(s).\n`);
  return EXIT.OK;
}
