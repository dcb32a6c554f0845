// `run --save-file <dir>` through the built CLI against a loopback server that
// answers like Invicti's report endpoint: the bytes land in <dir>, stdout has
// file.path instead of the base64 (the body streamed to disk by runAction: file-sink.ts), nothing is
// overwritten or written outside, and a text report is not repeated as response_text.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorOf, runCli } from '../helpers/cli.js';
import { GUID } from '../helpers/fixtures.js';
import { type LoopbackServer, startServer } from '../helpers/servers.js';

jest.setTimeout(60_000);

/** A small but real PDF, with bytes that are not valid UTF-8. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x0a]), Buffer.from('1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')]);

const CSV = 'Name,Severity\nXSS,High\n';
let disposition = 'attachment; filename="Sample ScanDetail.pdf"';
let server: LoopbackServer;
let work: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url?.startsWith('/api/1.0/scans/report/') && req.url.includes('format=Csv')) {
      res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': String(CSV.length), 'Content-Disposition': 'attachment; filename="vulns.csv"' });
      res.end(CSV);
      return;
    }
    if (req.url?.startsWith('/api/1.0/scans/report/')) {
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': String(PDF.length), 'Content-Disposition': disposition });
      res.end(PDF);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"Message":"Not found"}');
  });
  work = mkdtempSync(join(tmpdir(), 'save-file-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const env = () => ({ INVICTI_URL: server.url, INVICTI_USER_ID: 'demo-user', INVICTI_API_TOKEN: 'demo-token-SECRET' });
const input = JSON.stringify({ parameters: { id: GUID, type: 'ScanDetail', format: 'Pdf' } });
const run = (dir: string) => runCli(['run', 'invicti_scan_report', '--input', '-', '--save-file', dir], { stdin: input, env: env() });

describe('run --save-file', () => {
  test('writes the PDF byte for byte and prints file.path (absolute) in place of content_base64', async () => {
    const dir = join(work, 'reports'); // created when missing
    disposition = 'attachment; filename="Sample ScanDetail.pdf"';
    const result = await run(dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const envelope = JSON.parse(result.stdout);
    expect(envelope.file).toEqual({ file_name: 'Sample ScanDetail.pdf', content_type: 'application/pdf', size_bytes: PDF.length, path: join(dir, 'Sample ScanDetail.pdf') });
    expect(readFileSync(join(dir, 'Sample ScanDetail.pdf')).equals(PDF)).toBe(true);
    expect(result.stdout).not.toContain(PDF.toString('base64'));
    expect(server.requests.at(-1)!.url).toBe(`/api/1.0/scans/report/?id=${GUID}&type=ScanDetail&format=Pdf`);
    expect(server.requests.at(-1)!.headers['content-type']).toBeUndefined();
  });

  test('never overwrites: the second and third runs save "name (1).pdf" and "name (2).pdf"', async () => {
    const dir = join(work, 'twice');
    const paths = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await run(dir);
      expect(result.code).toBe(0);
      paths.push(JSON.parse(result.stdout).file.path);
    }
    expect(paths).toEqual([join(dir, 'Sample ScanDetail.pdf'), join(dir, 'Sample ScanDetail (1).pdf'), join(dir, 'Sample ScanDetail (2).pdf')]);
    expect(readdirSync(dir).sort()).toEqual(['Sample ScanDetail (1).pdf', 'Sample ScanDetail (2).pdf', 'Sample ScanDetail.pdf']);
  });

  test('a planted symlink under the name is not followed: the file goes to a numbered name', async () => {
    const dir = join(work, 'planted');
    const victim = join(work, 'victim.txt');
    writeFileSync(victim, 'keep me');
    await run(dir); // creates dir and the first file
    rmSync(join(dir, 'Sample ScanDetail.pdf'));
    symlinkSync(victim, join(dir, 'Sample ScanDetail.pdf'));
    const result = await run(dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).file.path).toBe(join(dir, 'Sample ScanDetail (1).pdf'));
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });

  test('a Content-Disposition name that tries to escape is reduced to its last component, inside dir', async () => {
    const dir = join(work, 'escape');
    disposition = 'attachment; filename="../../../escaped.pdf"';
    const result = await run(dir);
    disposition = 'attachment; filename="Sample ScanDetail.pdf"';
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).file.path).toBe(join(dir, 'escaped.pdf'));
    expect(readdirSync(work)).not.toContain('escaped.pdf');
  });

  test('without a Content-Disposition the name is derived from the action, the scan id and the format', async () => {
    const dir = join(work, 'derived');
    disposition = 'inline';
    const result = await run(dir);
    disposition = 'attachment; filename="Sample ScanDetail.pdf"';
    expect(JSON.parse(result.stdout).file.path).toBe(join(dir, `invicti_scan_report-${GUID}.pdf`));
  });

  test('a directory that cannot be created: exit 6, WRITE_FAILED on stderr, before the request is sent', async () => {
    const blocker = join(work, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const before = server.requests.length;
    const result = await run(join(blocker, 'sub'));
    expect(result.code).toBe(6);
    expect(errorOf(result).code).toBe('WRITE_FAILED');
    expect(errorOf(result).message).toContain('nothing was sent');
    expect(server.requests).toHaveLength(before);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('demo-token-SECRET');
  });

  test('a text report (CSV) saved to a file is named in the envelope, not repeated as response_text', async () => {
    const dir = join(work, 'csv');
    const result = await runCli(['run', 'invicti_scan_report', '--input', '-', '--save-file', dir], {
      stdin: JSON.stringify({ parameters: { id: GUID, type: 'Vulnerabilities', format: 'Csv' } }),
      env: env(),
    });
    expect(result.code).toBe(0);
    const envelope = JSON.parse(result.stdout);
    expect(envelope).not.toHaveProperty('response_text');
    expect(envelope.file).toEqual({ file_name: 'vulns.csv', content_type: 'text/csv', size_bytes: CSV.length, path: join(dir, 'vulns.csv') });
    expect(result.stdout).not.toContain('XSS,High');
    expect(readFileSync(join(dir, 'vulns.csv'), 'utf8')).toBe(CSV);
  });

  test('a response without a file (an error status) prints the envelope and says nothing was saved', async () => {
    const dir = join(work, 'nofile');
    const result = await runCli(['run', 'invicti_scan_detail', '--input', '-', '--save-file', dir], {
      stdin: JSON.stringify({ path_parameters: { id: GUID } }),
      env: env(),
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status_code: 404, json_body: { Message: 'Not found' } });
    expect(result.stderr).toContain('nothing saved');
  });

  test('run --help documents --save-file', async () => {
    const result = await runCli(['run', '--help']);
    expect(result.stdout).toContain('--save-file <dir>');
    expect(result.stdout).toContain('(1)');
  });
});
