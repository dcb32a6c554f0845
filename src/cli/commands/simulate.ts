/** `retest-connectors simulate [--port N] [--host 127.0.0.1] [--scan-seconds N]`: the vendor simulator in the foreground. */
import { expectPositionals, parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { manifest } from '../../contract/manifest.js';
import { connectionVariables } from '../connection-env.js';

export const DEFAULT_PORT = 8787;

export const HELP = `Usage: retest-connectors simulate [--port N] [--host 127.0.0.1] [--scan-seconds N]

Runs the built-in simulator of the vendors' APIs in the foreground (Ctrl-C stops it) and
prints its URLs, demo credentials and seeded ids. A connection of connector.json the
simulator does not play is named as such.

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
  const { startSimulator } = await import('../../simulator/index.js');
  let simulator;
  try {
    simulator = await startSimulator({ port, host, ...(scanSeconds === undefined ? {} : { scanSeconds }) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${port} is in use (try --port 0)` : error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot start the simulator on ${host}:${port}: ${reason}.`, 'simulate');
  }
  if (!/^(127\.|::1$|localhost$)/.test(host)) io.stderr(`warning: listening on ${host}, not loopback; the demo credentials are public.\n`);
  const played = Object.keys(manifest.connections).filter((id) => simulator.connections[id]);
  const unplayed = Object.keys(manifest.connections).filter((id) => !simulator.connections[id]);
  const exports = played.map((id) => {
    const fields = simulator.connections[id]!;
    const set = connectionVariables(id).filter((v) => fields[v.field] !== undefined).map((v) => `${v.name}=${String(fields[v.field])}`);
    return `  export ${set.join(' ')}`;
  });
  const example = manifest.actions.find((a) => played.includes(a.connection));
  io.stdout(
    [
      `Simulator listening on ${simulator.url} (Ctrl-C to stop)`,
      '',
      ...played.flatMap((id) => [...simulator.banners[id]!, '']),
      ...unplayed.map((id) => `${manifest.connections[id]!.title} (${id}): no simulator; point its connection at the vendor's API.`),
      ...(unplayed.length > 0 ? [''] : []),
      'In another shell:',
      ...exports,
      ...(example ? [`  retest-connectors run ${example.id} --input <(retest-connectors describe ${example.id} --json | jq .example_input)`] : []),
      '',
    ].join('\n'),
  );
  const signal = await io.untilStopped();
  await simulator.close();
  io.stderr(`Simulator stopped (${signal}); it received ${simulator.requestCount} request(s).\n`);
  return EXIT.OK;
}
