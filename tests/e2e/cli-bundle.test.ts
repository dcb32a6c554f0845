// What the CLI bundle (dist/cli, built by scripts/build-cli.ts before the tests run) leaves out to
// start faster: got's HTTP/2, response-cache and DNS-cache modules, which the transport never
// enables, are replaced by stand-ins that say so if they are ever reached.
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';

const dir = join(packageRoot, 'dist/cli');
const sources = () => readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, f), 'utf8'));

describe('the CLI bundle', () => {
  test.each(['http2-wrapper', 'cacheable-request', 'cacheable-lookup'])('bundles no module of %s, only its stand-in', (name) => {
    const all = sources().join('\n');
    expect(all).not.toContain(`// node_modules/${name}/`);
    expect(all).toContain(`${name} is not part of the retest-connectors CLI bundle`);
  });

  test('still bundles got itself (the transport is not replaced)', () => {
    expect(sources().join('\n')).toContain('// node_modules/got/dist/source/core/index.js');
  });
});
