// The output schemas of the retest loop's 14 actions: each Invicti model says
// what the vendor's Swagger says (checked against the verbatim excerpt in
// tests/fixtures), accepts realistic bodies full of nulls, and rejects a body
// that has drifted. AttackForge has no Swagger: its schemas type what the
// vendor documents and allow the rest, but a 2xx body of another shape fails.
import { describe, expect, test } from '@jest/globals';
import { getSchema, compileValidator } from '../../src/contract/schemas.js';
import { fixture } from '../helpers/fixtures.js';

const swagger = fixture('vendor/invicti-swagger.excerpt.json');
const defs = swagger.definitions as Record<string, any>;

const NEW_ACTIONS = [
  'invicti_issues_waiting_for_retest',
  'invicti_scan_status',
  'invicti_scan_detail',
  'invicti_scan_result',
  'invicti_scans_list',
  'invicti_scan_launch_new',
  'invicti_scan_report',
  'invicti_scan_custom_report',
  'invicti_scan_wait',
  'attackforge_get_project_vulnerabilities',
  'attackforge_get_project',
  'attackforge_update_vulnerability',
  'attackforge_cancel_project_retest_round',
  'attackforge_complete_project_retest_round',
];
const outputOf = (id: string) => `schemas/actions/${id}.output.json`;
const validatorFor = (id: string) => compileValidator(outputOf(id));

/** Where each Swagger model lives: its own file, or a definition inside one. */
const MODELS: Record<string, { file: string; definition?: string }> = {
  ApiScanStatusModel: { file: 'schemas/invicti/ApiScanStatusModel.json' },
  VulnerabilityModel: { file: 'schemas/invicti/VulnerabilityModel.json' },
  IssueApiResult: { file: 'schemas/invicti/IssueApiResult.json' },
  IssueApiModel: { file: 'schemas/invicti/IssueApiModel.json' },
  ScanTaskListApiResult: { file: 'schemas/invicti/ScanTaskListApiResult.json' },
  ScanTaskModel: { file: 'schemas/invicti/ScanTaskModel.json' },
  BaseResponseApiModel: { file: 'schemas/invicti/BaseResponseApiModel.json' },
  CustomFieldModel: { file: 'schemas/invicti/IssueApiModel.json', definition: 'CustomFieldModel' },
  CvssScoreValue: { file: 'schemas/invicti/IssueApiModel.json', definition: 'CvssScoreValue' },
  IssueHistoryApiModel: { file: 'schemas/invicti/IssueApiModel.json', definition: 'IssueHistoryApiModel' },
  IssueRequestContentParametersApiModel: { file: 'schemas/invicti/IssueApiModel.json', definition: 'IssueRequestContentParametersApiModel' },
  VersionIssue: { file: 'schemas/invicti/IssueApiModel.json', definition: 'VersionIssue' },
  VulnerabilityClassification: { file: 'schemas/invicti/IssueApiModel.json', definition: 'VulnerabilityClassification' },
};

/** The fields that identify a body as the model: required and never null (everything else accepts null). */
const IDENTITY: Record<string, string[]> = {
  ApiScanStatusModel: ['State'],
  VulnerabilityModel: ['Title', 'Type'],
  IssueApiResult: ['List'],
  IssueApiModel: ['Id'],
  ScanTaskListApiResult: ['List'],
  ScanTaskModel: ['Id', 'State'],
  BaseResponseApiModel: ['Message'],
};

/** The vulnerability-type enums (1,552 values, growing each scanner release) are typed as strings, not enforced. */
const OPEN_ENUMS = new Set(['VulnerabilityModel.Type', 'IssueApiModel.Type', 'VersionIssue.OwnerVulnerabilityType']);

const ourModel = (name: string): any => {
  const where = MODELS[name]!;
  const schema = getSchema(where.file) as any;
  return where.definition ? schema.definitions[where.definition] : schema;
};

/** A $ref of ours -> the model name it points at (file name or #/definitions/<name>). */
const refName = (ref: string) => ref.split('/').pop()!.replace(/\.json$/, '');

