// A stand-in for Invicti on 127.0.0.1 for the benchmark: answers every POST
// with 201 and the 3,369-byte ScanTaskModel of seed 000 (a real capture),
// with the vendor's headers. Runs in its own process so the server's work is
// not billed to the client being measured. Prints its port, then serves until
// stdin closes.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const seed = JSON.parse(readFileSync(new URL('../tests/fixtures/seeds/invicti_scan_retest.example.json', import.meta.url), 'utf8'));
const body = Buffer.from(JSON.stringify(seed.json_body));
const headers = {
  'Content-Type': 'application/json; charset=utf-8',
  'Content-Length': String(body.length),
  'Cache-Control': 'no-cache',
  Pragma: 'no-cache',
  Expires: '-1',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(201, 'Created', headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
