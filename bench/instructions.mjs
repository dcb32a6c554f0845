// npm run bench:instructions — instructions per call for each client, counted
// by valgrind's callgrind (Debian/Ubuntu package `valgrind`), which does not
// move with machine load the way wall time does: the figure to quote on a
// shared machine.
//
//   node bench/instructions.mjs [--quick] [--only bundle,axios] [--warmup W] [--calls N1,N2]
//
// Method: each client runs in its own Node process under callgrind, against
// one loopback server process (not measured). The process starts with
// instrumentation off (--instr-atstart=no), makes W warm-up calls, then
// instrumentation is switched on (callgrind_control -i on) and it makes N more
// calls and exits. Two runs with N1 and N2 give
//   instructions per call = (I(N2) - I(N1)) / (N2 - N1),
// so what is left of start-up and exit cancels out. The instructions of every
// thread count (V8's compiler and GC threads included).
//
// W is 10,000 (4,000 with --quick) because V8's optimising compiler is still
// at work long after the first thousand calls: at W=1,000 about half of every
// got-based client's count was compilation, and plain got measured
// 2.6M-2.9M instructions per call from run to run; from W=4,000 on the counts
// settle (got 1.62M at 4,000, 1.56M-1.60M at 10,000; this bundle 0.96M in
// two runs), repeating within a few per cent.
// Never part of `npm test`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENTS } from './clients.mjs';
import { BENCH_CONNECTION, BENCH_INPUT } from './raw-client.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.indexOf('--only');
const chosen = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : CLIENTS;
const argOf = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const W = Number(argOf('--warmup') ?? (quick ? 4000 : 10_000));
const [N1, N2] = (argOf('--calls') ?? (quick ? '100,300' : '200,600')).split(',').map(Number);
const log = (...a) => console.error(...a);

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.log('valgrind is not installed (Debian/Ubuntu: apt-get install valgrind): no instruction counts.');
  process.exit(0);
}

const server = spawn(process.execPath, [join(root, 'bench/vendor-server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  server.stdout.once('data', (d) => resolve(Number(String(d).trim())));
  server.once('exit', (code) => reject(new Error(`vendor server exited (${code})`)));
});
const dir = mkdtempSync(join(os.tmpdir(), 'bench-cg-'));

/** The instructions callgrind reports on `child`'s stderr when it exits ("Collected : N"). */
function collected(child, label) {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const m = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || !m) reject(new Error(`${label}: valgrind exited ${code}\n${stderr.slice(-2000)}`));
      else resolve(Number(m[1]));
    });
  });
}

/** Total instructions of one child run under callgrind (asynchronously, so two runs share the two cores). */
function count(client, calls) {
  return new Promise((resolve, reject) => {
    const args = [
      '--tool=callgrind',
      `--callgrind-out-file=${join(dir, `${client}-${calls}.out`)}`,
      '--smc-check=all-non-file', // V8 writes and rewrites machine code
      '--instr-atstart=no',
      process.execPath,
      join(root, 'bench/instructions-child.mjs'),
      client,
      String(port),
      String(W),
      String(calls),
    ];
    const child = spawn('valgrind', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    collected(child, `${client} × ${calls}`).then(resolve, reject);
    child.stdout.once('data', () => {
      // Warm-up done: instrumentation on, then let the measured calls start.
      const on = spawnSync('callgrind_control', ['-i', 'on', String(child.pid)], { encoding: 'utf8', timeout: 60_000 });
      if (on.status !== 0) child.kill();
      child.stdin.end('go\n');
    });
  });
}

const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, valgrind: String(spawnSync('valgrind', ['--version']).stdout).trim() };
log(`callgrind instruction counts on ${machine.cpu}, Node ${machine.node}, ${machine.valgrind}; W=${W}, N1=${N1}, N2=${N2}`);
/** Instructions of one fresh `node <args>` process, instrumented from its first instruction to its exit. */
function coldCount(args, env) {
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'cold.out')}`, '--smc-check=all-non-file', process.execPath, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return collected(child, `cold ${args.join(' ')}`);
}

/**
 * CLI cold start in instructions: `run invicti_scan_retest` against the server in a fresh process, and
 * node -e '' for the baseline. With NODE_EXTRA_CA_CERTS set (every Node process then parses that bundle
 * at start, the baseline too), the pair is counted again without it.
 */
async function coldStart() {
  const input = join(dir, 'input.json');
  writeFileSync(input, JSON.stringify(BENCH_INPUT));
  const env = { ...process.env, INVICTI_URL: `http://127.0.0.1:${port}`, INVICTI_USER_ID: BENCH_CONNECTION.user_id, INVICTI_API_TOKEN: BENCH_CONNECTION.api_token };
  const cli = [join(root, 'dist/cli/main.js'), 'run', 'invicti_scan_retest', '--input', input];
  const pair = async (e) => ({ node: await coldCount(['-e', ''], e), cli: await coldCount(cli, e) });
  const result = { asIs: await pair(env) };
  if (env.NODE_EXTRA_CA_CERTS) {
    const { NODE_EXTRA_CA_CERTS: _, ...bare } = env;
    result.withoutExtraCa = await pair(bare);
  }
  return result;
}

