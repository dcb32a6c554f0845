// npm run bench: what the bundle adds on top of the network, as ratios
// against a raw baseline measured in the same run, on 127.0.0.1.
//
//   node bench/run.mjs [--quick] [--out FILE]
//
// Plain JavaScript on purpose: the benchmark imports the built bundle (dist/)
// exactly as a platform would, and no TypeScript loader sits in the processes
// being measured. Never part of `npm test`: numbers, not pass/fail.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAction, prepareAction } from '../dist/src/index.js';
import { getValidator } from '../dist/src/contract/validators.js';
import { BENCH_CONNECTION, BENCH_INPUT } from './raw-client.mjs';
import { CLIENTS, makeClient } from './clients.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : join(root, 'bench/results.json');
const N = {
  warmup: quick ? 200 : 1000,
  sequential: quick ? 400 : 2000,
  blocks: 4,
  inflight: 50,
  seconds: quick ? 1 : 5,
  coldRuns: quick ? 4 : 12,
  concurrent: 1000,
  validations: quick ? 20_000 : 200_000,
};

const log = (...a) => console.error(...a);
const nsToMs = (ns) => Number(ns) / 1e6;
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3));
const fmtIqr = (st) => `${fmt(st.p25)}–${fmt(st.p75)}`;
const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5);

async function startVendorServer() {
  const child = spawn(process.execPath, [join(root, 'bench/vendor-server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`vendor server exited (${code})`)));
  });
  return { port, stop: () => child.stdin.end() };
}

/** Median and interquartile range of samples. */
function spread(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75), p99: quantile(s, 0.99), n: s.length };
}

function python(args) {
  const r = spawnSync('python3', [join(root, 'bench/python-client.py'), ...args], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : undefined;
}

const hasPythonRequests = spawnSync('python3', ['-c', 'import requests'], { stdio: 'ignore' }).status === 0;

async function latency(port) {
  const clients = {};
  for (const name of CLIENTS) clients[name] = await makeClient(name, port);
  const samples = Object.fromEntries(CLIENTS.map((n) => [n, []]));
  for (const name of CLIENTS) for (let i = 0; i < N.warmup; i++) await clients[name].call();
  // Interleaved blocks, so drift on a shared machine hits every client alike.
  for (let b = 0; b < N.blocks; b++) {
    for (const name of CLIENTS) {
      for (let i = 0; i < N.sequential / N.blocks; i++) {
        const t0 = process.hrtime.bigint();
        const r = await clients[name].call();
        samples[name].push(nsToMs(process.hrtime.bigint() - t0));
        if (r.status_code !== 201) throw new Error(`${name}: status ${r.status_code}`);
      }
    }
    if (hasPythonRequests) {
      const py = python(['latency', String(port), String(b === 0 ? N.warmup / 4 : 50), String(N.sequential / N.blocks)]);
      if (py) (samples.python ??= []).push(...py.samples);
    }
  }
  for (const name of CLIENTS) await clients[name].close();
  return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, spread(xs)]));
}

async function throughput(port) {
  const run = async (call) => {
    for (let i = 0; i < 200; i++) await call(); // warm-up
    let done = 0;
    const deadline = performance.now() + N.seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        await call();
        done++;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: N.inflight }, worker));
    return done / ((performance.now() - t0) / 1000);
  };
  // Each client in turn, twice (interleaved), median of the two.
  const rounds = Object.fromEntries(CLIENTS.map((n) => [n, []]));
  for (let round = 0; round < 2; round++) {
    for (const name of CLIENTS) {
      const client = await makeClient(name, port);
      rounds[name].push(await run(client.call));
      await client.close();
    }
    if (hasPythonRequests) {
      const py = python(['throughput', String(port), String(N.inflight), String(N.seconds)]);
      if (py) (rounds.python ??= []).push(py.rps);
    }
  }
  return Object.fromEntries(Object.entries(rounds).map(([name, xs]) => [name, median(xs)]));
}

function cliPath() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['retest-connectors'];
  return bin ? join(root, bin) : undefined;
}

function timeProcess(args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = nsToMs(process.hrtime.bigint() - t0);
  return { ms, status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function coldStartAndMemory(port, cli) {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-'));
  const input = join(dir, 'input.json');
  writeFileSync(input, JSON.stringify(BENCH_INPUT));
  const env = {
    ...process.env,
    INVICTI_URL: `http://127.0.0.1:${port}`,
    INVICTI_USER_ID: BENCH_CONNECTION.user_id,
    INVICTI_API_TOKEN: BENCH_CONNECTION.api_token,
  };
  const cliArgs = [cli, 'run', 'invicti_scan_retest', '--input', input];
  const first = timeProcess(cliArgs, env);
  if (first.status !== 0) throw new Error(`CLI run failed (${first.status}): ${first.stderr}`);
  /** Medians of node -e '' and of the CLI run, interleaved, under `e`. */
  const timedPair = (e) => {
    const nodeTimes = [];
    const cliTimes = [];
    for (let i = 0; i < N.coldRuns; i++) {
      nodeTimes.push(timeProcess(['-e', ''], e).ms);
      cliTimes.push(timeProcess(cliArgs, e).ms);
    }
    return { node: median(nodeTimes), cli: median(cliTimes) };
  };
  const asIs = timedPair(env);
  // NODE_EXTRA_CA_CERTS makes every Node process parse that bundle at start (~35 ms here), node -e '' too,
  // which flatters the ratio: when it is set, the same pair is also timed without it, for the record.
  let withoutExtraCa;
  if (env.NODE_EXTRA_CA_CERTS) {
    const { NODE_EXTRA_CA_CERTS: _, ...bare } = env;
    withoutExtraCa = timedPair(bare);
  }
  const rssOf = (args) => {
    const file = join(dir, 'rss');
    const r = spawnSync(process.execPath, ['--import', join(root, 'bench/report-rss.mjs'), ...args], {
      env: { ...env, BENCH_RSS_FILE: file },
      stdio: 'ignore',
    });
    if (r.status !== 0) throw new Error(`rss run failed: ${args.join(' ')}`);
    return Number(readFileSync(file, 'utf8'));
  };
  const memory = { nodeRss: rssOf(['-e', '']), cliRss: rssOf(cliArgs) };
  rmSync(dir, { recursive: true, force: true });
  return { ...asIs, ...memory, withoutExtraCa };
}

function concurrentRss(port) {
  const run = (mode) => {
    const out = execFileSync(process.execPath, [join(root, 'bench/concurrent.mjs'), mode, String(port), String(N.concurrent)], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out);
    if (r.ok !== N.concurrent) throw new Error(`${mode}: only ${r.ok}/${N.concurrent} calls answered 201`);
    return r.peakRss;
  };
  return { raw: run('raw'), action: run('action') };
}

function validation() {
  const action = 'invicti_scan_retest';
  const validate = getValidator('schemas/actions/invicti_scan_retest.input.json');
  const connection = { ...BENCH_CONNECTION, url: 'http://127.0.0.1:9' };
  const time = (fn) => {
    for (let i = 0; i < 1000; i++) fn();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N.validations; i++) fn();
    return nsToMs(process.hrtime.bigint() - t0) * 1000 / N.validations;
  };
  return {
    validateUs: time(() => validate(BENCH_INPUT)),
    prepareUs: time(() => prepareAction(action, BENCH_INPUT, connection)),
  };
}

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};

