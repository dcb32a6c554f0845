/**
 * `npm run test:n8n-real`: the n8n package as its users install it, under a real n8n.
 *
 *  1. packs both packages (`npm pack`: retest-connectors and integrations/n8n) — run `npm run build` first;
 *  2. installs them with a plain `npm install <both tarballs>` into `<N8N_USER_FOLDER>/.n8n/nodes`, the
 *     manual install n8n documents (no --legacy-peer-deps), and checks that n8n-workflow, the host's
 *     runtime, was not fetched again;
 *  3. starts the simulator on a free 127.0.0.1 port and, with n8n 2.8.4 (the newest that runs on Node 20),
 *     runs `n8n import:credentials` (examples/credentials.json pointed at the simulator),
 *     `n8n import:workflow` and `n8n execute --id` for every examples/*.workflow.json; each execution must
 *     succeed with every node of this package having run, and the simulator must have received requests.
 *
 * n8n itself is ~2,100 packages (2.3 GB, about 30 min to install here), too heavy for a devDependency or CI:
 * it is installed once into N8N_HOST_DIR (default: <tmpdir>/retest-connectors-n8n-2.8.4) and reused.
 * Everything runs offline but for those two npm installs: a temporary N8N_USER_FOLDER, loopback only,
 * n8n's diagnostics, version notifications, templates and banners off. Prints the measurements as JSON.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/contract/package-root.js';
import { startSimulator } from '../src/simulator/index.js';

const N8N_VERSION = '2.8.4';
const host = process.env.N8N_HOST_DIR ?? join(tmpdir(), `retest-connectors-n8n-${N8N_VERSION}`);
const n8nPackage = join(packageRoot, 'integrations/n8n');
const examples = join(n8nPackage, 'examples');
const keep = process.argv.includes('--keep');

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const step = (text: string) => console.error(`\n== ${text}`);

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Packages under a node_modules folder (each folder with a package.json, scoped and nested ones too) and their bytes. */
function countPackages(dir: string): { packages: number; bytes: number } {
  let packages = 0;
  let bytes = 0;
  const walk = (path: string, inNodeModules: boolean) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (inNodeModules && !entry.name.startsWith('@') && !entry.name.startsWith('.') && existsSync(join(full, 'package.json'))) packages++;
        walk(full, entry.name === 'node_modules' || (inNodeModules && entry.name.startsWith('@')));
      } else if (entry.isFile()) {
        bytes += statSync(full).size;
      }
    }
  };
  walk(dir, true);
  return { packages, bytes };
}

function fail(message: string): never {
  console.error(`\nFAILED: ${message}`);
  process.exit(1);
}

if (!existsSync(join(packageRoot, 'dist/src/index.js')) || !existsSync(join(n8nPackage, 'dist'))) fail('not built: run `npm run build` first');

const work = mkdtempSync(join(tmpdir(), 'n8n-real-'));
const measurements: Record<string, unknown> = { node: process.version, n8n: N8N_VERSION };

// 1. n8n itself (once; reused).
const n8nBin = join(host, 'node_modules/n8n/bin/n8n');
if (!existsSync(n8nBin)) {
  step(`installing n8n ${N8N_VERSION} into ${host} (once; ~2,100 packages, this takes long)`);
  mkdirSync(host, { recursive: true });
  // xlsx: n8n 2.8's pinned tarball URL is not on the npm registry; 0.18.5 is.
  writeFileSync(join(host, 'package.json'), `${JSON.stringify({ name: 'n8n-host', private: true, dependencies: { n8n: N8N_VERSION }, overrides: { xlsx: '0.18.5' } }, null, 2)}\n`);
  const since = Date.now();
  npm(['install', '--no-audit', '--no-fund'], host);
  measurements.n8nInstallSeconds = seconds(since);
}

// 2. The two tarballs, installed the way n8n documents.
step('packing retest-connectors and n8n-nodes-retest-connectors');
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const packed = [packageRoot, n8nPackage].map((dir) => {
  const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', tarballs], dir)) as { filename: string; size: number }[];
  return { file: join(tarballs, info!.filename), size: info!.size };
});
measurements.tarballs = packed.map((p) => ({ file: p.file.slice(tarballs.length + 1), bytes: p.size }));

const userFolder = join(work, 'user');
const nodesDir = join(userFolder, '.n8n/nodes');
mkdirSync(nodesDir, { recursive: true });
writeFileSync(join(nodesDir, 'package.json'), `${JSON.stringify({ name: 'installed-nodes', private: true }, null, 2)}\n`);
step(`npm install <both tarballs> in ${nodesDir}`);
const installStart = Date.now();
const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', ...packed.map((p) => p.file)], { cwd: nodesDir, encoding: 'utf8' });
if (install.status !== 0) fail(`plain npm install of both tarballs failed:\n${install.stdout}\n${install.stderr}`);
measurements.nodesInstallSeconds = seconds(installStart);
measurements.nodesFolder = countPackages(join(nodesDir, 'node_modules'));
if (existsSync(join(nodesDir, 'node_modules/n8n-workflow'))) fail('npm fetched n8n-workflow into the nodes folder: the host n8n provides it (peer dependency)');
for (const framework of ['express', 'hono', '@modelcontextprotocol/sdk']) {
  if (existsSync(join(nodesDir, 'node_modules', framework))) console.error(`note: ${framework} was installed into the nodes folder`);
}
measurements.webFrameworkInNodesFolder = ['express', 'hono'].filter((f) => existsSync(join(nodesDir, 'node_modules', f)));

