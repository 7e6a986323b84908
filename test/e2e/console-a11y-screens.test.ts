// axe-core in real Chromium on the screens console-a11y.test.ts does not reach (docs/console.md §14): every
// confirmation dialog (cancel a batch, force open, reset, pause, resume), the alert tray open, Settings, the Audit
// log, and each main screen (and a dialog) in dark mode (emulated `prefers-color-scheme: dark`). No serious or
// critical violation on any; a screenshot of each is kept in test-results/screenshots.
// Made to hold on a loaded machine: one browser for the file, one run shared by every screen, and every step waits
// on a state the page shows (a dialog's heading, a card's pill, a row's text), never on a span of time.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright';
import { repoRoot } from '../../electron/host/renderer-build';
import type { ProviderId } from '../../shared/provider';
import { axe } from './support/axe';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import { chooseBatch, waitForText } from './support/page';

const WAIT_MS = 60_000;
const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const suite = chromiumMissing ? describe.skip : describe;

suite(
  chromiumMissing
    ? `console accessibility of dialogs and screens (skipped: ${chromiumMissing})`
    : 'console accessibility of dialogs and screens, in Chromium',
  { timeout: E2E_TEST_TIMEOUT_MS },
  () => {
    let c: ConsoleSetup;
    let page: Page;

    const nav = async (name: string, heading: RegExp) => {
      await page.getByRole('button', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };
    const card = (provider: ProviderId) => page.locator(`[data-provider=${provider}]`);
    /** Open the dialog behind `button` inside `scope`, wait for its heading, and return it. */
    const openDialog = async (scope: Locator, button: string, title: string): Promise<Locator> => {
      await scope.getByRole('button', { name: button, exact: true }).click();
      const dialog = scope.locator('dialog[open]');
      await dialog.getByRole('heading', { name: title }).waitFor();
      return dialog;
    };
    const confirm = async (dialog: Locator, button: string) => {
      await dialog.getByLabel(/Reason/).fill('accessibility check');
      await dialog.getByRole('button', { name: button, exact: true }).click();
      await expect.poll(() => dialog.count(), { timeout: WAIT_MS }).toBe(0);
    };

    beforeAll(async () => {
      // One slow worker, so the shared run is still going when its cancel dialog is checked.
      c = await openConsole({ env: { DEFAULT_MAX_WORKERS: '1' }, simulatorTimeScale: 0.3, prefix: 'console-a11y-screens-' });
      page = c.page;
      page.setDefaultTimeout(WAIT_MS); // an action on a missing element fails with its selector, not the test's timeout
      await waitForText(page, '[data-testid=live-beacon]', /Live/);
      await nav('Batches', /Batches/);
      await chooseBatch(page, path.join(sample, 'batch.csv'), path.join(sample, 'attachments'));
      await page.getByRole('button', { name: /^Start batch/ }).click();
      await waitForText(page, '[data-testid=progress-text]', /^[1-9]\d* \/ 30 · running/, WAIT_MS);
    }, 2 * E2E_TEST_TIMEOUT_MS);

    afterAll(async () => {
      await c?.close();
    });

    it('the cancel dialog of a running batch', async () => {
      const run = page.locator('section.run');
      const dialog = await openDialog(run, 'Cancel batch', 'Cancel this batch?');
      expect(await axe(page, 'dialog-cancel-batch', 'dialog[open]')).toEqual([]);
      await confirm(dialog, 'Cancel batch');
      await waitForText(page, '[data-testid=progress-text]', / · cancelled/, WAIT_MS); // the shared run: its rows so far stay for the screens below
    });

    it(
      'the force-open and reset dialogs',
      async () => {
        await nav('Dashboard', /Dashboard/);
        const force = await openDialog(card('gemini'), 'Force open', 'Force the Gemini breaker open?');
        expect(await axe(page, 'dialog-force-open', 'dialog[open]')).toEqual([]);
        await confirm(force, 'Force open');
        await waitForText(page, '[data-testid=breaker-state-gemini]', /^OPEN · forced$/);

        const reset = await openDialog(card('gemini'), 'Reset breaker', 'Reset the Gemini breaker?');
        expect(await axe(page, 'dialog-reset', 'dialog[open]')).toEqual([]);
        await confirm(reset, 'Reset breaker');
        await waitForText(page, '[data-testid=breaker-state-gemini]', /^CLOSED$/);
      },
      2 * E2E_TEST_TIMEOUT_MS,
    ); // two confirmed actions on a Dashboard that redraws each second

    it(
      'the pause and resume dialogs',
      async () => {
        const pause = await openDialog(card('groq'), 'Pause provider', 'Pause Groq?');
        expect(await axe(page, 'dialog-pause', 'dialog[open]')).toEqual([]);
        await confirm(pause, 'Pause provider');
        await waitForText(page, '[data-testid=card-sub-groq]', /^Paused until/);

        const resume = await openDialog(card('groq'), 'Resume provider', 'Resume Groq?');
        expect(await axe(page, 'dialog-resume', 'dialog[open]')).toEqual([]);
        await confirm(resume, 'Resume provider');
        await card('groq').getByRole('button', { name: 'Pause provider', exact: true }).waitFor();
      },
      2 * E2E_TEST_TIMEOUT_MS,
    ); // two confirmed actions on a Dashboard that redraws each second

    it('the alert tray, open (the force-open raised an alert)', async () => {
      await waitForText(page, '.alerts-button .badge', /^[1-9]\d*$/);
      await page.getByRole('button', { name: /^Alerts/ }).click();
      await waitForText(page, '#alert-panel', /gemini breaker opened/);
      expect(await axe(page, 'alert-tray', '.alert-tray')).toEqual([]);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#alert-panel').count(), { timeout: WAIT_MS }).toBe(0);
    });

    it('Settings', async () => {
      await nav('Limits & settings', /settings/i);
      await page.getByLabel('Requests per minute (RPM)').first().waitFor();
      expect(await axe(page, 'settings')).toEqual([]);
    });

    it('the Audit log, with the operator actions above', async () => {
      await nav('Audit log', /Audit log/);
      await waitForText(page, '[data-testid=audit-row]', /\w/);
      expect(await page.locator('[data-testid=audit-row]').count()).toBeGreaterThanOrEqual(5); // cancel, force open, reset, pause, resume
      expect(await axe(page, 'audit-log')).toEqual([]);
    });

    // A whole Dashboard takes axe most of a minute on a loaded machine: this one check gets a larger budget.
    it(
      'the Dashboard and a dialog in dark mode',
      async () => {
        await page.emulateMedia({ colorScheme: 'dark' });
        expect(await page.evaluate<boolean>('matchMedia("(prefers-color-scheme: dark)").matches')).toBe(true);
        await nav('Dashboard', /Dashboard/);
        await waitForText(page, '[data-testid=breaker-state-gemini]', /^CLOSED$/);
        expect(await axe(page, 'dark-dashboard')).toEqual([]);
        const dialog = await openDialog(card('gemini'), 'Force open', 'Force the Gemini breaker open?');
        expect(await axe(page, 'dark-dialog-force-open', 'dialog[open]')).toEqual([]);
        await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
        await expect.poll(() => dialog.count(), { timeout: WAIT_MS }).toBe(0);
      },
      3 * E2E_TEST_TIMEOUT_MS,
    );

    it('Batches, with the shared run and its results, in dark mode', async () => {
      await nav('Batches', /Batches/);
      await waitForText(page, '[data-testid=progress-text]', / · cancelled/);
      await page.locator('[data-testid=results-body] button.link').first().waitFor();
      expect(await axe(page, 'dark-batches')).toEqual([]);
    });

    it('Settings and the Audit log in dark mode', async () => {
      await nav('Limits & settings', /settings/i);
      await page.getByLabel('Requests per minute (RPM)').first().waitFor();
      expect(await axe(page, 'dark-settings')).toEqual([]);
      await nav('Audit log', /Audit log/);
      await waitForText(page, '[data-testid=audit-row]', /\w/);
      expect(await axe(page, 'dark-audit-log')).toEqual([]);
      expect(c.errors).toEqual([]);
    });
  },
);
