// The console in an incident, in real Chromium against the web host and the real app (demo mode): a console
// opened mid-incident gets the charts' history with its annotations; cards say forced / paused instead of
// "Traffic flowing", and a banner on every screen says when no provider can serve; a confirmation dialog is bound
// to the state it was opened for; a confirmation waiting on a frozen server times out with a message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import type { ProviderId } from '../../shared/provider';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import { shot, waitForText } from './support/page';

const WAIT_MS = 30_000;
const suite = chromiumMissing ? describe.skip : describe;

/** "Gemini RPM as a table: 12 points, 2 events" → [12, 2]. */
async function chartCounts(page: Page, name: string): Promise<[number, number]> {
  const text = (await page.locator('[data-testid=chart-table-summary]', { hasText: name }).first().textContent()) ?? '';
  const m = /: ([\d,]+) points, ([\d,]+) events/.exec(text);
  return m ? [Number(m[1]?.replace(/,/g, '')), Number(m[2]?.replace(/,/g, ''))] : [-1, -1];
}

suite(
  chromiumMissing ? `console in an incident (skipped: ${chromiumMissing})` : 'console in an incident, in Chromium',
  { timeout: E2E_TEST_TIMEOUT_MS },
  () => {
    let c: ConsoleSetup;
    let page: Page;

    const nav = (p: Page, name: string) => p.getByRole('button', { name, exact: true }).click();
    const card = (provider: ProviderId) => page.locator(`[data-provider=${provider}]`);
    /** Open a card action's dialog and wait for its title. */
    const openDialog = async (provider: ProviderId, action: string, title: string | RegExp) => {
      await card(provider).getByRole('button', { name: action }).click();
      await card(provider).locator('dialog[open]').getByRole('heading', { name: title }).waitFor();
      return card(provider).locator('dialog[open]');
    };
    const confirm = async (provider: ProviderId, action: string, title: string | RegExp) => {
      const dialog = await openDialog(provider, action, title);
      await dialog.getByLabel(/Reason/).fill('incident drill');
      await dialog.getByRole('button', { name: action }).click();
    };
    const groqPausedUntil = async () => (await c.api.getSnapshot({})).providers.find((p) => p.provider === 'groq')?.pausedUntil ?? null;

    beforeAll(async () => {
      c = await openConsole({ simulatorTimeScale: 0.1, prefix: 'console-incident-' });
      page = c.page;
    });

    afterAll(async () => {
      await c?.close();
    });

    it('replays the charts’ history, with its annotations, to a console opened later', async () => {
      await waitForText(page, '[data-testid=live-beacon]', /Live · updated \d+s ago/);
      await expect.poll(async () => (await chartCounts(page, 'Gemini RPM'))[0], { timeout: WAIT_MS }).toBeGreaterThanOrEqual(6);
      await confirm('gemini', 'Force open', 'Force the Gemini breaker open?');
      await waitForText(page, '[data-testid=breaker-state-gemini]', /^OPEN · forced$/);
      await expect.poll(async () => (await chartCounts(page, 'Gemini RPM'))[1], { timeout: WAIT_MS }).toBe(2); // transition + operator action

      const later = await c.openPage();
      try {
        await waitForText(later, '[data-testid=live-beacon]', /Live/);
        // The history reaches back before this page existed: the points and both annotations of the force-open.
        await expect.poll(() => chartCounts(later, 'Gemini RPM'), { timeout: WAIT_MS }).toEqual([expect.any(Number), 2]);
        const [points] = await chartCounts(later, 'Gemini RPM');
        expect(points).toBeGreaterThanOrEqual(6);
        await later.locator('[data-testid=chart-table-summary]', { hasText: 'Gemini RPM' }).click();
        await waitForText(later, '.chart-events', /breaker open \(forced\).*force open breaker|force open breaker.*breaker open \(forced\)/s);
        await shot(later, 'incident-history-replayed');
      } finally {
        await later.close();
      }
    });

    it('says "forced open" and "paused" on the cards instead of "Traffic flowing"', async () => {
      await waitForText(page, '[data-testid=card-sub-gemini]', /^Forced open by an operator: no calls until someone resets it$/);
      await waitForText(page, '[data-testid=card-sub-groq]', /^(Traffic flowing|Ready: no traffic now)$/);
      expect(await page.locator('[data-testid=no-provider-banner]').count()).toBe(0);
      await confirm('groq', 'Pause provider', 'Pause Groq?');
      await waitForText(page, '[data-testid=card-sub-groq]', /^Paused until \d\d:\d\d:\d\d \(in [^)]+\): new calls wait or fall back$/);
    });

    it('shows a banner on every screen while no provider can serve, with what to do', async () => {
      const banner = await waitForText(page, '[data-testid=no-provider-banner]', /No provider can serve: Gemini forced open; Groq paused until/);
      expect(banner).toMatch(/Reset a breaker or resume a provider on the Dashboard/);
      await shot(page, 'incident-no-provider-dashboard');
      for (const screen of ['Batches', 'Limits & settings', 'Audit log']) {
        await nav(page, screen);
        await waitForText(page, '[data-testid=no-provider-banner]', /No provider can serve/);
      }
      await shot(page, 'incident-no-provider-audit');
      await page.getByRole('button', { name: 'Go to the Dashboard' }).click();
      await waitForText(page, '#dash-h', /Dashboard/);
    });

    it('drops the banner once a provider can serve, and leaves no stale state text after a reset', async () => {
      await confirm('groq', 'Resume provider', 'Resume Groq?');
      await expect.poll(() => page.locator('[data-testid=no-provider-banner]').count(), { timeout: WAIT_MS }).toBe(0);
      await waitForText(page, '[data-testid=card-sub-groq]', /^(Traffic flowing|Ready: no traffic now)$/);
      await confirm('gemini', 'Reset breaker', 'Reset the Gemini breaker?');
      await waitForText(page, '[data-testid=breaker-state-gemini]', /^CLOSED$/); // no leftover "· forced"
      await waitForText(page, '[data-provider=gemini] .action-result', /gemini breaker reset to CLOSED/);
      expect(await card('gemini').getByRole('button', { name: 'Reset breaker' }).isDisabled()).toBe(true); // nothing to reset
    });

    it('closes a dialog whose state changed under it, and does not perform a different action', async () => {
      await c.api.pauseProvider({ provider: 'groq', until: (await c.api.getSnapshot({})).at + 10 * 60_000 });
      await openDialog('groq', 'Resume provider', 'Resume Groq?');
      // The pause ends while the dialog is open (here another client resumes it; a timed pause ending is the same
      // state change): the dialog closes and says so, and never turns into "Pause Groq?".
      await c.api.pauseProvider({ provider: 'groq', until: null });
      await expect.poll(() => card('groq').locator('dialog[open]').count(), { timeout: WAIT_MS }).toBe(0);
      await waitForText(page, '[data-provider=groq] .action-result', /Groq's pause ended while the dialog was open: nothing was done/);
      expect(await groqPausedUntil()).toBeNull();
      await shot(page, 'incident-dialog-state-changed');
    });

    it('times a confirmation out with a message when the server does not answer', async () => {
      await page.route('**/api/pauseProvider', () => undefined); // a frozen server: the request never gets an answer
      try {
        await confirm('groq', 'Pause provider', 'Pause Groq?');
        await waitForText(
          page,
          '[data-provider=groq] .action-result',
          /No answer from the engine in 15 s: the action may not have been applied/,
          WAIT_MS,
        );
        expect(await card('groq').locator('dialog[open]').count()).toBe(0);
        expect(await card('groq').getByRole('button', { name: 'Pause provider' }).isEnabled()).toBe(true);
      } finally {
        await page.unroute('**/api/pauseProvider');
      }
      expect(c.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    });
  },
);
