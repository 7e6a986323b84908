// The learned rate in words on a provider's card and in its dialogs (docs/console.md §15): one reading of the snapshot.
import { describe, expect, it } from 'vitest';
import type { ProviderSnapshot } from '../../shared/telemetry';
import { providerSnapshot as snap } from '../helpers/provider-snapshot';
import { fmtClock } from '../../renderer/components/format';
import { rateIsLearned, rateKey, rateNotes, rateSummary, resetSays, restoreSays } from '../../renderer/features/dashboard/rate-status';

const AT = Date.UTC(2026, 11, 1, 14, 5, 2);
const base = snap('gemini').rate;

function cut(over: Partial<ProviderSnapshot['rate']> = {}, rpm = 0): ProviderSnapshot {
  const rate = { ...base, factor: 0.34, cutAt: AT, cutCause: 'unexplained 429s', cleanCalls: 7, ...over };
  const m = { ...snap('gemini').models[0]!, rpmLimit: 135 * rate.factor, tpmLimit: 1_800_000 * rate.factor };
  return snap('gemini', { rate, rpm, models: [m] });
}

describe('rate status', () => {
  it('says nothing while the limits are the configured ones, and offers no restore', () => {
    expect(rateNotes(snap('gemini'))).toEqual([]);
    expect(rateIsLearned(snap('gemini'))).toBe(false);
    expect(rateSummary(snap('gemini'))).toBe('configured');
    expect(resetSays(snap('gemini'))[1]).toBe(
      'It does not change the limits (they are the configured ones now), a pause, or the quota already used.',
    );
  });

  it('names the cut, its cause and time, and its recovery at the current traffic', () => {
    expect(rateNotes(cut({}, 46))).toEqual([
      `Rate cut to 34 % of the configured limit (RPM 46 of 135 per model) after unexplained 429s at ${fmtClock(AT)}; ` +
        'recovering +5 % per 20 clean calls (7 so far, about +16 RPM a minute at the current traffic)',
    ]);
    expect(rateNotes(cut())[0]).toMatch(/\(7 so far, once calls succeed again\)$/);
    expect(rateSummary(cut())).toBe('cut to 34 %');
  });

  it('names a cap a 429 body named, and a limit the headers report', () => {
    const capped = cut({ factor: 1, cutAt: null, cutCause: null, tpmCap: 125_000, capsAt: AT });
    capped.models[0]!.tpmLimit = 112_500;
    expect(rateNotes(capped)).toEqual([
      `TPM limit learned from Gemini's 429 body at ${fmtClock(AT)}: 125,000 a minute; the limiter applies 112,500 per model`,
    ]);
    expect(rateSummary(capped)).toBe('capped by Gemini');
    const reported = snap('groq', { rate: { ...base, reported: [{ model: 'llama', dimension: 'TPM', limit: 6_000, configured: 12_000 }] } });
    expect(rateNotes(reported)).toEqual([
      "Groq's headers report TPM limit 6,000 for llama (configured 12,000): what is left follows the server's count",
    ]);
    expect(rateIsLearned(reported)).toBe(false); // a reported limit is not a cap: nothing to restore
  });

  it('the dialogs say what Reset keeps and what Restore changes, from what to what', () => {
    expect(resetSays(cut())).toEqual([
      'The breaker closes and its error window is cleared, so calls go to Gemini again.',
      'It does not change the limits: the rate stays cut to 34 % (RPM 46 of 135 per model); Restore configured rate does that.',
    ]);
    const says = restoreSays(cut({ rpmCap: 60 }));
    expect(says[0]).toBe('RPM 46 → 135 and TPM 612,000 → 1,800,000 per model (the configured limits × the safety factor).');
    expect(says[1]).toBe(`Dropped: the cut to 34 % after unexplained 429s at ${fmtClock(AT)}; the RPM limit 60 a 429 named.`);
    expect(says[2]).toMatch(/^Unchanged: the breaker, any pause, and the quota already used/);
  });

  it('binds a dialog to the factor and the caps', () => {
    expect(rateKey(cut())).not.toBe(rateKey(cut({ factor: 0.39 })));
    expect(rateKey(cut())).not.toBe(rateKey(cut({ tpmCap: 1 })));
    expect(rateKey(cut())).toBe(rateKey(cut({ cleanCalls: 12 })));
  });
});
