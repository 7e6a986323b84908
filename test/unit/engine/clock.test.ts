// Virtual time is deterministic, aborts like real time, and reports a lost wake-up instead of hanging.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { clockFromEnv, RealClock, SkewedClock, VirtualClock } from '../../../electron/engine/clock';
import { lognormal, seededRng, uniform } from '../../../electron/engine/rng';
import { EventBus } from '../../../electron/engine/events';

describe('VirtualClock', () => {
  it('jumps to each timer in time order, ties in creation order', async () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    const p = Promise.all([
      clock.sleep(300).then(() => seen.push(`c@${clock.now()}`)),
      clock.sleep(100).then(() => seen.push(`a@${clock.now()}`)),
      clock.sleep(100).then(() => seen.push(`b@${clock.now()}`)),
    ]);
    await clock.run(p);
    expect(seen).toEqual(['a@100', 'b@100', 'c@300']);
  });

  it('an aborted sleep rejects with the reason and its timer never fires', async () => {
    const clock = new VirtualClock(0);
    const ac = new AbortController();
    const p = clock.sleep(1_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    let fired = false;
    clock.setTimer(10, () => (fired = true))();
    await clock.advance(2_000);
    expect(fired).toBe(false);
    expect(clock.now()).toBe(2_000);
  });

  it('run() fails loudly when the awaited work waits on nothing', async () => {
    const clock = new VirtualClock(0);
    await expect(clock.run(new Promise(() => undefined))).rejects.toThrow(/deadlock/);
  });
});

describe('seeded Rng', () => {
  it('repeats for a seed and stays in range', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const u = Array.from({ length: 1000 }, () => uniform(a, 0.9, 1.6));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0.9);
    expect(u.reduce((s, x) => s + x, 0) / u.length).toBeCloseTo(1.25, 1);
  });

  it('lognormal has the requested median', () => {
    const rng = seededRng(3);
    const xs = Array.from({ length: 4001 }, () => lognormal(rng, 8_000, 0.5)).sort((x, y) => x - y);
    expect(xs[2000]).toBeGreaterThan(7_500);
    expect(xs[2000]).toBeLessThan(8_500);
  });
});

describe('EventBus', () => {
  it('delivers to every listener even when one throws, and unsubscribes', () => {
    const errors: unknown[] = [];
    const bus = new EventBus<number>((e) => errors.push(e));
    const got: number[] = [];
    bus.on(() => {
      throw new Error('bad listener');
    });
    const off = bus.on((n) => got.push(n));
    bus.emit(1);
    off();
    bus.emit(2);
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(2);
  });
});

describe('RealClock background timers', () => {
  const child = (background: boolean) =>
    spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import { RealClock } from './electron/engine/clock.ts'; new RealClock().setTimer(60_000, () => {}, { background: ${background} });`,
      ],
      {
        stdio: 'ignore',
      },
    );
  const exitedWithin = (p: ReturnType<typeof spawn>, ms: number) =>
    new Promise<boolean>((done) => {
      const t = setTimeout(() => done(false), ms);
      p.once('exit', () => {
        clearTimeout(t);
        done(true);
      });
    });

  it('a background timer (a breaker cooldown) does not keep a finished process alive; an ordinary one does', async () => {
    expect(await exitedWithin(child(true), 20_000)).toBe(true);
    const held = child(false);
    expect(await exitedWithin(held, 3_000)).toBe(false);
    held.kill();
  }, 30_000);
});

describe('clockFromEnv (EV_TEST_CLOCK_SKEW_MS, tests of the shared quota only)', () => {
  it('is the real clock unless a skew is set; a skewed clock is that far off; a bad value is refused by name', () => {
    expect(clockFromEnv({})).toBeInstanceOf(RealClock);
    expect(clockFromEnv({ EV_TEST_CLOCK_SKEW_MS: '' })).not.toBeInstanceOf(SkewedClock);
    const skewed = clockFromEnv({ EV_TEST_CLOCK_SKEW_MS: '-5000' });
    expect(skewed).toBeInstanceOf(SkewedClock);
    const off = skewed.now() - Date.now();
    expect(off).toBeLessThanOrEqual(-5000);
    expect(off).toBeGreaterThan(-5000 - 1000); // read one after the other: only the clock's own step between them
    expect(() => clockFromEnv({ EV_TEST_CLOCK_SKEW_MS: '5s' })).toThrow(/EV_TEST_CLOCK_SKEW_MS.*whole number of milliseconds, got "5s"/);
  });
});
