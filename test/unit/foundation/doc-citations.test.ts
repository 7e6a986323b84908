// Every document a source comment cites is in the repository, and a cited section (§n) is a heading of it:
// a newcomer who follows a citation from the code must land on text that exists (docs/architecture.md).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCE = /\.(ts|tsx|mts|mjs|js|cjs|css|html)$/;
/** A markdown file name, optionally followed by a section sign and its number. */
const CITATION = /([\w./-]*[\w-]\.md)\b(?:\s*§\s*(\d+))?/g;

function trackedSources(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
  return out.split('\n').filter((f) => SOURCE.test(f) && !f.startsWith('node_modules/') && existsSync(f));
}

/** Where a cited name points: a path as written, else the repository root, else docs/. */
function resolveCitation(name: string): string | null {
  for (const candidate of [name, path.join('docs', name)]) if (existsSync(candidate)) return candidate;
  return null;
}

function sectionsOf(file: string): Set<string> {
  const found = new Set<string>();
  for (const m of readFileSync(file, 'utf8').matchAll(/^#+\s*§\s*(\d+)/gm)) found.add(m[1] as string);
  return found;
}

describe('documentation citations', () => {
  it('cite only documents and sections that exist in the repository', () => {
    const broken: string[] = [];
    for (const file of trackedSources()) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const m of line.matchAll(CITATION)) {
          const [, name, section] = m as unknown as [string, string, string | undefined];
          if (name.includes('://')) continue;
          const target = resolveCitation(name);
          if (!target) broken.push(`${file}:${i + 1} cites ${name}, which is not in the repository`);
          else if (section && !sectionsOf(target).has(section)) broken.push(`${file}:${i + 1} cites ${name} §${section}, which has no such section`);
        }
      });
    }
    expect(broken).toEqual([]);
  });

  it('has the design documents a newcomer starts from', () => {
    for (const doc of ['architecture', 'engine', 'providers', 'domain', 'console']) {
      expect(existsSync(path.join('docs', `${doc}.md`)), `docs/${doc}.md`).toBe(true);
    }
  });
});
