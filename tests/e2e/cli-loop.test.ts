// The CLI knows every declared action: list shows them all, describe covers
// each, and a dry run of a GET shows the exact query string and no body.
import { describe, expect, jest, test } from '@jest/globals';
import { manifest } from '../../src/contract/manifest.js';
import { GUID, PROJECT_ID } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

jest.setTimeout(60_000);

describe('list and describe cover every action', () => {
  test('list --json: every action of connector.json, in order, with method and path', async () => {
    const result = await runCli(['list', '--json']);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<{ id: string; method: string; path: string }>;
    expect(listed.map((a) => [a.id, a.method, a.path])).toEqual(manifest.actions.map((a) => [a.id, a.method, a.path]));
  });

  test.each(manifest.actions.map((a) => a.id))('describe %s: exit 0, every input field, an example that dry-runs', async (id) => {
    const human = await runCli(['describe', id]);
    expect(human.code).toBe(0);
    const json = JSON.parse((await runCli(['describe', id, '--json'])).stdout);
    for (const name of Object.keys(json.input_schema.properties)) expect(human.stdout).toContain(`  ${name} `);
    const dry = await runCli(['run', id, '--input', '-', '--dry-run'], {
      stdin: JSON.stringify(json.example_input),
      env: { ATTACKFORGE_URL: 'https://demo.attackforge.test' },
    });
    expect([dry.code, dry.stdout === '' ? dry.stderr : 'ok']).toEqual([0, 'ok']);
    const request = JSON.parse(dry.stdout);
    expect(request.method).toBe(manifest.actions.find((a) => a.id === id)!.method);
    if (request.method === 'GET') {
      expect(request.body).toBeNull();
      expect(Object.keys(request.headers).map((h) => h.toLowerCase())).not.toContain('content-type');
    }
  });
});

describe('dry runs of the loop actions show the wire', () => {
  test('a report: the query string in schema order, Accept */*, no body, auth masked', async () => {
    const result = await runCli(['run', 'invicti_scan_report', '--input', '-', '--dry-run'], {
      stdin: JSON.stringify({ parameters: { onlyConfirmedIssues: true, format: 'Pdf', type: 'ScanDetail', id: GUID } }),
    });
    expect(result.code).toBe(0);
    const request = JSON.parse(result.stdout);
    expect(request).toEqual({
      method: 'GET',
      url: `https://www.netsparkercloud.com/api/1.0/scans/report/?id=${GUID}&type=ScanDetail&format=Pdf&onlyConfirmedIssues=true`,
      headers: { Accept: '*/*', 'User-Agent': `${manifest.name}/${manifest.version}`, Authorization: 'Basic ***' },
      body: null,
    });
  });

  test('AttackForge q filter percent-encoded; a round number as digits', async () => {
    const q = '{ is_retest: { $eq: "Yes" } }';
    const env = { ATTACKFORGE_URL: 'https://demo.attackforge.test', ATTACKFORGE_API_KEY: 'key-SECRET' };
    const list = JSON.parse(
      (await runCli(['run', 'attackforge_get_project_vulnerabilities', '--input', '-', '--dry-run'], { stdin: JSON.stringify({ path_parameters: { id: PROJECT_ID }, parameters: { q } }), env })).stdout,
    );
    expect(list.url).toBe(`https://demo.attackforge.test/api/ss/project/${PROJECT_ID}/vulnerabilities?q=%7B%20is_retest%3A%20%7B%20%24eq%3A%20%22Yes%22%20%7D%20%7D`);
    expect(list.headers['X-SSAPI-KEY']).toBe('***');
    const round = await runCli(['run', 'attackforge_complete_project_retest_round', '--input', '-', '--dry-run'], {
      stdin: JSON.stringify({ path_parameters: { id: PROJECT_ID, roundNumber: 3 } }),
      env,
    });
    expect(JSON.parse(round.stdout)).toMatchObject({ method: 'POST', url: `https://demo.attackforge.test/api/ss/project/${PROJECT_ID}/retest/3/complete`, body: null });
    expect(round.stdout + round.stderr).not.toContain('key-SECRET');
  });

  test('an array as a query value is INPUT_INVALID (exit 3), naming the field', async () => {
    const result = await runCli(['run', 'invicti_scans_list', '--input', '-', '--dry-run'], { stdin: JSON.stringify({ parameters: { page: [1, 2] } }) });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('parameters.page');
  });
});
