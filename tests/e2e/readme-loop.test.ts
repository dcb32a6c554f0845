// README "Try the loop yourself", run as a new user would: the README's own
// commands, taken from the file, through a `retest-connectors` on PATH (the
// built CLI): `simulate` in the background (with --port 0 instead of 8787, which
// may be taken), then the second block in bash with the simulator's address
// put in place of 127.0.0.1:8787. Checks what the README's comments promise.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';
import { CLI_PATH, outputOf } from '../helpers/cli.js';
import { pdfProblems } from '../helpers/files.js';

jest.setTimeout(60_000);

const MARKER = '<!-- tested: tests/e2e/readme-loop.test.ts';

/** The two sh blocks that follow the marker in README.md. */
function readmeBlocks(): [string, string] {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no "${MARKER}" marker`);
  const blocks = [...readme.slice(at).matchAll(/```sh\n([^]*?)```/g)].slice(0, 2).map((m) => m[1]!);
  return [blocks[0]!, blocks[1]!];
}

function hasJq(): boolean {
  try {
    execFileSync('jq', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let work: string;
let bin: string;
let simulator: ChildProcess | undefined;
let simulatorUrl: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'readme-loop-'));
  bin = join(work, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  // What `npm link` gives a user: retest-connectors on PATH, running the package's bin.
  writeFileSync(join(bin, 'retest-connectors'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_PATH}" "$@"\n`);
  chmodSync(join(bin, 'retest-connectors'), 0o755);
  if (!hasJq()) {
    // The README needs jq for a few field picks; where it is missing, a stand-in for exactly those filters.
    writeFileSync(
      join(bin, 'jq'),
      `#!${process.execPath}\nconst a=process.argv.slice(2);const raw=a[0]==='-r';const f=raw?a[1]:a[0];\n` +
        `let v=JSON.parse(require('fs').readFileSync(0,'utf8'));const [path,op]=f.split('|').map((s)=>s.trim());\n` +
        `for(const k of path.split('.').filter(Boolean))v=v==null?null:v[k];if(op==='length')v=v.length;\n` +
        `console.log(raw&&typeof v==='string'?v:JSON.stringify(v,null,2));\n`,
    );
    chmodSync(join(bin, 'jq'), 0o755);
  }
  env = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(INVICTI|ATTACKFORGE)_/.test(name)) env[name] = value;
  env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;

  const [start] = readmeBlocks();
  const command = start.trim();
  expect(command).toBe('retest-connectors simulate --scan-seconds 6');
  simulator = spawn('sh', ['-c', `exec ${command} --port 0`], { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  simulatorUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    simulator!.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /Simulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    simulator!.on('exit', (code) => reject(new Error(`simulate exited ${code}: ${out}`)));
  });
});

afterAll(async () => {
  if (simulator && simulator.exitCode === null) {
    const exited = new Promise((resolve) => simulator!.on('exit', resolve));
    simulator.kill('SIGINT');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

describe('README: Try the loop yourself', () => {
  test('the commands run as written: 4 waiting, a retest, Complete, 11 issues, a PDF in ./reports; an AttackForge round completed', async () => {
    const [, loop] = readmeBlocks();
    expect(loop).toContain('http://127.0.0.1:8787');
    const script = loop.replaceAll('http://127.0.0.1:8787', simulatorUrl);
    const result = await outputOf(spawn('bash', ['-eo', 'pipefail', '-c', script], { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect([result.code, result.code === 0 ? '' : result.stderr]).toEqual([0, '']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      '4',
      expect.stringMatching(/^retest scan [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      'Complete',
      '11',
      expect.stringMatching(new RegExp(`^${join(work, 'reports').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/Vulnerabilities-Sample-[0-9a-f]{8}\\.pdf$`)),
      '2',
      'Project retest requested for Project 66333e1d110ab5acf8a4354e',
      'Retest round 1 completed for Project 66333e1d110ab5acf8a4354e',
    ]);
    const pdf = readFileSync(lines[4]!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfProblems(pdf)).toEqual([]);
    // The wait's progress, on stderr as the README says.
    expect(result.stderr).toMatch(/invicti_scan_wait: Scanning \d+ %, \d+ s elapsed, \d+ polls\n/);
    expect(result.stderr).toMatch(/invicti_scan_wait: Complete 100 %, \d+ s elapsed, \d+ polls, done\n/);
  });
});
