/**
 * `retest-connectors mcp [--http [--port N] [--host H]] [--connection [<id>=]<file>]... [--simulator]`:
 * every action as an MCP tool, over stdio (default: what desktop agents spawn)
 * or Streamable HTTP. Connections are read once at start, exactly as `run`
 * reads them; no tool argument carries a secret. In stdio mode stdout belongs
 * to the protocol: everything else goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import { manifest } from '../../contract/manifest.js';
import { isLoopbackHost } from '../../server/loopback.js';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { describeConnection, loadConnection, resolveConnectionFlags, withEnvironmentHint } from '../connection-file.js';
import { connectionVariables } from '../connection-env.js';
import { UsageError } from '../errors.js';
import { simulatorConnections } from '../simulator-connections.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { RunningCalls } from '../../mcp/running-calls.js';
import { MCP_SDK, mcpSdkRange, requireMcpSdk } from '../mcp-sdk.js';

export const DEFAULT_PORT = 8788;
export const TOKEN_VARIABLE = 'RETEST_MCP_TOKEN';

/** The variables that name a vendor's account (url, credentials), per connection in manifest order. */
function exampleVariables(): string[] {
  return Object.keys(manifest.connections).flatMap((id) => connectionVariables(id).filter((v) => v.required || v.secret || v.field === 'url').map((v) => v.name));
}

export const HELP = () => `Usage: retest-connectors mcp [--connection [<id>=]<file>]... [--simulator]
       retest-connectors mcp --http [--port N] [--host 127.0.0.1] [--connection [<id>=]<file>]... [--simulator]

Serves every action as an MCP tool (name = action id). The tool's result is the envelope
{status_code, reason, response_headers, json_body} as structuredContent; a non-2xx status
is an error result that still carries it.

Transports:
  (default)                stdio: the client spawns this command; stdout carries only the protocol
  --http                   Streamable HTTP at http://<host>:<port>/mcp; every request needs
                           Authorization: Bearer <token>, the token from ${TOKEN_VARIABLE} or, when
                           unset, generated and printed once on stderr
  --port <N>               HTTP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <host>            HTTP address (default 127.0.0.1); a non-loopback host needs ${TOKEN_VARIABLE}

Connections (read once at start, as "run" reads them):
  --connection [<id>=]<file>
                           a connection file for connection <id> (${Object.keys(manifest.connections).join(', ')}); repeatable.
                           Without <id>=, the connection whose fields the file holds.
                           Its fields win over the environment (<ID>_<FIELD>: ${exampleVariables().slice(0, 2).join(', ')},
                           ...; see: run --help)
  --simulator              start the built-in simulator and point every connection it plays at it
                           with the demo credentials (no account needed); the others come from the environment
  -h, --help               this help

Needs ${MCP_SDK} installed next to retest-connectors (an optional peer dependency,
kept out of a plain install): npm install '${MCP_SDK}@${mcpSdkRange()}'

Example client configuration (stdio):
  { "mcpServers": { "retest-connectors": { "command": "npx",
    "args": ["-y", "-p", "retest-connectors", "-p", "${MCP_SDK}@${mcpSdkRange()}", "retest-connectors", "mcp"],
    "env": { ${exampleVariables().filter((v) => !v.endsWith('_URL')).map((v) => `"${v}": "..."`).join(', ')} } } } }
`;

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError('--port must be a number from 0 to 65535.', 'mcp');
  return Number(raw);
}

