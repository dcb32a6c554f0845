/**
 * connector.json + schemas/ -> openapi/retest-connectors.openapi.json: the OpenAPI 3.1 document of every plain
 * REST action (see scripts/lib/openapi.ts), shipped in the package for platforms that import OpenAPI.
 *
 *   npm run generate            write the file
 *   npm run generate -- --check exit 1 when the checked-in file is stale (CI)
 */
import { join } from 'node:path';
import { manifest } from '../src/contract/manifest.js';
import { packageRoot } from '../src/contract/package-root.js';
import { getSchema } from '../src/contract/schema-files.js';
import { buildOpenApi } from './lib/openapi.js';
import { writeOrCheck } from './lib/write-or-check.js';

writeOrCheck(join(packageRoot, 'openapi/retest-connectors.openapi.json'), JSON.stringify(buildOpenApi(manifest, getSchema), null, 2) + '\n');
