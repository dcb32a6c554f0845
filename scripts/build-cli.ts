/**
 * The CLI as one ES module bundle (plus one lazily loaded chunk per command):
 * dist/cli/main.js, the package's `bin`. A fresh process per playbook step
 * pays for every module it resolves and reads; bundling got and the
 * runtime into a few files roughly halves the CLI's start-up (see the
 * README's performance section). The library entry (dist/src/index.js) stays
 * unbundled for platforms that import it.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/contract/package-root.js';

const outdir = join(packageRoot, 'dist/cli');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: packageRoot,
  entryPoints: [join(packageRoot, 'src/cli/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
console.log('built dist/cli/main.js');
