// npm run contract on temporary copies of the project: each test edits the
// copy's connector.json or schemas/ and checks what the comparison with the
// committed release snapshot (contract/) reports, and whether it is breaking.
import { afterEach, describe, expect, test } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';
import { compareContracts, loadContract, type Change } from '../../scripts/lib/contract-diff.js';
import { runNode } from '../helpers/cli.js';

const copies: string[] = [];

/**
 * A copy of what the contract reads (package.json, connector.json, schemas/), released as it is: its contract/
 * snapshot is the working tree's own connector.json and schemas/, so each test's edits are the only changes.
 */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contract-test-'));
  copies.push(dir);
  for (const entry of ['package.json', 'connector.json', 'schemas']) {
    cpSync(join(packageRoot, entry), join(dir, entry), { recursive: true });
    if (entry !== 'package.json') cpSync(join(packageRoot, entry), join(dir, 'contract', entry), { recursive: true });
  }
  return dir;
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const writeJson = (dir: string, file: string, value: unknown) => writeFileSync(join(dir, file), JSON.stringify(value, null, 2) + '\n');
function edit(dir: string, file: string, change: (json: any) => void): void {
  const json = readJson(dir, file);
  change(json);
  writeJson(dir, file, json);
}

const changesOf = (dir: string): Change[] => compareContracts(loadContract(join(dir, 'contract')), loadContract(dir));
const brief = (changes: Change[]) => changes.map((c) => `${c.breaking ? 'BREAKING ' : ''}${c.scope} ${c.side}${c.field ? ' ' + c.field : ''}: ${c.detail}`);

