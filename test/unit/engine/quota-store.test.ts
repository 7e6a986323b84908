// The quota store seam: one all-or-nothing acquire, and N schedulers (N instances) over one store, on virtual time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/clock';
import { seededRng } from '../../../electron/engine/rng';
import { RateLimiter, type Admission } from '../../../electron/engine/limiter/limiter';
import { RefillingBucket } from '../../../electron/engine/limiter/bucket';
import { CalendarDay, nextMidnight } from '../../../electron/engine/limiter/calendar-day';
import { LocalQuotaStore, type AcquireResult, type QuotaStore } from '../../../electron/engine/limiter/quota-store';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';

const MIN = 60_000;
const off = { enabled: false, min: 1, max: 1 };

describe('LocalQuotaStore', () => {
  it('a refused acquire charges nothing and names every blocking dimension with its time', () => {
    const t0 = Date.UTC(2026, 0, 5, 17, 0);
    const rpm = new SlidingLog('RPM', 10, 10);
    const tpm = new SlidingLog('TPM', 1000, 1000);
    const store = new LocalQuotaStore([rpm, tpm, new CalendarDay('RPD', 100, 100, t0)]);
    const first = store.acquire(900, t0);
    expect(first.ok).toBe(true);
    const refused = store.acquire(500, t0 + 1_000);
    expect(refused).toEqual({ ok: false, at: t0 + MIN, blockers: [{ dimension: 'TPM', at: t0 + MIN }] });
    expect(rpm.used(t0 + 1_000)).toBe(1);
    expect(tpm.used(t0 + 1_000)).toBe(900);
  });

  it('an admission counts until its minute is over or its day (midnight Pacific) ends, whichever comes first; a bucket never ages it', () => {
    const midnight = nextMidnight(Date.UTC(2026, 0, 5, 12, 0));
    const store = () =>
      new LocalQuotaStore([
        new SlidingLog('RPM', 10, 10),
        new CalendarDay('RPD', 100, 100, midnight - 3 * MIN),
        new RefillingBucket('TPM', 1000, 1000, MIN, 0),
      ]);
    const early = store();
    const g = early.acquire(1, midnight - 3 * MIN) as Extract<AcquireResult, { ok: true }>;
    expect(early.countsUntil(g.reservation)).toBe(midnight - 2 * MIN);
    const late = store();
    const h = late.acquire(1, midnight - 30_000) as Extract<AcquireResult, { ok: true }>;
    expect(late.countsUntil(h.reservation)).toBe(midnight);
    // A day rolled over since: that day's charge counted until a time now past.
    late.acquire(1, midnight + 1_000);
    expect(late.countsUntil(h.reservation)).toBeLessThanOrEqual(midnight + 1_000);
    const bucket = new LocalQuotaStore([new RefillingBucket('RPM', 10, 10, MIN, 0)]);
    expect(bucket.countsUntil((bucket.acquire(1, 0) as Extract<AcquireResult, { ok: true }>).reservation)).toBe(Number.POSITIVE_INFINITY);
  });

  it('pause only extends, and is a blocker of its own', () => {
    const store = new LocalQuotaStore([new SlidingLog('RPM', 10, 10)]);
    store.pause(5_000);
    store.pause(3_000);
    expect(store.pausedUntil(1_000)).toBe(5_000);
    expect(store.acquire(1, 1_000)).toEqual({ ok: false, at: 5_000, blockers: [{ dimension: 'pause', at: 5_000 }] });
    expect(store.acquire(1, 5_000).ok).toBe(true);
  });

  it('settle and refund act once per reservation: a second call changes nothing', () => {
    const tpm = new SlidingLog('TPM', 1000, 1000);
    const store = new LocalQuotaStore([tpm]);
    const g = store.acquire(600, 0) as Extract<AcquireResult, { ok: true }>;
    store.settle(g.reservation, 200, 10);
    store.refund(g.reservation, 20);
    store.settle(g.reservation, 900, 30);
    expect(tpm.used(40)).toBe(200);
  });
});

/** Requests arrive at their times on the scheduler (instance) given; returns each one's admission time. */
async function driveMany(clock: VirtualClock, limiters: RateLimiter[], arrivals: { at: number; on: number }[]) {
  const admittedAt: number[] = new Array(arrivals.length).fill(-1);
  const t0 = clock.now();
  await clock.run(
    Promise.all(
      arrivals.map(async (r, i) => {
        await clock.sleep(t0 + r.at - clock.now());
        const a = await (limiters[r.on % limiters.length] as RateLimiter).acquire(1);
        admittedAt[i] = a.admittedAt - t0;
      }),
    ),
  );
  return admittedAt;
}

