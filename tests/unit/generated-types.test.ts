// src/generated/types.ts is generated from schemas/ and checked in: it must be
// fresh, and declare each shared definition once.
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';

const source = readFileSync(join(packageRoot, 'src/generated/types.ts'), 'utf8');
const declared = [...source.matchAll(/^export (?:interface|type) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]!);

describe('generated types', () => {
  test('regenerating types and validators from the schemas changes nothing', () => {
    const tsx = join(packageRoot, 'node_modules/.bin/tsx');
    expect(() => execFileSync(tsx, ['scripts/generate.ts', '--check'], { cwd: packageRoot, stdio: 'pipe' })).not.toThrow();
  }, 30_000);

  test('one declaration per shared definition: no ScanTaskModel1-style duplicates', () => {
    expect(declared.filter((name) => /\d$/.test(name))).toEqual([]);
    expect(new Set(declared).size).toBe(declared.length);
    for (const name of ['ScanTaskModel', 'Envelope', 'BaseResponseApiModel', 'RetestRequestedResponse', 'VcsCommitInfo']) {
      expect(declared).toContain(name);
    }
  });

  test('a type per action input and output, and per connection', () => {
    for (const name of [
      'InvictiScanRetestInput',
      'InvictiScanRetestOutput',
      'InvictiScanLaunchNewFromScanInput',
      'InvictiScanLaunchNewFromScanOutput',
      'AttackforgeRequestNewProjectRetestInput',
      'AttackforgeRequestNewProjectRetestOutput',
      'InvictiConnection',
      'AttackforgeConnection',
      'ConnectorManifest',
    ]) {
      expect(declared).toContain(name);
    }
  });

  test('both Invicti outputs type json_body with the one ScanTaskModel', () => {
    expect(source).toMatch(/export type InvictiScanRetestOutput = Envelope & \{\s*json_body: ScanTaskModel \| BaseResponseApiModel \| null;/);
    expect(source).toMatch(/export type InvictiScanLaunchNewFromScanOutput = Envelope & \{\s*json_body: ScanTaskModel \| BaseResponseApiModel \| null;/);
  });
});