/** An instance of a Swagger model the way Swagger UI renders its example: every property, one value each. */
function swaggerInstance(model: any, depth = 0): unknown {
  if (model.$ref) return swaggerInstance(defs[model.$ref.split('/').pop()], depth + 1);
  if (model.enum) return model.enum[model.enum.length - 1];
  switch (model.type) {
    case 'object':
      if (model.additionalProperties) return { AV: swaggerInstance(model.additionalProperties, depth + 1) };
      return Object.fromEntries(Object.entries<any>(model.properties ?? {}).map(([k, v]) => [k, swaggerInstance(v, depth + 1)]));
    case 'array':
      return [swaggerInstance(model.items, depth + 1)];
    case 'integer':
      return 2147483647;
    case 'number':
      return 7.5;
    case 'boolean':
      return true;
    default:
      return model.format === 'date-time' ? '2024-03-28T06:07:58.141Z' : (model.example ?? 'string');
  }
}

describe('Invicti models say what the vendor Swagger says', () => {
  test.each(Object.keys(MODELS))('%s: the Swagger model\'s properties, in its order, with its types, formats, enums and refs', (name) => {
    const theirs = defs[name];
    expect(theirs).toBeDefined();
    const ours = ourModel(name);
    expect(Object.keys(ours.properties)).toEqual(Object.keys(theirs.properties));
    expect(ours.required ?? []).toEqual(IDENTITY[name] ?? []);
    for (const [prop, vendor] of Object.entries<any>(theirs.properties)) {
      const mine = ours.properties[prop];
      const identity = (IDENTITY[name] ?? []).includes(prop);
      if (vendor.$ref) {
        expect(mine.anyOf).toHaveLength(2);
        expect(refName(mine.anyOf[0].$ref)).toBe(refName(vendor.$ref));
        expect(mine.anyOf[1]).toEqual({ type: 'null' });
        continue;
      }
      expect(mine.type).toEqual(identity ? vendor.type : [vendor.type, 'null']);
      if (vendor.format && vendor.format !== 'string') expect(mine.format).toBe(vendor.format);
      if (vendor.enum && OPEN_ENUMS.has(`${name}.${prop}`)) {
        expect(vendor.enum.length).toBeGreaterThan(1000);
        expect(mine.enum).toBeUndefined();
        expect(mine.description).toContain(`${vendor.enum.length} vulnerability types`);
      } else if (vendor.enum) {
        expect(mine.enum).toEqual(identity ? vendor.enum : [...vendor.enum, null]);
      } else {
        expect(mine.enum).toBeUndefined();
      }
      if (vendor.items?.$ref) expect(refName(mine.items.$ref)).toBe(refName(vendor.items.$ref));
      if (vendor.items?.type) expect(mine.items.type).toBe(vendor.items.type);
      if (vendor.additionalProperties?.$ref) expect(refName(mine.additionalProperties.$ref)).toBe(refName(vendor.additionalProperties.$ref));
      if (vendor.example !== undefined) expect(mine.examples).toEqual([vendor.example]);
    }
  });

  test('the operations answer with these models (paths in the excerpt)', () => {
    const ok = (path: string, method: string, status = '200') => swagger.paths[path][method].responses[status].schema;
    expect(ok('/api/1.0/scans/status/{id}', 'get')).toEqual({ $ref: '#/definitions/ApiScanStatusModel' });
    expect(ok('/api/1.0/scans/detail/{id}', 'get')).toEqual({ $ref: '#/definitions/ScanTaskModel' });
    expect(ok('/api/1.0/scans/result/{id}', 'get')).toEqual({ type: 'array', items: { $ref: '#/definitions/VulnerabilityModel' } });
    expect(ok('/api/1.0/scans/list', 'get')).toEqual({ $ref: '#/definitions/ScanTaskListApiResult' });
    expect(ok('/api/1.0/issues/waitingforretest', 'get')).toEqual({ $ref: '#/definitions/IssueApiResult' });
    expect(ok('/api/1.0/scans/new', 'post', '201')).toEqual({ type: 'array', items: { $ref: '#/definitions/ScanTaskModel' } });
    expect(ok('/api/1.0/scans/report/', 'get')).toEqual({ format: 'byte', type: 'file' });
  });

  // Definitions inside a file (CustomFieldModel, ...) are checked through the model that holds them.
  test.each(Object.keys(MODELS).filter((name) => !MODELS[name]!.definition))('%s accepts an instance of the Swagger model', (name) => {
    const validate = compileValidator(MODELS[name]!.file);
    const instance = swaggerInstance(defs[name]);
    const ok = validate(instance);
    expect(validate.errors ?? null).toBeNull();
    expect(ok).toBe(true);
  });

  test.each(Object.keys(IDENTITY))('%s accepts null in every property but its identity fields, and rejects a body without them', (name) => {
    const validate = compileValidator(MODELS[name]!.file);
    const instance = swaggerInstance(defs[name]) as Record<string, unknown>;
    const nulls = Object.fromEntries(Object.keys(defs[name].properties).map((k) => [k, IDENTITY[name]!.includes(k) ? instance[k] : null]));
    expect(validate(nulls)).toBe(true);
    for (const field of IDENTITY[name]!) {
      expect(validate({ ...nulls, [field]: null })).toBe(false);
      const { [field]: _dropped, ...without } = nulls;
      expect(validate(without)).toBe(false);
    }
    expect(validate({ foo: 1 })).toBe(false);
  });

  test('a vulnerability type the Swagger does not list yet is accepted (the list grows every release); a wrong type of value is not', () => {
    const validate = compileValidator('schemas/invicti/VulnerabilityModel.json');
    expect(validate({ IssueUrl: null, Title: 'New check', Type: 'SomeFutureCheck', Url: null })).toBe(true);
    expect(validate({ IssueUrl: null, Title: 'New check', Type: 42, Url: null })).toBe(false);
  });
});

