// The console's operator aids, in real Chromium against the web host and the real app (demo mode): alerts that
// count their repeats, close on Escape and can all be acknowledged at once (docs/console.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import type { ProviderId } from '../../shared/provider';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import { shot, waitForText } from './support/page';

const WAIT_MS = 30_000;
const suite = chromiumMissing ? describe.skip : describe;

suite(
  chromiumMissing ? `console operator aids (skipped: ${chromiumMissing})` : 'console operator aids, in Chromium',
  { timeout: E2E_TEST_TIMEOUT_MS },
  () => {
    let c: ConsoleSetup;
    let page: Page;

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
  },
);
