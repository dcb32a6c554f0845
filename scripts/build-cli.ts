/**
 * The CLI as CommonJS bundles: dist/cli/main.js (the package's `bin`: the
 * dispatcher), one self-contained file per command (list.js, describe.js,
 * run.js, simulate.js, mcp.js) loaded by main.js on demand, and one file per
 * schema validator (validators/*.js) loaded by the command that needs it.
 * dist/cli/package.json marks the folder CommonJS. A fresh process per
 * playbook step pays for every module it resolves and compiles: a `run`
 * loads three files plus its two or three validators, through Node's
 * CommonJS loader, which starts without the ES module loader's machinery
 * (its initialisation, resolution and linking, a facade per built-in module)
 * and is ~18 ms faster here than the same code as ES module chunks (see the
 * README's performance section). Errors cross from a command's bundle to
 * main.js's reporter by brand, not instanceof (src/contract/errors.ts). The
 * library entry (dist/src/index.js) stays unbundled ES modules for platforms
 * that import it. Dependencies are bundled as published: nothing of theirs
 * is rewritten or stood in for (got and its modules included).
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/contract/package-root.js';

const outdir = join(packageRoot, 'dist/cli');

/**
 * The library loads every schema's validator with src/generated/validators.ts (its prepareAction and dryRun
 * are synchronous). The CLI loads only the validators of the action it runs (src/contract/validators.ts,
 * loadValidators), each its own file through src/generated/validator-loaders.ts: here the all-at-once
 * map becomes an empty one, so a `run` does not parse ~370 KB of validators it never calls.
 */
const validatorsOnDemand: Plugin = {
  name: 'validators-on-demand',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /[\\/]generated[\\/]validators\.js$/ }, (args) =>
      /[\\/]src[\\/]contract[\\/]validators\.ts$/.test(args.importer) ? { path: 'all-validators', namespace: 'validators-on-demand' } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'validators-on-demand' }, () => ({ contents: 'export const validators = {};', loader: 'js' }));
  },
};

/** main.js loads each command, and the validator loaders each schema's validator, as a file of its own. */
const separateFiles: Plugin = {
  name: 'separate-files',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) =>
      /[\\/]src[\\/]cli[\\/]cli\.ts$/.test(args.importer) ? { path: `./${args.path.slice('./commands/'.length)}`, external: true } : undefined,
    );
    pluginBuild.onResolve({ filter: /^\.\/validators\/[^/]+\.js$/ }, (args) =>
      /[\\/]generated[\\/]validator-loaders\.ts$/.test(args.importer) ? { path: args.path, external: true } : undefined,
    );
  },
};

const COMMANDS = ['list', 'describe', 'run', 'simulate', 'mcp', 'palette'];

/** Builds the CLI into `dir` (dist/cli by default); the metafile says which modules went into which output. */
export async function buildCli(dir = outdir): Promise<Metafile> {
  rmSync(dir, { recursive: true, force: true });
  const validators = join(packageRoot, 'src/generated/validators');
  const result = await build({
    absWorkingDir: packageRoot,
    entryPoints: [
      { in: join(packageRoot, 'src/cli/main.ts'), out: 'main' },
      ...COMMANDS.map((name) => ({ in: join(packageRoot, `src/cli/commands/${name}.ts`), out: name })),
      ...readdirSync(validators)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => ({ in: join(validators, f), out: `validators/${f.slice(0, -'.ts'.length)}` })),
    ],
    outdir: dir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import() of a command or a validator becomes require(): the ES module loader never starts.
    supported: { 'dynamic-import': false },
    minifySyntax: true,
    // Whitespace too: fewer bytes for V8 to scan on every cold start (names are kept for stack traces).
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [validatorsOnDemand, separateFiles],
    // The MCP SDK is an optional peer dependency (package.json): mcp.js requires it from the user's install,
    // and says how to install it when it is missing (src/cli/mcp-sdk.ts). Every other command never loads it.
    external: ['@modelcontextprotocol/sdk'],
    // src/contract/package-root.ts finds connector.json from its own file's URL.
    define: { 'import.meta.url': '__retestModuleUrl' },
    inject: [join(packageRoot, 'scripts/lib/cli-module-url.js')],
  });
  // The package is "type": "module"; these bundles are CommonJS, and keep their .js names (the bin is dist/cli/main.js).
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli();
  console.log('built dist/cli/main.js');
}
