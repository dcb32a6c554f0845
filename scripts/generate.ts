/**
 * npm run generate: everything derived from schemas/ that is checked in.
 *   - src/generated/types.ts       (json-schema-to-typescript)
 *   - src/generated/validators/    (Ajv standalone code, one module per schema, with validators.ts and validator-loaders.ts)
 *   - actions/<id>.ts, actions/index.ts (one typed function per action)
 *   - src/generated/mcp-tools.ts   (the MCP server's tool list)
 *   - openapi/retest-connectors.openapi.json (OpenAPI 3.1, scripts/generate-openapi.ts)
 *   - integrations/n8n/            (the n8n community-node package, scripts/generate-n8n.ts)
 *   - docs/actions/<id>.md, docs/connections.md (scripts/generate-docs.ts)
 * With --check, writes nothing, lists EVERY stale, missing or orphaned file and
 * exits 1 when there is one (npm run check).
 */
import { checking, reportCheck } from './lib/write-or-check.js';

await import('./generate-types.js');
await import('./generate-validators.js');
await import('./generate-actions.js');
await import('./generate-mcp.js');
await import('./generate-openapi.js');
await import('./generate-n8n.js');
const { generateDocs } = await import('./generate-docs.js');
generateDocs();
if (checking) process.exitCode = reportCheck();
