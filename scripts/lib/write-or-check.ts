import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';

/**
 * Writes a generated file, or with --check on the command line leaves it alone
 * and exits 1 when the checked-in copy differs (CI's freshness check).
 */
export function writeOrCheck(path: string, content: string, regenerate = 'npm run generate'): void {
  const name = relative(packageRoot, path);
  if (!process.argv.includes('--check')) {
    writeFileSync(path, content);
    console.log(`wrote ${name}`);
    return;
  }
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== content) {
    console.error(`${name} is stale: run \`${regenerate}\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${name} is up to date.`);
}
