// The ETA under scripted progress: steady, a stall during a provider's recovery, a burst after it, and a pause.
import { describe, expect, it } from 'vitest';
import { ETA_TAU_MS, EtaEstimator } from '../../../electron/batch/eta';

const S = 1_000;

/** Feed `count` finishes, one every `everyMs`, from `from`; returns the time of the last. */
function steady(eta: EtaEstimator, from: number, count: number, everyMs: number): number {
  let t = from;
  for (let i = 0; i < count; i++) eta.finished((t += everyMs));
  return t;
}

describe('batch ETA', () => {
  it('is null before the first finish and 0 with nothing left', () => {
    const eta = new EtaEstimator(0);
    expect(eta.eta(10 * S, 5)).toBeNull();
    eta.finished(S);
    expect(eta.eta(2 * S, 0)).toBe(0);
  });

  it('reads left / rate at a steady pace', () => {
    const eta = new EtaEstimator(0);
    const t = steady(eta, 0, 600, S); // one a second for ten minutes
    expect(eta.eta(t, 100)).toBeGreaterThan(95 * S);
    expect(eta.eta(t, 100)).toBeLessThan(105 * S);
  });

  it('moves gradually through a stall and a burst instead of jumping', () => {
    const eta = new EtaEstimator(0);
    let t = steady(eta, 0, 300, S);
    let left = 400;
    const seen: number[] = [];
    const sample = (until: number) => {
      for (; t < until; t += S) seen.push(eta.eta(t, left) as number);
    };
    sample(t + 60 * S); // a minute with no finish: the provider recovers
    for (let i = 0; i < 15; i++) {
      // the parked work lands, four a second (as fast as the limiter lets it through)
      for (let k = 0; k < 4; k++) eta.finished(t);
      left -= 4;
      sample(t + S);
    }
    sample(t + 30 * S);
    const steps = seen.slice(1).map((v, i) => v / (seen[i] as number));
    // Second to second the estimate never moves by more than a fifth (a pass's
    // done/elapsed figure went 2m56s → 28m52s → 2m through a recovery).
    expect(Math.max(...steps)).toBeLessThan(1.2);
    expect(Math.min(...steps)).toBeGreaterThan(0.7);
    expect(seen.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
  });

  it('does not count paused time against the rate', () => {
    const eta = new EtaEstimator(0);
    let t = steady(eta, 0, 120, S);
    const before = eta.eta(t, 100) as number;
    eta.pause(t);
    t += 10 * 60 * S;
    eta.resume(t);
    expect(eta.eta(t, 100)).toBeCloseTo(before, 5);
    expect(ETA_TAU_MS).toBeGreaterThan(0);
  });
});