describe('npm run contract: what it lists and what it calls breaking', () => {
  test('the working tree has no breaking change against the committed 0.1.0 snapshot', () => {
    const changes = compareContracts(loadContract(join(packageRoot, 'contract')), loadContract(packageRoot));
    expect(changes.filter((c) => c.breaking)).toEqual([]);
  });

  test('an unchanged copy has no changes at all', () => {
    expect(changesOf(projectCopy())).toEqual([]);
  });

  test('an added action is listed, and is not breaking', () => {
    const dir = projectCopy();
    edit(dir, 'connector.json', (m) => {
      m.actions.push({ ...m.actions[0], id: 'invicti_scan_extra', method: 'GET', path: '/api/1.0/scans/extra/{id}' });
    });
    expect(brief(changesOf(dir))).toEqual(['action invicti_scan_extra action: action added (GET /api/1.0/scans/extra/{id})']);
  });

  test('a removed action is breaking', () => {
    const dir = projectCopy();
    edit(dir, 'connector.json', (m) => {
      m.actions = m.actions.filter((a: { id: string }) => a.id !== 'invicti_scan_launch_new_from_scan');
    });
    expect(brief(changesOf(dir))).toEqual(['BREAKING action invicti_scan_launch_new_from_scan action: action removed']);
  });

  test('a new required input is breaking; a new optional one is not', () => {
    const dir = projectCopy();
    edit(dir, 'schemas/actions/invicti_scan_retest.input.json', (s) => {
      s.properties.json_body.properties.Priority = { title: 'Priority', description: 'p', examples: [1], type: 'integer' };
      s.properties.json_body.properties.Region = { title: 'Region', description: 'r', examples: ['eu'], type: 'string' };
      s.properties.json_body.required.push('Region');
    });
    expect(brief(changesOf(dir))).toEqual([
      'action invicti_scan_retest input json_body.Priority: added (optional integer)',
      'BREAKING action invicti_scan_retest input json_body.Region: added (required string)',
    ]);
  });

  test('an input made required, removed, or narrowed (type, enum, limits, pattern) is breaking', () => {
    const dir = projectCopy();
    edit(dir, 'schemas/actions/invicti_scan_retest.input.json', (s) => {
      s.properties.json_body.required.push('AgentName'); // made required
      s.properties.json_body.properties.AgentName.maxLength = 64; // 256 -> 64
    });
    edit(dir, 'schemas/shared/transport.json', (s) => {
      s.definitions.TimeoutMs.type = 'string'; // integer -> string, in every connection that takes it by $ref
    });
    edit(dir, 'schemas/actions/attackforge_request_new_project_retest.input.json', (s) => {
      delete s.properties.json_body.properties.retesting_window_end; // removed
    });
    const listed = brief(changesOf(dir));
    expect(listed).toContain('BREAKING action invicti_scan_retest input json_body.AgentName: made required');
    expect(listed).toContain('BREAKING action invicti_scan_retest input json_body.AgentName: maxLength 256 -> 64 (tighter)');
    expect(listed).toContain('BREAKING connection invicti connection timeout_ms: type integer -> string');
    expect(listed.some((l) => l.startsWith('BREAKING action attackforge_request_new_project_retest input json_body.retesting_window_end: removed'))).toBe(true);
  });

  test('an input loosened (a limit raised, unknown properties allowed) is listed and compatible', () => {
    const dir = projectCopy();
    edit(dir, 'schemas/actions/invicti_scan_retest.input.json', (s) => {
      s.properties.json_body.properties.AgentName.maxLength = 1024;
      delete s.properties.json_body.additionalProperties;
    });
    expect(brief(changesOf(dir))).toEqual([
      'action invicti_scan_retest input json_body: additionalProperties false -> (none) (looser)',
      'action invicti_scan_retest input json_body.AgentName: maxLength 256 -> 1024 (looser)',
    ]);
  });

  test('input enums: a removed value is breaking, an added value is not', () => {
    const dir = projectCopy();
    // Give both the snapshot and the working copy an enum, then change the working copy's.
    for (const root of [join(dir, 'contract'), dir]) {
      edit(root, 'schemas/actions/invicti_scan_retest.input.json', (s) => {
        s.properties.json_body.properties.AgentName.enum = ['Cloud', 'Internal'];
      });
    }
    edit(dir, 'schemas/actions/invicti_scan_retest.input.json', (s) => {
      s.properties.json_body.properties.AgentName.enum = ['Cloud', 'Edge'];
    });
    expect(brief(changesOf(dir))).toEqual([
      'BREAKING action invicti_scan_retest input json_body.AgentName: values removed: "Internal"',
      'action invicti_scan_retest input json_body.AgentName: values added: "Edge"',
    ]);
  });

  test('a retyped output (through the $ref to ScanTaskModel) is breaking; a narrowed one is not', () => {
    const dir = projectCopy();
    edit(dir, 'schemas/invicti/ScanTaskModel.json', (s) => {
      s.properties.Percentage.type = ['string', 'null']; // integer|null -> string|null: readers get a new type
      s.properties.TargetUrl.type = 'string'; // string|null -> string: readers never get null now
    });
    const listed = brief(changesOf(dir));
    for (const action of ['invicti_scan_retest', 'invicti_scan_launch_new_from_scan']) {
      expect(listed).toContain(`BREAKING action ${action} output json_body.Percentage: type integer | null -> null | string`);
      expect(listed).toContain(`action ${action} output json_body.TargetUrl: type null | string -> string`);
    }
  });

  test('an output enum value added is breaking (a reader switching on it meets a new value); removed is not', () => {
    const dir = projectCopy();
    edit(dir, 'schemas/invicti/ScanTaskModel.json', (s) => {
      s.properties.ScanType.enum = ['Full', 'Retest', 'Incremental', 'Agentless', null];
      s.properties.Scope.enum = ['EnteredPathAndBelow', 'OnlyEnteredUrl', null];
    });
    const listed = brief(changesOf(dir)).filter((l) => l.includes('invicti_scan_retest'));
    expect(listed).toEqual([
      'action invicti_scan_retest output json_body.Scope: values removed: "WholeDomain"',
      'BREAKING action invicti_scan_retest output json_body.ScanType: values added: "Agentless"',
    ]);
  });

  test('a removed output property is breaking', () => {
    const dir = projectCopy();
    edit(dir, 'schemas/attackforge/RetestRequestedResponse.json', (s) => {
      s.properties = { outcome: s.properties.status };
      s.required = ['outcome'];
    });
    const listed = brief(changesOf(dir));
    expect(listed).toContain('BREAKING action attackforge_request_new_project_retest output json_body.status: removed (was optional string)');
    expect(listed).toContain('action attackforge_request_new_project_retest output json_body.outcome: added (optional string)');
  });

  test('a new or removed object is one line, not one per field inside it', () => {
    const dir = projectCopy();
    edit(dir, 'schemas/actions/invicti_scan_retest.input.json', (s) => {
      s.properties.json_body.properties.Window = {
        title: 'Window', description: 'w', examples: [{ from: 'a', to: 'b' }], type: 'object',
        required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' } },
      };
    });
    edit(dir, 'schemas/shared/envelope.json', (s) => {
      delete s.properties.response_headers;
      s.required = s.required.filter((r: string) => r !== 'response_headers');
    });
    const listed = brief(changesOf(dir)).filter((l) => l.includes('invicti_scan_retest'));
    expect(listed).toEqual([
      'action invicti_scan_retest input json_body.Window: added (optional object)',
      'BREAKING action invicti_scan_retest output response_headers: removed (was required object)',
    ]);
  });

  test('presentation-only edits are ignored: titles, descriptions, examples, key order', () => {
    const dir = projectCopy();
    edit(dir, 'schemas/actions/invicti_scan_retest.input.json', (s) => {
      s.title = 'Another title';
      s.description = 'Another description';
      s.examples = [{ json_body: { BaseScanId: '3c9e1a57-2b84-4d6f-a0c3-7e5b9d1f2a46' } }];
      const body = s.properties.json_body;
      body.properties = Object.fromEntries(Object.entries(body.properties).reverse());
      body.properties.BaseScanId.title = 'Base scan';
      body.properties.BaseScanId.description = 'Reworded.';
    });
    edit(dir, 'schemas/invicti/ScanTaskModel.json', (s) => {
      s.properties.State.description = 'Reworded.';
    });
    edit(dir, 'connector.json', (m) => {
      m.actions[0].title = 'Retest a scan';
      m.actions[0].description = 'Reworded.';
    });
    expect(changesOf(dir)).toEqual([]);
  });
});

