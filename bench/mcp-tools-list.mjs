// node bench/mcp-tools-list.mjs [--out FILE]: what `tools/list` costs an agent, every turn.
//
// Starts the built server as a client does (`node dist/cli/main.js mcp --simulator`, stdio), initializes,
// asks tools/list, and measures the answer line as it came over the wire: bytes, and tokens estimated as
// bytes / 4. Run `npm run build` first. The budget (60 KB) is held by tests/unit/mcp-tools.test.ts.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : undefined;

const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'mcp', '--simulator'], { stdio: ['pipe', 'pipe', 'ignore'] });
const lines = [];
let buffered = '';
const waiters = [];
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    lines.push(line);
    waiters.shift()?.();
  }
});
const send = (message) => child.stdin.write(JSON.stringify(message) + '\n');
const nextLine = () => (lines.length > 0 ? Promise.resolve(lines.shift()) : new Promise((resolve) => waiters.push(() => resolve(lines.shift()))));
const deadline = setTimeout(() => {
  console.error('no answer within 30 s');
  child.kill();
  process.exit(1);
}, 30_000);

try {
  send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  await nextLine();
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  const answer = await nextLine();
  const { tools } = JSON.parse(answer).result;
  const bytes = Buffer.byteLength(answer);
  const perTool = tools.map((tool) => ({ name: tool.name, bytes: Buffer.byteLength(JSON.stringify(tool)) }));
  const result = { tools: tools.length, bytes, approx_tokens: Math.round(bytes / 4), largest: perTool.sort((a, b) => b.bytes - a.bytes).slice(0, 3) };
  console.log(`tools/list: ${result.tools} tools, ${bytes} bytes (~${result.approx_tokens} tokens at 4 bytes a token); largest: ${result.largest.map((t) => `${t.name} ${t.bytes}`).join(', ')}`);
  if (outFile) writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
} finally {
  clearTimeout(deadline);
  child.stdin.end();
  child.kill();
}