// 3. A real n8n, offline, against the simulator.
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: userFolder,
  N8N_USER_FOLDER: userFolder,
  N8N_ENCRYPTION_KEY: 'retest-connectors-n8n-real-test-key',
  N8N_DIAGNOSTICS_ENABLED: 'false',
  N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
  N8N_TEMPLATES_ENABLED: 'false',
  N8N_PERSONALIZATION_ENABLED: 'false',
  N8N_HIRING_BANNER_ENABLED: 'false',
  N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
  N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
  N8N_AI_ENABLED: 'false',
  N8N_LISTEN_ADDRESS: '127.0.0.1',
  N8N_HOST: '127.0.0.1',
  N8N_RUNNERS_ENABLED: 'false',
  N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
  // `n8n execute` prints the run through its logger at level info.
  N8N_LOG_LEVEL: 'info',
  NO_PROXY: '127.0.0.1,localhost',
  DB_SQLITE_POOL_SIZE: '1',
};

/** Runs the n8n CLI asynchronously: the simulator answers from this process meanwhile. */
async function n8n(args: string[]): Promise<string> {
  const since = Date.now();
  const child = spawn(process.execPath, [n8nBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  console.error(`n8n ${args.join(' ')}: exit ${status} (${seconds(since)} s)`);
  if (status !== 0) fail(`n8n ${args.join(' ')} exited ${status}:\n${stdout}\n${stderr}`);
  return stdout;
}

const sim = await startSimulator({ scanSeconds: 2 });
try {
  const credentials = JSON.parse(readFileSync(join(examples, 'credentials.json'), 'utf8')) as { data: Record<string, unknown> }[];
  for (const c of credentials) c.data.url = sim.url;
  const credentialsFile = join(work, 'credentials.json');
  writeFileSync(credentialsFile, JSON.stringify(credentials));
  step('n8n import:credentials');
  await n8n(['import:credentials', `--input=${credentialsFile}`]);

  const workflows = readdirSync(examples)
    .filter((f) => f.endsWith('.workflow.json'))
    .sort();
  if (workflows.length === 0) fail('no example workflows');
  const results: Record<string, unknown>[] = [];
  for (const file of workflows) {
    const workflow = JSON.parse(readFileSync(join(examples, file), 'utf8')) as { id: string; nodes: { name: string; type: string }[] };
    step(`${file}: import:workflow, execute --id ${workflow.id}`);
    await n8n(['import:workflow', `--input=${join(examples, file)}`]);
    const before = sim.requests.length;
    const since = Date.now();
    const out = await n8n(['execute', `--id=${workflow.id}`, '--rawOutput']);
    // The run is printed as indented JSON (JSON.stringify(run, null, 2)) among n8n's log lines.
    const start = out.search(/^\{$/m);
    const end = out.lastIndexOf('\n}');
    const json = start >= 0 && end > start ? out.slice(start, end + 2) : '';
    type ResultData = { error?: unknown; runData?: Record<string, { executionStatus?: string; error?: unknown }[]> };
    let run: { data?: { resultData?: ResultData }; resultData?: ResultData };
    try {
      run = JSON.parse(json);
    } catch {
      fail(`${file}: n8n execute printed no execution JSON:\n${out}`);
    }
    // --rawOutput prints the run's data (IRun.data); older versions the whole run.
    const resultData = run.data?.resultData ?? run.resultData;
    if (!resultData) fail(`${file}: no resultData in n8n's output:\n${out.slice(0, 2000)}`);
    if (resultData.error) fail(`${file}: the execution failed: ${JSON.stringify(resultData.error).slice(0, 2000)}`);
    const ours = workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-retest-connectors.')).map((n) => n.name);
    for (const name of ours) {
      const runs = resultData.runData?.[name];
      if (!runs?.length) fail(`${file}: node ${name} did not run`);
      if (runs.some((r) => r.error || (r.executionStatus && r.executionStatus !== 'success'))) fail(`${file}: node ${name} failed: ${JSON.stringify(runs[0]).slice(0, 2000)}`);
    }
    const received = sim.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`);
    if (received.length === 0) fail(`${file}: the simulator received no request`);
    results.push({ workflow: file, id: workflow.id, nodes: ours, seconds: seconds(since), requests: received });
  }
  measurements.workflows = results;
} finally {
  await sim.close();
  if (!keep) rmSync(work, { recursive: true, force: true });
}

console.log(JSON.stringify(measurements, null, 2));
console.error(`\nOK: a real n8n ${N8N_VERSION} loaded the package from a plain npm install and ran every example workflow.`);
