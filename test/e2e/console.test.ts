// The operator console in real Chromium against the web host and the real app (createApi in demo mode: no key, so
// the in-process simulator answers through the real SDKs). What web-host-flow.test.ts does not already drive:
// pause / resume / cancel of a running batch, forcing breakers open with the alerts they raise, a run whose LLM
// rules stay undetermined and "Re-run undetermined" settling them, a live limit edit with its diff and audit
// entry, the XLSX download, and the grey-out when the event stream stalls (held back by a routed WebSocket).
// One worker and slowed simulated calls make a run last long enough to pause it; the limit edit then raises the
// workers so the re-run is quick.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import type { ApiService } from '../../electron/api';
import { repoRoot } from '../../electron/host/renderer-build';
import type { ProviderId } from '../../shared/provider';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import type { EventStreamGate } from './support/event-stream';
import { chooseBatch, shot, waitForText } from './support/page';

const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const WAIT_MS = 30_000;
const suite = chromiumMissing ? describe.skip : describe;

suite(chromiumMissing ? `operator console (skipped: ${chromiumMissing})` : 'operator console in Chromium', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  let c: ConsoleSetup;
  let api: ApiService;
  let page: Page;
  let events: EventStreamGate;
  let errors: string[];
  /** The first run, cancelled part-way, and how many of its submissions were done by then. */
  let cancelledRunId = '';
  let cancelled = 0;

  const nav = (name: string) => page.getByRole('button', { name, exact: true }).click();
  /** The run panel's done count, once its progress line matches `pattern`. */
  const progress = async (pattern: RegExp, timeout = WAIT_MS) =>
    Number(/^([\d,]+) \//.exec(await waitForText(page, '[data-testid=progress-text]', pattern, timeout))?.[1]?.replace(/,/g, ''));
  const statusCount = async (status: string) => Number((await page.textContent(`.status-counts .status-${status}`))?.replace(/\D/g, ''));
  const runButton = (name: string) => page.locator('section.run').getByRole('button', { name, exact: true });
  /** A breaker card action, confirmed in its dialog (titled `title`) with a reason for the audit log. */
  const onCard = async (provider: ProviderId, action: string, title: string | RegExp, reason: string) => {
    const card = page.locator(`[data-provider=${provider}]`);
    await card.getByRole('button', { name: action }).click();
    const dialog = card.locator('dialog[open]');
    await dialog.getByRole('heading', { name: title }).waitFor();
    await dialog.getByLabel(/Reason/).fill(reason);
    await dialog.getByRole('button', { name: action }).click();
  };

  /** The chips' count for each status, and what the table's filter for that status shows. */
  const chipsAndFilters = async () => {
    const filters = page.getByRole('group', { name: 'Filter by status' });
    const out: Array<[string, number, number]> = [];
    for (const status of ['Accepted', 'Rejected', 'Reopen', 'Review', 'Error']) {
      const chip = await statusCount(status);
      await filters.getByRole('button', { name: status }).click();
      const shown = Number(/\((\d+)\)/.exec(await waitForText(page, '#results-h', new RegExp(`^Results \\(${chip}\\)$`)))?.[1]);
      await filters.getByRole('button', { name: status }).click();
      out.push([status, chip, shown]);
    }
    return out;
  };

  beforeAll(async () => {
    c = await openConsole({ env: { DEFAULT_MAX_WORKERS: '1' }, simulatorTimeScale: 0.15, prefix: 'console-e2e-' });
    ({ api, page, events, errors } = c);
  });

  afterAll(async () => {
    await c?.close();
  });

  it('opens on the dashboard with a live card per provider and the simulated banner', async () => {
    await waitForText(page, '[data-testid=live-beacon]', /Live · updated \d+s ago/);
    const cards = await page.locator('[data-provider]').all();
    expect(await Promise.all(cards.map((c) => c.getAttribute('data-provider')))).toEqual(['gemini', 'groq']);
    expect(await page.textContent('[data-testid=breaker-state-gemini]')).toBe('CLOSED');
    expect(await page.textContent('[data-testid=breaker-state-groq]')).toBe('CLOSED');
    expect(await page.textContent('[data-testid=simulated-banner]')).toMatch(/Simulated provider/);
    expect(page.url()).not.toContain('token='); // traded for the cookie
  });

  it('pauses, resumes and cancels a running batch from the run panel', async () => {
    await nav('Batches');
    await chooseBatch(page, path.join(sample, 'batch.csv'), path.join(sample, 'attachments'));
    await page.getByRole('button', { name: /^Start batch/ }).click();
    await progress(/^[1-9]\d* \/ 30 · running/);

    await runButton('Pause').click();
    await progress(/ · paused/);
    await waitForText(page, '[data-testid=run-message]', /^Paused$/);
    // The submission in flight when paused may finish; after that the count holds still with nothing in flight.
    let held = -1;
    let since = Date.now();
    await expect
      .poll(
        async () => {
          const s = await api.getSnapshot({});
          const done = s.batch?.done ?? -1;
          if (done !== held || s.providers.some((p) => p.inFlight > 0)) [held, since] = [done, Date.now()];
          return Date.now() - since;
        },
        { timeout: WAIT_MS, interval: 250 },
      )
      .toBeGreaterThanOrEqual(2_000);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(30);
    await progress(new RegExp(`^${held} / 30 · paused`));
    await shot(page, 'console-paused');

    await runButton('Resume').click();
    await expect.poll(() => progress(/ · running/), { timeout: WAIT_MS }).toBeGreaterThan(held);

    await page.locator('section.run').getByRole('button', { name: 'Cancel batch' }).click();
    const dialog = page.locator('section.run dialog[open]');
    await dialog.getByRole('heading', { name: 'Cancel this batch?' }).waitFor();
    expect(await dialog.textContent()).toMatch(/Resume later continues with the rows not yet done/); // and Resume exists:
    await dialog.getByRole('button', { name: 'Cancel batch' }).click();
    cancelled = await progress(/ · cancelled/);
    cancelledRunId = await page.locator('section.run select').inputValue();
    expect(cancelled).toBeGreaterThan(held);
    expect(cancelled).toBeLessThan(30);
    await waitForText(page, 'section.run select option:checked', /cancelled$/);
    expect(await runButton('Resume').isEnabled()).toBe(true);
    // Re-run undetermined is offered exactly when rows wait in Review, and says why not otherwise.
    const review = await statusCount('Review');
    expect(await runButton('Re-run undetermined').isEnabled()).toBe(review > 0);
    expect(await page.locator('[data-testid=rerun-reason]').count()).toBe(review > 0 ? 0 : 1);
    await shot(page, 'console-cancelled');
  });

  it('edits a limit live: shows the before→after diff, applies it, and logs it (the next run uses it)', async () => {
    await nav('Limits & settings');
    await page.getByLabel('Workers', { exact: true }).fill('8');
    await waitForText(page, '.diff', /maxWorkers: 1 → 8/);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await waitForText(page, '.saved', /Saved and applied.*maxWorkers: 1 → 8/);
    expect((await api.getConfig({})).maxWorkers).toBe(8);
    await shot(page, 'console-settings-saved');
    await nav('Audit log');
    await waitForText(page, 'table.audit', /changed settings\s*Limits & settings\s*Workers: default → 8/);
  });

  it('forces both breakers open, each after a confirmation, with the result inline', async () => {
    await nav('Dashboard');
    for (const [p, name] of [
      ['gemini', 'Gemini'],
      ['groq', 'Groq'],
    ] as const) {
      await onCard(p, 'Force open', `Force the ${name} breaker open?`, 'provider incident');
      await waitForText(page, `[data-testid=breaker-state-${p}]`, /^OPEN · forced$/);
      await waitForText(page, `[data-provider=${p}] .action-result`, new RegExp(`${p} breaker forced OPEN`));
    }
  });

  it('keeps each breaker-open alert in the tray until it is acknowledged', async () => {
    await waitForText(page, '.alerts-button', /Alerts 2/);
    await page.getByRole('button', { name: /Alerts/ }).click();
    const panel = await waitForText(page, '#alert-panel', /groq breaker opened.*gemini breaker opened/s);
    expect(panel).toMatch(/Breaker open/);
    await shot(page, 'console-alerts');
    await page.locator('#alert-panel').getByRole('button', { name: 'Acknowledge', exact: true }).first().click();
    await waitForText(page, '.alerts-button', /Alerts 1/);
    await page.locator('#alert-panel').getByRole('button', { name: 'Acknowledge', exact: true }).first().click();
    await waitForText(page, '.alerts-button', /Alerts 0/);
    expect((await api.listAlerts({ includeAcknowledged: true })).map((a) => a.acknowledgedAt !== null)).toEqual([true, true]);
    await page.reload(); // acknowledged alerts don't come back
    await waitForText(page, '[data-testid=live-beacon]', /Live/);
    expect(await page.textContent('.alerts-button')).toBe('Alerts 0');
  });

  it('runs a batch with both breakers open: its LLM rules stay undetermined, so rows wait in Review', async () => {
    await nav('Batches');
    await chooseBatch(page, path.join(sample, 'batch.csv'), path.join(sample, 'attachments'));
    await page.getByRole('button', { name: /^Start batch/ }).click();
    await progress(/^30 \/ 30 · finished/, 60_000);
    expect(await statusCount('Review')).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=progress-text]')).toMatch(/ · 0 calls used · 8 workers$/); // the edited limit
    await shot(page, 'console-review-rows');
  });

  it('after the breakers are reset, "Re-run undetermined" settles the Review rows', async () => {
    await nav('Dashboard');
    for (const [p, name] of [
      ['gemini', 'Gemini'],
      ['groq', 'Groq'],
    ] as const) {
      await onCard(p, 'Reset breaker', new RegExp(`Reset the ${name} breaker`), 'incident over');
      await waitForText(page, `[data-testid=breaker-state-${p}]`, /^CLOSED/);
    }
    await nav('Batches');
    await progress(/^30 \/ 30 · finished/);
    const review = await statusCount('Review');
    const runId = await page.locator('section.run select').inputValue();
    await runButton('Re-run undetermined').click();
    await waitForText(page, '[data-testid=run-message]', /Re-running undetermined submissions/);
    // Only the Review rows are queued (the pass line); the run keeps its 30 rows' totals, fewer are left in Review,
    // and every status chip equals what its filter shows, as the Api says.
    await waitForText(page, '[data-testid=pass-text]', new RegExp(`: ${review} / ${review} rows$`), 60_000);
    await progress(/^30 \/ 30 · finished/);
    const run = (await api.listRuns({})).find((r) => r.runId === runId);
    expect(run?.byStatus.Review).toBeLessThan(review);
    expect(Object.values(run?.byStatus ?? {}).reduce((a, b) => a + b, 0)).toBe(30);
    await expect.poll(() => statusCount('Review'), { timeout: WAIT_MS }).toBe(run?.byStatus.Review);
    for (const [status, chip, shown] of await chipsAndFilters()) {
      expect([status, chip]).toEqual([status, shown]);
      expect([status, chip]).toEqual([status, run?.byStatus[status as keyof typeof run.byStatus]]);
    }
    await shot(page, 'console-rerun-done');
  });

  it('exports the results as XLSX and downloads a workbook of the reported size', async () => {
    await runButton('Export XLSX').click();
    const text = await waitForText(page, '[data-testid=export-result]', /[\d,]+ rows, [\d,]+ bytes, saved to/);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: WAIT_MS }),
      page.getByRole('link', { name: /^Download .*\.xlsx$/ }).click(),
    ]);
    const bytes = await readFile((await download.path()) as string);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // an XLSX is a ZIP
    expect(bytes.length).toBe(Number(/([\d,]+) bytes/.exec(text)?.[1]?.replace(/,/g, '')));
    expect(text).toMatch(/^30 rows/);
  });

  it('resumes the cancelled run: only the rows not yet done run, and the run ends with all 30', async () => {
    await nav('Batches');
    await page.locator('section.run select').selectOption(cancelledRunId);
    const runId = cancelledRunId;
    await runButton('Resume').click();
    await progress(/^30 \/ 30 · finished/, 60_000);
    // The run's totals span both passes; the pass line shows the resumed part alone.
    await waitForText(page, '[data-testid=pass-text]', new RegExp(`: ${30 - cancelled} / ${30 - cancelled} rows$`));
    const run = (await api.listRuns({})).find((r) => r.runId === runId);
    expect(run).toMatchObject({ state: 'finished', done: 30, total: 30 });
    for (const [status, chip, shown] of await chipsAndFilters()) expect([status, chip]).toEqual([status, shown]);
    const review = await statusCount('Review');
    expect(await runButton('Re-run undetermined').isDisabled()).toBe(review === 0);
    if (review === 0) expect(await page.textContent('[data-testid=rerun-reason]')).toBe('Nothing to re-run: no row is in Review.');
    await shot(page, 'console-resumed');
  });

  it('records the operator actions in the audit log', async () => {
    await nav('Audit log');
    const log = await waitForText(page, 'table.audit', /export results/);
    for (const action of ['pause batch', 'resume batch', 'cancel batch', 'force open breaker', 'reset breaker', 're-run undetermined'])
      expect(log).toContain(action);
  });

  it('greys the dashboard out when the event stream stalls, and comes back when it resumes', async () => {
    await nav('Dashboard');
    await waitForText(page, '[data-testid=live-beacon]', /Live/);
    events.hold();
    await waitForText(page, '[data-testid=live-beacon]', /Stalled: updated \d+s ago/);
    expect(await page.locator('.dashboard.stale').count()).toBe(1);
    await shot(page, 'console-stalled');
    events.open();
    await waitForText(page, '[data-testid=live-beacon]', /Live/);
    expect(await page.locator('.dashboard.stale').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
