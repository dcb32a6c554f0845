/**
 * npm run palette: palette/ -> dist/palette/ (index.html + app.js), a static
 * page that lists the actions of connector.json and renders their forms.
 *
 * connector.json and the schemas it names are embedded at build time (the
 * PALETTE_BUNDLE constant read by palette/src/bundle-data.ts), so the page
 * works from any static host, or straight from disk, and fetches nothing.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifest } from '../src/contract/manifest.js';
import { packageRoot } from '../src/contract/package-root.js';
import { inlineRefs } from '../src/contract/inline-refs.js';
import { secretFields } from '../src/runtime/auth.js';

export const DEFAULT_PALETTE_DIR = join(packageRoot, 'dist/palette');

/** The schemas the page renders: every action's input and every connection, with cross-file $refs inlined (rjsf resolves only local ones). */
function embeddedSchemas(): Record<string, unknown> {
  const paths = [...manifest.actions.map((a) => a.input_schema), ...Object.values(manifest.connections).map((c) => c.schema)];
  return Object.fromEntries(paths.map((p) => [p, inlineRefs(p)]));
}

/** Each connection's secret fields, as src/runtime/auth.ts names them: the forms mask exactly these. */
function embeddedSecretFields(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(manifest.connections).map(([id, declaration]) => [id, secretFields(declaration)]));
}

/** Builds the page into `outdir` (default dist/palette) and returns the path of its index.html. */
export async function buildPalette(outdir: string = DEFAULT_PALETTE_DIR): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: packageRoot,
    entryPoints: [join(packageRoot, 'palette/src/main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    minify: true,
    // A classic script, so index.html also works from file:// where module scripts are blocked.
    format: 'iife',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    jsx: 'automatic',
    define: {
      'process.env.NODE_ENV': '"production"',
      PALETTE_BUNDLE: JSON.stringify({ manifest, schemas: embeddedSchemas(), secretFields: embeddedSecretFields() }),
    },
    legalComments: 'eof',
    logLevel: 'warning',
  });
  copyFileSync(join(packageRoot, 'palette/index.html'), join(outdir, 'index.html'));
  return join(outdir, 'index.html');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const index = await buildPalette();
  console.log(`built ${index.replace(packageRoot + '/', '')}: open it in a browser, or serve dist/palette/ from any static host`);
}
