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
    // The output schema is an allOf with no root type: the tool's copy gets one, and inlines what it references.
    expect(extra.outputSchema.type).toBe('object');
    expect(JSON.stringify(extra.outputSchema)).not.toContain('$ref');
    expect(() => createAjv().compile(extra.outputSchema)).not.toThrow();
    // A scan-returning action costs the list about 2 KB: the budget below keeps room for several more.
    expect(JSON.stringify(extra).length).toBeLessThan(2_500);
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

  test('Ajv $data references are left out of the tool copy (clients cannot compile them); the rest of the field stays', () => {
    const tool = mcpTools.find((t) => t.name === 'attackforge_request_new_project_retest')!;
    const end = (tool.inputSchema as any).properties.json_body.properties.retesting_window_end;
    const original = (getSchema('schemas/actions/attackforge_request_new_project_retest.input.json') as any).properties.json_body.properties.retesting_window_end;
    expect(original.formatMinimum).toEqual({ $data: '1/retesting_window_start' });
    expect(JSON.stringify(tool.inputSchema)).not.toContain('$data');
    expect(end).toMatchObject({ type: original.type, format: original.format });
  });
});

describe('an agent-sized tool list', () => {
  // The whole tools/list answer as the server sends it (JSON-RPC, compact JSON): at most 60 KB, ~15k tokens.
  const BUDGET_BYTES = 60 * 1024;
  const answer = JSON.stringify({ result: { tools: mcpTools }, jsonrpc: '2.0', id: 1 });

  test(`the tools/list answer fits in ${BUDGET_BYTES} bytes (it grows with every action: this fails when it no longer fits)`, () => {
    expect(Buffer.byteLength(answer)).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  test('every tool keeps self-contained schemas that a strict Ajv compiles alone, and the schemas\' examples still validate', () => {
    for (const tool of mcpTools) {
      const action = manifest.actions.find((a) => a.id === tool.name)!;
      for (const schema of [tool.inputSchema, tool.outputSchema]) expect(JSON.stringify(schema)).not.toMatch(/"\$ref"/);
      const input = createAjv().compile(tool.inputSchema);
      const output = createAjv().compile(tool.outputSchema);
      for (const example of (getSchema(action.input_schema).examples as unknown[] | undefined) ?? []) expect(input(example)).toBe(true);
      for (const example of (getSchema(action.output_schema).examples as unknown[] | undefined) ?? []) expect(output(example)).toBe(true);
    }
  });

  test('an output schema lists the fields the action\'s summary names, not every field of the vendor model', () => {
    // The other fields are still allowed (the copy only relaxes) and come whole in structuredContent.
    const retest = mcpTools.find((t) => t.name === 'invicti_scan_retest')!;
    const body = JSON.stringify(retest.outputSchema);
    for (const field of ['"Id"', '"State"', '"ScanType"', '"TargetUrl"', '"Message"']) expect(body).toContain(field);
    expect(body).not.toContain('"EnableHeuristicChecksInCustomUrlRewrite"');
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
