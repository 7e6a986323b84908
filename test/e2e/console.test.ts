// The operator console in real Chromium against the web host and the real app (createApi in demo mode: no key, so
// the in-process simulator answers through the real SDKs). What web-host-flow.test.ts does not already drive:
// pause / resume / cancel of a running batch, forcing breakers open with the alerts they raise, a run whose LLM
// rules stay undetermined and "Re-run undetermined" settling them, a live limit edit with its diff and audit
// entry, the XLSX download, and the grey-out when the event stream stalls (held back by a routed WebSocket).
// One worker and slowed simulated calls make a run last long enough to pause it; the limit edit then raises the
// workers so the re-run is quick.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { createApi, type ApiService } from '../../electron/api';
import { createHost, type Host } from '../../electron/host/host';
import { ensureRendererBuilt, repoRoot } from '../../electron/host/renderer-build';
import { FileKeyVault } from '../../electron/store/file-key-vault';
import type { ProviderId } from '../../shared/provider';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing, launchChromium } from './support/browser';
import { gateEventStream, type EventStreamGate } from './support/event-stream';
import { chooseBatch, pageErrors, shot, waitForText } from './support/page';

const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const WAIT_MS = 30_000;
const suite = chromiumMissing ? describe.skip : describe;

suite(chromiumMissing ? `operator console (skipped: ${chromiumMissing})` : 'operator console in Chromium', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  let api: ApiService;
  let host: Host;
  let browser: Browser;
  let page: Page;
  let events: EventStreamGate;
  let errors: string[];
  let dir: string;

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

  beforeAll(async () => {
    const staticDir = await ensureRendererBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'console-e2e-'));
    api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: { DEFAULT_MAX_WORKERS: '1' }, simulatorTimeScale: 0.15 });
    host = await createHost({ api, port: 0, staticDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    errors = pageErrors(page);
    events = await gateEventStream(page);
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
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
    await waitForText(page, 'section.run [role=status]', /^Paused$/);
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
    await dialog.getByRole('button', { name: 'Cancel batch' }).click();
    const cancelled = await progress(/ · cancelled/);
    expect(cancelled).toBeGreaterThan(held);
    expect(cancelled).toBeLessThan(30);
    await waitForText(page, 'section.run select option:checked', /cancelled$/);
    expect(await runButton('Re-run undetermined').isEnabled()).toBe(true);
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
    await waitForText(page, 'table.audit', /setting\.changed\s*config\W*\{"maxWorkers":8\}/);
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
    await page.locator('#alert-panel').getByRole('button', { name: 'Acknowledge' }).first().click();
    await waitForText(page, '.alerts-button', /Alerts 1/);
    await page.locator('#alert-panel').getByRole('button', { name: 'Acknowledge' }).first().click();
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
    await waitForText(page, 'section.run [role=status]', /Re-running undetermined submissions/);
    // Only the Review rows are queued; once they are done, fewer are left in Review, as the run's counts, the
    // status filter and the Api all say.
    await progress(new RegExp(`^${review} / ${review} · finished`), 60_000);
    const left = (await api.listRuns({})).find((r) => r.runId === runId)?.byStatus.Review;
    expect(left).toBeLessThan(review);
    expect(await statusCount('Review')).toBe(left);
    const reviewFilter = page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: 'Review' });
    await reviewFilter.click();
    await waitForText(page, '#results-h', new RegExp(`^Results \\(${left}\\)$`));
    await shot(page, 'console-rerun-done');
    await reviewFilter.click();
  });

  it('exports the results as XLSX and downloads a workbook of the reported size', async () => {
    await runButton('Export XLSX').click();
    const text = await waitForText(page, '[data-testid=export-result]', /[\d,]+ rows, [\d,]+ bytes, saved to/);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), page.getByRole('link', { name: /^Download .*\.xlsx$/ }).click()]);
    const bytes = await readFile((await download.path()) as string);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // an XLSX is a ZIP
    expect(bytes.length).toBe(Number(/([\d,]+) bytes/.exec(text)?.[1]?.replace(/,/g, '')));
    expect(text).toMatch(/^30 rows/);
  });

  it('records the operator actions in the audit log', async () => {
    await nav('Audit log');
    const log = await waitForText(page, 'table.audit', /export results/);
    for (const action of ['pause batch', 'resume batch', 'cancel batch', 'force open breaker', 'reset breaker', 're-run undetermined']) expect(log).toContain(action);
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
