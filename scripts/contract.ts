/**
 * npm run contract: what changed in the public contract (connector.json and the
 * schemas it names) since the last release, whose snapshot is committed under
 * contract/. See scripts/lib/contract-diff.ts for what counts as breaking.
 *
 *   npm run contract                 list every change; exit 1 on a breaking change the version does not allow
 *   npm run contract -- --check      the same, printing only the summary and the breaking changes (npm run check)
 *   npm run contract -- --json       the changes as one JSON document
 *   npm run contract -- --snapshot   cut a release: replace contract/ with the current connector.json and schemas/
 *   --root <dir>                     another project folder (tests run on temporary copies)
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { breakingAllowed, compareContracts, formatReport, loadContract } from './lib/contract-diff.js';
import { packageRoot } from '../src/contract/package-root.js';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? resolve(args[rootAt + 1] ?? '.') : packageRoot;
const snapshotDir = join(root, 'contract');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

if (args.includes('--snapshot')) {
  rmSync(snapshotDir, { recursive: true, force: true });
  mkdirSync(snapshotDir, { recursive: true });
  cpSync(join(root, 'connector.json'), join(snapshotDir, 'connector.json'));
  cpSync(join(root, 'schemas'), join(snapshotDir, 'schemas'), { recursive: true });
  writeFileSync(
    join(snapshotDir, 'README.md'),
    `# Released contract: retest-connectors ${version}\n\n` +
      'A verbatim copy of `connector.json` and `schemas/` as released, written by `npm run contract -- --snapshot`.\n' +
      '`npm run contract` (and `npm run check`) compare the working tree with it. Never edit by hand: cut a new\n' +
      'snapshot when you release (README, "Contract and releases").\n',
  );
  console.log(`contract/ now holds the contract of ${version}: commit it with the release.`);
  process.exit(0);
}

if (!existsSync(join(snapshotDir, 'connector.json'))) {
  console.error('contract/connector.json is missing: cut the first snapshot with `npm run contract -- --snapshot`.');
  process.exit(1);
}

const released = loadContract(snapshotDir);
const current = loadContract(root);
const changes = compareContracts(released, current);
const breaking = changes.filter((c) => c.breaking);
const allowed = breakingAllowed(released.version, version);

if (args.includes('--json')) {
  console.log(JSON.stringify({ released: released.version, current: version, breaking_allowed: allowed, changes }, null, 2));
} else if (args.includes('--check')) {
  console.log(formatReport(changes, released.version, version, true));
} else {
  console.log(formatReport(changes, released.version, version));
}
process.exit(breaking.length && !allowed ? 1 : 0);
