// Effective limits explained, in real Chromium against the web host and the real app on the provider simulator
// (docs/console.md §15): each model's limits on both cards with the sum labelled; after a 429 storm, the learned cut
// with its cause and recovery and the limit a 429 named; a Reset dialog that says it resets the breaker and not the
// limits (and keeps its word); a Restore dialog that says from what to what, is bound to the state it opened for,
// restores the configured rate and is audited in plain words. axe on the cards and the dialogs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { DEFAULT_CONFIG } from '../../shared/config';
import type { ProviderId } from '../../shared/provider';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import { simulatorEnv, stormGemini } from '../helpers/rate-storm';
import { axe } from './support/axe';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import { shot, waitForText } from './support/page';

const suite = chromiumMissing ? describe.skip : describe;
const groq = DEFAULT_CONFIG.providers.groq;
const WAIT_MS = 30_000;
/** axe over the Dashboard's DOM (charts included) takes long on a loaded machine; no figure here is a threshold. */
const AXE_TEST_MS = 240_000;

suite(chromiumMissing ? `console limits (skipped: ${chromiumMissing})` : 'console limits, in Chromium', { timeout: E2E_TEST_TIMEOUT_MS }, () => {
  let sim: Simulator;
  let c: ConsoleSetup;
  let page: Page;
  const card = (p: ProviderId) => page.locator(`[data-provider=${p}]`);
  /** The card's own button (first in the DOM), not the open dialog's confirm button of the same name. */
  const action = (p: ProviderId, name: string) => card(p).getByRole('button', { name }).first();
  const dialogOf = (p: ProviderId) => card(p).locator('dialog[open]');
  const geminiRate = async () => (await c.api.getSnapshot({})).providers.find((p) => p.provider === 'gemini')!.rate;
  const cutPct = async () => Math.round((await geminiRate()).factor * 100);

  beforeAll(async () => {
    sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 7 });
    c = await openConsole({ env: { ...simulatorEnv(sim), STAGGER_ENABLED: 'false' }, simulatorTimeScale: 1, prefix: 'console-limits-' });
    page = c.page;
    await waitForText(page, '[data-testid=live-beacon]', /Live/);
  }, AXE_TEST_MS); // the renderer build, when stale, happens here

  afterAll(async () => {
    await c?.close();
    await sim?.close();
  });

  it(
    "shows each model's own limits on both cards, and labels Groq's figures as their sum",
    async () => {
      const each = groq.rpm * groq.safetyFactor;
      const groqModels = page.locator('[data-testid=model-limits-groq] tbody tr');
      await expect.poll(() => groqModels.count(), { timeout: WAIT_MS }).toBe(2);
      expect(await groqModels.nth(0).textContent()).toBe(`${groq.textModel}text0 / ${each}0 / 9,6000 / 800`);
      expect(await groqModels.nth(1).textContent()).toBe(`${groq.visionModel}vision0 / ${each}0 / 9,6000 / 800`);
      await waitForText(page, '[data-provider=groq] .facts', new RegExp(`RPM \\(sum of 2 models\\)0 / ${2 * each}`));
      const geminiModels = page.locator('[data-testid=model-limits-gemini] tbody tr');
      expect(await geminiModels.count()).toBe(1);
      expect(await geminiModels.first().textContent()).toMatch(/^gemini-2\.5-protext, vision0 \/ 135/);
      expect(await page.textContent('[data-provider=gemini] .facts')).toMatch(/RPM0 \/ 135.*Per-minute rateconfigured/s);
      expect(await axe(page, 'limits-cards', '.cards')).toEqual([]);
    },
    AXE_TEST_MS,
  );

  it(
    'after a 429 storm, shows the learned cut with its cause and recovery, and the limit the 429 named',
    async () => {
      await stormGemini(sim, c.api);
      const pct = await cutPct();
      expect(pct).toBeLessThan(100);
      const notes = await waitForText(page, '[data-testid=rate-notes-gemini]', /Rate cut to/, WAIT_MS);
      expect(notes).toMatch(
        new RegExp(
          `Rate cut to ${pct} % of the configured limit \\(RPM [\\d,]+ of 135 per model\\) after unexplained 429s at \\d\\d:\\d\\d:\\d\\d; ` +
            'recovering \\+5 % per 1,000 clean calls \\([\\d,]+ so far, (about \\+\\d+ RPM a minute at the current traffic|once calls succeed again)\\)',
        ),
      );
      expect(notes).toMatch(/TPM limit learned from Gemini's 429 body at \d\d:\d\d:\d\d: 125,000 a minute; the limiter applies 112,500 per model/);
      expect(await page.textContent('[data-provider=gemini] .facts')).toMatch(new RegExp(`Per-minute ratecut to ${pct} %`));
      await shot(page, 'limits-learned-cut');
    },
    AXE_TEST_MS,
  );

  it(
    'the Reset dialog says it resets the breaker and not the limits, and after it the rate is still cut',
    async () => {
      await c.api.forceOpenBreaker({ provider: 'gemini' });
      await waitForText(page, '[data-testid=breaker-state-gemini]', /^OPEN · forced$/);
      const pct = await cutPct();
      await action('gemini', 'Reset breaker').click();
      const dialog = dialogOf('gemini');
      await dialog.getByRole('heading', { name: 'Reset the Gemini breaker?' }).waitFor();
      expect(await dialog.locator('.dialog-body').textContent()).toMatch(
        new RegExp(
          'The breaker closes and its error window is cleared, so calls go to Gemini again\\.' +
            `It does not change the limits: the rate stays cut to ${pct} % \\(RPM [\\d,]+ of 135 per model\\); Restore configured rate does that\\.`,
        ),
      );
      expect(await axe(page, 'limits-reset-dialog', '[data-provider=gemini] dialog[open]')).toEqual([]);
      await dialog.getByRole('button', { name: 'Reset breaker' }).click();
      await waitForText(page, '[data-testid=breaker-state-gemini]', /^CLOSED$/);
      expect(await cutPct()).toBe(pct); // the dialog kept its word: the limits are untouched
    },
    AXE_TEST_MS,
  );

  it('the Restore dialog is bound to the state it opened for: a change under it closes it and nothing is done', async () => {
    await action('gemini', 'Restore configured rate').click();
    const dialog = dialogOf('gemini');
    await dialog.getByRole('heading', { name: "Restore Gemini's configured rate?" }).waitFor();
    expect(await dialog.locator('.dialog-body').textContent()).toMatch(/the TPM limit 125,000 a 429 named/);
    // Another operator's settings change drops the named cap while the dialog is open: the state it was opened for is gone.
    await c.api.updateConfig({ patch: { providers: { gemini: { aimd: { cleanCallsToIncrease: 999 } } } } });
    await expect.poll(() => dialogOf('gemini').count(), { timeout: WAIT_MS }).toBe(0);
    await waitForText(page, '[data-provider=gemini] .action-result', /Gemini's rate changed while the dialog was open: nothing was done/);
    const rate = await geminiRate();
    expect(rate.factor).toBeLessThan(1); // not restored
    expect(rate.tpmCap).toBeNull();
  });

  it(
    'restores the configured rate after a confirmation that says from what to what, audited in plain words',
    async () => {
      const pct = await cutPct();
      const limit = Math.round(135 * (pct / 100));
      await action('gemini', 'Restore configured rate').click();
      const dialog = dialogOf('gemini');
      await dialog.getByRole('heading', { name: "Restore Gemini's configured rate?" }).waitFor();
      const body = (await dialog.locator('.dialog-body').textContent()) ?? '';
      expect(body).toMatch(/^RPM ([\d,]+) → 135 and TPM ([\d,]+) → 1,800,000 per model \(the configured limits × the safety factor\)\./);
      expect(Math.abs(Number(/^RPM ([\d,]+)/.exec(body)?.[1]) - limit)).toBeLessThanOrEqual(1);
      expect(body).toMatch(new RegExp(`Dropped: the cut to ${pct} % after unexplained 429s at \\d\\d:\\d\\d:\\d\\d\\.`));
      expect(body).toMatch(/Unchanged: the breaker, any pause, and the quota already used this minute and today\./);
      expect(await axe(page, 'limits-restore-dialog', '[data-provider=gemini] dialog[open]')).toEqual([]);
      await dialog.getByLabel(/Reason/).fill('storm over');
      await dialog.getByRole('button', { name: 'Restore configured rate' }).click();
      await waitForText(page, '[data-provider=gemini] .action-result', /gemini rate restored: RPM \d+ → 135 per model/);
      await waitForText(page, '[data-provider=gemini] .facts', /Per-minute rateconfigured/);
      expect(await page.locator('[data-testid=rate-notes-gemini] p').count()).toBe(0);
      expect(await action('gemini', 'Restore configured rate').isDisabled()).toBe(true);
      expect(await geminiRate()).toMatchObject({ factor: 1, rpmCap: null, tpmCap: null });

      await page.getByRole('button', { name: 'Audit log', exact: true }).click();
      const row = page.locator('tr', { hasText: 'restore configured rate' }).first();
      await row.waitFor({ timeout: WAIT_MS });
      expect(await row.textContent()).toMatch(
        new RegExp(
          `Gemini.*RPM [\\d,]+, TPM [\\d,]+ per model \\(${pct} % of the configured rate\\) → RPM 135, TPM 1,800,000 per model \\(the configured rate\\).*storm over`,
        ),
      );
      await shot(page, 'limits-restore-audited');
      expect(c.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    },
    AXE_TEST_MS,
  );
});
