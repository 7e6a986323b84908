// The run's ETA through an outage (issue 14 item 8, docs/console.md §4), in real Chromium against the web host and
// the real app calling the test's own simulator through the real SDKs: a 30-row run on one worker, then a scripted
// Gemini 503 outage mid-run. While Gemini is not serving, the ETA reads "ETA ~… (unreliable: waiting for Gemini to
// recover)"; once it serves again the plain figure is back. Every reading the run panel showed is kept, and none is
// more than 3× or less than a third of the one before it (a rate over the last interval alone jumps 2m56s → 28m52s
// → 2m through such an outage).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { repoRoot } from '../../electron/host/renderer-build';
import { E2E_TEST_TIMEOUT_MS, chromiumMissing } from './support/browser';
import { openConsole, type ConsoleSetup } from './support/console';
import { chooseBatch, shot, waitForText } from './support/page';

const sample = path.join(repoRoot, 'test', 'fixtures', 'sample');
const suite = chromiumMissing ? describe.skip : describe;
const UNRELIABLE = /^ · ETA ~(.+) \(unreliable: waiting for Gemini to recover\)$/;
const RELIABLE = /^ · ETA (\d.*)$/;

/** fmtDuration's words back to ms: "2m 56s", "3 min", "1h 5m", "45s", "800 ms". */
function durationMs(text: string): number {
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, min: 60_000, s: 1_000, ms: 1 };
  let ms = 0;
  for (const [, n, u] of text.matchAll(/(\d+)\s?(ms|min|h|m|s)\b/g)) ms += Number(n) * (unit[u as string] ?? NaN);
  return ms;
}

suite(
  chromiumMissing ? `console ETA (skipped: ${chromiumMissing})` : 'console ETA through an outage, in Chromium',
  { timeout: E2E_TEST_TIMEOUT_MS },
  () => {
    let c: ConsoleSetup;
    let page: Page;
    /** Every distinct ETA text the run panel showed, in order. */
    const readings: string[] = [];

    /** Poll the run panel's ETA (every distinct text kept) until `done` holds (by default: it matches `pattern`); bounded by `timeout`. */
    async function etaUntil(pattern: RegExp, timeout = 60_000, done = (text: string) => pattern.test(text)): Promise<string> {
      const deadline = Date.now() + timeout;
      for (;;) {
        const text = await page
          .locator('[data-testid=eta-text]')
          .textContent({ timeout: 1_000 })
          .catch(() => null);
        if (text !== null && text !== readings.at(-1)) readings.push(text);
        if (text !== null && done(text)) return text;
        const state = await page.locator('[data-testid=progress-text]').textContent();
        if (Date.now() > deadline || !/· running/.test(state ?? '')) {
          await shot(page, `eta-failed-${Date.now()}`);
          throw new Error(`the ETA never matched ${pattern}; progress "${state}", readings ${JSON.stringify(readings)}`);
        }
        await page.waitForTimeout(200);
      }
    }

    beforeAll(async () => {
      c = await openConsole({ env: { DEFAULT_MAX_WORKERS: '1' }, simulatorTimeScale: 0.2, prefix: 'console-eta-', ownSimulator: { seed: 17 } });
      page = c.page;
      page.setDefaultTimeout(30_000);
      await waitForText(page, '[data-testid=live-beacon]', /Live/);
    });

    afterAll(async () => {
      await c?.close();
    });

    it('gives a plain ETA once the first rows are done', async () => {
      await page.getByRole('button', { name: 'Batches', exact: true }).click();
      await chooseBatch(page, path.join(sample, 'batch.csv'), path.join(sample, 'attachments'));
      await page.getByRole('button', { name: /^Start batch/ }).click();
      await waitForText(page, '[data-testid=progress-text]', /^([3-9]|1\d) \/ 30 · running/, 60_000);
      await etaUntil(RELIABLE);
    });

    it('says the ETA is unreliable while Gemini is out, waiting for it to recover', async () => {
      await c.simControl('outage', { provider: 'gemini', durationMs: 10 * 60_000, status: 503 });
      // Held through several readings (the figure moves each second while no row finishes), so the outage's span is seen.
      const text = await etaUntil(UNRELIABLE, 120_000, (t) => UNRELIABLE.test(t) && readings.filter((r) => UNRELIABLE.test(r)).length >= 8);
      const gemini = (await c.api.getSnapshot({})).providers.find((p) => p.provider === 'gemini');
      expect(gemini?.breaker.state !== 'closed' || (gemini?.parked ?? 0) > 0, JSON.stringify(gemini?.breaker)).toBe(true);
      expect(durationMs(UNRELIABLE.exec(text)?.[1] ?? '')).toBeGreaterThan(0);
      await shot(page, 'eta-unreliable');
    }, 150_000);

    it('gives the plain figure again once Gemini serves, and no reading jumped', async () => {
      await c.simControl('reset', {}); // the outage ends
      await c.api.resetBreaker({ provider: 'gemini' });
      await etaUntil(RELIABLE, 60_000);
      const figures = readings.map((r) => durationMs((UNRELIABLE.exec(r) ?? RELIABLE.exec(r))?.[1] ?? ''));
      expect(
        figures.every((f) => f > 0),
        JSON.stringify(readings),
      ).toBe(true);
      const jumps = figures.slice(1).map((f, i) => f / figures[i]!);
      expect(
        jumps.filter((j) => j > 3 || j < 1 / 3),
        JSON.stringify(readings),
      ).toEqual([]);
      expect(readings.some((r) => UNRELIABLE.test(r)) && readings.some((r) => RELIABLE.test(r))).toBe(true);
      await c.api.cancelBatch({ runId: (await c.api.listRuns({}))[0]!.runId });
    }, 120_000);
  },
);
