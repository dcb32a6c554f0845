// A copy of the project in a temporary folder: every file git tracks (and untracked, not ignored ones,
// so a working tree under change is copied as it is), with node_modules linked, not copied. Scripts and
// the CLI run from the copy find ITS connector.json and schemas/ (src/contract/package-root.ts walks up
// from the module), so a test can change the manifest and see what a contributor would, without
// touching the real tree.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';

export interface ProjectCopy {
  root: string;
  read(path: string): string;
  write(path: string, content: string): void;
  readJson<T = unknown>(path: string): T;
  writeJson(path: string, value: unknown): void;
  /** Runs `tsx <script> ...args` in the copy (scripts/generate.ts, src/cli/main.ts, ...). */
  tsx(script: string, args: string[], options?: { env?: Record<string, string>; input?: string }): SpawnSyncReturns<string>;
  remove(): void;
}

const SKIP = /^(node_modules|dist|test-results|bench|tests\/fixtures\/vendor)\//;

export function copyProject(prefix = 'retest-project-'): ProjectCopy {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: packageRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  for (const path of listed.split('\0')) {
    if (!path || SKIP.test(path) || !existsSync(join(packageRoot, path))) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    cpSync(join(packageRoot, path), join(root, path));
  }
  symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  const tsxCli = join(packageRoot, 'node_modules/tsx/dist/cli.mjs');
  return {
    root,
    read: (path) => readFileSync(join(root, path), 'utf8'),
    write: (path, content) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    },
    readJson: (path) => JSON.parse(readFileSync(join(root, path), 'utf8')),
    writeJson(path, value) {
      this.write(path, JSON.stringify(value, null, 2) + '\n');
    },
    tsx: (script, args, options = {}) =>
      spawnSync(process.execPath, [tsxCli, script, ...args], {
        cwd: root,
        encoding: 'utf8',
        input: options.input ?? '',
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, NODE_NO_WARNINGS: '1', ...options.env },
        timeout: 300_000,
      }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
