// The MCP Inspector's own CLI (@modelcontextprotocol/inspector-cli 1.0.3, the
// last line that runs on Node 20; 2.x needs Node >= 22.19) against
// `retest-connectors mcp`, over stdio and over Streamable HTTP: the command the
// README gives, run as written.
import { describe, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { manifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { CLI_PATH, runNode } from '../helpers/cli.js';

jest.setTimeout(60_000);

// inspector-cli 1.0.3 looks for its package.json at "../package.json" from the working directory
// (it means its own): run it from its build folder, where that path is its own package.json.
const INSPECTOR_CLI = join(dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector-cli/package.json')), 'build/cli.js');

function inspector(args: string[], env: Record<string, string> = {}) {
  return runNode([INSPECTOR_CLI, '--cli', ...args], { cwd: dirname(INSPECTOR_CLI), env });
}

/** The JSON document the Inspector prints after its deprecation banner. */
function jsonOf(stdout: string): unknown {
  return JSON.parse(stdout.slice(stdout.indexOf('{')));
}

describe('MCP Inspector CLI', () => {
  test('tools/list over stdio: mcp --simulator lists one tool per action', async () => {
    const result = await inspector(['node', CLI_PATH, 'mcp', '--simulator', '--method', 'tools/list']);
    expect(result.code).toBe(0);
    const { tools } = jsonOf(result.stdout) as { tools: { name: string; inputSchema: { type: string }; outputSchema: { type: string } }[] };
    expect(tools.map((t) => t.name)).toEqual(manifest.actions.map((a) => a.id));
    for (const tool of tools) expect([tool.inputSchema.type, tool.outputSchema.type]).toEqual(['object', 'object']);
  });

  test('tools/call over stdio: a retest against the built-in simulator', async () => {
    const result = await inspector([
      'node',
      CLI_PATH,
      'mcp',
      '--simulator',
      '--method',
      'tools/call',
      '--tool-name',
      'invicti_scan_launch_new_from_scan',
      '--tool-arg',
      'data_body={"id":"af6d0ffd-529e-4056-b39f-b141021fae74"}',
    ]);
    expect(result.code).toBe(0);
    expect(jsonOf(result.stdout)).toMatchObject({ structuredContent: { status_code: 201, json_body: { ScanType: 'Full', State: 'Queued' } } });
  });

  test('tools/list over Streamable HTTP with the bearer token', async () => {
    const token = 'inspector-test-token-0123456789';
    const child = spawn(process.execPath, [CLI_PATH, 'mcp', '--http', '--port', '0', '--simulator'], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH ?? '', RETEST_MCP_TOKEN: token },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', () => {
          const match = /tools at (http:\/\/\S+\/mcp)/.exec(stderr);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`mcp --http exited ${code}: ${stderr}`)));
      });
      const result = await inspector([url, '--transport', 'http', '--header', `Authorization: Bearer ${token}`, '--method', 'tools/list']);
      expect(result.code).toBe(0);
      expect((jsonOf(result.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual(manifest.actions.map((a) => a.id));
      const refused = await inspector([url, '--transport', 'http', '--method', 'tools/list']);
      expect(refused.code).not.toBe(0);
    } finally {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
  });
});
