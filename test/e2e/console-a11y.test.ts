// The console checked with axe-core in real Chromium (its source injected into the page): no serious or critical
// violation on the Batches screen with its Plan panel and compare drawer, the run's "predicted X min, took Y min",
// the submission drawer and the Dashboard. A screenshot of each is kept in test-results/screenshots. Also the
// charts: the range picker and zoom, a TPM axis scaled to the traffic, no tab stop in a drawing; and the Dashboard's
// batch progress. Dialogs, the alert tray, Settings, the Audit log and dark mode: console-a11y-screens.test.ts.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { repoRoot } from '../../electron/host/renderer-build';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { axe } from './support/axe';
import { openConsole, type ConsoleSetup } from './support/console';
import { chooseBatch, waitForText } from './support/page';
import { timelineRows } from '../../renderer/features/batches/timeline-rows';

const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const suite = chromiumMissing ? describe.skip : describe;

suite(
  chromiumMissing ? `console accessibility (skipped: ${chromiumMissing})` : 'console accessibility, in Chromium',
  { timeout: E2E_TEST_TIMEOUT_MS },
  () => {
    let c: ConsoleSetup;
    let page: Page;
    const nav = (name: string) => page.getByRole('button', { name, exact: true }).click();

    beforeAll(async () => {
      c = await openConsole({ env: { DEFAULT_MAX_WORKERS: '2' }, simulatorTimeScale: 0.05, prefix: 'console-a11y-' });
      page = c.page;
      await waitForText(page, '[data-testid=live-beacon]', /Live/);
    });

    afterAll(async () => {
      await c?.close();
    });

    it('plans a batch before Start: the prediction at once, the compare drawer, the predicted curve (axe clean)', async () => {
      await nav('Batches');
      await chooseBatch(page, path.join(sample, 'batch.csv'), path.join(sample, 'attachments'));
      const headline = await waitForText(page, '[data-testid=plan-headline]', /^Current settings: about [\d.]+ (min|h)/, 60_000);
      expect(headline).toMatch(/\d+ calls/);
      // The chart draws in a later frame than the headline's text (on a loaded machine, noticeably later).
      const predicted = page.locator('[data-testid=plan-panel] figure[aria-label="predicted RPM chart"] .recharts-line');
      await expect.poll(() => predicted.count(), { timeout: 30_000 }).toBe(1);
      expect(await axe(page, 'batches-plan')).toEqual([]);

      await page.getByRole('button', { name: 'Compare…' }).click();
      await page.locator('[data-testid=plan-drawer]').waitFor();
      await page.locator('[data-testid=plan-drawer] [aria-label=workers]').first().fill('1');
      await page.getByRole('button', { name: /^Compare 1 variant$/ }).click();
      await waitForText(page, '.plan-table tbody', /variant 1/, 60_000);
      expect(await page.locator('.plan-table tbody tr').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^variant 1/)]));
      await expect.poll(() => page.locator('.plan-table tr[data-best]').count(), { timeout: 30_000 }).toBe(1);
      expect(await axe(page, 'plan-compare')).toEqual([]);
    });

    it('after the run, draws the actual curve over the predicted one and says "predicted X min, took Y min"', async () => {
      await page.getByRole('button', { name: /^Start batch/ }).click();
      await waitForText(page, '[data-testid=progress-text]', /^30 \/ 30 · finished/, 60_000);
      const summary = await waitForText(page, '[data-testid=run-plan]', /^Predicted [\d.]+ (min|h), took [\d.]+ (min|h)\./);
      expect(summary).toMatch(/Predicted/);
      await expect.poll(() => page.locator('[data-testid=run-plan] .recharts-line').count(), { timeout: 30_000 }).toBe(2);
      expect(await axe(page, 'batches-after-run')).toEqual([]);
    });

    it('has no violation in the submission drawer, its timeline drawn: one row per call, the phases the store holds', async () => {
      // A row that made calls, so the drawer has a timeline (docs/console.md §16).
      const [run] = await c.api.listRuns({});
      const { rows } = await c.api.getResults({ runId: run?.runId ?? '', offset: 0, limit: 100 });
      const called = rows.find((r) => r.callsUsed > 0);
      expect(called).toBeDefined();
      const id = called?.submissionId ?? '';
      const stored = await c.api.getSubmission({ runId: run?.runId ?? '', submissionId: id });
      const expected = timelineRows(stored.result?.timeline ?? []).rows.map((r) => ({ kind: r.kind, phases: String(r.spans.length) }));
      expect(expected.length).toBeGreaterThan(0);

      await page.locator('[data-testid=results-body] button.link', { hasText: new RegExp(`^${id}$`) }).click();
      await page.locator('[data-testid=timeline-row]').first().waitFor();
      const rowEls = await page.locator('[data-testid=timeline-row]').all();
      const drawn = await Promise.all(
        rowEls.map(async (e) => ({ kind: await e.getAttribute('data-kind'), phases: await e.getAttribute('data-phases') })),
      );
      expect(drawn).toEqual(expected);
      // Every physical call of the drawer's Calls table is one request phase on the Gantt.
      expect(await page.locator('[data-testid=timeline-gantt] [data-phase=call]').count()).toBe(stored.result?.calls.length);
      expect(await page.locator('[data-testid=timeline-gantt]').getAttribute('aria-label')).toMatch(/^Timeline over .+\. theme: /);
      expect(await page.locator('[data-testid=timeline] [tabindex]:not([tabindex="-1"])').count()).toBe(0); // no tab stop in a drawing

      // The table alternative, by keyboard: its summary is a tab stop inside the drawer's focus trap.
      const summary = page.locator('[data-testid=timeline-table-summary]');
      await summary.focus();
      await page.keyboard.press('Enter');
      const phases = expected.reduce((n, r) => n + Number(r.phases), 0);
      await expect.poll(() => page.locator('[data-testid=timeline-table] tbody tr').count()).toBe(phases);
      expect(await axe(page, 'drawer')).toEqual([]);
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await axe(page, 'drawer-dark')).toEqual([]);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.keyboard.press('Escape');
    });

    it('shows the batch on the Dashboard; charts take a range, scale TPM to the traffic and are not empty tab stops', async () => {
      await nav('Dashboard');
      await waitForText(page, '[data-testid=dash-progress]', /^30 \/ 30 · finished · [\d,]+ calls · [\d,]+ fallbacks/);
      await page.getByRole('group', { name: 'Chart range' }).getByRole('button', { name: '30 min' }).click();
      await waitForText(page, '[data-testid=chart-span]', /^showing the last 30 min$/);
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await waitForText(page, '[data-testid=chart-span]', /^showing the last 15 min$/);
      // Traffic of a 30-row run, nowhere near the 1.8M limit: the axis is scaled to the traffic and the caption says so.
      expect(await page.locator('[data-testid=chart-gemini-tpm] figcaption').textContent()).toMatch(/tokens\/min \(above the plot\)/);
      expect(await page.locator('.chart-box [tabindex]:not([tabindex="-1"])').count()).toBe(0); // no tab stop in a drawing
      expect(await axe(page, 'dashboard')).toEqual([]);
    });
  },
);
