/**
 * Spawns the built CLI (dist/cli/main.js, what `npm test` builds and the
 * package's bin points at) as a child process. Asynchronous, so a simulator
 * running in the test process keeps answering while the child waits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';

export const CLI_PATH = join(packageRoot, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to the child's stdin (which is closed either way). */
  stdin?: string;
  /** Added to the environment; the parent's INVICTI_* and ATTACKFORGE_* variables are never inherited. */
  env?: Record<string, string>;
  cwd?: string;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does).`);
  return runNode([CLI_PATH, ...args], options);
}

/** Runs `node <args>` in the package root without the caller's INVICTI_* / ATTACKFORGE_* variables. */
export function runNode(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnNode(args, options).result;
}

/** The built CLI as a child process the test can signal (SIGINT, SIGTERM) while it runs. */
export function spawnCli(args: string[], options: CliOptions = {}): { child: ChildProcess; result: Promise<CliResult> } {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does).`);
  return spawnNode([CLI_PATH, ...args], options);
}

function spawnNode(args: string[], options: CliOptions): { child: ChildProcess; result: Promise<CliResult> } {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(INVICTI|ATTACKFORGE)_/.test(name)) env[name] = value;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, args, { env, cwd: options.cwd ?? packageRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const result = outputOf(child);
  child.stdin!.on('error', () => {
    /* the process may exit before reading stdin (usage errors) */
  });
  child.stdin!.end(options.stdin ?? '');
  return { child, result };
}

/** A child process's exit code and everything it wrote on stdout and stderr, once it has closed. */
export function outputOf(child: ChildProcess): Promise<CliResult> {
  return new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The one JSON error line a failed run writes on stderr. */
export function errorOf(result: CliResult): { code: string; message: string; details?: { field: string; message: string }[] } {
  const lines = result.stderr.trim().split('\n');
  return (JSON.parse(lines[lines.length - 1]!) as { error: ReturnType<typeof errorOf> }).error;
}
