// A card's sub-line and the "no provider can serve" banner: one reading of the provider snapshot.
import { describe, expect, it } from 'vitest';
import type { ProviderSnapshot } from '../../shared/telemetry';
import { providerSnapshot as snap } from '../helpers/provider-snapshot';
import { fmtClock } from '../../renderer/components/format';
import { noProviderCanServe, providerNotes, providerStatus } from '../../renderer/features/dashboard/provider-status';

const NOW = Date.UTC(2026, 11, 1, 10, 0, 0);

describe('provider status', () => {
  it('says "Traffic flowing" only when the provider can serve and calls flow', () => {
    expect(providerStatus(snap('gemini', { rpm: 12 }), NOW)).toMatchObject({ text: 'Traffic flowing', canServe: true, tone: 'ok' });
    expect(providerStatus(snap('gemini'), NOW).text).toBe('Ready: no traffic now');
  });

  it('names forced, paused, exhausted, misconfigured, open and keyless providers as unable to serve', () => {
    const cases: Array<[ProviderSnapshot, RegExp]> = [
      [snap('gemini', { rpm: 5 }, { state: 'open', forced: true }), /^Forced open by an operator/],
      [snap('groq', { rpm: 5, pausedUntil: NOW + 5 * 60_000 }), /^Paused until \d\d:\d\d:\d\d \(in 5 min\): new calls wait or fall back$/],
      [snap('groq', { exhaustedUntil: NOW + 3_600_000 }), /^Daily quota spent: calls resume at .* \(in 1h\)$/],
      [snap('gemini', { misconfigured: '401: API key not valid' }, { state: 'open' }), /^Misconfigured: 401: API key not valid\./],
      [snap('gemini', {}, { state: 'open', halfOpenAt: NOW + 41_000 }), /^Open: calls fall back; half-open probe in 41s$/],
      [snap('groq', { hasKey: false }), /^Off: no API key is set/],
    ];
    for (const [p, text] of cases) {
      const s = providerStatus(p, NOW);
      expect(s.text).toMatch(text);
      expect(s.canServe).toBe(false);
    }
  });

  it('an expired pause no longer counts', () => {
    expect(providerStatus(snap('groq', { pausedUntil: NOW - 1 }), NOW).canServe).toBe(true);
  });

  it('lists parked calls and unavailable models under the sub-line', () => {
    const p = snap('gemini', { parked: 3, parkedReason: null, unavailableModels: [{ model: 'gemini-2.5-pro', reason: 'limit 0 on this key' }] });
    expect(providerNotes(p)).toEqual(['3 calls parked until Gemini recovers', 'gemini-2.5-pro unavailable: limit 0 on this key']);
    expect(providerNotes(snap('gemini', { parked: 2, parkedReason: 'waiting for Gemini: breaker open, probe in 41 s' }))).toEqual([
      'waiting for Gemini: breaker open, probe in 41 s',
    ]);
  });

  it('raises the banner only when every provider is down, saying why for each', () => {
    const forced = snap('gemini', {}, { state: 'open', forced: true });
    expect(noProviderCanServe([forced, snap('groq')], NOW)).toBeNull();
    expect(noProviderCanServe([forced, snap('groq', { pausedUntil: NOW + 60_000 })], NOW)).toEqual([
      'Gemini forced open',
      `Groq paused until ${fmtClock(NOW + 60_000)}`,
    ]);
    expect(noProviderCanServe([], NOW)).toBeNull();
  });
});
