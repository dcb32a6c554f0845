// What the CLI bundle (scripts/build-cli.ts) leaves out of a cold `run`, read from esbuild's own
// metafile of a build into a temporary folder under test-output/ (inside the package, so the
// build finds connector.json as dist/cli does): dependencies are bundled as published (got and every
// module it imports, nothing rewritten or stood in for); each command and each schema's validator is a
// CommonJS file of its own, so a `run` loads main.js, run.js and its own action's validators only.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { Metafile } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

const inputsOf = (file: string) => Object.keys(meta.outputs[out(file)]!.inputs);
const requiresOf = (file: string) => meta.outputs[out(file)]!.imports.filter((i) => i.external && i.path.startsWith('./')).map((i) => i.path);

describe('the CLI bundle', () => {
  test("bundles got and its modules as published: no stand-in, no rewritten dependency", () => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('node_modules/got/dist/source/core/index.js');
    for (const name of ['http2-wrapper', 'cacheable-request', 'cacheable-lookup', '@sindresorhus/is']) {
      expect(inputs.some((path) => path.startsWith(`node_modules/${name}/`))).toBe(true);
    }
    // Every input is a file of the package or of node_modules: no plugin namespace stands in for a module.
    expect(inputs.filter((path) => /^[a-z-]+:/.test(path) && path !== 'validators-on-demand:all-validators')).toEqual([]);
  });

  test('each schema validator is a file of its own, which no command bundles', () => {
    const validatorInputs = Object.keys(meta.inputs).filter((path) => path.startsWith('src/generated/validators/'));
    expect(validatorInputs.length).toBeGreaterThanOrEqual(19);
    const outputs = validatorInputs.map(outputOf);
    expect(new Set(outputs).size).toBe(validatorInputs.length);
    for (const output of outputs) expect(output).toMatch(/\/validators\/[^/]+\.js$/);
    for (const command of ['main.js', 'list.js', 'describe.js', 'run.js', 'mcp.js']) {
      expect(inputsOf(command).filter((path) => path.startsWith('src/generated/validators/'))).toEqual([]);
    }
    // The all-at-once map is an empty stand-in in the CLI; the loaders require each validator's file.
    expect(Object.keys(meta.inputs)).toContain('validators-on-demand:all-validators');
    expect(requiresOf('run.js')).toEqual(expect.arrayContaining(['./validators/actions.invicti_scan_retest.input.js', './validators/connections.invicti.js']));
  });

  test('main.js is the dispatcher only: each command is its own file, loaded when it runs', () => {
    expect(requiresOf('main.js').sort()).toEqual(['./describe.js', './list.js', './mcp.js', './palette.js', './run.js', './simulate.js']);
    const main = inputsOf('main.js');
    expect(main.filter((path) => path.includes('node_modules/'))).toEqual([]);
    // list and describe never load got; run never loads the MCP SDK, zod or the simulator.
    for (const command of ['list.js', 'describe.js']) expect(inputsOf(command).filter((path) => path.includes('node_modules/got/'))).toEqual([]);
    const run = inputsOf('run.js');
    expect(run).toContain('node_modules/got/dist/source/core/index.js');
    expect(run.filter((path) => /node_modules\/(@modelcontextprotocol|zod)\/|src\/simulator\//.test(path))).toEqual([]);
  });

  test('the folder is CommonJS (dist/cli/package.json) though the package is an ES module package', () => {
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
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
