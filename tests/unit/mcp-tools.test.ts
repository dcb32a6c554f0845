// The MCP tool list is derived from the manifest: a new action in connector.json
// is a new tool after `npm run generate`, with no hand edits anywhere.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMcpTools, renderMcpToolsModule } from '../../scripts/lib/mcp-tools.js';
import { manifest, type ConnectorManifest } from '../../src/contract/manifest.js';
import { packageRoot } from '../../src/contract/package-root.js';
import { createAjv, getSchema } from '../../src/contract/schemas.js';
import { mcpTools } from '../../src/generated/mcp-tools.js';
import { progressNotification } from '../../src/mcp/server.js';

const EXTRA_INPUT = 'schemas/actions/invicti_scan_extra.input.json';
const EXTRA_OUTPUT = 'schemas/actions/invicti_scan_extra.output.json';

/** connector.json plus one read-only action whose schema files exist only in memory. */
function temporaryTree(): { manifest: ConnectorManifest; read: (path: string) => Record<string, unknown> } {
  const extraSchemas: Record<string, Record<string, unknown>> = {
    [EXTRA_INPUT]: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://retest-connectors.invalid/schemas/actions/invicti_scan_extra.input.json',
      type: 'object',
      additionalProperties: false,
      required: ['path_parameters'],
      properties: { path_parameters: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } },
    },
    [EXTRA_OUTPUT]: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://retest-connectors.invalid/schemas/actions/invicti_scan_extra.output.json',
      allOf: [{ $ref: '../shared/envelope.json' }, { properties: { json_body: { $ref: '../invicti/ScanTaskModel.json' } } }],
    },
  };
  const extraAction = {
    ...manifest.actions[0],
    id: 'invicti_scan_extra',
    title: 'Scan Extra',
    description: 'Reads one scan.',
    method: 'GET' as const,
    path: '/api/1.0/scans/extra/{id}',
    input_schema: EXTRA_INPUT,
    output_schema: EXTRA_OUTPUT,
    request: { path_parameters: '/path_parameters' },
    hints: { destructive: false, readOnly: true, idempotent: true },
  };
  return {
    manifest: { ...manifest, actions: [...manifest.actions, extraAction] },
    read: (path) => extraSchemas[path] ?? getSchema(path),
  };
}

describe('MCP tool list generation', () => {
  test('the checked-in src/generated/mcp-tools.ts is what the generator makes from connector.json', () => {
    const checkedIn = readFileSync(join(packageRoot, 'src/generated/mcp-tools.ts'), 'utf8');
    expect(checkedIn).toBe(renderMcpToolsModule(buildMcpTools(manifest, getSchema)));
    expect(mcpTools.map((t) => t.name)).toEqual(manifest.actions.map((a) => a.id));
  });

  test('an action added to a temporary manifest becomes a tool, with its schemas and hints, with no hand edits', () => {
    const tree = temporaryTree();
    const before = buildMcpTools(manifest, getSchema);
    const after = buildMcpTools(tree.manifest, tree.read);
    expect(after.map((t) => t.name)).toEqual([...before.map((t) => t.name), 'invicti_scan_extra']);
    expect(after.slice(0, before.length)).toEqual(before);
    const extra = after.at(-1)!;
    expect(extra).toMatchObject({
      title: 'Scan Extra',
      annotations: { title: 'Scan Extra', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      inputSchema: { type: 'object', required: ['path_parameters'] },
    });
    expect(extra.description).toMatch(/^Reads one scan\. Invicti Enterprise: GET \/api\/1\.0\/scans\/extra\/\{id\}\. Read-only\./);
    // The output schema is an allOf with no root type: the tool's copy gets one, and embeds what it references.
    expect(extra.outputSchema.type).toBe('object');
    expect(Object.keys(extra.outputSchema.definitions as object).sort()).toEqual(['invicti.ScanTaskModel', 'shared.envelope']);
    expect(() => createAjv().compile(extra.outputSchema)).not.toThrow();
    expect(renderMcpToolsModule(after)).not.toBe(renderMcpToolsModule(before));
  });

  test('descriptions say whether a call changes state and may not be repeated', () => {
    for (const tool of mcpTools) {
      const action = manifest.actions.find((a) => a.id === tool.name)!;
      expect(tool.description.startsWith(action.description)).toBe(true);
      if (!action.hints.readOnly && !action.hints.idempotent) expect(tool.description).toContain('not idempotent');
      expect(tool.description).toContain('non-2xx status is an error result');
    }
  });

  test('Ajv $data references are left out of the tool copy (clients cannot compile them); everything else stays', () => {
    const tool = mcpTools.find((t) => t.name === 'attackforge_request_new_project_retest')!;
    const end = (tool.inputSchema as any).properties.json_body.properties.retesting_window_end;
    const original = (getSchema('schemas/actions/attackforge_request_new_project_retest.input.json') as any).properties.json_body.properties.retesting_window_end;
    expect(original.formatMinimum).toEqual({ $data: '1/retesting_window_start' });
    const { formatMinimum: _dropped, ...rest } = original;
    expect(end).toEqual(rest);
  });
});

describe('progress notifications from wait progress', () => {
  test('progress counts polls (always increasing), the message carries state, percentage and time; total only when done', () => {
    expect(progressNotification('tok', { state: 'Scanning', percentage: 42.4, polls: 3, elapsed_ms: 61_600, done: false })).toEqual({
      method: 'notifications/progress',
      params: { progressToken: 'tok', progress: 3, message: 'Scanning 42% (3 polls, 62 s)' },
    });
    expect(progressNotification(7, { state: 'Complete', percentage: 100, polls: 5, elapsed_ms: 120_000, done: true })).toEqual({
      method: 'notifications/progress',
      params: { progressToken: 7, progress: 5, total: 5, message: 'Complete 100% (5 polls, 120 s, done)' },
    });
    expect(progressNotification('t', { state: null, percentage: null, polls: 1, elapsed_ms: 0, done: false }).params.message).toBe('unknown state (1 poll, 0 s)');
  });
});