log(`bench on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}${quick ? ' [quick]' : ''}`);
const server = await startVendorServer();
try {
  log('latency…');
  const lat = await latency(server.port);
  log('throughput…');
  const thr = await throughput(server.port);
  const cli = cliPath();
  log('cold start and memory…');
  const cold = cli ? coldStartAndMemory(server.port, cli) : undefined;
  log('1,000 concurrent actions…');
  const conc = concurrentRss(server.port);
  log('validation…');
  const val = validation();

  const MB = 1024 * 1024;
  const label = { raw: 'raw node:http', undici: 'undici', got: 'got used plainly', axios: 'axios', bundle: "this bundle's runAction", python: 'Python requests (Session)' };
  const names = Object.keys(lat);
  const rows = [
    ...names.map((n) => ({ metric: `p50 latency (ms), ${label[n]} [IQR ${fmtIqr(lat[n])}]`, bundle: lat[n].p50, baseline: lat.raw.p50, target: '', ok: undefined })),
    { metric: 'p50 latency, bundle vs plain got', bundle: lat.bundle.p50, baseline: lat.got.p50, target: '≤ 1.0×', ok: lat.bundle.p50 <= lat.got.p50 },
    { metric: 'p99 latency (ms), bundle', bundle: lat.bundle.p99, baseline: lat.raw.p99, target: '', ok: undefined },
    ...Object.keys(thr).map((n) => ({ metric: `throughput, ${N.inflight} in flight (req/s), ${label[n]}`, bundle: thr[n], baseline: thr.raw, target: '', ok: undefined })),
    { metric: 'throughput, bundle vs plain got', bundle: thr.bundle, baseline: thr.got, target: '≥ 1.0×', ok: thr.bundle >= thr.got },
    ...(cold
      ? [
          { metric: "CLI cold start, median (ms) vs node -e ''", bundle: cold.cli, baseline: cold.node, target: '≤ 2.0×', ok: cold.cli / cold.node <= 2.0 },
          ...(cold.withoutExtraCa
            ? [{ metric: "CLI cold start without NODE_EXTRA_CA_CERTS (ms) vs node -e ''", bundle: cold.withoutExtraCa.cli, baseline: cold.withoutExtraCa.node, target: '', ok: undefined }]
            : []),
          { metric: "CLI peak RSS (MB) vs node -e ''", bundle: cold.cliRss / MB, baseline: cold.nodeRss / MB, target: '≤ 60 MB', ok: cold.cliRss / MB <= 60 },
        ]
      : []),
    { metric: '1,000 concurrent actions, peak RSS (MB) vs raw', bundle: conc.action / MB, baseline: conc.raw / MB, target: '≤ 150 MB', ok: conc.action / MB <= 150 },
    { metric: 'input validation (µs) vs raw p50 call', bundle: val.validateUs, baseline: lat.raw.p50 * 1000, target: '', ok: undefined },
    { metric: 'validation + request building (µs) vs raw p50 call', bundle: val.prepareUs, baseline: lat.raw.p50 * 1000, target: '', ok: undefined },
  ].map((r) => ({ ...r, ratio: r.bundle / r.baseline }));

  const fmtx = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3));
  const table = [
    '| metric | value | baseline (raw node:http unless named) | ratio | target | met |',
    '|---|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.metric} | ${fmtx(r.bundle)} | ${fmtx(r.baseline)} | ${r.ratio.toFixed(2)}× | ${r.target} | ${r.ok === undefined ? '' : r.ok ? 'yes' : 'NO'} |`),
  ].join('\n');
  console.log(table);
  if (!cold) console.log('\n(CLI figures not measured: package.json has no bin yet)');
  if (!hasPythonRequests) console.log('\n(no Python requests row: python3 with the requests package was not found)');

  const results = {
    date: new Date().toISOString(),
    machine,
    settings: N,
    latency: lat,
    throughput: thr,
    coldStart: cold,
    concurrentPeakRss: conc,
    validation: val,
    rows,
  };
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  log(`\nwrote ${outFile}`);
} finally {
  server.stop();
}
