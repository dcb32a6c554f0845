// On a 2xx the body IS the model; the error branch ({ Message }, null with a
// text or HTML body, AttackForge's undocumented error objects) belongs to the
// other statuses; only a report's 2xx carries a file. The drifted bodies a
// hostile suite found accepted (issue 18) are each rejected here, for every
// action they apply to, while the real captures and every schema's own
// examples still validate.
import { describe, expect, test } from '@jest/globals';
import { manifest } from '../../src/contract/manifest.js';
import { getSchema, compileValidator } from '../../src/contract/schemas.js';
import { seedEnvelope } from '../helpers/fixtures.js';

const validatorFor = (id: string) => compileValidator(`schemas/actions/${id}.output.json`);
const GUID = 'af6d0ffd-529e-4056-b39f-b141021fae74';
const reasons: Record<number, string> = { 200: 'OK', 201: 'Created', 400: 'Bad Request', 404: 'Not Found', 502: 'Bad Gateway' };
const envelope = (status: number, json_body: unknown, extra: Record<string, unknown> = {}) => ({
  status_code: status,
  reason: reasons[status] ?? '',
  response_headers: { 'Content-Type': 'application/json; charset=utf-8' },
  json_body,
  ...extra,
});
const WAIT = { wait: { done: true, outcome: 'completed', polls: 1, waited_ms: 10 } };

/** The 2xx status of each action and what its envelope needs beside json_body. */
const SUCCESS: Record<string, { status: number; extra?: Record<string, unknown> }> = {
  invicti_scan_retest: { status: 201 },
  invicti_scan_launch_new_from_scan: { status: 201 },
  invicti_scan_launch_new: { status: 201 },
  invicti_scan_detail: { status: 200 },
  invicti_scan_status: { status: 200 },
  invicti_scan_wait: { status: 200, extra: WAIT },
  invicti_scan_result: { status: 200 },
};
const MESSAGE_DRIFT = Object.keys(SUCCESS);
const ACTIONS = manifest.actions.map((a) => a.id);
const FILE_ACTIONS = manifest.actions.filter((a) => a.response?.file).map((a) => a.id);
const extraFor = (id: string) => (getAction(id).poll ? WAIT : {});
function getAction(id: string) {
  return manifest.actions.find((a) => a.id === id)!;
}
const pdf = { file_name: 'report.pdf', content_type: 'application/pdf', size_bytes: 5, content_base64: Buffer.from('%PDF-').toString('base64') };

describe('on a 2xx the body is the model', () => {
  test.each(MESSAGE_DRIFT)('%s: { Message } on its 2xx fails, with or without other fields; on a 4xx it is the error', (id) => {
    const validate = validatorFor(id);
    const { status, extra = {} } = SUCCESS[id]!;
    expect(validate(envelope(status, { Message: 'x' }, extra))).toBe(false);
    expect(validate(envelope(status, { Message: 'x', Code: 7, Details: null }, extra))).toBe(false);
    expect(validate(envelope(400, { Message: 'x' }, extra))).toBe(true);
  });

  test.each(['invicti_scan_retest', 'invicti_scan_launch_new_from_scan', 'invicti_scan_detail'])('%s: a ScanTaskModel with Id "" or "not-a-guid", State null or no State fails', (id) => {
    const validate = validatorFor(id);
    const { status } = SUCCESS[id]!;
    expect(validate(envelope(status, { Id: GUID, State: 'Queued' }))).toBe(true);
    expect(validate(envelope(status, { Id: '', State: 'Queued' }))).toBe(false);
    expect(validate(envelope(status, { Id: 'not-a-guid', State: 'Queued' }))).toBe(false);
    expect(validate(envelope(status, { Id: GUID, State: null }))).toBe(false);
    expect(validate(envelope(status, { Id: GUID }))).toBe(false);
  });

  test.each(ACTIONS.filter((id) => !FILE_ACTIONS.includes(id)))('%s: json_body null with an HTML response_text fails on 200 and 201, passes on 502', (id) => {
    const validate = validatorFor(id);
    const html = { response_text: '<html><body>Welcome</body></html>', ...extraFor(id) };
    expect(validate({ ...envelope(200, null, html), response_headers: { 'Content-Type': 'text/html' } })).toBe(false);
    expect(validate({ ...envelope(201, null, html), response_headers: { 'Content-Type': 'text/html' } })).toBe(false);
    expect(validate({ ...envelope(502, null, html), response_headers: { 'Content-Type': 'text/html' } })).toBe(true);
  });

  test('launch-new: an empty array on 201 fails (Invicti answers the list of the scans it launched)', () => {
    const validate = validatorFor('invicti_scan_launch_new');
    expect(validate(envelope(201, []))).toBe(false);
    expect(validate(envelope(201, [{ Id: GUID, State: 'Queued' }]))).toBe(true);
  });

  test('attackforge_request_new_project_retest has a 2xx rule: its documented answer, nothing else', () => {
    const validate = validatorFor('attackforge_request_new_project_retest');
    expect(validate(envelope(200, { status: 'Project retest requested for Project 6a1b2c' }))).toBe(true);
    expect(validate(envelope(200, { foo: 1 }))).toBe(false);
    expect(validate(envelope(200, { error: 'Project not found' }))).toBe(false);
    expect(validate(envelope(200, null, { response_text: '' }))).toBe(false);
    expect(validate(envelope(400, { error: 'Project not found' }))).toBe(true);
  });
});

describe('a file only on a report 2xx', () => {
  test.each(FILE_ACTIONS)('%s: a 200 whose json_body is { "foo": 1 } beside a PDF fails; a PDF with null, a Json report with its body pass', (id) => {
    const validate = validatorFor(id);
    expect(validate(envelope(200, null, { file: pdf }))).toBe(true);
    expect(validate(envelope(200, { foo: 1 }, { file: pdf }))).toBe(false);
    expect(validate(envelope(200, { Message: 'x' }, { file: pdf }))).toBe(false);
    expect(validate(envelope(200, { Message: 'x' }))).toBe(false); // no file at all
    const json = { ...pdf, file_name: 'report.json', content_type: 'application/json; charset=utf-8' };
    expect(validate(envelope(200, { Generated: '2026-01-05T09:00:00Z', Vulnerabilities: [] }, { file: json }))).toBe(true);
  });

  test.each(ACTIONS)('%s: a 404 carrying a file fails', (id) => {
    const validate = validatorFor(id);
    const body = id.startsWith('invicti_') ? { Message: 'Not found.' } : { error: 'Not found.' };
    expect(validate(envelope(404, body, extraFor(id)))).toBe(true);
    expect(validate(envelope(404, body, { file: pdf, ...extraFor(id) }))).toBe(false);
  });
});

describe('real answers still pass', () => {
  test.each(ACTIONS)('%s: every example of its output schema validates', (id) => {
    const validate = validatorFor(id);
    const examples = ((getSchema(`schemas/actions/${id}.output.json`) as { examples?: unknown[] }).examples ?? []);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const ok = validate(example);
      expect(validate.errors ?? null).toBeNull();
      expect(ok).toBe(true);
    }
  });

  test.each(['invicti_scan_retest', 'invicti_scan_launch_new_from_scan'])('%s: the real captures (nulls where the Swagger declares none) validate', (id) => {
    const validate = validatorFor(id);
    const ok = validate(seedEnvelope(id));
    expect(validate.errors ?? null).toBeNull();
    expect(ok).toBe(true);
  });
});
