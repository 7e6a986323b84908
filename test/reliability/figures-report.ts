// Vitest global setup: give this run its own empty figures folder (the test forks inherit the variable), and print
// the reliability table once all files have run (only when a reliability scenario ran: unit-only runs print nothing).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli';
import { FIGURES_ENV, figuresTable, readFigures } from './figures';

export function setup(): () => void {
  const dir = path.join(repoRoot, `test-results/reliability-figures-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  process.env[FIGURES_ENV] = dir;
  return () => {
    const all = readFigures();
    if (all.length > 0) console.log(`\n${figuresTable(all, process.env.SOAK_SCALE === 'big' ? 'full' : 'CI')}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
