// Hostile input through the console, in real Chromium against the web host and the real app (demo mode):
// - a batch whose submitters wrote formulas (`=HYPERLINK(...)`, `+cmd|...`), HTML (`<img onerror>`, `<script>`,
//   a javascript: link), a right-to-left override and a 6,000-character title: the preview, the results table and
//   the drawer show each as the text written (the override as its code point), with no element injected, no script run, no navigation and no
//   page wider than the window (issue 15 item 1's console cells; the export's guard is tested in
//   test/integration/pipeline/download-formula-guard.test.ts);
// - a file over the web host's upload cap, picked and dropped: refused with its name, its size in MiB, the cap and
//   what to do (docs/console.md §6), and nothing previewed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { repoRoot } from '../../electron/host/renderer-build';
import { sampleSubset } from '../integration/pipeline/support';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import { chooseBatch, shot, waitForText } from './support/page';

const WAIT_MS = 30_000;
const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const suite = chromiumMissing ? describe.skip : describe;
const MiB = 2 ** 20;

/** Sample rows and the title / objective written into each (the sample's columns 13 and 37). */
const HOSTILE: ReadonlyArray<{ id: string; title: string; shown?: string; objective: string }> = [
  { id: '410007', title: '=HYPERLINK("http://example.invalid/steal","click")', objective: "+cmd|' /C calc'!A0" },
  { id: '410014', title: '<img src=x onerror="window.__hostile=\'img\'">', objective: "@SUM(1+1)*cmd|' /C notepad'!A0" },
  { id: '410042', title: "<script>window.__hostile='script'</script>", objective: '<a href="javascript:window.__hostile=\'link\'">open</a>' },
  // Shown with its override as a code point, or it would read "Invoice exe.pdf".
  { id: '410028', title: 'Invoice \u202Efdp.exe', shown: 'Invoice [U+202E]fdp.exe', objective: "-2+3+cmd|' /C calc'!A0" },
  { id: '410035', title: `Long ${'W'.repeat(6_000)}`, objective: `=1+1 ${'objective '.repeat(800)}` },
];
const TITLE_COL = 12;
const OBJECTIVE_COL = 36;
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

