// `retest-connectors palette …` as a person starts it (the built CLI, --port 0): the child, and the URL it prints.
import type { ChildProcess } from 'node:child_process';
import { spawnCli } from './cli.js';

export interface StartedPalette {
  child: ChildProcess;
  url: string;
  origin: string;
  token: string;
  /** SIGTERM, resolved once the process has exited. */
  stop(): Promise<void>;
}

export async function startPalette(args: string[], env: Record<string, string> = {}): Promise<StartedPalette> {
  const { child } = spawnCli(['palette', '--port', '0', ...args], { env });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const line = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
      if (line) resolve(line[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`palette exited (${code}) before printing its URL: ${err}`)));
  });
  const parsed = new URL(url);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, url, origin: parsed.origin, token: parsed.searchParams.get('token')!, stop };
}
