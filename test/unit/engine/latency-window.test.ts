// Auto concurrency's latency window: the same quantile as sorting the last N samples, without a sort per call.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyWindow } from '../../../electron/engine/latency-window';

describe('latency window', () => {
  it('quantile equals the sorted window of the last N samples at every step', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60_000 }), { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (samples, n) => {
        const w = new LatencyWindow(n);
        samples.forEach((s, i) => {
          w.add(s);
          const last = samples.slice(Math.max(0, i + 1 - n), i + 1).sort((a, b) => a - b);
          expect(w.size).toBe(last.length);
          expect(w.quantile(0.9)).toBe(last[Math.floor(0.9 * (last.length - 1))]);
          expect(w.quantile(0)).toBe(last[0]);
        });
      }),
    );
  });

  it('is empty until a sample arrives', () => {
    expect(new LatencyWindow(5).quantile(0.9)).toBeNaN();
  });
});
