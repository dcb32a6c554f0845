// The package as a user gets it: `npm pack` (of what `npm test` just built), unpacked into an
// empty project exactly where `npm install <tarball>` puts it, its declared dependencies next to
// it (linked from this checkout: no registry needed), then used the way the README says:
// require(), import, retest-connectors/simulator, the bin, `describe --json | ajv compile`.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { packageRoot } from '../../src/contract/package-root.js';
import { manifest } from '../../src/contract/manifest.js';
import { runNode } from '../helpers/cli.js';

jest.setTimeout(60_000);

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };

let dir: string;
let project: string;
let installed: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'retest-pack-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: packageRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  files = packed!.files.map((f) => f.path);
  project = join(dir, 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { [pkg.name]: `file:../${packed!.filename}` } }));
  execFileSync('tar', ['-xzf', join(dir, packed!.filename), '-C', join(project, 'node_modules')]);
  installed = join(project, 'node_modules', pkg.name);
  renameSync(join(project, 'node_modules', 'package'), installed);
  // Only the declared dependencies sit beside the package: an import of anything else fails here.
  for (const dependency of Object.keys(pkg.dependencies)) {
    const target = join(project, 'node_modules', dependency);
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(packageRoot, 'node_modules', dependency), target, 'dir');
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const inProject = (args: string[]) => runNode(args, { cwd: project });

describe('npm pack: what the tarball holds', () => {
  test('the built library and CLI, the schemas, connector.json, README and the docs it links; no palette build, no source maps', () => {
    for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/simulator/index.js', 'dist/cli/main.js', 'connector.json', 'README.md', 'docs/connections.md']) {
      expect(files).toContain(file);
    }
    for (const action of manifest.actions) expect(files).toContain(`docs/actions/${action.id}.md`);
    expect(files.filter((f) => f.startsWith('dist/palette') || f.endsWith('.map') || f.startsWith('tests/') || f.startsWith('src/'))).toEqual([]);
    // Every relative link of the README that points into the package resolves inside the tarball.
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(((?:docs|schemas)\/[^)#\s]*)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(files.some((f) => f === link || f.startsWith(link.endsWith('/') ? link : `${link}/`))).toBe(true);
  });
});

describe('an empty project that installed the tarball', () => {
  test('CommonJS: require("retest-connectors") and require("retest-connectors/simulator") (Node >= 20.19)', async () => {
    const result = await inProject([
      '-e',
      `const lib = require('retest-connectors');
       const sim = require('retest-connectors/simulator');
       console.log(JSON.stringify({ runAction: typeof lib.runAction, ids: lib.actionIds, startSimulator: typeof sim.startSimulator,
         resolved: require.resolve('retest-connectors') }));`,
    ]);
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { runAction: string; ids: string[]; startSimulator: string; resolved: string };
    expect(out).toMatchObject({ runAction: 'function', startSimulator: 'function', ids: manifest.actions.map((a) => a.id) });
    expect(out.resolved).toBe(join(installed, 'dist/src/index.js'));
  });

  test('ESM: import runAction and startSimulator, run an action against the simulator', async () => {
    const result = await inProject([
      '--input-type=module',
      '-e',
      `import { runAction } from 'retest-connectors';
       import { startSimulator } from 'retest-connectors/simulator';
       const sim = await startSimulator({ port: 0 });
       try {
         const envelope = await runAction('invicti_scan_retest', { json_body: { BaseScanId: 'af6d0ffd-529e-4056-b39f-b141021fae74' } },
           { url: sim.invictiUrl, ...sim.credentials.invicti });
         console.log(JSON.stringify({ status: envelope.status_code, state: envelope.json_body.State }));
       } finally { await sim.close(); }`,
    ]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ status: 201, state: 'Queued' });
  });

  test('the bin: describe --json prints self-contained schemas that ajv compiles alone, and the example input validates', async () => {
    // The options README "describe --json" names: draft-07, $data (a window end not before its start), ajv-formats.
    const ajv = new Ajv({ strict: true, $data: true, allowUnionTypes: true, formats: { password: true } });
    addFormats(ajv);
    for (const action of manifest.actions) {
      const result = await inProject([join(installed, 'dist/cli/main.js'), 'describe', action.id, '--json']);
      expect(result.code).toBe(0);
      const described = JSON.parse(result.stdout) as { input_schema: { required?: string[] }; output_schema: object; example_input: unknown };
      expect(JSON.stringify(described)).not.toMatch(/"\$ref":"(?!#)/);
      const validateInput = ajv.compile(described.input_schema);
      expect(validateInput(described.example_input)).toBe(true);
      // An action whose inputs are all optional (a list) accepts {}; any other refuses it.
      expect(validateInput({})).toBe((described.input_schema.required ?? []).length === 0);
      expect(typeof ajv.compile(described.output_schema)).toBe('function');
    }
  });
});