export async function mcpCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandArgs('mcp', args, {
    http: { type: 'boolean' },
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    connection: { type: 'string', short: 'c', multiple: true },
    simulator: { type: 'boolean' },
  });
  if (help) {
    io.stdout(HELP());
    return EXIT.OK;
  }
  expectPositionals('mcp', positionals, []);
  const http = values.http === true;
  if (!http && (values.port !== undefined || values.host !== undefined)) throw new UsageError('--port and --host apply to --http only.', 'mcp');
  const port = parsePort(values.port as string | undefined);
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const files = await resolveConnectionFlags((values.connection as string[] | undefined) ?? [], 'mcp');
  const simulatorWanted = values.simulator === true;
  await requireMcpSdk();
  if (simulatorWanted && Object.keys(files).length > 0) throw new UsageError('--simulator sets every connection; it does not combine with --connection.', 'mcp');

  const envToken = io.env[TOKEN_VARIABLE] === '' ? undefined : io.env[TOKEN_VARIABLE];
  if (http && !isLoopbackHost(host) && envToken === undefined) {
    throw new UsageError(`--host ${host} is not loopback: set ${TOKEN_VARIABLE} to the bearer token clients must send (a generated token is only offered on loopback).`, 'mcp');
  }

  const connections: Record<string, Record<string, unknown>> = {};
  let closeSimulator = async () => {};
  if (simulatorWanted) {
    const simulator = await simulatorConnections(io.env, 'mcp');
    closeSimulator = () => simulator.close();
    Object.assign(connections, simulator.connections);
    for (const line of simulator.lines) io.stderr(`retest-connectors mcp: ${line}\n`);
  } else {
    for (const id of Object.keys(manifest.connections)) connections[id] = await loadConnection(id, files[id], io.env, 'mcp');
    io.stderr(`retest-connectors mcp: connections\n${Object.entries(connections).map(([id, fields]) => describeConnection(id, fields)).join('\n')}\n`);
  }

  const { createMcpServer } = await import('../../mcp/server.js');
  // Every action is a tool: the CLI bundle loads every validator before serving.
  const { allValidatorPaths, loadValidators } = await import('../../contract/validators.js');
  await loadValidators(allValidatorPaths());
  const log = (line: string) => io.stderr(`retest-connectors mcp: ${line}\n`);
  // One task store for the process: over HTTP its caps count every session, and each task stays its creator's.
  const { BoundedTaskStore } = await import('../../mcp/tasks.js');
  const taskStore = new BoundedTaskStore();
  const newServer = (calls?: RunningCalls, client?: { owner: string }) =>
    createMcpServer({ connections, explainConnectionError: withEnvironmentHint, log, taskStore, ...(calls ? { calls } : {}), ...(client ? { taskOwner: client.owner } : {}) });

  try {
    if (http) {
      const { startHttpServer } = await import('../../mcp/http.js');
      const token = envToken ?? randomBytes(32).toString('base64url');
      let running;
      try {
        running = await startHttpServer({ host, port, token, createServer: newServer, log });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'EADDRINUSE' ? `port ${port} is in use (try --port 0)` : error instanceof Error ? error.message : String(error);
        throw new UsageError(`Cannot listen on ${host}:${port}: ${reason}.`, 'mcp');
      }
      io.stderr(`retest-connectors mcp: ${manifest.actions.length} tools at ${running.url} (Streamable HTTP; Ctrl-C to stop)\n`);
      io.stderr(
        envToken === undefined
          ? `retest-connectors mcp: bearer token (generated for this run; set ${TOKEN_VARIABLE} to choose one): ${token}\n`
          : `retest-connectors mcp: bearer token from ${TOKEN_VARIABLE}\n`,
      );
      if (envToken !== undefined && envToken.length < 32) io.stderr(`warning: ${TOKEN_VARIABLE} is short (${envToken.length} characters); use 32 or more random characters, e.g. openssl rand -hex 32\n`);
      const signal = await io.untilStopped();
      await running.close();
      io.stderr(`retest-connectors mcp: stopped (${signal})\n`);
      return EXIT.OK;
    }

    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const server = newServer();
    // A bounded read buffer: one message larger than this closes the connection.
    const transport = new StdioServerTransport(process.stdin, process.stdout, { maxBufferSize: 4 * 1024 * 1024 });
    const ended = new Promise<string>((resolve) => {
      transport.onclose = () => resolve('stdin closed');
      process.stdin.once('end', () => resolve('stdin closed'));
      process.stdin.once('close', () => resolve('stdin closed'));
    });
    await server.connect(transport);
    io.stderr(`retest-connectors mcp: ${manifest.actions.length} tools on stdio\n`);
    const reason = await Promise.race([ended, io.untilStopped()]);
    await server.close().catch(() => {});
    io.stderr(`retest-connectors mcp: stopped (${reason})\n`);
    return EXIT.OK;
  } finally {
    await closeSimulator();
  }
}
