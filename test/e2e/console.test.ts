// The operator console in real Chromium against the web host: live breaker cards with confirmed actions, batch
// intake by drop + folder upload with the real ingest preview, live limits with a diff, and the stall grey-out.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { createHost, type Host } from '../../electron/host/host';
import { seededRng } from '../../electron/engine/rng';
import { EXPORT_COLUMNS, csvText, rowCells, syntheticRow } from '../fixtures/generate-batch';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing, launchChromium } from './support/browser';
import { consoleApi, type ConsoleApi } from './support/console-api';
import { pageErrors, shot, waitForText } from './support/page';
import { ensureRendererBuilt } from '../../electron/host/renderer-build';

const suite = chromiumMissing ? describe.skip : describe;

suite(chromiumMissing ? `operator console (skipped: ${chromiumMissing})` : 'operator console in Chromium', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  let browser: Browser;
  let host: Host;
  let c: ConsoleApi;
  let page: Page;
  let errors: string[];
  let dir: string;

  beforeAll(async () => {
    const staticDir = await ensureRendererBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'console-e2e-'));
    c = consoleApi();
    c.startSnapshots(500);
    host = await createHost({ api: c.api, port: 0, staticDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    errors = pageErrors(page);
    await page.goto(host.url);
  });

  afterAll(async () => {
    c?.stopSnapshots();
    await browser?.close();
    await host?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('opens on the dashboard with a live card per provider and the simulated banner', async () => {
    await waitForText(page, '[data-testid=live-beacon]', /Live · updated \d+s ago/);
    expect(await page.textContent('[data-testid=breaker-state-gemini]')).toBe('CLOSED');
    expect(await page.textContent('[data-testid=breaker-state-groq]')).toBe('CLOSED');
    expect(await page.textContent('[data-testid=simulated-banner]')).toMatch(/Simulated provider/);
    expect(page.url()).not.toContain('token='); // traded for the cookie
  });

  it('forces a breaker open and resets it, each after a confirmation, with the result inline', async () => {
    const card = page.locator('[data-provider=gemini]');
    await card.getByRole('button', { name: 'Force open' }).click();
    const dialog = card.locator('dialog[open]');
    await dialog.getByRole('heading', { name: 'Force the Gemini breaker open?' }).waitFor();
    await dialog.getByLabel(/Reason/).fill('provider incident');
    await shot(page, 'console-confirm-force-open');
    await dialog.getByRole('button', { name: 'Force open' }).click();
    await waitForText(page, '[data-testid=breaker-state-gemini]', /^OPEN · forced$/);
    expect(await card.getByRole('status').first().textContent()).toMatch(/gemini breaker forced open/);

    await card.getByRole('button', { name: 'Reset breaker' }).click();
    await card.locator('dialog[open]').getByRole('button', { name: 'Reset breaker' }).click();
    await waitForText(page, '[data-testid=breaker-state-gemini]', /^CLOSED/);
    await shot(page, 'console-dashboard');
  });

  it('keeps the breaker-open alert in the tray until it is acknowledged', async () => {
    await waitForText(page, '.alerts-button', /Alerts 1/);
    await page.getByRole('button', { name: /Alerts/ }).click();
    await waitForText(page, '#alert-panel', /Breaker open.*gemini breaker opened: forced open by operator/);
    await shot(page, 'console-alerts');
    await page.locator('#alert-panel').getByRole('button', { name: 'Acknowledge' }).click();
    await waitForText(page, '.alerts-button', /Alerts 0/);
    expect(c.alerts()[0]?.acknowledgedAt).not.toBeNull();
    await page.reload(); // acknowledged alerts don't come back
    await waitForText(page, '[data-testid=live-beacon]', /Live/);
    expect(await page.textContent('.alerts-button')).toBe('Alerts 0');
  });

  it('takes a dropped batch file and an uploaded attachments folder and shows the real preview', async () => {
    const rng = seededRng(7);
    const rows = Array.from({ length: 20 }, (_, i) => syntheticRow(rng, i + 1));
    const root = path.join(dir, 'attachments');
    for (const row of rows.slice(0, 5)) {
      const report = path.join(root, row.report);
      await mkdir(path.dirname(report), { recursive: true });
      await writeFile(report, '%PDF-1.4 test');
    }
    const csv = csvText(EXPORT_COLUMNS, rows.map(rowCells));

    await page.getByRole('button', { name: 'Batches' }).click();
    // A drop as Chromium delivers it: a DataTransfer holding the file (this runs in the page).
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([${JSON.stringify(csv)}], 'batch.csv', { type: 'text/csv' }));
      document.querySelector('[data-testid=dropzone]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await waitForText(page, '[data-testid=preview] h3', /Preview of batch\.csv: 20 rows \(CSV/);
    await page.locator('input[aria-label="Attachments folder"]').setInputFiles(root);
    await waitForText(page, '[data-testid=preview]', /Attachments: 5 reports found, 15 missing/);
    expect(await page.textContent('[data-testid=chosen-folder]')).toBe('attachments');
    expect(await page.locator('[data-testid=preview] tbody tr').count()).toBeGreaterThanOrEqual(20);
    await shot(page, 'console-preview');
  });

  it('edits a limit live: shows the before→after diff, applies it, and the card follows', async () => {
    await page.getByRole('button', { name: 'Limits & settings' }).click();
    await page.getByLabel('Requests per minute (RPM)').first().fill('60');
    await waitForText(page, '.diff', /providers\.gemini\.rpm: 150 → 60/);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await waitForText(page, '.saved', /Saved and applied.*providers\.gemini\.rpm: 150 → 60/);
    expect(c.config().providers.gemini.rpm).toBe(60);
    await shot(page, 'console-settings-saved');
    await page.getByRole('button', { name: 'Dashboard' }).click();
    await waitForText(page, '[data-provider=gemini] .facts', /RPM0 \/ 54/); // 60 × safety factor 0.9
    await page.getByRole('button', { name: 'Audit log' }).click();
    await waitForText(page, 'table.audit', /config update/);
  });

  it('greys the dashboard out when snapshots stop, and comes back when they resume', async () => {
    await page.getByRole('button', { name: 'Dashboard' }).click();
    c.stopSnapshots();
    await waitForText(page, '[data-testid=live-beacon]', /Stalled: updated \d+s ago/, 8_000);
    expect(await page.locator('.dashboard.stale').count()).toBe(1);
    await shot(page, 'console-stalled');
    c.startSnapshots(500);
    await waitForText(page, '[data-testid=live-beacon]', /Live/, 5_000);
    expect(await page.locator('.dashboard.stale').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
