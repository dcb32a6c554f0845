/**
 * connector.json + schemas/ -> integrations/n8n/ (the n8n community-node package:
 * package.json, one node per vendor, one credential class per connection, README).
 * The mapping itself is scripts/lib/n8n-package.ts, a pure function of the manifest
 * and a schema reader. With --check, writes nothing and records stale files (lib/write-or-check.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { manifest } from '../src/contract/manifest.js';
import { packageRoot } from '../src/contract/package-root.js';
import { getSchema } from '../src/contract/schema-files.js';
import { generateN8nPackage } from './lib/n8n-package.js';
import { removeOrphan, writeOrCheck } from './lib/write-or-check.js';

const OUT = join(packageRoot, 'integrations/n8n');
const { files } = generateN8nPackage(manifest, getSchema);

for (const [path, content] of files) {
  const full = join(OUT, path);
  writeOrCheck(full, content);
}

// A node or credential whose action or connection left the manifest is stale too.
for (const folder of ['nodes', 'credentials']) {
  const walk = (dir: string): string[] => {
    let entries;
    try {
      entries = readdirSync(join(OUT, dir), { withFileTypes: true });
    } catch {
      return [];
    }
    return entries.flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
  };
  for (const path of walk(folder)) {
    if (files.has(path)) continue;
    removeOrphan(join(OUT, path));
  }
}
