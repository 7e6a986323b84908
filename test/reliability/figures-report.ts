// Vitest global setup: start every run with no figures, and print the reliability table once all files have run
// (only when a reliability scenario ran: unit-only runs print nothing).
import { rmSync } from 'node:fs';
import { FIGURES_DIR, figuresTable, readFigures } from './figures';

export function setup(): () => void {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  return () => {
    const all = readFigures();
    if (all.length > 0) console.log(`\n${figuresTable(all, process.env.SOAK_SCALE === 'big' ? 'full' : 'CI')}\n`);
  };
}
