// Child of bench/instructions.mjs, run under valgrind with instrumentation
// off: `warmup` calls at near-native speed, then "ready" on stdout; the parent
// switches callgrind's instrumentation on and answers "go" on stdin; then
// `calls` more calls, sequentially, with one client, and exit.
//   node bench/instructions-child.mjs <client> <port> <warmup> <calls>
import { makeClient } from './clients.mjs';

const [name, port, warmup, calls] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const client = await makeClient(name, port);
const run = async (n) => {
  for (let i = 0; i < n; i++) {
    const r = await client.call();
    if (r.status_code !== 201) throw new Error(`${name}: status ${r.status_code}`);
  }
};
await run(warmup);
// callgrind only reads callgrind_control's commands while the process runs code: keep a timer ticking meanwhile.
const tick = setInterval(() => {}, 5);
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
clearInterval(tick);
await run(calls);
await client.close();
process.exit(0);