describe('the npm run contract command', () => {
  const tsx = join(packageRoot, 'node_modules/tsx/dist/cli.mjs');
  const contract = (dir: string, ...args: string[]) => runNode([tsx, join(packageRoot, 'scripts/contract.ts'), '--root', dir, ...args]);

  test('fails on a breaking change at the same major version, passes once the major version is raised', async () => {
    const dir = projectCopy();
    edit(dir, 'connector.json', (m) => {
      m.actions = m.actions.filter((a: { id: string }) => a.id !== 'invicti_scan_launch_new_from_scan');
    });
    const refused = await contract(dir, '--check');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('BREAKING action removed');
    expect(refused.stdout).toContain('raise the major version');

    edit(dir, 'package.json', (p) => {
      p.version = '1.0.0';
    });
    const accepted = await contract(dir);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('Allowed: the major version was raised (0.1.0 -> 1.0.0)');
  }, 60_000); // spawns tsx twice: generous on a shared machine

  test('--snapshot cuts a release: afterwards there is nothing to report', async () => {
    const dir = projectCopy();
    const declared = readJson(dir, 'connector.json').actions.length;
    edit(dir, 'connector.json', (m) => {
      m.actions.pop();
      m.version = '1.0.0';
    });
    edit(dir, 'package.json', (p) => {
      p.version = '1.0.0';
    });
    expect((await contract(dir, '--snapshot')).code).toBe(0);
    expect(readJson(dir, 'contract/connector.json').actions).toHaveLength(declared - 1);
    const after = await contract(dir, '--json');
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ released: '1.0.0', current: '1.0.0', breaking_allowed: false, changes: [] });
  }, 60_000);
});
