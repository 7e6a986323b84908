// The runtime boundaries (docs/architecture.md) hold across the tree, and the lint rules really catch a crossing.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath });
  return (res?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('runtime boundaries', () => {
  it('the whole tree lints clean', async () => {
    const results = await eslint.lintFiles(['.']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.ruleId} ${m.message}`));
    expect(errors).toEqual([]);
  }, 120_000);

  it.each([
    ['electron/engine/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['electron/store/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['renderer/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['renderer/y.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;"],
    ['shared/x.ts', "import path from 'path';\nexport const a = path;"],
    ['shared/y.ts', "import { app } from 'electron';\nexport const a = app;"],
  ])('%s may not import across its boundary', async (file, code) => {
    expect(await ruleIds(code, file)).toContain('no-restricted-imports');
  });

  it('electron/main may import electron', async () => {
    expect(await ruleIds("import { app } from 'electron';\nexport const a = app;", 'electron/main/x.ts')).not.toContain('no-restricted-imports');
  });

  it.each([
    ['export const t = Date.now();', 'no-restricted-properties'],
    ['export const r = Math.random();', 'no-restricted-properties'],
    ['setTimeout(() => undefined, 1);', 'no-restricted-globals'],
  ])('engine code takes time and randomness from the clock only: %s', async (code, rule) => {
    expect(await ruleIds(code, 'electron/engine/limiter-x.ts')).toContain(rule);
    expect(await ruleIds(code, 'electron/engine/clock.ts')).not.toContain(rule);
  });
});
