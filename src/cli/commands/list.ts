/** `retest-connectors list [--json]`: the actions the bundle declares. */
import { manifest } from '../../contract/manifest.js';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { table } from '../text.js';

export const HELP = `Usage: retest-connectors list [--json]

Lists the actions by vendor: id, method, path and title.

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

/** One section per vendor, in the manifest's order, headed by its name: a table of its actions, columns aligned across sections. */
export function byVendor(actions: ActionListing[]): string {
  const rows = actions.map((a) => [a.id, a.method, a.path, a.title]);
  const lines = table(['ACTION', 'METHOD', 'PATH', 'TITLE'], rows).trimEnd().split('\n');
  const [header, ...body] = lines;
  const vendorIds = [...manifest.vendors.map((v) => v.id), ...actions.map((a) => a.vendor)].filter((id, i, all) => all.indexOf(id) === i);
  const sections: string[] = [];
  for (const vendorId of vendorIds) {
    const own = body.filter((_, i) => actions[i]!.vendor === vendorId);
    if (own.length === 0) continue;
    const name = manifest.vendors.find((v) => v.id === vendorId)?.name ?? vendorId;
    sections.push([`${name} (${vendorId})`, `  ${header}`, ...own.map((line) => `  ${line}`)].join('\n'));
  }
  return sections.join('\n\n') + '\n';
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
  io.stdout(byVendor(actions));
  return EXIT.OK;
}
