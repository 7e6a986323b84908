// Retry policy (docs/engine.md §5): the server's suggested delay wins; otherwise 2 s × 2^n capped at 60 s, full jitter.
// Whether to retry at all (breaker, budget) is the router's call; this module only answers "may" and "how long".
import type { EngineConfig } from '../../shared/config';
import { RETRYABLE_KINDS, type CallFailure } from '../../shared/provider';
import { uniform, type Rng } from './rng';

/** Daily quota, auth and our own 4xx are never retried, nor a failure whose one changed retry is spent (`final`). */
export function isRetryable(f: CallFailure): boolean {
  return RETRYABLE_KINDS.has(f.kind) && !f.final;
}

/** Delay before retry number `n` (0 = the first retry). */
export function retryDelayMs(f: CallFailure, n: number, cfg: EngineConfig['retry'], rng: Rng): number {
  if (f.retryAfterMs !== undefined && f.retryAfterMs >= 0) return f.retryAfterMs;
  return uniform(rng, 0, Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** n));
}
