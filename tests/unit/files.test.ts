// Reports are files: a file action's 2xx body comes back in the envelope's
// file member, named from Content-Disposition (or derived), bytes intact in
// base64, read up to the action's own default size unless the caller says
// otherwise.
import { describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { getAction, runAction } from '../../src/index.js';
import { compileValidator } from '../../src/contract/schemas.js';
import { fileNameFromContentDisposition, sanitizeFileName } from '../../src/runtime/file.js';
import type { Transport, TransportOptions } from '../../src/runtime/transport.js';
import { GUID, invicti } from '../helpers/fixtures.js';

const REPORT = { parameters: { id: GUID, type: 'ScanDetail', format: 'Pdf' } };

describe('Content-Disposition', () => {
  test.each([
    ['attachment; filename="Scan Report.pdf"', 'Scan Report.pdf'],
    ['attachment; filename=report.pdf', 'report.pdf'],
    ['attachment;filename="with \\"quotes\\".pdf"', 'with "quotes".pdf'],
    ["attachment; filename*=UTF-8''R%C3%A9sultat%20%E2%82%AC.pdf; filename=\"fallback.pdf\"", 'Résultat €.pdf'],
    ["attachment; filename=\"fallback.pdf\"; filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf", '报告.pdf'],
    ["attachment; filename*=ISO-8859-1'en'%E9t%E9.csv", 'été.csv'],
    ["attachment; filename*=KOI8-R''%C1.pdf; filename=plain.pdf", 'plain.pdf'],
    ['INLINE; FILENAME="upper.html"', 'upper.html'],
    ['attachment', undefined],
    ['', undefined],
  ])('%s -> %s', (header, name) => {
    expect(fileNameFromContentDisposition(header)).toBe(name);
  });

  test.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\win.ini', 'win.ini'],
    ['/abs/path/report.pdf', 'report.pdf'],
    ['re\u0000po\u001brt\r\n.pdf', 'report.pdf'],
    ['..', undefined],
    ['.', undefined],
    ['   ', undefined],
    ['.hidden.pdf', 'hidden.pdf'],
    ['a<b>c:d|e?f*.pdf', 'a_b_c_d_e_f_.pdf'],
  ])('sanitised: %j -> %j', (raw, safe) => {
    expect(sanitizeFileName(raw)).toBe(safe);
  });

  test('a long name is cut to 255 characters, keeping its extension', () => {
    const name = sanitizeFileName(`${'x'.repeat(400)}.pdf`)!;
    expect(name).toHaveLength(255);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('file envelopes through runAction', () => {
  test('a name that escapes (../) keeps only its last component', async () => {
    nock(invicti.url)
      .get('/api/1.0/scans/report/')
      .query(true)
      .reply(200, '%PDF-1.4\n', { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="../../../tmp/evil.pdf"' });
    const envelope = await runAction('invicti_scan_report', REPORT, invicti);
    expect(envelope.file?.file_name).toBe('evil.pdf');
  });

  test('without Content-Disposition the name is <action id>-<scan id>.<format>', async () => {
    const csv = 'Title,Severity\r\nXSS,High\r\n';
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(200, csv, { 'Content-Type': 'text/csv' });
    const envelope = await runAction('invicti_scan_report', { parameters: { id: GUID, type: 'Vulnerabilities', format: 'Csv' } }, invicti);
    expect(envelope.file).toMatchObject({ file_name: `invicti_scan_report-${GUID}.csv`, content_type: 'text/csv', size_bytes: csv.length });
    expect(envelope.response_text).toBe(csv); // a text report keeps its text
    expect(envelope.json_body).toBeNull();
  });

  test('the custom report without reportFormat takes Invicti\'s default Xml as the extension; XML keeps response_text', async () => {
    const xml = '<?xml version="1.0"?><report/>';
    nock(invicti.url).get('/api/1.0/scans/custom-report/').query(true).reply(200, xml, { 'Content-Type': 'application/xml' });
    const envelope = await runAction('invicti_scan_custom_report', { parameters: { id: GUID, reportName: 'R' } }, invicti);
    expect(envelope.file?.file_name).toBe(`invicti_scan_custom_report-${GUID}.xml`);
    expect(envelope.response_text).toBe(xml);
  });

  test('a JSON report keeps json_body parsed AND the file (no response_text)', async () => {
    const report = { Vulnerabilities: [{ Title: 'XSS' }] };
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(200, report, { 'Content-Type': 'application/json; charset=utf-8' });
    const envelope = await runAction('invicti_scan_report', { parameters: { id: GUID, type: 'Vulnerabilities', format: 'Json' } }, invicti);
    expect(envelope.json_body).toEqual(report);
    expect(envelope).not.toHaveProperty('response_text');
    expect(Buffer.from(envelope.file!.content_base64!, 'base64').toString()).toBe(JSON.stringify(report));
    expect(envelope.file!.file_name).toBe(`invicti_scan_report-${GUID}.json`);
  });

  test('file envelopes validate against the shared envelope schema and the action\'s output schema', async () => {
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(200, '%PDF-1.4\n', { 'Content-Type': 'application/pdf' });
    const envelope = await runAction('invicti_scan_report', REPORT, invicti);
    expect(compileValidator('schemas/shared/envelope.json')(envelope)).toBe(true);
    expect(compileValidator(getAction('invicti_scan_report').output_schema)(envelope)).toBe(true);
  });

  test('a body with no Content-Type is application/octet-stream', async () => {
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(200, Buffer.from([1, 2, 3]), {});
    const envelope = await runAction('invicti_scan_report', REPORT, invicti);
    expect(envelope.file).toMatchObject({ content_type: 'application/octet-stream', size_bytes: 3, content_base64: 'AQID' });
  });

  test('an empty 200 is an empty file', async () => {
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(200, '', { 'Content-Type': 'application/pdf' });
    const envelope = await runAction('invicti_scan_report', REPORT, invicti);
    expect(envelope.file).toMatchObject({ size_bytes: 0, content_base64: '' });
  });

  test('a non-2xx HTML page from a proxy stays a normal envelope (response_text, no file)', async () => {
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(503, '<html>busy</html>', { 'Content-Type': 'text/html' });
    const envelope = await runAction('invicti_scan_report', REPORT, invicti, { retry: { maxAttempts: 1 } });
    expect(envelope).toEqual({ status_code: 503, reason: 'Service Unavailable', response_headers: { 'Content-Type': 'text/html' }, json_body: null, response_text: '<html>busy</html>' });
  });

  test('a non-file action never gets a file member', async () => {
    nock(invicti.url).get(`/api/1.0/scans/detail/${GUID}`).reply(200, 'plain', { 'Content-Type': 'text/plain' });
    const envelope = await runAction('invicti_scan_detail', { path_parameters: { id: GUID } }, invicti);
    expect(envelope).not.toHaveProperty('file');
  });
});

describe('max_response_bytes: RunOptions > connection field set by the caller > action default > connection default', () => {
  /** A transport that records the limit it was given and answers 200. */
  function recording(): { transport: Transport; limits: number[] } {
    const limits: number[] = [];
    const transport: Transport = {
      async send(_request, _connection, options: TransportOptions) {
        limits.push(options.maxResponseBytes);
        return { statusCode: 200, statusMessage: 'OK', rawHeaders: ['Content-Type', 'application/pdf'], body: Buffer.from('%PDF') };
      },
    };
    return { transport, limits };
  }

  test.each([
    ['report, nothing set: the action default 100 MiB', 'invicti_scan_report', REPORT, {}, {}, 104857600],
    ['report, connection max_response_bytes set: it wins', 'invicti_scan_report', REPORT, { max_response_bytes: 5000 }, {}, 5000],
    ['report, connection set to the schema default explicitly: still wins', 'invicti_scan_report', REPORT, { max_response_bytes: 10485760 }, {}, 10485760],
    ['report, RunOptions.maxResponseBytes: wins over all', 'invicti_scan_report', REPORT, { max_response_bytes: 5000 }, { maxResponseBytes: 100 }, 100],
    ['detail, nothing set: the connection default 10 MiB', 'invicti_scan_detail', { path_parameters: { id: GUID } }, {}, {}, 10485760],
  ])('%s', async (_name, id, input, connectionFields, options, expected) => {
    const { transport, limits } = recording();
    await runAction(id, input, { ...invicti, ...connectionFields }, { ...options, transport });
    expect(limits).toEqual([expected]);
  });

  test('the transport really caps: 11 MiB passes for a report by default and is RESPONSE_TOO_LARGE for a 10 MiB action', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 0x41);
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(200, big, { 'Content-Type': 'application/pdf' });
    const report = await runAction('invicti_scan_report', REPORT, invicti);
    expect(report.file?.size_bytes).toBe(big.length);

    nock(invicti.url).get(`/api/1.0/scans/detail/${GUID}`).reply(200, big, { 'Content-Type': 'application/json' });
    await expect(runAction('invicti_scan_detail', { path_parameters: { id: GUID } }, invicti)).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  test('a smaller override makes the same report RESPONSE_TOO_LARGE', async () => {
    nock(invicti.url).get('/api/1.0/scans/report/').query(true).reply(200, Buffer.alloc(4096), { 'Content-Type': 'application/pdf' });
    await expect(runAction('invicti_scan_report', REPORT, { ...invicti, max_response_bytes: 1024 })).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });
});
