// `npm run typecheck` is part of the suite: node side, web side and shared/ alone each compile strictly.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('typecheck', () => {
  it.each(['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.shared.json'])(
    '%s compiles',
    (project) => {
      let out = '';
      try {
        execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--noEmit'], { encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? e);
      }
      expect(out).toBe('');
    },
    240_000,
  );
});
