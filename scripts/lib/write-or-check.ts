import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';

/**
 * The one way a generator touches a checked-in file. Without --check: writes
 * it (creating its folder) or deletes an orphan. With --check on the command
 * line: writes nothing and records every file that is stale, missing or
 * orphaned; scripts/generate.ts lists them ALL at the end and exits 1.
 */
export const checking = process.argv.includes('--check');

const stale: string[] = [];
let checked = 0;

/** Files found stale so far (relative to the package root, with why when it is not a plain difference). */
export function staleFiles(): readonly string[] {
  return stale;
}

export function writeOrCheck(path: string, content: string): void {
  const name = relative(packageRoot, path).split('\\').join('/');
  if (!checking) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${name}`);
    return;
  }
  checked += 1;
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === undefined) stale.push(`${name} (missing)`);
  else if (current !== content) stale.push(name);
}

/** A file a generator once wrote and no longer does: deleted, or with --check recorded as stale. */
export function removeOrphan(path: string): void {
  const name = relative(packageRoot, path).split('\\').join('/');
  if (checking) {
    stale.push(`${name} (no longer generated)`);
    return;
  }
  rmSync(path);
  console.log(`deleted ${name}`);
}

/** The end of a --check run: every stale file listed on stderr, exit status 1 when there is one. */
export function reportCheck(): number {
  if (stale.length > 0) {
    console.error(`${stale.length} generated file(s) are stale: run \`npm run generate\` and commit the result.\n  ${stale.join('\n  ')}`);
    return 1;
  }
  console.log(`${checked} generated files are up to date.`);
  return 0;
}
