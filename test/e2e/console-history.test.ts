// The Batches screen an operator returns to, in real Chromium against the web host and the real app (demo mode):
// the run history (finished, cancelled and resumed from the list), Reopen reasons in the results table, and the
// submission drawer: beside the table (its filters stay usable), focus trapped, Escape closes from anywhere and
// focus returns to the row; "judged by" names the heuristic when it judged. Dates in the page's locale.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import type { ApiService } from '../../electron/api';
import { repoRoot } from '../../electron/host/renderer-build';
import type { EventPayload } from '../../shared/api';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import { shot, waitForText } from './support/page';

const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const file = { kind: 'path' as const, path: path.join(sample, 'batch.csv') };
const attachments = { kind: 'path' as const, path: path.join(sample, 'attachments') };
const suite = chromiumMissing ? describe.skip : describe;

suite(
  chromiumMissing ? `run history and drawer (skipped: ${chromiumMissing})` : 'run history and drawer, in Chromium',
  { timeout: E2E_TEST_TIMEOUT_MS },
  () => {
    let c: ConsoleSetup;
    let api: ApiService;
    let page: Page;
    let finishedRun = '';
    let heuristicRun = '';

    const progressUntil = (pred: (p: EventPayload<'progress'>) => boolean) =>
      new Promise<EventPayload<'progress'>>((done) => {
        const off = api.on('progress', (p) => {
          if (pred(p)) {
            off();
            done(p);
          }
        });
      });
    const historyRow = (runId: string) => page.locator(`[data-testid=run-history] tr[data-run="${runId}"]`);
    const drawer = () => page.locator('[data-testid=drawer]');
    const inDrawer = () => page.evaluate<boolean>(`document.querySelector('[data-testid=drawer]')?.contains(document.activeElement) ?? false`);

    beforeAll(async () => {
      c = await openConsole({ env: { DEFAULT_MAX_WORKERS: '2' }, simulatorTimeScale: 0.05, prefix: 'console-history-' });
      ({ api, page } = c);
      // First, before any reply is cached: a run no provider can serve, judged by the heuristic.
      await api.updateConfig({ patch: { heuristicFallback: true }, reason: 'e2e' });
      await api.forceOpenBreaker({ provider: 'gemini' });
      await api.forceOpenBreaker({ provider: 'groq' });
      const judged = progressUntil((p) => p.state === 'finished');
      heuristicRun = (await api.startBatch({ file, attachments })).runId;
      await judged;
      await api.resetBreaker({ provider: 'gemini' });
      await api.resetBreaker({ provider: 'groq' });
      await api.updateConfig({ patch: { heuristicFallback: false }, reason: 'e2e' });
      const finished = progressUntil((p) => p.state === 'finished');
      finishedRun = (await api.startBatch({ file, attachments })).runId;
      await finished;
      await page.getByRole('button', { name: 'Batches', exact: true }).click();
    });

    afterAll(async () => {
      await c?.close();
    });

    it('lists runs with their outcome and resumes a cancelled run from the history', async () => {
      const { runId } = await api.startBatch({ file, attachments });
      await progressUntil((p) => p.runId === runId && p.done >= 1);
      const cancelled = progressUntil((p) => p.runId === runId && p.state === 'cancelled');
      await api.cancelBatch({ runId });
      await cancelled;

      await waitForText(page, '#history-h', /^Run history \(3\)$/);
      await waitForText(page, `[data-testid=run-history] tr[data-run="${runId}"] [data-testid=run-outcome]`, /^cancelled$/);
      const finishedText = (await historyRow(finishedRun).textContent()) ?? '';
      expect(finishedText).toMatch(/30 \/ 30/);
      expect(await historyRow(finishedRun).locator('[data-testid=run-outcome]').textContent()).toBe('finished');
      expect(
        await historyRow(finishedRun)
          .getByRole('button', { name: /^Resume/ })
          .count(),
      ).toBe(0);
      await shot(page, 'history-cancelled');

      await historyRow(runId)
        .getByRole('button', { name: /^Resume run/ })
        .click();
      await waitForText(page, '[data-testid=history-message]', new RegExp(`^Resumed batch\\.csv \\(run ${runId}\\)$`));
      await waitForText(page, `[data-testid=run-history] tr[data-run="${runId}"] [data-testid=run-outcome]`, /^finished$/, 60_000);
      await waitForText(page, '[data-testid=progress-text]', /^30 \/ 30 · finished/);

      // Open selects a run for the run panel and the results.
      await historyRow(finishedRun)
        .getByRole('button', { name: /^Open run/ })
        .click();
      expect(await page.locator('section.run select').inputValue()).toBe(finishedRun);
      expect(await historyRow(finishedRun).getAttribute('aria-current')).toBe('true');
    });

    it('shows each Reopen row’s reason in the table', async () => {
      const filters = page.getByRole('group', { name: 'Filter by status' });
      await filters.getByRole('button', { name: 'Reopen' }).click();
      await waitForText(page, '#results-h', /^Results \([1-9]\d*\)$/);
      const reasons = await page.locator('[data-testid=results-body] [role=row] [role=cell]:nth-child(5)').allTextContents();
      expect(reasons.length).toBeGreaterThan(0);
      for (const r of reasons) expect(r).toMatch(/^(PDF Validation|Image Validation): .+ \(.+\)/);
      await filters.getByRole('button', { name: 'Reopen' }).click();
    });

    it('keeps the filters usable beside the drawer, traps focus in it, and returns focus on Escape', async () => {
      const opener = page.locator('[data-testid=results-body] button.link').first();
      const id = (await opener.textContent()) ?? '';
      await opener.click();
      await waitForText(page, '#drawer-h', new RegExp(`^Submission ${id}`));
      expect(await inDrawer()).toBe(true);

      // The filter buttons are not under the drawer: the topmost element at each one's centre is the button itself.
      const covered = await page.evaluate<number>(`[...document.querySelectorAll('[aria-label="Filter by status"] button')].filter((b) => {
        const r = b.getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) !== b;
      }).length`);
      expect(covered).toBe(0);
      const drawerBox = (await drawer().boundingBox())!;
      const filtersBox = (await page.getByRole('group', { name: 'Filter by status' }).boundingBox())!;
      expect(filtersBox.x + filtersBox.width).toBeLessThanOrEqual(drawerBox.x);
      await shot(page, 'drawer-open');

      for (let i = 0; i < 30; i++) {
        await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
        expect(await inDrawer()).toBe(true);
      }
      // Focus on nothing in particular (a click on the drawer's text): Escape still closes it.
      await drawer().locator('h3').first().click();
      await page.keyboard.press('Escape');
      await drawer().waitFor({ state: 'detached' });
      expect(await page.evaluate<string>('document.activeElement?.textContent')).toBe(id);
    });

    it('says the heuristic judged, not Groq, when no provider could', async () => {
      await historyRow(heuristicRun)
        .getByRole('button', { name: /^Open run/ })
        .click();
      const filters = page.getByRole('group', { name: 'Filter by status' });
      await filters.getByRole('button', { name: 'Accepted' }).click();
      await filters.getByRole('button', { name: 'Rejected' }).click();
      await waitForText(page, '#results-h', /^Results \([1-9]\d*\)$/);
      await page.locator('[data-testid=results-body] button.link').first().click();
      await waitForText(page, '[data-testid=judged-by]', /^Heuristic$/);
      const by = await drawer().locator('table.compact').first().locator('tbody td:nth-child(5)').allTextContents();
      expect(new Set(by)).toEqual(new Set(['Rule', 'Heuristic']));
      await shot(page, 'drawer-heuristic');
      await drawer().getByRole('button', { name: 'Close' }).click();
    });

    it('writes dates in the page’s locale, the month spelled out', async () => {
      const other = await c.browser.newPage({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
      try {
        await other.goto(c.host.url);
        await other.getByRole('button', { name: 'Batches', exact: true }).click();
        const created = (await api.getRunHistory({ offset: 0, limit: 1 })).runs[0]!.createdAt;
        const d = new Date(created);
        const month = new Intl.DateTimeFormat('en-GB', { month: 'long' }).format(d);
        const started = await waitForText(other, '[data-testid=run-history] tbody tr td:nth-child(2)', /\d/);
        expect(started).toMatch(new RegExp(`^${d.getDate()} ${month}(,| at) \\d\\d:\\d\\d$`));
      } finally {
        await other.close();
      }
    });
  },
);
