// Small helpers for driving the console in Chromium: screenshots kept as artefacts, text waits, page errors.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright';
import { repoRoot } from '../../../electron/host/renderer-build';

export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

export async function shot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/**
 * Wait until the first `selector` match's text matches; on timeout the error shows the last text seen. The default
 * is generous: CI shares two cores between Chromium, the app and other suites.
 */
export async function waitForText(page: Page, selector: string, pattern: RegExp, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  for (;;) {
    last = await page
      .locator(selector)
      .first()
      .textContent({ timeout: 1_000 })
      .catch(() => null);
    if (last !== null && pattern.test(last)) return last;
    if (Date.now() > deadline) {
      const name = `failed-wait-${Date.now()}`;
      await shot(page, name).catch(() => undefined);
      throw new Error(`"${selector}" never matched ${pattern} in ${timeout} ms; last text: ${JSON.stringify(last)} (screenshot ${name}.png)`);
    }
    await page.waitForTimeout(100);
  }
}

/** Collect uncaught page errors and console errors, so a test can assert the page stayed clean. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/** Open a batch file and its attachments folder with the intake's "Open…" pickers; returns the preview's text. */
export async function chooseBatch(page: Page, file: string, attachmentsDir: string): Promise<string> {
  await page.locator('input[aria-label="Batch file"]').setInputFiles(file);
  await waitForText(page, '[data-testid=preview] h3', new RegExp(`Preview of ${path.basename(file).replace(/\./g, '\\.')}: \\d+ rows`));
  await page.locator('input[aria-label="Attachments folder"]').setInputFiles(attachmentsDir);
  return waitForText(page, '[data-testid=preview]', /Attachments: \d+ reports? found/);
}
