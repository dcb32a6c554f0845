// What the CLI bundle (scripts/build-cli.ts) leaves out of a cold `run`, read from esbuild's own
// metafile of a build into a temporary folder under test-output/ (inside the package, so the
// build finds connector.json as dist/cli does): got's HTTP/2, response-cache and DNS-cache modules,
// which the transport never enables, are stand-ins that say so if ever reached; and a `run` loads the
// validators of its own action only, each schema's validator being an output of its own.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Metafile } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildCli } from '../../scripts/build-cli.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { runNode } from '../helpers/cli.js';

jest.setTimeout(60_000);

let dir: string;
let meta: Metafile;
beforeAll(async () => {
  mkdirSync(join(packageRoot, 'test-output'), { recursive: true });
  dir = mkdtempSync(join(packageRoot, 'test-output', 'cli-bundle-'));
  meta = await buildCli(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const out = (file: string) => relative(packageRoot, join(dir, file));
const outputOf = (input: string) => Object.entries(meta.outputs).find(([, o]) => Object.keys(o.inputs).includes(input))?.[0];

/** The outputs a `run` loads: main.js, then everything reachable from the run command's output by static or dynamic import. */
function runClosure(): Set<string> {
  const start = [out('main.js'), outputOf('src/cli/commands/run.ts')!, outputOf('src/runtime/run.ts')!];
  const seen = new Set<string>();
  const visit = (file: string, dynamicToo: boolean) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { path, kind } of meta.outputs[file]!.imports) {
      if (path.startsWith('node:') || !meta.outputs[path]) continue;
      if (kind === 'import-statement' || dynamicToo) visit(path, false);
    }
  };
  for (const file of start) visit(file, false);
  return seen;
}

describe('the CLI bundle', () => {
  test.each(['http2-wrapper', 'cacheable-request', 'cacheable-lookup'])('has no module of %s, only its stand-in', (name) => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs.filter((path) => path.includes(`node_modules/${name}/`))).toEqual([]);
    expect(inputs).toContain(`unused-got-feature:${name}`);
  });

  test('still bundles got itself (the transport is not replaced)', () => {
    expect(Object.keys(meta.inputs)).toContain('node_modules/got/dist/source/core/index.js');
  });

  test('each schema validator is an output of its own, and none is loaded by a run until it asks for it', () => {
    const validatorInputs = Object.keys(meta.inputs).filter((path) => path.startsWith('src/generated/validators/'));
    expect(validatorInputs.length).toBeGreaterThanOrEqual(19);
    const outputs = validatorInputs.map(outputOf);
    expect(new Set(outputs).size).toBe(validatorInputs.length);
    const closure = runClosure();
    expect(closure.has(outputOf('node_modules/got/dist/source/core/index.js')!)).toBe(true);
    for (const output of outputs) expect(closure.has(output!)).toBe(false);
    // The all-at-once map is an empty stand-in in the CLI.
    expect(Object.keys(meta.inputs)).toContain('validators-on-demand:all-validators');
  });

  test('a run from this build loads its validators on demand: input checked, a wait checks the polled action too', async () => {
    const main = join(dir, 'main.js');
    const bad = await runNode([main, 'run', 'invicti_scan_retest', '--input', '-', '--dry-run'], { stdin: JSON.stringify({ json_body: {} }) });
    expect(bad.code).toBe(3);
    expect(bad.stdout + bad.stderr).toContain('json_body.BaseScanId');
    const wait = await runNode([main, 'run', 'invicti_scan_wait', '--input', '-', '--dry-run'], {
      stdin: JSON.stringify({ path_parameters: { id: '6fb4d7a3-5e16-4c5a-9a0e-b1c2d3e4f5a6' }, wait: { timeout_s: 60 } }),
    });
    expect(wait.code).toBe(0);
    expect(JSON.parse(wait.stdout)).toMatchObject({ method: 'GET', url: expect.stringContaining('/api/1.0/scans/status/6fb4d7a3-5e16-4c5a-9a0e-b1c2d3e4f5a6') });
  });
});
