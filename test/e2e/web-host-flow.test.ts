// The whole operator flow in real Chromium against the web host and the real app (createApi: engine, store, batch
// runner) calling the provider simulator through the real SDKs: drop the sample batch, preview, start, watch it
// run, storm Gemini with 429s and 503s at once (while the batch still runs) until its breaker opens and traffic
// falls back to Groq, reset the breaker from its card, change a limit live, open a submission, export.
// The test starts the simulator itself (with its keys) so it can script it through /__sim/*.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { createApi, type ApiService } from '../../electron/api';
import { createHost, type Host } from '../../electron/host/host';
import { ensureRendererBuilt, repoRoot } from '../../electron/host/renderer-build';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import { FileKeyVault } from '../../electron/store/file-key-vault';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing, launchChromium } from './support/browser';
import { pageErrors, shot, waitForText } from './support/page';

const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const suite = chromiumMissing ? describe.skip : describe;

suite(chromiumMissing ? `web host flow (skipped: ${chromiumMissing})` : 'web host flow in Chromium', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  let sim: Simulator;
  let api: ApiService;
  let host: Host;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dir: string;

  const control = async (action: string, body: unknown) => {
    const res = await fetch(`${sim.baseUrl}/__sim/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const nav = (name: string) => page.getByRole('button', { name, exact: true }).click();

  beforeAll(async () => {
    const staticDir = await ensureRendererBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'flow-e2e-'));
    sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 5 });
    api = await createApi({
      userDataDir: dir,
      vault: new FileKeyVault(dir),
      env: { GEMINI_API_KEY: sim.keys.gemini, GROQ_API_KEY: sim.keys.groq, GEMINI_BASE_URL: sim.baseUrl, GROQ_BASE_URL: sim.baseUrl },
    });
    host = await createHost({ api, port: 0, staticDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    errors = pageErrors(page);
    await page.goto(host.url);
    await waitForText(page, '[data-testid=live-beacon]', /Live/);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await api?.close();
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('previews the dropped sample batch with its uploaded attachments', async () => {
    await nav('Batches');
    const csv = await readFile(path.join(sample, 'batch.csv'), 'utf8');
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([${JSON.stringify(csv)}], 'batch.csv', { type: 'text/csv' }));
      document.querySelector('[data-testid=dropzone]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await waitForText(page, '[data-testid=preview] h3', /Preview of batch\.csv: 30 rows/);
    await page.locator('input[aria-label="Attachments folder"]').setInputFiles(path.join(sample, 'attachments'));
    const preview = await waitForText(page, '[data-testid=preview]', /Attachments: [1-9]\d* reports found/, 20_000);
    expect(preview).not.toMatch(/Refused/);
    await shot(page, 'flow-1-preview');
  });

  // The storm is scripted before the start so it lands while the batch runs (a 30-row batch is quick).
  it('starts the batch while Gemini storms: progress and the RPM chart move', async () => {
    await control('script', { provider: 'gemini', responses: [{ status: 429, times: 2 }] });
    await control('outage', { provider: 'gemini', durationMs: 120_000, status: 503 });
    await page.getByRole('button', { name: /^Start batch/ }).click();
    await waitForText(page, '[data-testid=progress-text]', /^[1-9]\d* \/ 30 · running/, 60_000);
    await shot(page, 'flow-2-running');
    await nav('Dashboard');
    await waitForText(page, 'figure[aria-label="Gemini RPM chart"] figcaption', /Gemini RPM [1-9]\d* now/, 20_000);
  });

  it('the 429s and 503s open the Gemini breaker and traffic falls back to Groq', async () => {
    await waitForText(page, '[data-testid=breaker-state-gemini]', /^OPEN/, 60_000);
    expect(await page.textContent('[data-provider=gemini] .facts')).toMatch(/Last trip(5xx server errors|429 rate limit)/i);
    await waitForText(page, '[data-provider=groq] .facts', /RPM \(sum of 2 models\)[1-9]\d* \//, 60_000);
    await waitForText(page, 'figure[aria-label="Gemini RPM chart"] figcaption', /[1-9]\d* × 429 in window/);
    await shot(page, 'flow-3-breaker-open');
  }, 150_000);

  it('resets the Gemini breaker from its card, after confirmation, and it closes', async () => {
    await control('reset', {});
    const card = page.locator('[data-provider=gemini]');
    await card.getByRole('button', { name: 'Reset breaker' }).click();
    await card.locator('dialog[open]').getByRole('button', { name: 'Reset breaker' }).click();
    await waitForText(page, '[data-testid=breaker-state-gemini]', /^CLOSED/);
    await waitForText(page, '[data-provider=gemini] .action-result', /gemini breaker reset to CLOSED/);
    await shot(page, 'flow-4-breaker-reset');
  });

  it('pauses Groq from its card for a chosen time, then resumes it', async () => {
    const card = page.locator('[data-provider=groq]');
    await card.getByRole('button', { name: 'Pause provider' }).click();
    const dialog = card.locator('dialog[open]');
    await dialog.getByLabel('Pause for').selectOption({ label: '15 minutes' });
    await dialog.getByRole('button', { name: 'Pause provider' }).click();
    await waitForText(page, '[data-provider=groq] .action-result', /groq paused until \d\d:\d\d:\d\d/i);
    await waitForText(page, '[data-provider=groq] .facts', /Paused until\d\d:\d\d:\d\d \(in 1[45]m/);
    await card.getByRole('button', { name: 'Resume provider' }).click();
    await card.locator('dialog[open]').getByRole('button', { name: 'Resume provider' }).click();
    await waitForText(page, '[data-provider=groq] .facts', /Paused until—/);
    await card.getByRole('button', { name: 'Pause provider' }).waitFor();
  });

  // The shown limit is the effective one (safety factor, and AIMD after the storm's 429s): it must scale with the edit.
  it('applies a limit change live and the effective RPM follows', async () => {
    const limitOf = async () =>
      Number(
        (await waitForText(page, '[data-provider=gemini] .facts', /RPM[\d,]+ \/ [\d,]+/)).match(/RPM[\d,]+ \/ ([\d,]+)/)?.[1]?.replace(/,/g, ''),
      );
    const before = await limitOf();
    await nav('Limits & settings');
    await page.getByLabel('Requests per minute (RPM)').first().fill('30');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await waitForText(page, '.saved', /providers\.gemini\.rpm: 150 → 30/);
    expect((await api.getConfig({})).providers.gemini.rpm).toBe(30);
    await nav('Dashboard');
    let after = before;
    await expect.poll(async () => (after = await limitOf()), { timeout: 30_000 }).not.toBe(before);
    expect(after).toBeGreaterThan(0);
    expect(Math.abs(after - before * (30 / 150))).toBeLessThanOrEqual(Math.max(1.5, before * 0.2 * 0.15));
    await shot(page, 'flow-5-limit-applied');
  });

  it("opens a submission's drawer with rule verdicts and call history, and exports the results", async () => {
    await nav('Batches');
    const firstId = page.locator('[data-testid=results-body] button.link').first();
    await firstId.waitFor({ timeout: 30_000 });
    await firstId.click();
    await waitForText(page, '.drawer', /Rules.*Calls \(\d+\)/s);
    expect(await page.locator('.drawer table').first().locator('tbody tr').count()).toBeGreaterThan(5);
    await shot(page, 'flow-6-drawer');
    await page.locator('.drawer').getByRole('button', { name: 'Close' }).click();

    // Filter by status: only Reopen rows remain (the sample has reports missing on purpose).
    await page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: 'Reopen' }).click();
    await waitForText(page, '#results-h', /Results \(\d+\)/);
    const onlyReopen = async () => {
      const shown = await page.locator('[data-testid=results-body] .status').allTextContents();
      return shown.length > 0 && shown.every((s) => s === 'Reopen');
    };
    await expect.poll(onlyReopen, { timeout: 30_000 }).toBe(true);

    await page.getByRole('button', { name: 'Export CSV' }).click();
    await waitForText(page, '[data-testid=export-result]', /[\d,]+ rows, [\d,]+ bytes, saved to/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download / }).click()]);
    const csv = await readFile((await download.path()) as string, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff); // BOM, so Excel opens it
    expect(csv).toMatch(/Overall Score/);
    await shot(page, 'flow-7-exported');
    expect(errors).toEqual([]);
  });
});
