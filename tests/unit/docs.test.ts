// The generated action docs: fresh on disk, laid out like the catalogue's seed
// documents, and saying what the schemas say (nesting, required, types, secrets).
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDocs } from '../../scripts/generate-docs.js';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { compileValidator, getSchema } from '../../src/contract/schemas.js';

const docs = renderDocs();
const page = (actionId: string) => docs.get(`docs/actions/${actionId}.md`)!;

/** The text between a heading and the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const level = heading.indexOf(' ');
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no "${heading}" section`);
  const rest = markdown.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n#{1,${level}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

function jsonBlock(markdown: string): unknown {
  const match = /```json\n([\s\S]*?)\n```/.exec(markdown);
  if (!match) throw new Error('no json block');
  return JSON.parse(match[1]!);
}

describe('docs/ is generated and fresh', () => {
  test('one page per action in connector.json, plus connections.md', () => {
    expect([...docs.keys()]).toEqual([...manifest.actions.map((a) => `docs/actions/${a.id}.md`), 'docs/connections.md']);
  });

  test('the checked-in files are exactly what `npm run generate` writes, and no page is an orphan', () => {
    for (const [path, content] of docs) expect(readFileSync(join(packageRoot, path), 'utf8')).toBe(content);
    const pages = readdirSync(join(packageRoot, 'docs/actions')).map((name) => `docs/actions/${name}`);
    expect(pages.sort()).toEqual([...docs.keys()].filter((p) => p.startsWith('docs/actions/')).sort());
  });

  // What `npm run generate -- --check` says about a stale, missing or orphaned page: tests/e2e/generate-check.test.ts.

  test('rendering is deterministic and depends on nothing outside the repo', () => {
    expect(renderDocs()).toEqual(docs);
    for (const content of docs.values()) expect(content).not.toContain(packageRoot);
  });
});

describe.each(manifest.actions.map((a) => [a.id, a] as const))('docs/actions/%s.md', (id, action) => {
  const markdown = page(id);

  test('has the seed documents\' structure, in order', () => {
    const headings = markdown.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      `# ${action.title}`,
      '## Endpoint',
      '## Inputs',
      '### Example input',
      '## Output',
      '### Example',
      '### Output Parameters',
      '## Response Headers',
      '## Statuses',
      '### Error example',
    ]);
    expect(markdown).toContain(`**Description**: ${action.description}`);
    expect(section(markdown, '## Endpoint')).toContain(`- **URL:** \`${action.path}\``);
    expect(section(markdown, '## Endpoint')).toContain(`- **Method:** \`${action.method}\``);
  });

  test('the output example is an envelope that validates against the output schema', () => {
    const example = jsonBlock(section(markdown, '### Example'));
    expect(example).toEqual((getSchema(action.output_schema).examples as unknown[])[0]);
    expect(compileValidator(action.output_schema)(example)).toBe(true);
  });

  test('the example input validates against the input schema', () => {
    expect(compileValidator(action.input_schema)(jsonBlock(section(markdown, '### Example input')))).toBe(true);
  });

  test('response headers are the example\'s, as a table', () => {
    const table = section(markdown, '## Response Headers');
    expect(table).toContain('| Header | Type |');
    const example = (getSchema(action.output_schema).examples as Array<{ response_headers: Record<string, string> }>)[0]!;
    for (const name of Object.keys(example.response_headers)) expect(table).toContain(`| ${name} | string |`);
  });

  test('output parameters list the envelope', () => {
    const params = section(markdown, '### Output Parameters');
    expect(params).toMatch(/^- \*\*status_code\*\* \(integer\) – Required: /m);
    expect(params).toMatch(/^- \*\*reason\*\* \(string\) – Required: /m);
    expect(params).toMatch(/^- \*\*response_headers\*\* \(object\) – Required: /m);
    // json_body is typed by each action's output schema (an object, an array, or any JSON while provisional).
    expect(params).toMatch(/^- \*\*json_body\*\* \([a-z| ]+\) – Required: /m);
    expect(params).toMatch(/^- \*\*response_text\*\* \(string\): /m);
  });
});

describe.each(manifest.actions.map((a) => [a.id, a] as const))('docs/actions/%s.md: statuses and an error example', (id, action) => {
  const markdown = page(id);

  test('the statuses table starts with the success status of the output example and ends with the CLI errors', () => {
    const table = section(markdown, '## Statuses');
    const example = (getSchema(action.output_schema).examples as Array<{ status_code: number; reason: string }>)[0]!;
    const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Status'));
    expect(rows[0]).toMatch(new RegExp(`^\\| ${example.status_code} ${example.reason} \\| success: .* \\| 0 \\|$`));
    for (const status of ['400', '401', '403', '404', '429', '502']) expect(table).toContain(`| ${status} `);
    expect(table).toContain('| no HTTP response | error `TIMEOUT`');
    expect(table).toMatch(/\| invalid input or connection \| .* \| 3 \|/);
    // Whether a 502 is resent follows the hints.
    const gateway = rows.find((r) => r.startsWith('| 502'))!;
    expect(gateway).toContain(action.hints.idempotent ? 'retried' : 'never resent');
  });

  test('the error example shows an HTTP error envelope and the real INPUT_INVALID error of the validator', () => {
    const blocks = [...section(markdown, '### Error example').matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!));
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatchObject({ status_code: 404, reason: 'Not Found' });
    expect(compileValidator('schemas/shared/envelope.json')(blocks[0])).toBe(true);
    expect(blocks[1].error.code).toBe('INPUT_INVALID');
    expect(blocks[1].error.details).toContainEqual({ field: 'unexpected_field', title: 'unexpected_field', message: 'not an allowed field' });
  });
});

describe('inputs: nested, required marked, with descriptions', () => {
  test('invicti_scan_retest', () => {
    const inputs = section(page('invicti_scan_retest'), '## Inputs');
    expect(inputs).toMatch(/^- \*\*json_body\*\* \(object\) – Required: BaseScanApiModel: /m);
    expect(inputs).toMatch(/^ {2}- \*\*BaseScanId\*\* \(string\) – Required: Identifier \(GUID\) of the completed scan to retest\./m);
    expect(inputs).toMatch(/^ {2}- \*\*AgentName\*\* \(string\): Name of the scan agent/m);
  });

  test('invicti_scan_launch_new_from_scan: data_body.id goes out as a bare JSON string', () => {
    const markdown = page('invicti_scan_launch_new_from_scan');
    expect(section(markdown, '## Inputs')).toMatch(/^ {2}- \*\*id\*\* \(string\) – Required: Identifier \(GUID\)/m);
    expect(section(markdown, '## Endpoint')).toContain('`data_body.id`, sent as a bare JSON string');
  });

  test('attackforge_request_new_project_retest: path parameter, date-times, the optional end', () => {
    const markdown = page('attackforge_request_new_project_retest');
    const inputs = section(markdown, '## Inputs');
    expect(inputs).toMatch(/^- \*\*path_parameters\*\* \(object\) – Required: /m);
    expect(inputs).toMatch(/^ {2}- \*\*id\*\* \(string\) – Required: Id of the project/m);
    expect(inputs).toMatch(/^ {2}- \*\*retesting_window_start\*\* \(string, date-time\) – Required: Start of the retest window/m);
    expect(inputs).toMatch(/^ {2}- \*\*retesting_window_end\*\* \(string, date-time\): Optional end/m);
    expect(inputs).toMatch(/^ {2}- \*\*vulnerability_ids\*\* \(array\[string\]\) – Required: .*1 to 1000 unique items/m);
    expect(section(markdown, '## Endpoint')).toContain('`{id}` ← `path_parameters.id`');
    expect(section(markdown, '## Endpoint')).toContain('`X-SSAPI-KEY: <api_key>`');
  });
});

describe('output parameters: $refs resolved, nested, typed', () => {
  const params = section(page('invicti_scan_retest'), '### Output Parameters');

  test('json_body lists the ScanTaskModel and the error model', () => {
    expect(params).toContain('One of: ScanTaskModel, BaseResponseApiModel, null.');
    const scanTaskProperties = Object.keys(getSchema('schemas/invicti/ScanTaskModel.json').properties as object);
    expect(scanTaskProperties.length).toBe(96);
    for (const name of scanTaskProperties) expect(params).toMatch(new RegExp(`^ {2}- \\*\\*${name}\\*\\* \\(`, 'm'));
    expect(params).toMatch(/^ {2}- \*\*Message\*\* \(string\): /m);
  });

  test('nullable unions, enums, nested objects and arrays of objects from #/definitions', () => {
    expect(params).toMatch(/^ {2}- \*\*Id\*\* \(string\): /m); // the identity field: never null
    expect(params).toMatch(/^ {2}- \*\*AgentId\*\* \(string \| null\): /m);
    expect(params).toMatch(/^ {2}- \*\*State\*\* \(string\): .*Values: `Queued`, `Scanning`/m); // an identity field too
    expect(params).toMatch(/^ {2}- \*\*InitiatedAt\*\* \(string \| null, date-time\)/m);
    expect(params).toMatch(/^ {2}- \*\*TimeWindow\*\* \(object \| null\): .*\n {4}- \*\*Items\*\* \(array\[object\] \| null\)\n {6}- \*\*Day\*\* \(string \| null\)/m);
    expect(params).toMatch(/^ {2}- \*\*AdditionalWebsites\*\* \(array\[object\] \| null\): .*\n {4}- \*\*Canonical\*\* \(boolean \| null\)/m);
    expect(params).toMatch(/^ {2}- \*\*VcsCommitInfo\*\* \(object \| null\): .*\n {4}- \*\*CiBuildConfigurationName\*\* \(string \| null\)/m);
    expect(params).toMatch(/^ {2}- \*\*Tags\*\* \(array\[string\] \| null\)/m);
  });

  test('AttackForge: the documented status, not required because error bodies are open objects', () => {
    const af = section(page('attackforge_request_new_project_retest'), '### Output Parameters');
    expect(af).toMatch(/^ {2}- \*\*status\*\* \(string\): A sentence stating the outcome/m);
  });
});

describe('docs/connections.md', () => {
  const markdown = docs.get('docs/connections.md')!;

  test.each(Object.entries(manifest.connections))('%s: every field, secrets marked', (id, connection) => {
    const text = section(markdown, `## ${connection.title} (\`${id}\`)`);
    const schema = getSchema(connection.schema);
    const required = new Set(schema.required as string[]);
    for (const [name, property] of Object.entries(schema.properties as Record<string, { writeOnly?: boolean }>)) {
      const row = text.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row).toBeDefined();
      const cells = row!.split(' | ');
      expect(cells[2]).toBe(required.has(name) ? 'yes' : 'no');
      expect(cells[3]).toBe(property.writeOnly ? '**secret**' : '');
    }
  });

  test('secret fields are api_token and api_key, with defaults shown for the others', () => {
    expect(markdown).toMatch(/^\| `api_token` \| string \| yes \| \*\*secret\*\* \|/m);
    expect(markdown).toMatch(/^\| `api_key` \| string \| yes \| \*\*secret\*\* \|/m);
    expect(markdown).toMatch(/^\| `url` \| string \(uri\) \| no \| {2}\| `https:\/\/www\.netsparkercloud\.com` \|/m);
    expect(markdown).toMatch(/^\| `verify_ssl` \| boolean \| no \| {2}\| `true` \|/m);
    expect(markdown).toMatch(/^\| `timeout_ms` \| integer \| no \| {2}\| `30000` \|/m);
  });

  test('links each connection to the pages of the actions that use it', () => {
    for (const action of manifest.actions) expect(markdown).toContain(`](actions/${action.id}.md)`);
  });
});
