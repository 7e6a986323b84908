// Recomputing quota use from the simulator's log of requests (docs/scale-out.md "What the proof shows"): the most
// accepted requests of one key and model in any sliding window, and the 429s the simulator answered. The simulator
// enforces every dimension with the provider's own arithmetic, so a 429 there is an overshoot of some dimension.
import type { LogEntry } from '../../electron/providers/simulator/types';
import { modelCalls } from '../integration/pipeline/support';

/**
 * The most accepted requests (or, with `tokens`, the most tokens the simulator counted) per `provider/model` in any
 * window of `windowMs` ending at a request, at the time each counted on the quota.
 */
export function peakPerWindow(log: LogEntry[], windowMs: number, tokens = false): Map<string, number> {
  const charges = new Map<string, { at: number; amount: number }[]>();
  for (const e of modelCalls(log)) {
    if (e.status !== 200) continue;
    const k = `${e.provider}/${e.model}`;
    charges.set(k, [...(charges.get(k) ?? []), { at: e.charged?.at ?? e.at, amount: tokens ? (e.charged?.tokens ?? 0) : 1 }]);
  }
  const peaks = new Map<string, number>();
  for (const [k, cs] of charges) {
    cs.sort((a, b) => a.at - b.at);
    let peak = 0;
    let sum = 0;
    for (let hi = 0, lo = 0; hi < cs.length; hi++) {
      sum += (cs[hi] as { amount: number }).amount;
      while ((cs[hi] as { at: number }).at - (cs[lo] as { at: number }).at >= windowMs) sum -= (cs[lo++] as { amount: number }).amount;
      peak = Math.max(peak, sum);
    }
    peaks.set(k, peak);
  }
  return peaks;
}

/** Requests the simulator refused for quota (any dimension). */
export const rateLimited = (log: LogEntry[]): LogEntry[] => modelCalls(log).filter((e) => e.outcome === 'rate_limited');
