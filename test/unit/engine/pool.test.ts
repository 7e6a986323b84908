// The worker pool bounds submissions in flight, pauses, resumes, resizes live, and cancels without losing results.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/clock';
import { WorkerPool } from '../../../electron/engine/pool';

function work(clock: VirtualClock, log: { peak: number; active: number; started: number[] }) {
  return async (item: number, signal: AbortSignal) => {
    log.active++;
    log.peak = Math.max(log.peak, log.active);
    log.started.push(item);
    try {
      await clock.sleep(1_000, signal);
      return item * 10;
    } finally {
      log.active--;
    }
  };
}

describe('WorkerPool', () => {
  it('keeps at most `size` items in flight and returns outcomes in item order', async () => {
    const clock = new VirtualClock(0);
    const log = { peak: 0, active: 0, started: [] as number[] };
    const pool = new WorkerPool({ clock, size: 3 });
    const out = await clock.run(pool.run([1, 2, 3, 4, 5, 6, 7], work(clock, log)));
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => ({ status: 'done', value: n * 10 })));
    expect(log.peak).toBe(3);
    expect(clock.now()).toBe(3_000);
    expect(pool.stats()).toMatchObject({ done: 7, active: 0, meanItemMs: 1_000 });
  });

  it('a failing item is reported, the rest go on', async () => {
    const clock = new VirtualClock(0);
    const pool = new WorkerPool({ clock, size: 2 });
    const out = await clock.run(
      pool.run([1, 2, 3], async (n) => {
        if (n === 2) throw new Error('row 2 broke');
        return n;
      }),
    );
    expect(out[1]).toMatchObject({ status: 'failed', error: new Error('row 2 broke') });
    expect(out[2]).toEqual({ status: 'done', value: 3 });
  });

  it('pause stops new starts, resume continues; resize grows and shrinks live', async () => {
    const clock = new VirtualClock(0);
    const log = { peak: 0, active: 0, started: [] as number[] };
    const pool = new WorkerPool({ clock, size: 2 });
    const p = pool.run(
      Array.from({ length: 12 }, (_, i) => i),
      work(clock, log),
    );
    clock.setTimer(500, () => pool.pause());
    clock.setTimer(5_000, () => {
      expect(log.started).toHaveLength(2); // nothing new while paused
      pool.resize(4);
      pool.resume();
    });
    clock.setTimer(6_500, () => {
      expect(log.active).toBe(4);
      pool.resize(1);
    });
    const out = await clock.run(p);
    expect(out.every((o) => o.status === 'done')).toBe(true);
    expect(log.peak).toBe(4);
    // After the shrink: the 4 in flight finish at 7 s, then one at a time for the remaining 2.
    expect(clock.now()).toBe(9_000);
  });

  it('cancel aborts in-flight items, keeps finished results and never starts the rest', async () => {
    const clock = new VirtualClock(0);
    const log = { peak: 0, active: 0, started: [] as number[] };
    const pool = new WorkerPool({ clock, size: 2 });
    const p = pool.run([1, 2, 3, 4, 5], work(clock, log));
    clock.setTimer(1_500, () => pool.cancel());
    const out = await clock.run(p);
    expect(out).toEqual([
      { status: 'done', value: 10 },
      { status: 'done', value: 20 },
      { status: 'cancelled' },
      { status: 'cancelled' },
      { status: 'cancelled' },
    ]);
    expect(log.started).toEqual([1, 2, 3, 4]);
    expect(log.active).toBe(0);
    expect(clock.now()).toBe(1_500);
  });

  it('a size function is read again as slots free (auto mode)', async () => {
    const clock = new VirtualClock(0);
    const log = { peak: 0, active: 0, started: [] as number[] };
    let target = 1;
    const pool = new WorkerPool({ clock, size: () => target });
    clock.setTimer(1_500, () => (target = 3));
    await clock.run(
      pool.run(
        Array.from({ length: 8 }, (_, i) => i),
        work(clock, log),
      ),
    );
    expect(log.peak).toBe(3);
  });
});