describe('every new output schema: an envelope with examples that validate', () => {
  test.each(NEW_ACTIONS)('%s', (id) => {
    const schema = getSchema(outputOf(id)) as any;
    expect(schema.$id).toBe(`https://retest-connectors.invalid/schemas/actions/${id}.output.json`);
    expect(schema.allOf[0]).toEqual({ $ref: '../shared/envelope.json' });
    expect(schema.description.length).toBeGreaterThan(40);
    expect(Array.isArray(schema.examples) && schema.examples.length > 0).toBe(true);
    const validate = validatorFor(id);
    for (const example of schema.examples) {
      const ok = validate(example);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });
});

const envelope = (status_code: number, json_body: unknown, extra: Record<string, unknown> = {}) => ({
  status_code,
  reason: status_code < 300 ? 'OK' : 'Error',
  response_headers: { 'Content-Type': 'application/json; charset=utf-8' },
  json_body,
  ...extra,
});
const firstExample = (id: string) => (getSchema(outputOf(id)).examples as any[])[0];

describe('Invicti outputs catch drift', () => {
  const jsonActions = [
    'invicti_issues_waiting_for_retest',
    'invicti_scan_status',
    'invicti_scan_detail',
    'invicti_scan_result',
    'invicti_scans_list',
    'invicti_scan_launch_new',
  ];

  test.each(jsonActions)('%s: a 2xx body that is neither the model nor { Message } fails; Invicti errors and non-JSON bodies pass', (id) => {
    const validate = validatorFor(id);
    const status = firstExample(id).status_code;
    expect(validate(envelope(status, { foo: 1 }))).toBe(false);
    expect(validate(envelope(status, {}))).toBe(false);
    expect(validate(envelope(status, 'Ok'))).toBe(false);
    expect(validate(envelope(404, { Message: 'Scan not found.' }))).toBe(true);
    expect(validate(envelope(401, { Message: 'Authorization has been denied for this request.' }))).toBe(true);
    expect(validate(envelope(502, null, { response_text: '<html>Bad Gateway</html>' }))).toBe(true);
  });

  test('scan status: an unknown State, a missing State or a string counter is drift', () => {
    const validate = validatorFor('invicti_scan_status');
    const body = firstExample('invicti_scan_status').json_body;
    expect(validate(envelope(200, { ...body, State: 'Complete' }))).toBe(true);
    expect(validate(envelope(200, { ...body, State: 'Exploded' }))).toBe(false);
    expect(validate(envelope(200, { ...body, State: undefined }))).toBe(false);
    expect(validate(envelope(200, { ...body, CompletedSteps: '12' }))).toBe(false);
    // the ScanTaskModel of scans/detail is not a status
    expect(validate(envelope(200, { ...firstExample('invicti_scan_detail').json_body, State: undefined }))).toBe(false);
  });

  test('scan result: an array of VulnerabilityModel; an object, or an entry without Title/Type, is drift', () => {
    const validate = validatorFor('invicti_scan_result');
    const list = firstExample('invicti_scan_result').json_body;
    expect(validate(envelope(200, []))).toBe(true);
    expect(validate(envelope(200, list[0]))).toBe(false);
    expect(validate(envelope(200, [{ IssueUrl: 'x', Url: 'y' }]))).toBe(false);
  });

  test('scans/new answers a list: a single ScanTaskModel is drift', () => {
    const validate = validatorFor('invicti_scan_launch_new');
    const [task] = firstExample('invicti_scan_launch_new').json_body;
    expect(validate(envelope(201, [task]))).toBe(true);
    expect(validate(envelope(201, task))).toBe(false);
  });

  test('paged lists: List is required, and each entry must be the model', () => {
    for (const id of ['invicti_scans_list', 'invicti_issues_waiting_for_retest']) {
      const validate = validatorFor(id);
      const page = firstExample(id).json_body;
      expect(validate(envelope(200, { ...page, List: undefined }))).toBe(false);
      expect(validate(envelope(200, { ...page, List: [{ foo: 1 }] }))).toBe(false);
      expect(validate(envelope(200, { ...page, TotalItemCount: null, PageCount: null }))).toBe(true);
    }
    const issues = validatorFor('invicti_issues_waiting_for_retest');
    const page = firstExample('invicti_issues_waiting_for_retest').json_body;
    expect(issues(envelope(200, { ...page, List: [{ ...page.List[0], Severity: 'Catastrophic' }] }))).toBe(false);
  });

  test.each(['invicti_scan_report', 'invicti_scan_custom_report'])('%s: a 2xx needs the file member; an error is { Message } or not JSON', (id) => {
    const validate = validatorFor(id);
    const example = firstExample(id);
    expect(validate(example)).toBe(true);
    const { file, ...noFile } = example;
    expect(validate(noFile)).toBe(false);
    expect(validate({ ...example, file: { ...file, size_bytes: '12' } })).toBe(false);
    expect(validate({ ...example, file: { file_name: 'r.pdf' } })).toBe(false);
    // a JSON report keeps its body
    expect(validate(envelope(200, { Vulnerabilities: [] }, { file: { ...file, content_type: 'application/json' } }))).toBe(true);
    expect(validate(envelope(404, { Message: 'Scan not found.' }))).toBe(true);
    expect(validate(envelope(400, { foo: 1 }))).toBe(false);
    expect(validate(envelope(500, null, { response_text: 'oops' }))).toBe(true);
  });

  test('scan wait: the wait member is required and exact; the body is the last status', () => {
    const validate = validatorFor('invicti_scan_wait');
    const [done, timedOut] = getSchema(outputOf('invicti_scan_wait')).examples as any[];
    expect(done.wait.done).toBe(true);
    expect(done.json_body.State).toBe('Complete');
    expect(timedOut.wait.done).toBe(false);
    const { wait, ...noWait } = done;
    expect(validate(noWait)).toBe(false);
    expect(validate({ ...done, wait: { ...wait, polls: -1 } })).toBe(false);
    expect(validate({ ...done, wait: { ...wait, extra: 1 } })).toBe(false);
    expect(validate({ ...done, wait: { done: true } })).toBe(false);
    expect(validate({ ...done, json_body: { foo: 1 } })).toBe(false);
    // the last poll failed: its envelope, with wait
    expect(validate(envelope(404, { Message: 'Scan not found.' }, { wait: { done: false, outcome: 'ended', polls: 1, waited_ms: 120 } }))).toBe(true);
  });
});

describe('AttackForge outputs: typed where documented, open elsewhere, a 2xx of another shape fails', () => {
  test.each(NEW_ACTIONS.filter((id) => id.startsWith('attackforge_')))('%s', (id) => {
    const validate = validatorFor(id);
    // The update's "result object" is undocumented: any non-empty object passes there (see its schema), nothing narrower.
    expect(validate(envelope(200, id === 'attackforge_update_vulnerability' ? {} : { foo: 1 }))).toBe(false);
    // On a 2xx the body is the model: an empty or non-JSON body is drift there.
    expect(validate(envelope(200, null, { response_text: '' }))).toBe(false);
    expect(validate(envelope(502, null, { response_text: '<html>Bad Gateway</html>' }))).toBe(true);
    // error bodies are undocumented: any object (the simulator answers { error })
    expect(validate(envelope(400, { error: 'Retest round 3 does not exist.' }))).toBe(true);
    expect(validate(envelope(404, { foo: 1 }))).toBe(true);
  });

  test('project vulnerabilities: count and vulnerabilities required, the vulnerability_* fields typed, the rest allowed', () => {
    const validate = validatorFor('attackforge_get_project_vulnerabilities');
    const body = firstExample('attackforge_get_project_vulnerabilities').json_body;
    expect(body.vulnerabilities[0].vulnerability_likelihood_of_exploitation).toBe(8); // an undocumented field, allowed
    expect(validate(envelope(200, { count: 0, vulnerabilities: [] }))).toBe(true);
    expect(validate(envelope(200, { ...body, count: '2' }))).toBe(false);
    expect(validate(envelope(200, { count: 2 }))).toBe(false);
    const vuln = body.vulnerabilities[0];
    expect(validate(envelope(200, { count: 1, vulnerabilities: [{ ...vuln, vulnerability_priority: 'Urgent' }] }))).toBe(false);
    expect(validate(envelope(200, { count: 1, vulnerabilities: [{ ...vuln, vulnerability_id: undefined }] }))).toBe(false);
    expect(validate(envelope(200, { count: 1, vulnerabilities: [{ vulnerability_id: vuln.vulnerability_id, vulnerability_retest: true }] }))).toBe(true);
  });

  test('project: under "project" (as the vendor page shows) or bare; project_id required; documented statuses; rounds numbered from 1', () => {
    const validate = validatorFor('attackforge_get_project');
    const { project } = firstExample('attackforge_get_project').json_body;
    expect(validate(envelope(200, { project }))).toBe(true);
    expect(validate(envelope(200, project))).toBe(true);
    expect(validate(envelope(200, { project: { ...project, project_status: 'Archived' } }))).toBe(false);
    expect(validate(envelope(200, { project: { ...project, project_id: undefined } }))).toBe(false);
    expect(validate(envelope(200, { project: { ...project, project_retest_rounds: [{ round_number: 0, status: 'Requested' }] } }))).toBe(false);
    expect(validate(envelope(200, { project: { ...project, project_retest_rounds: [{ round_number: 2, status: 'Completed', anything: ['else'] }] } }))).toBe(true);
  });

  test('retest rounds and updates: a { status } sentence; a result object', () => {
    for (const id of ['attackforge_cancel_project_retest_round', 'attackforge_complete_project_retest_round']) {
      const validate = validatorFor(id);
      expect(validate(envelope(200, { status: 'Retest round 2 completed' }))).toBe(true);
      expect(validate(envelope(200, { status: 2 }))).toBe(false);
    }
    const update = validatorFor('attackforge_update_vulnerability');
    expect(update(envelope(200, { result: 'ok' }))).toBe(true);
    expect(update(envelope(200, {}))).toBe(false);
  });
});
