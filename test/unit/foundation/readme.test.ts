// The README's configuration table is generated from shared/config.ts; this keeps it true.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable } from '../../../scripts/config-table';

describe('README', () => {
  it('documents every env var with its current default', () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme)?.[1];
    expect(table, 'regenerate with: npx tsx scripts/config-table.ts').toBe(configTable());
  });

  it('names the test command that CI runs', () => {
    expect(readFileSync('README.md', 'utf8')).toContain('npm ci && npm test');
    expect(readFileSync('.ci/run', 'utf8')).toContain('npm ci && npm test');
  });
});
