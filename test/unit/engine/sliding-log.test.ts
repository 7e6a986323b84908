// The sliding log's O(1) bookkeeping (dead entries instead of searches) against a plain list of the live charges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Charge } from '../../../electron/engine/limiter/dimension';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';

const W = 60_000;
type Op = { kind: 'take' | 'late' | 'restamp' | 'arrive' | 'settle' | 'refund'; dt: number; pick: number; amount: number; cost: number };

describe('sliding log bookkeeping', () => {
  // Costs up to 1,500 against a 2,000 window, and restamps that re-count expired calls, keep the window over its limit
  // often, so the earliest-time cursor moves both ways; a late take (a charge older than the newest) is inserted out of order,
  // and an arrival moves a charge back or forward (a charge moves itself, leaving a dead marker in its old place).
  it('used() and earliest() match a naive recount after any mix of take, restamp, arrive, settle and refund', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom<Op['kind']>('take', 'take', 'late', 'restamp', 'arrive', 'settle', 'refund'),
            dt: fc.integer({ min: 0, max: 20_000 }),
            pick: fc.nat(),
            amount: fc.integer({ min: 0, max: 500 }),
            cost: fc.constantFrom(1, 500, 1_500),
          }),
          { maxLength: 300 },
        ),
        (ops) => {
          const log = new SlidingLog('TPM', 2_000, 2_000, W);
          const naive: { charge: Charge; at: number; amount: number; refunded: boolean }[] = [];
          let now = 0;
          for (const op of ops) {
            now += op.dt;
            const open = naive.filter((n) => !n.refunded);
            const target = open.length ? open[op.pick % open.length] : undefined;
            if (op.kind === 'late') now -= op.dt; // the clock does not move; the charge is stamped earlier
            if (op.kind === 'take' || op.kind === 'late' || !target) {
              const at = op.kind === 'late' ? Math.max(0, now - op.dt) : now;
              const charge = log.take(at, op.amount);
              naive.push({ charge, at, amount: op.amount, refunded: false });
            } else if (op.kind === 'restamp') {
              const at = now; // the call really started now (restamps never move into the future)
              log.restamp(target.charge, at);
              if (at > target.at) target.at = at; // counted from its real start, even after its admission left the window
            } else if (op.kind === 'arrive') {
              const at = Math.max(0, now - op.dt); // the server had it by then: earlier or later than its stamp
              expect(log.arrive(target.charge, at)).toBe(at < target.at); // true: it leaves sooner
              target.at = at;
            } else if (op.kind === 'settle') {
              log.settle(target.charge, op.amount);
              target.amount = op.amount;
            } else {
              log.refund(target.charge);
              target.refunded = true;
            }
            const counted = naive.filter((n) => !n.refunded && now - n.at < W);
            const sum = counted.reduce((s, n) => s + n.amount, 0);
            expect(log.used(now)).toBe(sum);
            // The earliest time `cost` more fit: when enough of the oldest charges have left the window.
            const sorted = counted.map((n) => ({ at: n.at, amount: n.amount })).sort((a, b) => a.at - b.at);
            let left = sum;
            let expected = now;
            if (left + op.cost > 2_000) {
              for (const n of sorted) {
                left -= n.amount;
                if (left + op.cost <= 2_000) {
                  expected = n.at + W;
                  break;
                }
              }
            }
            expect(log.earliest(now, op.cost)).toBe(expected);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps time order past the place a moved charge left: an older charge goes before the later ones, and leaves first', () => {
    const log = new SlidingLog('RPM', 100, 100, W);
    log.take(1_000, 1);
    const moved = log.take(5_000, 1);
    log.take(7_000, 1);
    log.restamp(moved, 10_000); // its place at 5,000 now holds no charge
    log.take(500, 1); // older than every other (a restored charge, a clock that stepped back)
    expect(log.used(10_000)).toBe(4);
    expect(log.used(60_700)).toBe(3); // the charge of 500 has left; the one of 1,000 has not
    expect(log.used(61_000)).toBe(2);
    expect(log.used(67_000)).toBe(1);
    expect(log.used(70_000)).toBe(0);
  });
});
