/**
 * The MCP tool list, derived from the manifest and the schemas: one tool per
 * action. A pure function of (manifest, schema reader), so a test can run it
 * on a temporary manifest with an extra action and see the list change with
 * no hand edits. scripts/generate-mcp.ts writes its result to
 * src/generated/mcp-tools.ts.
 */
import { bundleSchema, type SchemaReader } from '../../src/contract/bundle.js';
import { pointerTokens } from '../../src/contract/json-pointer.js';
import type { ConnectorManifest } from '../../src/contract/manifest.js';
import { compactSchema, type CompactOptions } from './compact-schema.js';

import type { McpToolDefinition } from '../../src/mcp/tool-definition.js';

export type { McpToolDefinition };

type Json = Record<string, unknown>;

/** Keywords whose value maps names to schemas: their keys are names, not keywords. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);
/** Keywords whose value is an instance, not a schema: copied as they are. */
const INSTANCE_VALUES = new Set(['examples', 'default', 'const', 'enum']);

/**
 * Drops keywords whose value is an Ajv `$data` reference (e.g. `formatMinimum:
 * { $data: "1/retesting_window_start" }`). A client's validator without Ajv's
 * $data option cannot even compile them; the server still enforces them on
 * every call (runAction validates with the full schema before sending).
 */
function withoutDataReferences(node: unknown, isSchemaMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutDataReferences(item));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (isSchemaMap) {
      out[key] = withoutDataReferences(value);
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$data' in value) continue;
    out[key] = INSTANCE_VALUES.has(key) ? value : withoutDataReferences(value, SCHEMA_MAPS.has(key));
  }
  return out;
}

/** MCP requires `type: "object"` at the root of both schemas; an envelope `allOf` has none of its own. */
function objectRoot(schema: Json, where: string): McpToolDefinition['inputSchema'] {
  if (schema.type === undefined) return { type: 'object', ...schema };
  if (schema.type !== 'object') throw new Error(`${where}: an MCP tool schema must describe an object (type is ${JSON.stringify(schema.type)})`);
  return schema as McpToolDefinition['inputSchema'];
}

/** What the model reads to choose a tool: the manifest's description, the vendor and request, what comes back. */
function describeAction(action: ConnectorManifest['actions'][number], vendorName: string): string {
  const { hints } = action;
  const parts = [action.description.trim()];
  parts.push(`${vendorName}: ${action.method} ${action.path}.`);
  if (hints.readOnly) parts.push('Read-only.');
  else if (hints.idempotent) parts.push('Changes state at the vendor; repeating the call has no further effect.');
  else parts.push('Changes state at the vendor and is not idempotent: each call acts again, so do not repeat a call to retry it.');
  if (hints.destructive) parts.push('Destructive: it may discard or close existing work.');
  if (action.poll) {
    parts.push(
      'A call returns within 40 s: when wait.outcome is "pending" the scan is still running; call this tool again after ' +
        'wait.next_check_after_s seconds (or pass wait.once true for a single immediate check), or call it as a task ' +
        '(tasks/get, tasks/result, tasks/cancel) to follow the scan to its end. "completed" is a success; ' +
        '"ended" (Failed, Cancelled) is not.',
    );
  }
  // The envelope and the credentials are explained once, in the server's instructions.
  parts.push('A non-2xx status is an error result that still carries the envelope.');
  return parts.join(' ');
}

/** Inputs: what a model fills in, to the fields of each body member, with their constraints and first sentences. */
export const INPUT_COMPACTION: CompactOptions = { maxDepth: 3, descriptions: 'first-sentence', constraints: true, maxEnumChars: 400, optionalModelsFrom: 2 };
/**
 * An input schema larger than this (bytes of JSON) is compacted once more: its optional fields keep their
 * names and types but no description (invicti_scan_launch_new's ~40 scan settings).
 */
export const INPUT_SCHEMA_SOFT_LIMIT = 2_500;

function compactInput(bundled: Json): Json {
  const compact = compactSchema(bundled, INPUT_COMPACTION);
  if (JSON.stringify(compact).length <= INPUT_SCHEMA_SOFT_LIMIT) return compact;
  return compactSchema(bundled, { ...INPUT_COMPACTION, optionalDescriptionsFrom: 2 });
}
/** Outputs: the envelope, and of the body the fields the action's summary names (with their types). */
function outputCompaction(action: ConnectorManifest['actions'][number]): CompactOptions {
  // "/json_body/0/Id" names Id (of the listed items); "/wait/done" names wait and done.
  const names = Object.values(action.summary ?? {}).flatMap((pointer) =>
    pointerTokens(pointer).filter((token) => !/^\d+$/.test(token)),
  );
  return { maxDepth: 2, descriptions: 'none', constraints: false, maxEnumChars: 200, optionalModelsFrom: 1, keepProperties: { fromDepth: 1, names: new Set(names) } };
}

export function buildMcpTools(manifest: ConnectorManifest, read: SchemaReader): McpToolDefinition[] {
  const vendorNames = new Map(manifest.vendors.map((v) => [v.id, v.name]));
  return manifest.actions.map((action) => {
    const { hints } = action;
    const vendorName = manifest.connections[action.connection]?.title ?? vendorNames.get(action.vendor) ?? action.vendor;
    return {
      name: action.id,
      title: action.title,
      description: describeAction(action, vendorName),
      inputSchema: objectRoot(withoutDataReferences(compactInput(bundleSchema(action.input_schema, read))) as Json, action.input_schema),
      outputSchema: objectRoot(compactSchema(bundleSchema(action.output_schema, read), outputCompaction(action)), action.output_schema),
      annotations: {
        title: action.title,
        readOnlyHint: hints.readOnly,
        destructiveHint: hints.destructive,
        idempotentHint: hints.idempotent,
        openWorldHint: true,
      },
    };
  });
}

/** The generated module's text. */
export function renderMcpToolsModule(tools: McpToolDefinition[]): string {
  return `/* eslint-disable */
/**
 * GENERATED by scripts/generate-mcp.ts from connector.json and schemas/ -- do not edit by hand.
 * The MCP tool list: one tool per action, self-contained input and output schemas.
 * Run \`npm run generate\` after changing the manifest or a schema; \`npm run check\` fails when this file is stale.
 */
import type { McpToolDefinition } from '../mcp/tool-definition.js';

export const mcpTools: readonly McpToolDefinition[] = ${JSON.stringify(tools, null, 2)};
`;
}
