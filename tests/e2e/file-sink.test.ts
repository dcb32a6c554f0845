// A report saved to disk as it arrives (RunOptions.saveFileTo, src/runtime/file-sink.ts), over a
// loopback server: the transport streams the body to the sink (it is never buffered in the envelope),
// under the byte cap; the file gets its name only when complete; a failed write (ENOSPC, injected
// through createWriteStream's `fs` option, no disk is filled) leaves nothing behind and a rerun saves
// under the name itself (issue 18: "a report costs five times its size", defect 4, and "--save-file
// still prints text reports").
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import fs, { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../../src/index.js';
import { getAction } from '../../src/contract/manifest.js';
import { resolveConnection } from '../../src/runtime/connection.js';
import { FileSink, type WriteStreamFs } from '../../src/runtime/file-sink.js';
import { prepareRequest } from '../../src/runtime/request.js';
import { gotTransport, type Transport, type TransportOptions } from '../../src/runtime/transport.js';
import { failure } from '../helpers/failure.js';
import { GUID } from '../helpers/fixtures.js';
import { type LoopbackServer, startServer } from '../helpers/servers.js';

jest.setTimeout(30_000);

/** 1 MiB of bytes that are not UTF-8 text, so nothing could decode them on the way. */
const BIG = Buffer.alloc(1024 * 1024, 0xe2);
const CSV = 'Name,Severity\nXSS,High\n';
let server: LoopbackServer;
let work: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const format = new URL(req.url!, 'http://x').searchParams.get('format');
    if (format === 'Csv') {
      res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="vulns.csv"' }).end(CSV);
      return;
    }
    if (req.url!.includes(GUID.replace(/.$/, '0'))) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"Message":"no such scan"}');
      return;
    }
    // Chunked, no Content-Length: only the per-chunk cap can stop it.
    res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="big.pdf"' });
    res.write(BIG.subarray(0, BIG.length / 2));
    setImmediate(() => res.end(BIG.subarray(BIG.length / 2)));
  });
  work = mkdtempSync(join(tmpdir(), 'file-sink-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const connection = () => ({ url: server.url, user_id: 'sink-user', api_token: 'sink-token-SECRET' });
const report = (format = 'Pdf', id = GUID) => ({ parameters: { id, type: 'ScanDetail', format } });

/** The got transport, recording what runAction handed it and what came back. */
function recording(): Transport & { sinks: unknown[]; bodies: number[] } {
  const seen = {
    sinks: [] as unknown[],
    bodies: [] as number[],
    async send(...args: Parameters<Transport['send']>) {
      const [, , options] = args as [unknown, unknown, TransportOptions];
      seen.sinks.push(options.sink);
      const response = await gotTransport.send(...args);
      seen.bodies.push(response.body.length);
      return response;
    },
  };
  return seen;
}

describe('RunOptions.saveFileTo streams a report to disk', () => {
  test('the body goes to the sink, not memory: the envelope names the file by path, without content_base64', async () => {
    const dir = join(work, 'streamed');
    const transport = recording();
    const envelope = await runAction('invicti_scan_report', report(), connection(), { saveFileTo: dir, transport });
    expect(transport.sinks[0]).toBeInstanceOf(FileSink);
    expect(transport.bodies).toEqual([0]); // nothing of the body was buffered for the envelope
    expect(envelope.file).toEqual({ file_name: 'big.pdf', content_type: 'application/pdf', size_bytes: BIG.length, path: join(dir, 'big.pdf') });
    expect(envelope.json_body).toBeNull();
    expect(envelope).not.toHaveProperty('response_text');
    expect(readFileSync(join(dir, 'big.pdf')).equals(BIG)).toBe(true);
    expect(readdirSync(dir)).toEqual(['big.pdf']); // no temporary file left
  });

  test('a text report saved to a file is not repeated as response_text', async () => {
    const dir = join(work, 'csv');
    const envelope = await runAction('invicti_scan_report', report('Csv'), connection(), { saveFileTo: dir });
    expect(envelope).not.toHaveProperty('response_text');
    expect(envelope.file).toMatchObject({ file_name: 'vulns.csv', size_bytes: CSV.length, path: join(dir, 'vulns.csv') });
    expect(envelope.file).not.toHaveProperty('content_base64');
    expect(readFileSync(join(dir, 'vulns.csv'), 'utf8')).toBe(CSV);
  });

  test('the byte cap holds while streaming: RESPONSE_TOO_LARGE, and no file (final or temporary) is left', async () => {
    const dir = join(work, 'capped');
    const error = await failure(runAction('invicti_scan_report', report(), connection(), { saveFileTo: dir, maxResponseBytes: 64 * 1024 }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a non-2xx answer is the usual envelope; nothing is written', async () => {
    const dir = join(work, 'error-status');
    const envelope = await runAction('invicti_scan_report', report('Pdf', GUID.replace(/.$/, '0')), connection(), { saveFileTo: dir });
    expect(envelope.status_code).toBe(404);
    expect(envelope.json_body).toEqual({ Message: 'no such scan' });
    expect(envelope).not.toHaveProperty('file');
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a directory that cannot be created is WRITE_FAILED before anything is sent', async () => {
    const blocker = join(work, 'a-file');
    fs.writeFileSync(blocker, 'x');
    const before = server.requests.length;
    const error = await failure(runAction('invicti_scan_report', report(), connection(), { saveFileTo: join(blocker, 'sub') }));
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.message).toContain('nothing was sent');
    expect(server.requests).toHaveLength(before);
  });
});

describe('issue 18 defect 4: a failed write leaves no truncated file under the final name', () => {
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  /** Real open, fsync and close; every write fails as on a full disk. */
  const fullDisk = {
    open: fs.open,
    fsync: fs.fsync,
    close: fs.close,
    write: (...args: unknown[]) => (args.at(-1) as (error: Error) => void)(enospc()),
    writev: (...args: unknown[]) => (args.at(-1) as (error: Error) => void)(enospc()),
  } as unknown as WriteStreamFs;

  test('ENOSPC mid-report: WRITE_FAILED, the partial file removed; the rerun saves "big.pdf", not "big (1).pdf"', async () => {
    const dir = join(work, 'full-disk');
    const resolved = resolveConnection('invicti', connection());
    const action = getAction('invicti_scan_report');
    const request = prepareRequest(action, report(), resolved);
    const describe = () => ({ file_name: 'big.pdf', content_type: 'application/pdf' });
    const failing = new FileSink(dir, describe, fullDisk);
    await failing.prepare();
    const error = await failure(gotTransport.send(request, resolved, { maxResponseBytes: 10 * 1024 * 1024, sink: failing }));
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.message).toContain('ENOSPC');
    expect(error.message).not.toContain('sink-token-SECRET');
    await failing.discard();
    expect(readdirSync(dir)).toEqual([]);

    const envelope = await runAction('invicti_scan_report', report(), connection(), { saveFileTo: dir });
    expect(envelope.file?.path).toBe(join(dir, 'big.pdf'));
    expect(readdirSync(dir)).toEqual(['big.pdf']);
    expect(readFileSync(join(dir, 'big.pdf')).equals(BIG)).toBe(true);
  });
});
