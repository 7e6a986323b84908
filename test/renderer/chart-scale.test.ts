// The charts' scales: ranges, tick steps, a value axis scaled to the traffic, and thinning that keeps the peaks.
import { describe, expect, it } from 'vitest';
import { niceStep, thin, timeTicks, valueAxis, visibleSpan } from '../../renderer/features/dashboard/chart-scale';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

describe('chart scales', () => {
  it('shows 5 min, 30 min or the run so far, divided by the zoom', () => {
    expect(visibleSpan('5m', 1, null, T0)).toBe(5 * MIN);
    expect(visibleSpan('30m', 2, null, T0)).toBe(15 * MIN);
    expect(visibleSpan('run', 1, T0 - 42 * MIN, T0)).toBe(42 * MIN);
    expect(visibleSpan('run', 1, null, T0)).toBe(5 * MIN);
    expect(visibleSpan('5m', 64, null, T0)).toBe(30_000); // zoom stops at 30 s
  });

  it('puts time ticks on whole steps, never more than six', () => {
    expect(timeTicks(T0, T0 + 5 * MIN)).toEqual([0, 1, 2, 3, 4, 5].map((m) => T0 + m * MIN));
    const half = timeTicks(T0 + 7_000, T0 + 30 * MIN + 7_000);
    expect(half).toEqual([10, 20, 30].map((m) => T0 + m * MIN));
    for (const span of [30_000, 7 * MIN, 95 * MIN, 9 * 60 * MIN]) expect(timeTicks(T0, T0 + span).length).toBeLessThanOrEqual(6);
  });

  it('uses 1-2-5 steps', () => {
    expect(niceStep(100)).toBe(50);
    expect(niceStep(13_000)).toBe(5_000);
    expect(niceStep(0)).toBe(1);
  });

  it('scales the TPM axis to 10k of traffic, not to a 1.8M limit, and shows a limit the traffic nears', () => {
    const far = valueAxis(10_000, 1_800_000);
    expect(far.limitShown).toBe(false);
    expect(far.top).toBe(15_000);
    expect(far.ticks).toEqual([0, 5_000, 10_000, 15_000]);
    const near = valueAxis(90, 135);
    expect(near.limitShown).toBe(true);
    expect(near.top).toBeGreaterThanOrEqual(135);
    expect(valueAxis(0, 0).top).toBeGreaterThan(0);
  });

  it('thins points to the peak of each slice', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ at: i, v: i === 517 ? 99 : 1 }));
    const out = thin(pts, 100, (p) => p.v);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out.some((p) => p.v === 99)).toBe(true);
    expect(thin(pts.slice(0, 5), 100, (p) => p.v)).toHaveLength(5);
  });
});
