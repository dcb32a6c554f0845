/**
 * integrations/n8n/dist: the generated nodes and credentials compiled to
 * CommonJS (n8n loads community nodes with require). Each entry is bundled with
 * the shared execute() glue; n8n-workflow (the host's) and retest-connectors
 * (loaded with import() at run time) stay external.
 *
 * Also links integrations/n8n/node_modules/retest-connectors to the repository
 * root (not checked in), so the built package resolves the runtime from a
 * checkout exactly as it would from npm: n8n's loader, the tests and
 * N8N_CUSTOM_EXTENSIONS=integrations/n8n all find it. Needs `npm run build`
 * first (the runtime's dist/).
 */
import { build } from 'esbuild';
import { copyFileSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { packageRoot } from '../src/contract/package-root.js';

const root = join(packageRoot, 'integrations/n8n');
const outdir = join(root, 'dist');

const files = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
const sources = [...files('nodes'), ...files('credentials')];

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // src/mapping.ts on its own too: the tests exercise it with n8n-core's helpers, as n8n would run it (CommonJS).
  entryPoints: [...sources.filter((f) => /\.(node|credentials)\.ts$/.test(f)), 'src/mapping.ts'].map((f) => join(root, f)),
  outdir,
  outbase: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['n8n-workflow', 'retest-connectors'],
  legalComments: 'none',
  logLevel: 'warning',
});
for (const icon of sources.filter((f) => f.endsWith('.svg'))) {
  mkdirSync(dirname(join(outdir, icon)), { recursive: true });
  copyFileSync(join(root, icon), join(outdir, icon));
}

const link = join(root, 'node_modules/retest-connectors');
mkdirSync(dirname(link), { recursive: true });
try {
  lstatSync(link);
} catch {
  symlinkSync(relative(dirname(link), packageRoot), link, 'dir');
}
console.log(`built ${relative(packageRoot, outdir)} (${sources.length} sources)`);