describe('N schedulers over one store (N instances, one key)', () => {
  it('together never exceed the window, and admit exactly when one scheduler holding every request would', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 4 * MIN }), on: fc.nat(7) }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2, max: 8 }),
        async (arrivals, rpm, n) => {
          const clock = new VirtualClock();
          const store = new LocalQuotaStore([new SlidingLog('RPM', rpm, rpm)]);
          const many = Array.from({ length: n }, (_, i) => new RateLimiter(clock, seededRng(i), store, off));
          const shared = await driveMany(clock, many, arrivals);
          const soloClock = new VirtualClock();
          const solo = await driveMany(soloClock, [new RateLimiter(soloClock, seededRng(1), [new SlidingLog('RPM', rpm, rpm)], off)], arrivals);
          expect(shared.every((t) => t >= 0)).toBe(true);
          const sorted = [...shared].sort((a, b) => a - b);
          for (const t of sorted) expect(sorted.filter((o) => o <= t && t - o < MIN).length).toBeLessThanOrEqual(rpm);
          // Work-conserving across instances: the same admission times as one scheduler (the order may differ).
          expect(sorted).toEqual([...solo].sort((a, b) => a - b));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a refund on one instance admits another instance’s waiter at once, not when the window frees', async () => {
    const clock = new VirtualClock();
    const store = new LocalQuotaStore([new SlidingLog('RPM', 1, 1)]);
    const a = new RateLimiter(clock, seededRng(1), store, off);
    const b = new RateLimiter(clock, seededRng(2), store, off);
    const held = await a.acquire(1);
    let admitted: Admission | null = null;
    void b.acquire(1).then((x) => (admitted = x));
    await clock.advance(5_000);
    expect(admitted).toBeNull();
    expect(b.stats().nextAdmissionAt).toBe(clock.now() - 5_000 + MIN);
    held.refund();
    await clock.advance(0);
    expect(admitted).not.toBeNull();
    expect((admitted as unknown as Admission).waitedMs).toBe(5_000);
  });

  it('a pause set through one instance holds every instance, and lifting it wakes them', async () => {
    const clock = new VirtualClock();
    const store = new LocalQuotaStore([new SlidingLog('RPM', 100, 100)]);
    const a = new RateLimiter(clock, seededRng(1), store, off);
    const b = new RateLimiter(clock, seededRng(2), store, off);
    const t0 = clock.now();
    a.pause(t0 + 30_000);
    expect(b.pausedUntilMs).toBe(t0 + 30_000);
    const waiting = b.acquire(1);
    await clock.advance(10_000);
    expect(b.explain(1, 'UTC')).toEqual(['provider paused until 17:00:30']);
    a.unpause();
    expect((await clock.run(waiting)).admittedAt - t0).toBe(10_000);
  });
});

/** The local store answering asynchronously, as a networked store does: exercises the scheduler's asynchronous path. */
class LaterStore implements QuotaStore {
  constructor(private readonly inner: LocalQuotaStore) {}
  get dims() {
    return this.inner.dims;
  }
  private later<T>(f: () => T): Promise<T> {
    return Promise.resolve().then(f); // microtasks: the virtual clock lets them all run before it moves time
  }
  acquire(tokens: number, now: number, notBefore?: number) {
    return this.later(() => this.inner.acquire(tokens, now, notBefore));
  }
  countsUntil(r: unknown) {
    return this.inner.countsUntil(r);
  }
  restamp(r: unknown, at: number) {
    return this.later(() => this.inner.restamp(r, at));
  }
  settle(r: unknown, tokens: number, now: number) {
    return this.later(() => this.inner.settle(r, tokens, now));
  }
  refund(r: unknown, now: number) {
    return this.later(() => this.inner.refund(r, now));
  }
  earliest(tokens: number, now: number) {
    return this.inner.earliest(tokens, now);
  }
  pause(until: number) {
    return this.later(() => this.inner.pause(until));
  }
  unpause() {
    return this.later(() => this.inner.unpause());
  }
  pausedUntil(now: number) {
    return this.inner.pausedUntil(now);
  }
  wake() {
    this.inner.wake();
  }
  onWake(l: () => void) {
    return this.inner.onWake(l);
  }
}

describe('an asynchronous store', () => {
  it('schedules as exactly as a synchronous one', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, seededRng(1), new LaterStore(new LocalQuotaStore([new SlidingLog('RPM', 3, 3)])), off);
    const admittedAt = await driveMany(
      clock,
      [limiter],
      [0, 10_000, 20_000, 21_000, 22_000].map((at) => ({ at, on: 0 })),
    );
    expect(admittedAt).toEqual([0, 10_000, 20_000, 60_000, 70_000]);
  });

  it('a waiter aborted while its acquire is out gives the granted reservation back', async () => {
    const clock = new VirtualClock();
    const rpm = new SlidingLog('RPM', 5, 5);
    const limiter = new RateLimiter(clock, seededRng(1), new LaterStore(new LocalQuotaStore([rpm])), off);
    const ac = new AbortController();
    const p = limiter.acquire(1, { signal: ac.signal });
    ac.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
    await clock.advance(0);
    await clock.advance(0);
    expect(rpm.used(clock.now())).toBe(0);
    expect(limiter.queued).toBe(0);
  });
});
