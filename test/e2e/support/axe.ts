// axe-core in real Chromium: its source injected over the devtools protocol (the page's CSP rightly refuses inline
// scripts), then run on the page or on one part of it; serious and critical violations come back as lines.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright';
import { shot } from './page';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** axe-core's own source, to hand to axe(). */
export function axeSource(): Promise<string> {
  return readFile(axePath, 'utf8');
}

/**
 * axe-core's serious and critical violations on the page as it is now (or inside the `include` selector), as
 * "name: rule at selector" lines; a screenshot too.
 */
export async function axe(page: Page, name: string, source: string, include?: string): Promise<string[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(source);
  await shot(page, `a11y-${name}`);
  const context = include === undefined ? 'document' : `{ include: [${JSON.stringify(include)}] }`;
  const violations = await page.evaluate<AxeViolation[]>(
    `window.axe.run(${context}, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] } }).then((r) => r.violations)`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${name}: ${v.id} at ${n.target.join(' ')}`));
}