suite(
  chromiumMissing ? `console with hostile input (skipped: ${chromiumMissing})` : 'console with hostile input, in Chromium',
  { timeout: E2E_TEST_TIMEOUT_MS },
  () => {
    let c: ConsoleSetup;
    let page: Page;
    let consoleUrl = '';

    const nav = (name: string) => page.getByRole('button', { name, exact: true }).click();
    /** Nothing a hostile cell could have done happened: no injected element, no script run, no navigation, no page wider than the window. */
    const inert = async () => {
      expect(await page.evaluate<unknown>('window.__hostile')).toBeUndefined();
      expect(await page.locator('#root img, #root script, #root a[href^="javascript:"], #root a[href*="example.invalid"]').count()).toBe(0);
      expect(page.url()).toBe(consoleUrl);
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    };

    beforeAll(async () => {
      c = await openConsole({
        env: { DEFAULT_MAX_WORKERS: '2' },
        simulatorTimeScale: 0.05,
        prefix: 'console-hostile-',
        uploadCaps: { maxFileBytes: MiB, maxTotalBytes: 512 * MiB, maxFolderFiles: 1_000 },
      });
      page = c.page;
      page.setDefaultTimeout(WAIT_MS);
      await waitForText(page, '[data-testid=live-beacon]', /Live/);
      consoleUrl = page.url();
    });

    afterAll(async () => {
      await c?.close();
    });

    it('refuses a picked file over the upload cap with its name, its size in MiB, the cap and what to do', async () => {
      await nav('Batches');
      const big = path.join(c.dir, 'big-batch.csv');
      await writeFile(big, 'x'.repeat(Math.round(1.5 * MiB)));
      await page.locator('input[aria-label="Batch file"]').setInputFiles(big);
      const refusal = await waitForText(page, '.intake [role=alert], [role=alert].error-text', /big-batch\.csv/);
      expect(refusal).toBe(
        'big-batch.csv is 1.5 MiB, over the 1.0 MiB limit for a file uploaded to the web console. Split it into smaller batch files, ' +
          'or validate it with the desktop app or the CLI (event-validator validate), which read it in place.',
      );
      expect(await page.locator('[data-testid=preview]').count()).toBe(0); // nothing previewed, no mapping table
      await shot(page, 'hostile-upload-too-large');
    });

    it('refuses a dropped file over the upload cap the same way', async () => {
      await page.evaluate(`(() => {
        const dt = new DataTransfer();
        dt.items.add(new File(['y'.repeat(${Math.round(2.25 * MiB)})], 'dropped.xlsx'));
        document.querySelector('[data-testid=dropzone]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      })()`);
      const refusal = await waitForText(page, '[role=alert].error-text', /dropped\.xlsx/);
      expect(refusal).toMatch(/^dropped\.xlsx is 2\.3 MiB, over the 1\.0 MiB limit .* Split it into smaller batch files/);
      expect(await page.locator('[data-testid=preview]').count()).toBe(0);
    });

    it('previews a batch of hostile cells as text', async () => {
      const file = sampleSubset(
        path.join(c.dir, 'hostile.csv'),
        HOSTILE.map((h) => h.id),
        (line) => {
          const h = HOSTILE.find((x) => line.startsWith(`${x.id},`));
          const cells = line.split(','); // these sample rows have no quoted cells
          if (!h || cells.length !== 55) throw new Error(`unexpected sample row: ${line.slice(0, 40)}`);
          cells[TITLE_COL] = quote(h.title);
          cells[OBJECTIVE_COL] = quote(h.objective);
          return cells.join(',');
        },
      );
      const preview = await chooseBatch(page, file, path.join(sample, 'attachments'));
      expect(preview).toMatch(/Preview of hostile\.csv: 5 rows/);
      expect(preview).toContain(HOSTILE[0]!.title);
      expect(preview).toContain('Invoice [U+202E]fdp.exe');
      await inert();
    });

    it('runs it, and the results table shows every hostile title as the text written', async () => {
      await page.getByRole('button', { name: /^Start batch/ }).click();
      await waitForText(page, '[data-testid=progress-text]', /^5 \/ 5 · finished/, 90_000);
      const rows = page.locator('[data-testid=results-body] [role=row]');
      await expect.poll(() => rows.count(), { timeout: WAIT_MS }).toBe(HOSTILE.length);
      const titles = new Map<string, string>();
      for (const row of await rows.all()) {
        const cells = row.locator('[role=cell]');
        titles.set((await cells.nth(0).textContent()) ?? '', (await cells.nth(1).textContent()) ?? '');
      }
      expect(Object.fromEntries(titles)).toEqual(Object.fromEntries(HOSTILE.map((h) => [h.id, h.shown ?? h.title])));
      // Clicking a hostile cell (the "link" among them) does nothing: no navigation, no new page.
      for (const cell of await rows.locator('[role=cell]:nth-child(2)').all()) await cell.click();
      expect(c.browser.contexts().flatMap((x) => x.pages())).toHaveLength(1);
      await inert();
      await shot(page, 'hostile-results');
    }, 150_000);

    it('shows each hostile title as text in the drawer', async () => {
      for (const h of HOSTILE) {
        await page.locator('[data-testid=results-body] button.link', { hasText: h.id }).click();
        const drawer = page.locator('[data-testid=drawer]');
        await drawer.locator('table').first().waitFor();
        expect(await drawer.locator('p.clip-2').textContent()).toBe(h.shown ?? h.title);
        await inert();
        if (h.id === '410035') await shot(page, 'hostile-drawer-long');
        await page.keyboard.press('Escape');
        await expect.poll(() => drawer.count(), { timeout: WAIT_MS }).toBe(0);
      }
      expect(c.errors.filter((e) => !/status of 413 \(Payload Too Large\)/.test(e))).toEqual([]); // the two refused uploads
    });
  },
);
