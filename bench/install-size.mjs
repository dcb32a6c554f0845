// node bench/install-size.mjs [--out FILE]: what a user's production install weighs.
//
// Packs this package (and integrations/n8n, when built) with `npm pack`, installs each tarball into an
// empty temporary project the way a user does (`npm install <tarball> --omit=dev`; the n8n package with
// --omit=peer too: n8n-workflow comes from n8n itself), from npm's cache where it can
// (--prefer-offline), then counts the installed packages (`npm ls --all --parseable`, the package itself
// included) and the bytes of node_modules, and names any web framework found in it. Run `npm run build`
// (and `npm run build:n8n`) first. Never part of `npm test`: it needs the registry or a warm cache; the
// test that holds the line is tests/e2e/package.test.ts (the production tree of package-lock.json).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : undefined;
/** Packages that serve HTTP: none of them belongs in a playbook step's install. */
export const WEB_FRAMEWORKS = ['express', 'hono', '@hono/node-server', 'koa', 'fastify', 'body-parser', 'router'];

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function bytesOf(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += bytesOf(join(path, entry));
  return total;
}

function measure(label, tarballs, omit) {
  const project = mkdtempSync(join(tmpdir(), 'retest-install-'));
  try {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    npm(['install', ...tarballs, ...omit.map((o) => `--omit=${o}`), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
    // npm ls exits 1 for a peer the install left out on purpose (n8n-workflow); its listing is still whole.
    const ls = spawnSync('npm', ['ls', '--all', '--parseable', ...omit.map((o) => `--omit=${o}`)], { cwd: project, encoding: 'utf8' });
    const paths = ls.stdout.trim().split('\n').slice(1);
    const names = paths.map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
    return {
      label,
      command: `npm install ${tarballs.map((t) => t.split('/').pop()).join(' ')} ${omit.map((o) => `--omit=${o}`).join(' ')}`,
      packages: paths.length,
      bytes: bytesOf(join(project, 'node_modules')),
      web_frameworks: names.filter((n) => WEB_FRAMEWORKS.includes(n)),
    };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

const packs = mkdtempSync(join(tmpdir(), 'retest-packs-'));
try {
  const pack = (dir) => join(packs, JSON.parse(npm(['pack', '--json', '--pack-destination', packs], dir))[0].filename);
  const bundle = pack(root);
  const results = [measure('retest-connectors', [bundle], ['dev'])];
  const n8n = join(root, 'integrations/n8n');
  if (existsSync(join(n8n, 'dist'))) results.push(measure('n8n-nodes-retest-connectors', [bundle, pack(n8n)], ['dev', 'peer']));
  for (const r of results) console.log(`${r.label}: ${r.packages} packages, ${(r.bytes / 1e6).toFixed(1)} MB, web frameworks: ${r.web_frameworks.join(', ') || 'none'}`);
  if (outFile) writeFileSync(outFile, JSON.stringify({ node: process.version, results }, null, 2) + '\n');
} finally {
  rmSync(packs, { recursive: true, force: true });
}
