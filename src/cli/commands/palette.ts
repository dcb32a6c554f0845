/**
 * `retest-connectors palette [--port N] [--host H] [--token T] [--connection [<id>=]<file>]... [--simulator]`:
 * the action palette served on loopback, with a Run button that runs the action
 * through runAction with the connections this process holds (read once at start,
 * exactly as `run` and `mcp` read them). Prints the page's URL, token included.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { manifest } from '../../contract/manifest.js';
import { packageRoot } from '../../contract/package-root.js';
import { isLoopbackHost } from '../../server/loopback.js';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { describeConnection, loadConnection, resolveConnectionFlags, withEnvironmentHint } from '../connection-file.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { simulatorConnections } from '../simulator-connections.js';

export const DEFAULT_PORT = 8790;
export const TOKEN_VARIABLE = 'RETEST_PALETTE_TOKEN';

export const HELP = `Usage: retest-connectors palette [--port N] [--host 127.0.0.1] [--token T]
                                [--connection [<id>=]<file>]... [--simulator]

Serves the action palette (every action's form, from connector.json) at http://<host>:<port>/ and
prints its URL with the token. Fill in an action's input and press Run: the action runs here,
through the same runtime as "run", with the connections this process holds; the page shows the
status, the summary, the body, a report as a download and a wait's progress. Secrets never reach
the page (connections are shown masked).

Options:
  --port <N>               port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <host>            address (default 127.0.0.1); a non-loopback host needs --token (or ${TOKEN_VARIABLE})
  --token <T>              the token every run request must carry (default: generated for this run;
                           ${TOKEN_VARIABLE} works too)
  --connection [<id>=]<file>
                           a connection file for connection <id> (${Object.keys(manifest.connections).join(', ')}); repeatable.
                           Without <id>=, the connection whose fields the file holds.
                           Its fields win over the environment (see: retest-connectors run --help)
  --simulator              start the built-in simulator on loopback and point every connection at it
                           with the demo credentials (no account needed)
  -h, --help               this help

Without a server, \`npm run palette\` builds the same page as static files: it shows the command to run.
`;

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError('--port must be a number from 0 to 65535.', 'palette');
  return Number(raw);
}

export async function paletteCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandArgs('palette', args, {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    token: { type: 'string' },
    connection: { type: 'string', short: 'c', multiple: true },
    simulator: { type: 'boolean' },
  });
  if (help) {
    io.stdout(HELP);
    return EXIT.OK;
  }
  expectPositionals('palette', positionals, []);
  const port = parsePort(values.port as string | undefined);
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const files = await resolveConnectionFlags((values.connection as string[] | undefined) ?? [], 'palette');
  const simulatorWanted = values.simulator === true;
  if (simulatorWanted && Object.keys(files).length > 0) throw new UsageError('--simulator sets every connection; it does not combine with --connection.', 'palette');
  const given = (values.token as string | undefined) ?? io.env[TOKEN_VARIABLE];
  const explicitToken = given === undefined || given === '' ? undefined : given;
  if (explicitToken !== undefined && !/^[\x21-\x7e]{16,512}$/.test(explicitToken)) {
    throw new UsageError('--token must be 16 to 512 printable characters without spaces (e.g. openssl rand -hex 32).', 'palette');
  }
  if (!isLoopbackHost(host) && explicitToken === undefined) {
    throw new UsageError(`--host ${host} is not loopback: give --token (or ${TOKEN_VARIABLE}); a generated token is only offered on loopback.`, 'palette');
  }
  const siteDir = join(packageRoot, 'dist/palette');
  if (!existsSync(join(siteDir, 'index.html')) || !existsSync(join(siteDir, 'app.js'))) {
    throw new UsageError(`The palette is not built (${siteDir} has no index.html and app.js): run \`npm run palette\` (or \`npm run build\`) first.`, 'palette');
  }

  const connections: Record<string, Record<string, unknown>> = {};
  let closeSimulator = async () => {};
  if (simulatorWanted) {
    const simulator = await simulatorConnections(io.env, 'palette');
    closeSimulator = () => simulator.close();
    Object.assign(connections, simulator.connections);
    for (const line of simulator.lines) io.stderr(`retest-connectors palette: ${line}\n`);
  } else {
    for (const id of Object.keys(manifest.connections)) connections[id] = await loadConnection(id, files[id], io.env, 'palette');
    io.stderr(`retest-connectors palette: connections\n${Object.entries(connections).map(([id, fields]) => describeConnection(id, fields)).join('\n')}\n`);
  }

  try {
    // Every action can be run from the page: the bundle loads every validator before serving.
    const { allValidatorPaths, loadValidators } = await import('../../contract/validators.js');
    await loadValidators(allValidatorPaths());
    const { startPaletteServer } = await import('../../palette/server.js');
    const token = explicitToken ?? randomBytes(32).toString('base64url');
    const log = (line: string) => io.stderr(`retest-connectors palette: ${line}\n`);
    let running;
    try {
      running = await startPaletteServer({ host, port, token, siteDir, connections, log, explainError: withEnvironmentHint });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'EADDRINUSE' ? `port ${port} is in use (try --port 0)` : error instanceof Error ? error.message : String(error);
      throw new UsageError(`Cannot listen on ${host}:${port}: ${reason}.`, 'palette');
    }
    io.stdout(`${running.url}\n`);
    io.stderr(`retest-connectors palette: ${manifest.actions.length} actions; open the URL above (it carries the token). Ctrl-C to stop.\n`);
    const signal = await io.untilStopped();
    await running.close();
    io.stderr(`retest-connectors palette: stopped (${signal})\n`);
    return EXIT.OK;
  } finally {
    await closeSimulator();
  }
}
