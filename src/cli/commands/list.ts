/** `retest-connectors list [--json]`: the actions the bundle declares. */
import { manifest } from '../../contract/manifest.js';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { table } from '../text.js';

export const HELP = `Usage: retest-connectors list [--json]

Lists the actions: id, title, vendor, method and path.

Options:
  --json      one JSON array of {id, title, vendor, method, path} on stdout
  -h, --help  this help
`;

export interface ActionListing {
  id: string;
  title: string;
  vendor: string;
  method: string;
  path: string;
}

export function listActions(): ActionListing[] {
  return manifest.actions.map(({ id, title, vendor, method, path }) => ({ id, title, vendor, method, path }));
}

export async function listCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals, help } = parseCommandArgs('list', args, { json: { type: 'boolean' } });
  if (help) {
    io.stdout(HELP);
    return EXIT.OK;
  }
  expectPositionals('list', positionals, []);
  const actions = listActions();
  if (values.json) {
    io.stdout(JSON.stringify(actions, null, 2) + '\n');
    return EXIT.OK;
  }
  io.stdout(
    table(
      ['ACTION', 'VENDOR', 'METHOD', 'PATH', 'TITLE'],
      actions.map((a) => [a.id, a.vendor, a.method, a.path, a.title]),
    ),
  );
  return EXIT.OK;
}
