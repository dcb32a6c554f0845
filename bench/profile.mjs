// npm run bench:profile — where an action's time goes. Runs sequential
// runAction calls against the local vendor stand-in under V8's CPU profiler
// and prints the functions with the most self time, grouped by where they
// live (got, ajv, node internals, this bundle).
//
//   node bench/profile.mjs [calls]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const calls = Number(process.argv[2] ?? 5000);

if (process.env.BENCH_PROFILE_CHILD) {
  const { runAction } = await import('../dist/src/index.js');
  const { BENCH_CONNECTION, BENCH_INPUT } = await import('./raw-client.mjs');
  const connection = { ...BENCH_CONNECTION, url: `http://127.0.0.1:${process.env.BENCH_PORT}` };
  for (let i = 0; i < calls; i++) await runAction('invicti_scan_retest', BENCH_INPUT, connection);
  process.exit(0);
}

const server = spawn(process.execPath, [join(root, 'bench/vendor-server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(String(d).trim())));
const dir = mkdtempSync(join(os.tmpdir(), 'bench-prof-'));
try {
  const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, fileURLToPath(import.meta.url), String(calls)], {
    env: { ...process.env, BENCH_PROFILE_CHILD: '1', BENCH_PORT: port },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('profiled run failed');
  const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byFunction = new Map();
  const byArea = new Map();
  const area = (url) =>
    !url ? '(native / idle / gc)'
      : url.includes('/node_modules/got/') ? 'got'
      : url.includes('/node_modules/') ? 'node_modules: ' + url.split('/node_modules/').pop().split('/')[0]
      : url.startsWith('node:') ? 'node internals'
      : url.includes('/dist/') ? 'retest-connectors'
      : url.includes('/bench/') ? 'benchmark loop'
      : url;
  let total = 0;
  for (const node of profile.nodes) {
    const t = dt.get(node.id) ?? 0;
    total += t;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/')}:${f.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + t);
    const a = area(f.url);
    byArea.set(a, (byArea.get(a) ?? 0) + t);
  }
  const pct = (t) => ((100 * t) / total).toFixed(1).padStart(5) + ' %';
  console.log(`CPU profile of ${calls} sequential runAction calls (self time)\n\nby area:`);
  for (const [k, t] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${pct(t)}  ${k}`);
  console.log('\ntop functions:');
  for (const [k, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${pct(t)}  ${k}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  server.stdin.end();
}
