// The vendors' contracts, to the letter (issue 18): what AttackForge documents
// for the vulnerabilities query and for custom tags/fields, and Invicti's int32
// bounds, each shown on the wire (or shown not to reach it).
import { afterEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { runAction } from '../../src/index.js';
import { getAction, manifest } from '../../src/contract/manifest.js';
import { getSchema } from '../../src/contract/schemas.js';
import { attackforge, fixture, invicti, PROJECT_ID, VULN_ID } from '../helpers/fixtures.js';
import { capture, requestsDuring } from '../helpers/wire.js';

afterEach(() => nock.cleanAll());

describe('AttackForge GetProjectVulnerabilitiesById query', () => {
  test('altCustomFields (boolean) and date-only startDate/endDate reach the wire as given', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.get(`/api/ss/project/${PROJECT_ID}/vulnerabilities`).query(true).reply(200, { count: 0, vulnerabilities: [] });
    const envelope = await runAction(
      'attackforge_get_project_vulnerabilities',
      { path_parameters: { id: PROJECT_ID }, parameters: { startDate: '2025-01-01', endDate: '2025-12-31T23:59:59Z', altCustomFields: true } },
      attackforge,
    );
    expect(envelope.status_code).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.path).toBe(`/api/ss/project/${PROJECT_ID}/vulnerabilities?startDate=2025-01-01&endDate=2025-12-31T23%3A59%3A59Z&altCustomFields=true`);
  });

  test.each([['2025-13-01'], ['2025-01-32'], ['2025-01-01T00:00:00'], ['01/01/2025'], ['2025-1-1']])('startDate %s is refused before sending, naming the field', async (startDate) => {
    const sent = await requestsDuring(attackforge.url, async () => {
      await expect(runAction('attackforge_get_project_vulnerabilities', { path_parameters: { id: PROJECT_ID }, parameters: { startDate } }, attackforge)).rejects.toMatchObject({
        code: 'INPUT_INVALID',
        message: expect.stringMatching(/start ?date/i),
      });
    });
    expect(sent).toBe(0);
  });

  test('altCustomFields must be a boolean', async () => {
    await expect(
      runAction('attackforge_get_project_vulnerabilities', { path_parameters: { id: PROJECT_ID }, parameters: { altCustomFields: 'yes' } }, attackforge),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});

describe('AttackForge custom tags and fields: { name | key, value }', () => {
  test('both spellings are accepted and sent exactly as given', async () => {
    const scope = nock(attackforge.url);
    const seen = capture(scope);
    scope.put(`/api/ss/vulnerability/${VULN_ID}`).reply(200, { status: 'Vulnerability Updated' });
    const json_body = {
      projectId: PROJECT_ID,
      custom_tags: [
        { name: 'component', value: 'search' },
        { key: 'team', value: 'blue' },
      ],
      custom_fields: [
        { key: 'ticket', value: 'SEC-1234' },
        { name: 'owner', value: 'alice' },
      ],
    };
    const envelope = await runAction('attackforge_update_vulnerability', { path_parameters: { id: VULN_ID }, json_body }, attackforge);
    expect(envelope.status_code).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('PUT');
    expect(seen[0]!.body).toBe(JSON.stringify(json_body));
  });

  test.each([
    ['both spellings at once', { name: 'a', key: 'a', value: 'v' }],
    ['neither', { value: 'v' }],
    ['no value', { name: 'a' }],
    ['an unknown member', { name: 'a', value: 'v', colour: 'red' }],
  ])('%s is refused before sending', async (_label, tag) => {
    const sent = await requestsDuring(attackforge.url, async () => {
      await expect(
        runAction('attackforge_update_vulnerability', { path_parameters: { id: VULN_ID }, json_body: { projectId: PROJECT_ID, custom_tags: [tag] } }, attackforge),
      ).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    });
    expect(sent).toBe(0);
  });
});

describe('Invicti int32 fields are bounded as the Swagger says', () => {
  const INT32 = { min: -2147483648, max: 2147483647 };
  const swagger = fixture('vendor/invicti-swagger.excerpt.json');
  const newScanModel = fixture('vendor/invicti-swagger.new-scan-model.json').definitions.NewScanTaskApiModel;

  /** A property of one of our schemas, its $ref into shared/inputs.json followed. */
  function resolved(node: any): any {
    if (!node?.$ref) return node;
    const [file, pointer] = String(node.$ref).split('#');
    const schema = getSchema(`schemas/${file!.replace(/^\.\.\//, '')}`) as any;
    return pointer!.split('/').filter(Boolean).reduce((at, key) => at[key], schema);
  }
  const bounded = (ours: any) => typeof ours.minimum === 'number' && ours.minimum >= INT32.min && typeof ours.maximum === 'number' && ours.maximum <= INT32.max;

  test('every int32 property of NewScanTaskApiModel has both bounds within int32', () => {
    const ours = (getSchema('schemas/invicti/NewScanTaskApiModel.json') as any).properties;
    const int32 = Object.entries<any>(newScanModel.properties).filter(([, v]) => v.format === 'int32').map(([k]) => k);
    expect(int32).toEqual(expect.arrayContaining(['MaxScanDuration', 'MaxDynamicSignatures', 'SubPathMaxDynamicSignatures']));
    for (const name of int32) expect([name, bounded(resolved(ours[name]))]).toEqual([name, true]);
  });

  test('every int32 query parameter of an operation we call has both bounds within int32', () => {
    let checked = 0;
    for (const action of manifest.actions.filter((a) => a.connection === 'invicti')) {
      const operation = swagger.paths[action.path]?.[action.method.toLowerCase()];
      if (!operation) continue;
      const params = (getSchema(getAction(action.id).input_schema) as any).properties.parameters?.properties ?? {};
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'query' || parameter.format !== 'int32' || !params[parameter.name]) continue;
        expect([action.id, parameter.name, bounded(resolved(params[parameter.name]))]).toEqual([action.id, parameter.name, true]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  test('MaxScanDuration 2147483648 (and below the int32 minimum) is refused before sending; 2147483647 is sent as given', async () => {
    const launch = (MaxScanDuration: number) => runAction('invicti_scan_launch_new', { json_body: { TargetUri: 'http://php.testinvicti.com/', MaxScanDuration } }, invicti);
    for (const value of [2147483648, -2147483649]) {
      const sent = await requestsDuring(invicti.url, () => expect(launch(value)).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(/Max ?Scan ?Duration/i) }));
      expect(sent).toBe(0);
    }
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.post('/api/1.0/scans/new').reply(201, [{ Id: 'af6d0ffd-529e-4056-b39f-b141021fae74', State: 'Queued' }]);
    expect((await launch(2147483647)).status_code).toBe(201);
    expect(seen[0]!.body).toBe('{"TargetUri":"http://php.testinvicti.com/","MaxScanDuration":2147483647}');
  });
});

describe('NewScanTaskApiModel sub-models typed from the Swagger (FormAuthenticationSettingModel, OAuth2SettingModel, SharkSetting)', () => {
  const launch = (extra: Record<string, unknown>) => runAction('invicti_scan_launch_new', { json_body: { TargetUri: 'http://php.testinvicti.com/', ...extra } }, invicti);
  const refused = async (extra: Record<string, unknown>, field: RegExp) => {
    const sent = await requestsDuring(invicti.url, () => expect(launch(extra)).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(field) }));
    expect(sent).toBe(0);
  };

  test('a form authentication with a persona and a logout pattern, OAuth2 and Shark settings are sent exactly as given', async () => {
    const extra = {
      FormAuthenticationSettingModel: {
        IsEnabled: true,
        LoginFormUrl: 'http://php.testinvicti.com/login.php',
        LogoutKeywordPatterns: [{ Pattern: 'Signin required', Regex: true }],
        Personas: [{ IsActive: true, UserName: 'tester', Password: 'correct horse', OtpType: 'Totp', Digit: 6, Period: 30 }],
      },
      OAuth2SettingModel: { Enabled: true, FlowType: 'ClientCredentials', AccessTokenEndpoint: { Url: 'https://idp.example/token', ContentType: 'application/x-www-form-urlencoded', Method: 'POST' } },
      SharkSetting: { IsSharkEnabled: true, SharkPlatformType: 'Php', SharkPassword: 'a'.repeat(32) },
    };
    const scope = nock(invicti.url);
    const seen = capture(scope);
    scope.post('/api/1.0/scans/new').reply(201, [{ Id: 'af6d0ffd-529e-4056-b39f-b141021fae74', State: 'Queued' }]);
    expect((await launch(extra)).status_code).toBe(201);
    expect(seen[0]!.body).toBe(JSON.stringify({ TargetUri: 'http://php.testinvicti.com/', ...extra }));
  });

  test('their Swagger constraints are checked before sending, naming the field', async () => {
    await refused({ FormAuthenticationSettingModel: { Personas: [{ Digit: 2147483648 }] } }, /Digit/);
    await refused({ FormAuthenticationSettingModel: { LogoutKeywordPatterns: [{ Regex: true }] } }, /Pattern/);
    await refused({ FormAuthenticationSettingModel: { IsEnabled: 'yes' } }, /Is ?Enabled/i);
    await refused({ OAuth2SettingModel: { FlowType: 'Telepathy' } }, /Flow ?Type/i);
    await refused({ OAuth2SettingModel: { Unknown: 1 } }, /Unknown|OAuth2/i);
    await refused({ SharkSetting: { SharkPassword: 'short' } }, /Shark ?Password/i);
    await refused({ SharkSetting: { SharkPlatformType: 'Cobol' } }, /Shark ?Platform ?Type/i);
  });
});
