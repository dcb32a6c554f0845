// The README is what a newcomer reads first: short (details live under docs/),
// and every relative link in it and in the hand-written docs pages resolves,
// anchors included.
import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { packageRoot } from '../../src/contract/package-root.js';

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

/** The anchors a markdown file's headings make (headings inside code blocks do not count). */
function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const heading = !inCode && /^#+ (.*)$/.exec(line);
    if (heading) out.add(anchor(heading[1]!));
  }
  return out;
}

/** Links outside code blocks and inline code. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
}

const pages = ['README.md', ...readdirSync(join(packageRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('the README', () => {
  test('fits a ten-minute read: at most 25 KB', () => {
    expect(statSync(join(packageRoot, 'README.md')).size).toBeLessThanOrEqual(25 * 1024);
  });

  test.each(pages)('every relative link of %s resolves, anchors included', (page) => {
    const markdown = readFileSync(join(packageRoot, page), 'utf8');
    const broken: string[] = [];
    for (const link of linksOf(markdown)) {
      const [path, fragment] = link.split('#') as [string, string | undefined];
      const target = path === '' ? join(packageRoot, page) : join(packageRoot, dirname(page), path);
      if (!existsSync(target)) broken.push(`${link} (no ${relative(packageRoot, target)})`);
      else if (fragment && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(fragment)) broken.push(`${link} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });
});
