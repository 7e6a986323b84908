// The console's operator aids, in real Chromium against the web host and the real app (demo mode): alerts that
// count their repeats, close on Escape and can all be acknowledged at once; a refused file said in human terms with
// no mapping table; the chosen batch kept across screens and unsaved settings guarded; the audit log in plain words,
// filtered; a paused batch saying it finishes its work in flight (docs/console.md).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import type { ProviderId } from '../../shared/provider';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import { chooseBatch, shot, waitForText } from './support/page';
import { repoRoot } from '../../electron/host/renderer-build';

const WAIT_MS = 30_000;
const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const suite = chromiumMissing ? describe.skip : describe;

suite(
  chromiumMissing ? `console operator aids (skipped: ${chromiumMissing})` : 'console operator aids, in Chromium',
  { timeout: E2E_TEST_TIMEOUT_MS },
  () => {
    let c: ConsoleSetup;
    let page: Page;

    const nav = (name: string) => page.getByRole('button', { name, exact: true }).click();
    const alertsButton = () => page.getByRole('button', { name: /^Alerts/ });

    beforeAll(async () => {
      c = await openConsole({ simulatorTimeScale: 0.1, prefix: 'console-operator-' });
      page = c.page;
      page.setDefaultTimeout(WAIT_MS); // an action on a missing element fails with its selector, not the test's timeout
    });

    afterAll(async () => {
      await c?.close();
    });

    it('counts a repeated alert instead of replacing it', async () => {
      await waitForText(page, '[data-testid=live-beacon]', /Live/);
      await nav('Batches'); // the tray is on every screen; this one has no charts to redraw each second on a loaded machine
      const trip = async (provider: ProviderId) => {
        await c.api.forceOpenBreaker({ provider });
        await c.api.resetBreaker({ provider });
      };
      await trip('gemini');
      await trip('gemini'); // the same kind again while the first is unacknowledged
      await trip('groq');
      await waitForText(page, '.alerts-button .badge', /^2$/);
      await alertsButton().click();
      const gemini = page.locator('[data-testid=alert-item]', { hasText: /gemini breaker opened/ });
      await waitForText(page, '[data-testid=alert-item]:has-text("gemini breaker opened") .alert-count', /×2/);
      expect(await gemini.count()).toBe(1);
      await shot(page, 'operator-alerts-counted');
    });

    it('closes the alert tray on Escape and acknowledges all alerts at once', async () => {
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#alert-panel').count(), { timeout: WAIT_MS }).toBe(0);

      await alertsButton().click();
      await page.getByRole('button', { name: /^Acknowledge all \(2\)$/ }).click();
      await waitForText(page, '#alert-panel', /No alerts waiting/);
      await waitForText(page, '.alerts-button .badge', /^0$/);
      expect(await c.api.listAlerts({ includeAcknowledged: false })).toEqual([]);
      await page.keyboard.press('Escape');
    });

    it('refuses a file with a title line above the header in human terms, with no mapping table', async () => {
      await nav('Batches');
      const titled = path.join(c.dir, 'titled.csv');
      await writeFile(titled, `IIC events December 2025\n${await readFile(path.join(sample, 'batch.csv'), 'utf8')}`);
      await page.locator('input[aria-label="Batch file"]').setInputFiles(titled);
      await waitForText(page, '[data-testid=preview] h3', /^titled\.csv cannot be run$/);
      const refusal = await waitForText(page, '[data-testid=preview] .refusal', /header looks like it is on line 2/);
      expect(refusal).toMatch(/line 1 reads "IIC events December 2025".*Delete line 1/);
      expect(await page.locator('[data-testid=preview] table').count()).toBe(0);
      expect(await page.locator('[data-testid=preview]').textContent()).not.toMatch(/Problems \(0\)|Column mapping/);
      await shot(page, 'operator-refused-title-line');
    });

    it('keeps the chosen batch and its preview across screens', async () => {
      await chooseBatch(page, path.join(sample, 'batch.csv'), path.join(sample, 'attachments'));
      await nav('Audit log');
      await waitForText(page, '#audit-h', /Audit log/);
      await nav('Batches');
      await waitForText(page, '[data-testid=chosen-file]', /^batch\.csv$/);
      await waitForText(page, '[data-testid=preview] h3', /^Preview of batch\.csv: 30 rows/);
      await waitForText(page, '[data-testid=preview]', /Attachments: \d+ reports? found/);
    });

    it('warns before dropping unsaved settings when leaving the screen', async () => {
      await nav('Limits & settings');
      const rpm = page.getByLabel('Requests per minute (RPM)').first();
      await rpm.fill('77');
      const messages: string[] = [];
      page.once('dialog', (d) => (messages.push(d.message()), void d.dismiss()));
      await nav('Audit log');
      await expect.poll(() => messages.length, { timeout: WAIT_MS }).toBe(1);
      expect(messages[0]).toMatch(/^Limits & settings has 1 unsaved change\. Leave and drop it\?$/);
      expect(await page.getByRole('heading', { name: 'Audit log' }).count()).toBe(0); // still on the settings
      expect(await rpm.inputValue()).toBe('77');
      page.once('dialog', (d) => void d.accept());
      await nav('Audit log');
      await waitForText(page, '#audit-h', /Audit log/);
    });

    it('shows the audit log in plain words, filtered by kind and provider', async () => {
      await c.api.updateConfig({ patch: { providers: { groq: { rpm: 24 } } }, reason: 'quota cut' });
      await waitForText(page, '[data-testid=audit-row]', /changed settings/);
      const row = page.locator('[data-testid=audit-row]', { hasText: 'changed settings' }).first();
      expect(await row.textContent()).toMatch(/Groq · Requests per minute \(RPM\): (default|\d+) → 24/);
      expect(await row.textContent()).not.toMatch(/providers\.groq|\{"/);
      await page.getByLabel('Kind', { exact: true }).selectOption('breaker');
      await page.getByLabel('Provider', { exact: true }).selectOption('groq');
      const rows = await page.locator('[data-testid=audit-row]').allTextContents();
      expect(rows.length).toBeGreaterThan(0); // the groq force-open and reset of the alerts test
      expect(rows.every((r) => /breaker/.test(r) && /Groq/.test(r))).toBe(true);
      await shot(page, 'operator-audit-filtered');
    });

    it('says a paused batch is finishing its submissions in flight until they end', async () => {
      await nav('Batches');
      await page.getByRole('button', { name: /^Start batch/ }).click();
      await waitForText(page, '[data-testid=progress-text]', / \/ 30 · running/);
      const { runId } = (await c.api.listRuns({}))[0]!;
      await c.api.pauseBatch({ runId });
      await waitForText(page, '[data-testid=pausing-text]', /^pausing: finishing \d+ submissions? in flight \(\d+ calls?\)$/);
      await shot(page, 'operator-pausing');
      // Once the work in flight ends, the line goes: the batch reads plainly paused (or finished, when every row was
      // already in flight at the pause).
      await expect.poll(() => page.locator('[data-testid=pausing-text]').count(), { timeout: 60_000 }).toBe(0);
      const state = await waitForText(page, '[data-testid=progress-text]', / · (paused|finished)/);
      if (/paused/.test(state)) await c.api.cancelBatch({ runId });
    }, 180_000);
  },
);
