// axe-core in real Chromium for the console suites (docs/console.md §14): its source is injected over the devtools
// protocol (the page's CSP rightly refuses inline scripts), and a check returns the serious and critical violations.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright';
import { shot } from './page';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let source: Promise<string> | null = null;

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now, as "name: rule at selector" lines; a
 * screenshot too. `within` (a selector) checks only that part, e.g. an open modal dialog: the screen behind it has
 * its own check, and a whole Dashboard takes axe most of a minute on a loaded machine.
 */
export async function axe(page: Page, name: string, within?: string): Promise<string[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(await (source ??= readFile(axePath, 'utf8')));
  await shot(page, `a11y-${name}`);
  const violations = await page.evaluate<AxeViolation[]>(
    `window.axe.run(${within ? JSON.stringify({ include: [within] }) : 'document'}, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] } }).then((r) => r.violations)`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${name}: ${v.id} at ${n.target.join(' ')}`));
}
