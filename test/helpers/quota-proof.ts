// Recomputing quota use from the simulator's log of requests (docs/scale-out.md "What the proof shows"): the most
// accepted requests of one key and model in any sliding window, and the 429s the simulator answered. The simulator
// enforces every dimension with the provider's own arithmetic, so a 429 there is an overshoot of some dimension.
import type { LogEntry } from '../../electron/providers/simulator/types';
import { modelCalls } from '../integration/pipeline/support';

/** The most accepted requests per `provider/model` in any window of `windowMs` ending at a request. */
export function peakPerWindow(log: LogEntry[], windowMs: number): Map<string, number> {
  const times = new Map<string, number[]>();
  for (const e of modelCalls(log)) {
    if (e.status !== 200) continue;
    const k = `${e.provider}/${e.model}`;
    times.set(k, [...(times.get(k) ?? []), e.at]);
  }
  const peaks = new Map<string, number>();
  for (const [k, ts] of times) {
    ts.sort((a, b) => a - b);
    let peak = 0;
    for (let hi = 0, lo = 0; hi < ts.length; hi++) {
      while ((ts[hi] as number) - (ts[lo] as number) >= windowMs) lo++;
      peak = Math.max(peak, hi - lo + 1);
    }
    peaks.set(k, peak);
  }
  return peaks;
}

/** Requests the simulator refused for quota (any dimension). */
export const rateLimited = (log: LogEntry[]): LogEntry[] => modelCalls(log).filter((e) => e.outcome === 'rate_limited');
