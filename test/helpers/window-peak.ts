// The most a server's sliding window ever held, recomputed from when each charge counted: the one arithmetic behind
// the overshoot proof, the shared-quota bench and the engine's quota tests.

/** The largest sum of `amount` (1 when absent) over charges less than `windowMs` apart; `charges` sorted by `at`. */
export function peakInWindow(charges: readonly { at: number; amount?: number }[], windowMs: number): number {
  let peak = 0;
  let sum = 0;
  for (let hi = 0, lo = 0; hi < charges.length; hi++) {
    sum += charges[hi]?.amount ?? 1;
    while ((charges[hi]?.at ?? 0) - (charges[lo]?.at ?? 0) >= windowMs) sum -= charges[lo++]?.amount ?? 1;
    peak = Math.max(peak, sum);
  }
  return peak;
}

/** The same over bare times (one request each), in any order. */
export function peakCount(times: readonly number[], windowMs: number): number {
  return peakInWindow(
    [...times].sort((a, b) => a - b).map((at) => ({ at })),
    windowMs,
  );
}
