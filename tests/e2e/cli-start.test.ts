// `npm start`, the main job: every action against the simulator through the
// built CLI, a summary per action, the envelopes, exit 0. (npm test has built
// dist/ already, so this runs the script itself, as `npm start` does after its build.)
import { describe, expect, jest, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { CLI_PATH, runNode } from '../helpers/cli.js';

jest.setTimeout(60_000);

// No vendor settings from the caller's environment: the demo needs none.
const runStart = () => runNode(['--import', 'tsx', 'scripts/start.ts']);

describe('npm start', () => {
  test('runs every action against the simulator, prints a summary per action then the envelopes, exits 0', async () => {
    // npm start spawns the very executable package.json publishes as the bin.
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
    expect(CLI_PATH).toBe(join(packageRoot, pkg.bin['retest-connectors']));
    const { code, stdout, stderr } = await runStart();
    expect([code, stderr]).toEqual([0, '']);
    const [summaries, envelopes] = stdout.split('Envelopes (exactly what each run printed on stdout):');
    expect(envelopes).toBeDefined();
    for (const action of manifest.actions) {
      expect(summaries).toContain(action.id);
      expect(envelopes).toContain(`--- ${action.id}`);
    }
    expect(summaries).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/api\/1\.0\/scans\/retest\n\s+HTTP\s+201 Created/);
    expect(summaries).toMatch(/ScanType\s+Retest\n\s+State\s+Queued/);
    expect(summaries).toMatch(/ScanType\s+Full\n\s+State\s+Queued/);
    expect(summaries).toMatch(/HTTP\s+200 OK\n\s+status\s+Project retest requested for Project 66333e1d110ab5acf8a4354e/);
    expect(summaries).toMatch(/Id\s+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(stdout).toContain(`All ${manifest.actions.length} actions succeeded. Simulator stopped.`);
    expect(stdout).not.toContain('demo-token');
  });
});