const perCall = {};
let cold;
try {
  for (const client of chosen) {
    const [a, b] = await Promise.all([count(client, N1), count(client, N2)]);
    perCall[client] = (b - a) / (N2 - N1);
    log(`  ${client.padEnd(7)} ${Math.round(perCall[client]).toLocaleString('en-US')} instructions per call`);
  }
  if (chosen === CLIENTS) {
    log('  CLI cold start…');
    cold = await coldStart();
  }
} finally {
  server.stdin.end();
  rmSync(dir, { recursive: true, force: true });
}

const names = { raw: 'raw node:http, keep-alive', undici: 'undici', got: 'got 14 used plainly', axios: 'axios', bundle: "this bundle's runAction" };
const lines = [
  '| client | instructions per call | × raw | × undici | × plain got | × axios |',
  '|---|---:|---:|---:|---:|---:|',
  ...CLIENTS.map((c) => {
    const x = perCall[c];
    const r = (base) => `${(x / perCall[base]).toFixed(2)}×`;
    return `| ${names[c]} | ${Math.round(x).toLocaleString('en-US')} | ${r('raw')} | ${r('undici')} | ${r('got')} | ${r('axios')} |`;
  }),
];
if (chosen !== CLIENTS) {
  console.log(JSON.stringify(perCall));
  process.exit(0);
}
console.log(lines.join('\n'));
const M = (n) => `${(n / 1e6).toFixed(0)}M`;
console.log(
  `\nCLI cold start (run invicti_scan_retest, fresh process): ${M(cold.asIs.cli)} instructions, node -e '' ${M(cold.asIs.node)}: ${(cold.asIs.cli / cold.asIs.node).toFixed(2)}×` +
    (cold.withoutExtraCa
      ? `\n  without NODE_EXTRA_CA_CERTS: ${M(cold.withoutExtraCa.cli)}, node -e '' ${M(cold.withoutExtraCa.node)}: ${(cold.withoutExtraCa.cli / cold.withoutExtraCa.node).toFixed(2)}×`
      : ''),
);
const targets = { 'bundle ≤ 0.9× plain got': perCall.bundle / perCall.got <= 0.9, 'bundle ≤ 0.95× axios': perCall.bundle / perCall.axios <= 0.95 };
console.log('\n' + Object.entries(targets).map(([k, ok]) => `${k}: ${ok ? 'met' : 'NOT met'}`).join('\n'));
writeFileSync(join(root, 'bench/instructions.json'), JSON.stringify({ date: new Date().toISOString(), machine, W, N1, N2, perCall, targets, coldStart: cold }, null, 2) + '\n');
log(`\nwrote bench/instructions.json`);
