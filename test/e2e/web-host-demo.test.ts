// Demo mode through the web host: no API key, so the app runs the provider simulator in-process, says so in a
// banner, and labels its results "simulated". The batch goes in through the "Open…" file and folder pickers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { createApi, type ApiService } from '../../electron/api';
import { createHost, type Host } from '../../electron/host/host';
import { ensureRendererBuilt, repoRoot } from '../../electron/host/renderer-build';
import { FileKeyVault } from '../../electron/store/file-key-vault';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing, launchChromium } from './support/browser';
import { chooseBatch, pageErrors, shot, waitForText } from './support/page';

const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const suite = chromiumMissing ? describe.skip : describe;

suite(chromiumMissing ? `demo mode (skipped: ${chromiumMissing})` : 'demo mode in Chromium', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  let api: ApiService;
  let host: Host;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dir: string;

  beforeAll(async () => {
    const staticDir = await ensureRendererBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'demo-e2e-'));
    api = await createApi({ userDataDir: dir, vault: new FileKeyVault(dir), env: {}, simulatorTimeScale: 0.02 });
    host = await createHost({ api, port: 0, staticDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    errors = pageErrors(page);
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says the simulator stands in, and shows both keys as not set', async () => {
    await waitForText(page, '[data-testid=simulated-banner]', /Simulated provider: no API key is set/);
    await page.getByRole('button', { name: 'Limits & settings', exact: true }).click();
    await waitForText(page, '[data-testid=key-status-gemini]', /^not set$/);
    await waitForText(page, '[data-testid=key-status-groq]', /^not set$/);
  });

  it('runs a batch opened with the pickers and labels its results "simulated"', async () => {
    await page.getByRole('button', { name: 'Batches', exact: true }).click();
    const preview = await chooseBatch(page, path.join(sample, 'batch.csv'), path.join(sample, 'attachments'));
    expect(preview).toMatch(/Preview of batch\.csv: 30 rows.*Attachments: [1-9]\d* reports found/s);
    await page.getByRole('button', { name: /^Start batch/ }).click();
    await waitForText(page, '#run-h', /simulated/, 20_000);
    await page.locator('[data-testid=results-body] button.link').first().waitFor({ timeout: 60_000 });
    const row = page.locator('[data-testid=results-body] [role=row]').first();
    expect(await row.textContent()).toMatch(/simulated/);
    await shot(page, 'demo-results-simulated');
    await row.getByRole('button').click();
    await waitForText(page, '#drawer-h', /Submission \d+simulated/);
    expect(errors).toEqual([]);
  }, 120_000);
});
