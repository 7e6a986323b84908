// Groq's four refilling buckets against the worked examples in docs/providers.md.
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../../electron/providers/go-duration';
import { GroqQuota, groqRateLimitBody, groqWaitMs } from '../../../electron/providers/simulator/quota-groq';

const T0 = Date.UTC(2026, 0, 5, 17, 0, 0);
const free70b = { rpm: 30, rpd: 1_000, tpm: 12_000, tpd: 100_000 };

describe('Groq quota model', () => {
  it('the wait formula: TPM 12000, used 4437, requested 9854 → 11.455 s', () => {
    expect(groqWaitMs({ used: 4_437, requested: 9_854, limit: 12_000, windowMs: 60_000 })).toBeCloseTo(11_455, 6);
  });

  it('a bucket with 4437 tokens used rejects 9854 with that wait, and the body says so', () => {
    const q = new GroqQuota(free70b, T0);
    q.charge(T0, 4_437);
    const r = q.admit(T0, 9_854);
    expect(r).toMatchObject({ ok: false, status: 429, dimension: 'TPM', limit: 12_000, used: 4_437, requested: 9_854 });
    if (r.ok) return;
    expect(r.waitMs).toBeCloseTo(11_455, 6);
    const message = groqRateLimitBody('llama-3.3-70b-versatile', r).error.message;
    expect(message).toContain('on tokens per minute (TPM): Limit 12000, Used 4437, Requested 9854. Please try again in 11.455s.');
    // After exactly that wait the request fits.
    expect(q.admit(T0 + 11_400, 9_854).ok).toBe(false);
    expect(q.admit(T0 + 11_455, 9_854)).toEqual({ ok: true });
  });

  it('a request above the TPM limit is a 413, not a 429', () => {
    const q = new GroqQuota(free70b, T0);
    expect(q.admit(T0, 12_001)).toMatchObject({ ok: false, status: 413, dimension: 'TPM' });
    expect(q.admit(T0, 12_000)).toEqual({ ok: true });
  });

  it('RPM refills continuously: 30 at once, then one every 2 s', () => {
    const q = new GroqQuota(free70b, T0);
    for (let i = 0; i < 30; i++) {
      expect(q.admit(T0, 10).ok).toBe(true);
      q.charge(T0, 10);
    }
    const r = q.admit(T0, 10);
    expect(r).toMatchObject({ ok: false, dimension: 'RPM' });
    if (!r.ok) expect(r.waitMs).toBeCloseTo(2_000, 6);
    expect(q.admit(T0 + 2_000, 10).ok).toBe(true);
  });

  it('a rejected request is not charged', () => {
    const q = new GroqQuota(free70b, T0);
    q.charge(T0, 11_000);
    const before = q.headers(T0);
    for (let i = 0; i < 5; i++) expect(q.admit(T0, 5_000).ok).toBe(false);
    expect(q.headers(T0)).toEqual(before);
  });

  it('names the most binding dimension: an exhausted RPD beats a short TPM wait', () => {
    const q = new GroqQuota({ rpm: 30, rpd: 2, tpm: 1_000, tpd: 100_000 }, T0);
    q.charge(T0, 900);
    q.charge(T0, 50);
    const r = q.admit(T0, 500);
    expect(r).toMatchObject({ ok: false, dimension: 'RPD' });
    if (!r.ok) expect(r.waitMs).toBeCloseTo(43_200_000, 0); // half a day for one request of 2/day
  });

  it('headers: requests = RPD, tokens = TPM, resets as Go durations', () => {
    const q = new GroqQuota(free70b, T0);
    q.charge(T0, 6_000);
    const h = q.headers(T0);
    expect(h).toEqual({
      'x-ratelimit-limit-requests': '1000',
      'x-ratelimit-limit-tokens': '12000',
      'x-ratelimit-remaining-requests': '999',
      'x-ratelimit-remaining-tokens': '6000',
      'x-ratelimit-reset-requests': '1m26.4s',
      'x-ratelimit-reset-tokens': '30s',
    });
    expect(parseGoDuration(q.headers(T0 + 10_000)['x-ratelimit-reset-tokens'] ?? '')).toBeCloseTo(20_000, 0);
  });

  it('a quota cut mid-run keeps what was used', () => {
    const q = new GroqQuota(free70b, T0);
    q.charge(T0, 3_000);
    q.setLimits(T0, { tpm: 4_000 });
    expect(q.headers(T0)['x-ratelimit-remaining-tokens']).toBe('1000');
    expect(q.admit(T0, 1_500)).toMatchObject({ ok: false, dimension: 'TPM' });
  });
});
