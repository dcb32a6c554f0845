/**
 * `npm start`: the main job. Starts the built-in simulator on a free loopback
 * port, runs every action through the built CLI (a child process, the same
 * path a real run takes, with the connection in the environment), prints a
 * summary per action and then the envelopes, stops the simulator.
 * Exits 0 when every action got its 2xx answer. No credentials, no internet.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope } from '../src/runtime/envelope.js';
import { getConnection, manifest } from '../src/contract/manifest.js';
import { packageRoot } from '../src/contract/package-root.js';
import { getSchema } from '../src/contract/schema-files.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { summarize } from '../src/runtime/summary.js';

const CLI = join(packageRoot, 'dist/cli/main.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with `input` on stdin; asynchronous, so the simulator in this process keeps answering. */
function runCli(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The parent's environment without any vendor settings of its own, plus the simulator's. */
function simulatorEnv(sim: Simulator): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(INVICTI|ATTACKFORGE)_/.test(name)) env[name] = value;
  return {
    ...env,
    INVICTI_URL: sim.invictiUrl,
    INVICTI_USER_ID: sim.credentials.invicti.user_id,
    INVICTI_API_TOKEN: sim.credentials.invicti.api_token,
    ATTACKFORGE_URL: sim.attackforgeUrl,
    ATTACKFORGE_API_KEY: sim.credentials.attackforge.api_key,
  };
}

function exampleInput(schemaPath: string): unknown {
  const examples = getSchema(schemaPath).examples;
  if (!Array.isArray(examples) || examples.length === 0) throw new Error(`${schemaPath} declares no example input`);
  return examples[0];
}

/** What the simulator now says about a scan, to show the retest really queued something. */
async function scanState(sim: Simulator, id: unknown): Promise<string | undefined> {
  if (typeof id !== 'string') return undefined;
  const auth = Buffer.from(`${sim.credentials.invicti.user_id}:${sim.credentials.invicti.api_token}`).toString('base64');
  const response = await fetch(`${sim.invictiUrl}/api/1.0/scans/status/${id}`, { headers: { Authorization: `Basic ${auth}` } });
  const body = (await response.json()) as { State?: string };
  return body.State;
}

async function main(): Promise<number> {
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: run "npm run build" first (npm start does).`);
    return 1;
  }
  const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  const results: { id: string; result: CliResult; envelope: Envelope | undefined }[] = [];
  let failures = 0;
  try {
    const env = simulatorEnv(sim);
    console.log(`retest-connectors ${manifest.version}: every action against the built-in simulator at ${sim.url}`);
    console.log(`(demo credentials, no vendor account, no internet; each action runs as: retest-connectors run <action> --input -)\n`);

    for (const action of manifest.actions) {
      const input = JSON.stringify(exampleInput(action.input_schema));
      const seen = sim.requests.length;
      const result = await runCli(['run', action.id, '--input', '-'], input, env);
      let envelope: Envelope | undefined;
      try {
        envelope = JSON.parse(result.stdout) as Envelope;
      } catch {
        envelope = undefined;
      }
      results.push({ id: action.id, result, envelope });
      const request = sim.requests[seen];

      console.log(`${action.id}  (${action.title}, ${getConnection(action.connection).title})`);
      console.log(`  request   ${request ? `${request.method} ${sim.url}${request.path}` : '(none reached the simulator)'}`);
      if (envelope && result.code === 0) {
        console.log(`  HTTP      ${envelope.status_code} ${envelope.reason}`);
        for (const [label, value] of Object.entries(summarize(action.id, envelope))) console.log(`  ${label.padEnd(9)} ${String(value)}`);
        const body = envelope.json_body as { Id?: unknown } | null;
        const state = action.connection === 'invicti' ? await scanState(sim, body?.Id) : undefined;
        if (state) console.log(`  check     GET /api/1.0/scans/status/${String(body?.Id)} -> State ${state}`);
      } else {
        failures += 1;
        console.log(`  FAILED    exit ${result.code}${envelope ? `, HTTP ${envelope.status_code} ${envelope.reason}` : ''}`);
        if (result.stderr.trim()) console.log(`  stderr    ${result.stderr.trim()}`);
      }
      console.log('');
    }

    console.log('Envelopes (exactly what each run printed on stdout):\n');
    for (const { id, result } of results) {
      console.log(`--- ${id}`);
      console.log(result.stdout.trimEnd() || '(nothing)');
      console.log('');
    }
  } finally {
    await sim.close();
  }
  console.log(
    failures === 0
      ? `All ${results.length} actions succeeded. Simulator stopped. Next: npx retest-connectors --help, or see README "Command line".`
      : `${failures} of ${results.length} actions failed.`,
  );
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
