// Child process of the benchmark: N concurrent calls in one process, raw
// node:http or runAction, and the peak RSS that took. Usage:
//   node bench/concurrent.mjs <raw|action> <port> <count>
import http from 'node:http';
import { runAction } from '../dist/src/index.js';
import { rawPost, BENCH_CONNECTION, BENCH_INPUT } from './raw-client.mjs';

const [mode, port, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const agent = new http.Agent({ keepAlive: true });
const connection = { ...BENCH_CONNECTION, url: `http://127.0.0.1:${port}` };
const one = mode === 'raw' ? () => rawPost(agent, port) : () => runAction('invicti_scan_retest', BENCH_INPUT, connection);
const results = await Promise.all(Array.from({ length: count }, one));
const ok = results.filter((r) => r.status_code === 201).length;
process.stdout.write(JSON.stringify({ ok, peakRss: process.resourceUsage().maxRSS * 1024 }) + '\n');
agent.destroy();
process.exit(0);
