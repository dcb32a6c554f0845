/**
 * The command line: dispatches to one command module, loaded on demand so a
 * `run` never loads the simulator and `list` never loads got or ajv.
 */
import { UsageError, WriteError, reportError } from './errors.js';
import { EXIT, EXIT_STATUS_TABLE, type ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

type Command = (args: string[], io: CliIo) => Promise<ExitCode>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  list: async () => (await import('./commands/list.js')).listCommand,
  describe: async () => (await import('./commands/describe.js')).describeCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  simulate: async () => (await import('./commands/simulate.js')).simulateCommand,
  mcp: async () => (await import('./commands/mcp.js')).mcpCommand,
  palette: async () => (await import('./commands/palette.js')).paletteCommand,
};

/** The top-level help; vendors and environment variables come from connector.json (loaded only for --help). */
export async function help(): Promise<string> {
  const { manifest } = await import('../contract/manifest.js');
  const { connectionVariables } = await import('./connection-env.js');
  const vendors = manifest.vendors.map((v) => v.name);
  const vendorList = vendors.length > 1 ? `${vendors.slice(0, -1).join(', ')} or ${vendors.at(-1)}` : vendors[0];
  const variables = Object.keys(manifest.connections).flatMap((id) => connectionVariables(id).filter((v) => v.required || v.secret || v.field === 'url').map((v) => v.name));
  return `retest-connectors: ask ${vendorList} for a retest, from a shell or a playbook step.

Usage:
  retest-connectors list [--json]                    the actions
  retest-connectors describe <action> [--json]       an action's input and output schemas, an example input
  retest-connectors run <action> --input <file | -> [--connection <file>] [--timeout-ms N] [--dry-run]
                                                     run an action; the envelope is printed on stdout as JSON
  retest-connectors simulate [--port N] [--host H]   the built-in simulator of the vendors that have one
  retest-connectors mcp [--http] [--simulator]       every action as an MCP tool (stdio, or Streamable HTTP)
  retest-connectors palette [--port N] [--simulator] the action palette in a browser, with a Run button
  retest-connectors help [command]                   help for a command (same as: <command> --help)
  retest-connectors --version

The connection comes from --connection <file> or the environment (${wrap(variables.join(', ') + ', ...);', 100)}
see: retest-connectors run --help.

Exit statuses:
${EXIT_STATUS_TABLE.map(([code, text]) => `  ${String(code).padEnd(3)} ${text}`).join('\n')}
`;
}

/** Words joined into lines of at most `width` characters (the first line is shorter by what precedes it). */
function wrap(text: string, width: number, first = 34): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const limit = lines.length === 0 ? first : width;
    if (line && line.length + 1 + word.length > limit) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

async function version(): Promise<string> {
  const { manifest } = await import('../contract/manifest.js');
  return `${manifest.name} ${manifest.version}\n`;
}

async function dispatch(argv: string[], io: CliIo): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError(`No command given. Commands: ${Object.keys(COMMANDS).join(', ')}, help.`);
  if (first === '--help' || first === '-h') {
    io.stdout(await help());
    return EXIT.OK;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(await version());
    return EXIT.OK;
  }
  if (first === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined) {
      io.stdout(await help());
      return EXIT.OK;
    }
    if (extra.length > 0 || !Object.hasOwn(COMMANDS, topic)) throw new UsageError(`Unknown command ${JSON.stringify(extra[0] ?? topic)}.`);
    return (await COMMANDS[topic]!())(['--help'], io);
  }
  if (first.startsWith('-')) throw new UsageError(`Unknown flag ${first}; flags go after the command.`);
  if (!Object.hasOwn(COMMANDS, first)) {
    throw new UsageError(`Unknown command ${JSON.stringify(first)}. Commands: ${Object.keys(COMMANDS).join(', ')}, help.`);
  }
  return (await COMMANDS[first]!())(rest, io);
}

/** Runs the command line `argv` (without node and the script) and returns the exit status. */
export async function cli(argv: string[], io: CliIo): Promise<ExitCode> {
  try {
    const status = await dispatch(argv, io);
    // list, describe, --help on a full disk: one clear line and exit 6, never a stack trace.
    if (status !== EXIT.WRITE_FAILED) {
      await io.flushStdout?.().catch((error: unknown) => {
        throw new WriteError(error);
      });
    }
    return status;
  } catch (error) {
    return reportError(io, error);
  }
}
