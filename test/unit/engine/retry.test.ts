// The retry policy on its own: which failures may be retried, and how long to wait (server hint, else capped
// exponential backoff with full jitter).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/config';
import type { CallFailure, FailureKind } from '../../../shared/provider';
import { isRetryable, retryDelayMs } from '../../../electron/engine/retry';
import { seededRng, type Rng } from '../../../electron/engine/rng';

const cfg = DEFAULT_CONFIG.retry; // 2 s base, 60 s cap
const failure = (kind: FailureKind, extra: Partial<CallFailure> = {}): CallFailure => ({
  ok: false,
  provider: 'gemini',
  model: 'm',
  kind,
  message: kind,
  latencyMs: 1,
  ...extra,
});
const fixed = (x: number): Rng => ({ next: () => x });

describe('retry policy', () => {
  it('retries transient failures and never a daily quota, bad credentials or our own bad request', () => {
    for (const k of ['rate_limit', 'overloaded', 'server', 'timeout', 'network', 'malformed'] as const) expect(isRetryable(failure(k))).toBe(true);
    for (const k of ['daily_quota', 'auth', 'bad_request', 'not_found', 'too_large', 'safety', 'aborted'] as const) {
      expect(isRetryable(failure(k))).toBe(false);
    }
  });

  it("the server's suggested delay wins, including zero", () => {
    expect(retryDelayMs(failure('rate_limit', { retryAfterMs: 17_500 }), 2, cfg, fixed(0.99))).toBe(17_500);
    expect(retryDelayMs(failure('rate_limit', { retryAfterMs: 0 }), 0, cfg, fixed(0.99))).toBe(0);
  });

  it('without a hint: uniform in [0, 2 s × 2^n], capped at 60 s', () => {
    expect(retryDelayMs(failure('server'), 0, cfg, fixed(0.5))).toBe(1_000);
    expect(retryDelayMs(failure('server'), 1, cfg, fixed(0.5))).toBe(2_000);
    expect(retryDelayMs(failure('server'), 3, cfg, fixed(0.999_999))).toBeCloseTo(16_000, -1);
    expect(retryDelayMs(failure('server'), 10, cfg, fixed(0.999_999))).toBeCloseTo(60_000, -1);
    expect(retryDelayMs(failure('server'), 0, cfg, fixed(0))).toBe(0);
  });

  it('full jitter spreads the delays over the whole range (no thundering herd)', () => {
    const rng = seededRng(7);
    const xs = Array.from({ length: 2_000 }, () => retryDelayMs(failure('overloaded'), 2, cfg, rng)); // range 0–8 s
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(8_000);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(3_700);
    expect(mean).toBeLessThan(4_300);
    expect(xs.filter((x) => x < 2_000).length).toBeGreaterThan(400); // a quarter of the range, about a quarter of the draws
  });
});
