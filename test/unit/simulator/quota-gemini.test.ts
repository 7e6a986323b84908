// Gemini's rolling minute and its per-day quota that resets at midnight Pacific.
import { describe, expect, it } from 'vitest';
import { geminiQuotaBody, GeminiQuota } from '../../../electron/providers/simulator/quota-gemini';

const T0 = Date.UTC(2026, 0, 5, 17, 0, 0); // 09:00 Pacific (PST, UTC-8)

describe('Gemini quota model', () => {
  it('RPM is a sliding 60 s window, not a fixed minute', () => {
    const q = new GeminiQuota({ rpm: 2, tpm: 1e9, rpd: 1e6 }, T0, 'paid');
    q.charge(T0 + 50_000, 1);
    q.charge(T0 + 59_000, 1);
    // A fixed window would reset at T0 + 60 s; the rolling one waits for the first entry to age out.
    const r = q.admit(T0 + 61_000, 1);
    expect(r).toMatchObject({ ok: false, dimension: 'RPM', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' });
    if (!r.ok) expect(r.retryDelayMs).toBe(49_000);
    expect(q.admit(T0 + 109_999, 1).ok).toBe(false);
    expect(q.admit(T0 + 110_000, 1).ok).toBe(true);
  });

  it('input TPM waits until enough tokens leave the window', () => {
    const q = new GeminiQuota({ rpm: 100, tpm: 1_000, rpd: 1e6 }, T0, 'free');
    q.charge(T0, 400);
    q.charge(T0 + 10_000, 400);
    const r = q.admit(T0 + 20_000, 300);
    expect(r).toMatchObject({ ok: false, dimension: 'TPM', quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier' });
    if (!r.ok) expect(r.retryDelayMs).toBe(40_000); // the first 400 leave at T0 + 60 s
    expect(q.admit(T0 + 60_000, 300).ok).toBe(true);
  });

  it('RPD resets at midnight Pacific, and its 429 still suggests a short delay', () => {
    const q = new GeminiQuota({ rpm: 100, tpm: 1e9, rpd: 2 }, T0, 'free');
    q.charge(T0, 1);
    q.charge(T0 + 1_000, 1);
    const r = q.admit(T0 + 120_000, 1);
    expect(r).toMatchObject({ ok: false, dimension: 'RPD', quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' });
    if (!r.ok) expect(r.retryDelayMs).toBeLessThanOrEqual(60_000);
    const midnightPacific = Date.UTC(2026, 0, 6, 8, 0, 0); // 00:00 PST
    expect(q.admit(midnightPacific - 1, 1).ok).toBe(false);
    expect(q.admit(midnightPacific, 1).ok).toBe(true);
  });

  it('midnight Pacific follows daylight saving time', () => {
    const summer = Date.UTC(2026, 6, 1, 12, 0, 0); // 05:00 PDT (UTC-7)
    const q = new GeminiQuota({ rpm: 100, tpm: 1e9, rpd: 1 }, summer, 'paid');
    q.charge(summer, 1);
    expect(q.admit(Date.UTC(2026, 6, 2, 6, 59, 59), 1).ok).toBe(false);
    expect(q.admit(Date.UTC(2026, 6, 2, 7, 0, 0), 1).ok).toBe(true);
  });

  it('a rejected request is not charged', () => {
    const q = new GeminiQuota({ rpm: 1, tpm: 1e9, rpd: 1e6 }, T0, 'paid');
    q.charge(T0, 5);
    for (let i = 1; i <= 5; i++) expect(q.admit(T0 + i, 5).ok).toBe(false);
    expect(q.usage(T0 + 10)).toEqual({ rpm: 1, tpm: 5, rpd: 1 });
  });

  it('the 429 body carries Help, QuotaFailure and RetryInfo, and the fractional delay in the message', () => {
    const body = geminiQuotaBody('gemini-2.5-flash', {
      ok: false,
      dimension: 'RPD',
      quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
      quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
      limit: 20,
      retryDelayMs: 41_754.757778,
    });
    expect(body.error.code).toBe(429);
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.message).toContain('limit: 20, model: gemini-2.5-flash\nPlease retry in 41.754757778s.');
    expect(body.error.details.map((d) => d['@type'])).toEqual([
      'type.googleapis.com/google.rpc.Help',
      'type.googleapis.com/google.rpc.QuotaFailure',
      'type.googleapis.com/google.rpc.RetryInfo',
    ]);
    expect(body.error.details[2]).toMatchObject({ retryDelay: '41s' });
  });
});
