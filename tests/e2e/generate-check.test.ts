// `npm run generate -- --check` (what `npm run check` runs) names EVERY stale generated file, from every
// generator (types, validators, actions, MCP tools, n8n, docs), not the first one, and exits 1.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { copyProject, type ProjectCopy } from '../helpers/project-copy.js';

let project: ProjectCopy;

beforeAll(() => {
  project = copyProject('retest-generate-check-');
});
afterAll(() => project?.remove());

test('a fresh tree passes; a tree with five stale files of five generators lists all five and exits 1', () => {
  const fresh = project.tsx('scripts/generate.ts', ['--check']);
  expect(fresh.stderr).toBe('');
  expect(fresh.status).toBe(0);
  expect(fresh.stdout).toMatch(/^\d+ generated files are up to date\.$/m);

  const stale = {
    'src/generated/types.ts': project.read('src/generated/types.ts') + '// edited by hand\n',
    'src/generated/mcp-tools.ts': project.read('src/generated/mcp-tools.ts').replace('export', 'export  '),
    'docs/connections.md': '# edited by hand\n',
  };
  for (const [path, content] of Object.entries(stale)) project.write(path, content);
  project.write('docs/actions/no_such_action.md', '# an action that left the manifest\n');
  const firstAction = project.readJson<{ actions: Array<{ id: string }> }>('connector.json').actions[0]!.id;
  project.write(`actions/${firstAction}.ts`, '');

  const check = project.tsx('scripts/generate.ts', ['--check']);
  expect(check.status).toBe(1);
  const listed = check.stderr.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim());
  expect(listed.sort()).toEqual(
    [...Object.keys(stale), 'docs/actions/no_such_action.md (no longer generated)', `actions/${firstAction}.ts`].sort(),
  );
  expect(check.stderr).toMatch(/^5 generated file\(s\) are stale: run `npm run generate` and commit the result\./m);
}, 300_000);
