// Peak memory of a report download through the built CLI: streamed to disk
// (`run invicti_scan_report --save-file DIR`) against the buffered path (the
// same run without --save-file, the envelope with the file in it written to
// /dev/null), for a 25 MiB and a 100 MiB report, in one run.
//
//   npm run bench:report-rss            (builds first)
//   node bench/report-stream-rss.mjs [--sizes 25,100] [--out FILE]
//
// A loopback server in this process answers GET /api/1.0/scans/report/ with
// application/pdf bytes from a generator (64 KiB chunks, Content-Length set);
// each CLI run is a child process. Peak RSS is read from `/usr/bin/time -v`
// ("Maximum resident set size"); where /usr/bin/time is missing, from the
// child's own process.resourceUsage().maxRSS (bench/report-rss.mjs, preloaded).
// Writes bench/report-rss.json. Target: streamed ≤ 100 MB at 100 MiB, and flat
// in the report's size.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argOf = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const MiB = 1024 * 1024;
const MB = 1e6;
const sizesMiB = (argOf('--sizes') ?? '25,100').split(',').map(Number);
const outFile = argOf('--out') ?? join(root, 'bench/report-rss.json');
const cli = join(root, 'dist/cli/main.js');
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run \`npm run build\` first (npm run bench:report-rss does).`);
  process.exit(1);
}
const haveTime = existsSync('/usr/bin/time');

const CHUNK = 64 * 1024;
function* reportBytes(size) {
  const chunk = Buffer.alloc(CHUNK);
  chunk.write('%PDF-1.7\n');
  for (let i = 9; i < CHUNK; i++) chunk[i] = 32 + (i % 95);
  for (let sent = 0; sent < size; sent += CHUNK) yield size - sent >= CHUNK ? chunk : chunk.subarray(0, size - sent);
}

let size = 0; // the report size the next run gets (runs are one at a time)
const server = createServer((req, res) => {
  if (!req.url.startsWith('/api/1.0/scans/report/') || !(size > 0)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(size) });
  const it = reportBytes(size);
  const pump = () => {
    for (let r = it.next(); !r.done; r = it.next()) if (!res.write(r.value)) return void res.once('drain', pump);
    res.end();
  };
  pump();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

/** Runs `node args` (stdin = `stdin`, stdout to /dev/null), returns peak RSS in bytes. */
function peakRss(args, stdin, env) {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-rss-'));
  const rssFile = join(dir, 'rss');
  const [cmd, argv] = haveTime
    ? ['/usr/bin/time', ['-v', process.execPath, ...args]]
    : [process.execPath, ['--import', join(root, 'bench/report-rss.mjs'), ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      env: { ...env, BENCH_RSS_FILE: rssFile },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`);
        if (haveTime) {
          const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
          if (!m) throw new Error(`no "Maximum resident set size" in /usr/bin/time's output: ${stderr.slice(-500)}`);
          resolve(Number(m[1]) * 1024);
        } else {
          resolve(Number(readFileSync(rssFile, 'utf8')));
        }
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const env = {
  ...process.env,
  INVICTI_URL: `http://127.0.0.1:${port}`,
  INVICTI_USER_ID: 'bench-user',
  INVICTI_API_TOKEN: 'bench-token',
};
const id = 'af6d0ffd-529e-4056-b39f-b141021fae74';
const rows = [];
const nodeRss = await peakRss(['-e', ''], '', env);
console.log(`node -e '': peak RSS ${(nodeRss / MB).toFixed(1)} MB (${haveTime ? '/usr/bin/time -v' : 'process.resourceUsage'})`);
for (const mib of sizesMiB) {
  const bytes = Math.round(mib * MiB);
  size = bytes;
  const input = JSON.stringify({ parameters: { id, type: 'ExecutiveSummary', format: 'Pdf' } });
  const saveDir = mkdtempSync(join(os.tmpdir(), 'bench-report-'));
  try {
    const streamed = await peakRss([cli, 'run', 'invicti_scan_report', '--input', '-', '--save-file', saveDir], input, env);
    const saved = readdirSync(saveDir).map((f) => statSync(join(saveDir, f)).size);
    if (saved.length !== 1 || saved[0] !== bytes) throw new Error(`--save-file left ${JSON.stringify(saved)}, expected one file of ${bytes} bytes`);
    const buffered = await peakRss([cli, 'run', 'invicti_scan_report', '--input', '-'], input, env);
    rows.push({ reportMiB: mib, reportBytes: bytes, streamedRssMB: streamed / MB, bufferedRssMB: buffered / MB, bufferedOverStreamed: buffered / streamed });
    console.log(
      `${String(mib).padStart(4)} MiB report: streamed ${(streamed / MB).toFixed(1)} MB, buffered ${(buffered / MB).toFixed(1)} MB ` +
        `(${(buffered / streamed).toFixed(2)}× streamed; buffered = ${(buffered / bytes).toFixed(2)}× the report)`,
    );
  } finally {
    rmSync(saveDir, { recursive: true, force: true });
  }
}
server.close();

const largest = rows.reduce((a, r) => (r.reportBytes > a.reportBytes ? r : a), rows[0]);
const smallest = rows.reduce((a, r) => (r.reportBytes < a.reportBytes ? r : a), rows[0]);
const result = {
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model.trim(), cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
  method: haveTime ? '/usr/bin/time -v: Maximum resident set size' : 'process.resourceUsage().maxRSS at exit',
  nodeEmptyRssMB: nodeRss / MB,
  rows,
  target: {
    streamedAt100MiB: '≤ 100 MB',
    streamedMB: largest.streamedRssMB,
    met: largest.streamedRssMB <= 100,
    flat: `streamed peak grows ${(largest.streamedRssMB - smallest.streamedRssMB).toFixed(1)} MB from ${smallest.reportMiB} MiB to ${largest.reportMiB} MiB`,
  },
};
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
console.log(`target streamed ≤ 100 MB at ${largest.reportMiB} MiB: ${result.target.met ? 'met' : 'NOT met'} (${largest.streamedRssMB.toFixed(1)} MB); ${result.target.flat}`);
console.log(`wrote ${outFile}`);
