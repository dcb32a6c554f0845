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
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { errorOf, runNode } from '../helpers/cli.js';

jest.setTimeout(60_000);

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
interface PackageJson {
  name: string;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as PackageJson;
const MCP_SDK = '@modelcontextprotocol/sdk';
/** Packages that serve HTTP (bench/install-size.mjs names the same): none belongs in a playbook step's install. */
const WEB_FRAMEWORKS = ['express', 'hono', '@hono/node-server', 'koa', 'fastify', 'body-parser', 'router'];

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
  test('the built library and CLI, the schemas, connector.json, README and the docs it links; the built palette (`retest-connectors palette` serves it); no source maps', () => {
    for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/simulator/index.js', 'dist/cli/main.js', 'dist/cli/palette.js', 'dist/palette/index.html', 'dist/palette/app.js', 'connector.json', 'openapi/retest-connectors.openapi.json', 'README.md', 'docs/connections.md']) {
      expect(files).toContain(file);
    }
    for (const action of manifest.actions) expect(files).toContain(`docs/actions/${action.id}.md`);
    expect(files.filter((f) => f.endsWith('.map') || f.startsWith('tests/') || f.startsWith('src/'))).toEqual([]);
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

describe('a lean install: what `npm install retest-connectors --omit=dev` brings', () => {
  // The production tree as npm resolves it: package-lock.json's entries that are neither dev nor peer-only.
  const lock = JSON.parse(readFileSync(join(packageRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; peer?: boolean; optional?: boolean }>;
  };
  const production = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && !entry.dev && !entry.devOptional && !entry.peer)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

  test('runs actions with ajv, ajv-formats and got; the MCP SDK is an optional peer; at most 45 packages, no web framework', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['ajv', 'ajv-formats', 'got']);
    expect(Object.keys(pkg.peerDependencies ?? {})).toEqual([MCP_SDK]);
    expect(pkg.peerDependenciesMeta?.[MCP_SDK]?.optional).toBe(true);
    // The package itself plus its production tree.
    expect(production.length + 1).toBeLessThanOrEqual(45);
    expect(production.filter((name) => WEB_FRAMEWORKS.includes(name) || name === MCP_SDK || name === 'zod')).toEqual([]);
  });

  test('the n8n package depends on nothing beyond retest-connectors\' production tree', () => {
    const n8n = JSON.parse(readFileSync(join(packageRoot, 'integrations/n8n/package.json'), 'utf8')) as PackageJson;
    for (const dependency of Object.keys(n8n.dependencies)) expect(dependency === pkg.name || production.includes(dependency)).toBe(true);
  });

  test('only the MCP server\'s own files load the SDK: the library, the simulator and the other commands never do', () => {
    // The mcp command: its bundle, and its unbundled build (dist/src/cli, dist/src/mcp).
    const mcpFiles = (file: string) => ['dist/cli/mcp.js', 'dist/src/cli/commands/mcp.js', 'dist/src/cli/mcp-sdk.js'].includes(file) || file.startsWith('dist/src/mcp/');
    const source = (file: string) => readFileSync(join(installed, file), 'utf8');
    const loaders = files.filter((file) => file.endsWith('.js') && source(file).includes(MCP_SDK));
    expect(loaders.length).toBeGreaterThan(0);
    expect(loaders.filter((file) => !mcpFiles(file))).toEqual([]);
    // And nothing else imports the MCP server's modules.
    expect(files.filter((file) => file.endsWith('.js') && !mcpFiles(file) && /from ['"][./]*mcp\//.test(source(file)))).toEqual([]);
  });

  test('without the SDK, `mcp` exits 2 and says how to install it (the other commands work: see above)', async () => {
    const result = await inProject([join(installed, 'dist/cli/main.js'), 'mcp', '--simulator']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const error = errorOf(result);
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain(`npm install '${MCP_SDK}@${pkg.peerDependencies![MCP_SDK]}'`);
  });

  test('with the SDK installed next to it (the peer), `mcp --simulator` serves every action as a tool', async () => {
    const target = join(project, 'node_modules', MCP_SDK);
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(packageRoot, 'node_modules', MCP_SDK), target, 'dir');
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(installed, 'dist/cli/main.js'), 'mcp', '--simulator'], cwd: project, stderr: 'ignore', env: { PATH: process.env.PATH ?? '' } });
    const client = new Client({ name: 'package-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(manifest.actions.map((a) => a.id).sort());
    } finally {
      await client.close();
    }
  });
});
