/**
 * connector.json + schemas/ -> src/generated/mcp-tools.ts: the tool list of
 * `retest-connectors mcp`, one tool per action (see scripts/lib/mcp-tools.ts).
 *
 *   npm run generate            write the file
 *   npm run generate -- --check exit 1 when the checked-in file is stale (CI)
 */
import { join } from 'node:path';
import { manifest } from '../src/contract/manifest.js';
import { packageRoot } from '../src/contract/package-root.js';
import { getSchema } from '../src/contract/schema-files.js';
import { buildMcpTools, renderMcpToolsModule } from './lib/mcp-tools.js';
import { writeOrCheck } from './lib/write-or-check.js';

writeOrCheck(join(packageRoot, 'src/generated/mcp-tools.ts'), renderMcpToolsModule(buildMcpTools(manifest, getSchema)));
