// The limiter admits exactly what the provider's own accounting allows, at the earliest admissible time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/config';
import { VirtualClock } from '../../../electron/engine/clock';
import { seededRng } from '../../../electron/engine/rng';
import { RefillingBucket } from '../../../electron/engine/limiter/bucket';
import { CalendarDay, nextMidnight } from '../../../electron/engine/limiter/calendar-day';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { buildDimensions } from '../../../electron/engine/limiter/quota-model';
import { QuotaError, RateLimiter, type Admission } from '../../../electron/engine/limiter/limiter';
import { LocalQuotaStore, type AcquireResult, type QuotaStore } from '../../../electron/engine/limiter/quota-store';

const MIN = 60_000;
const off = { enabled: false, min: 1, max: 1 };

interface Arrival {
  at: number;
  tokens: number;
}

/** Requests arrive at their times; returns each one's admission time (index-aligned) and how often it resolved. */
async function drive(clock: VirtualClock, limiter: RateLimiter, arrivals: Arrival[], hold?: (a: Admission, i: number) => Promise<void>) {
  const admittedAt: number[] = new Array(arrivals.length).fill(-1);
  const resolutions: number[] = new Array(arrivals.length).fill(0);
  const t0 = clock.now();
  await clock.run(
    Promise.all(
      arrivals.map(async (r, i) => {
        await clock.sleep(t0 + r.at - clock.now());
        // As attemptOnce chains them: the synchronous admit when nobody waits, else the queue.
        const a = limiter.tryAcquire(r.tokens) ?? (await limiter.acquire(r.tokens));
        resolutions[i] = (resolutions[i] ?? 0) + 1;
        admittedAt[i] = a.admittedAt;
        await hold?.(a, i);
      }),
    ),
  );
  return { admittedAt, resolutions };
}

const arrivalsArb = fc.array(fc.record({ at: fc.integer({ min: 0, max: 5 * MIN }), tokens: fc.integer({ min: 1, max: 900 }) }), {
  minLength: 1,
  maxLength: 60,
});

describe('sliding 60 s log (Gemini)', () => {
  it('never admits more than the RPM/TPM limit in any 60 s window, and admits every request exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(arrivalsArb, fc.integer({ min: 1, max: 12 }), async (arrivals, rpm) => {
        const clock = new VirtualClock();
        const tpm = 1000;
        const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', rpm, rpm), new SlidingLog('TPM', tpm, tpm)], off);
        const { admittedAt, resolutions } = await drive(clock, limiter, arrivals);
        expect(resolutions.every((n) => n === 1)).toBe(true);
        const starts = admittedAt.map((t, i) => ({ t, tokens: (arrivals[i] as Arrival).tokens })).sort((a, b) => a.t - b.t);
        for (const s of starts) {
          const inWindow = starts.filter((o) => o.t <= s.t && s.t - o.t < MIN);
          expect(inWindow.length).toBeLessThanOrEqual(rpm);
          expect(inWindow.reduce((n, o) => n + o.tokens, 0)).toBeLessThanOrEqual(tpm);
        }
        // FIFO: admission order follows arrival order.
        const order = arrivals.map((a, i) => ({ a: a.at, i })).sort((x, y) => x.a - y.a || x.i - y.i);
        for (let k = 1; k < order.length; k++) {
          expect(admittedAt[(order[k] as { i: number }).i]).toBeGreaterThanOrEqual(admittedAt[(order[k - 1] as { i: number }).i] as number);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('schedules exactly: a full window admits the next request the moment the oldest start leaves it', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', 3, 3)], off);
    const t0 = clock.now();
    const { admittedAt } = await drive(
      clock,
      limiter,
      [0, 10_000, 20_000, 21_000, 22_000].map((at) => ({ at, tokens: 1 })),
    );
    expect(admittedAt.map((t) => t - t0)).toEqual([0, 10_000, 20_000, 60_000, 70_000]);
  });
});

describe('refilling buckets (Groq)', () => {
  it('every admission conforms to a server bucket of the same capacity and refill rate, and none is lost', async () => {
    await fc.assert(
      fc.asyncProperty(arrivalsArb, fc.integer({ min: 1, max: 12 }), async (arrivals, rpm) => {
        const clock = new VirtualClock();
        const t0 = clock.now();
        const limiter = new RateLimiter(
          clock,
          seededRng(1),
          [new RefillingBucket('RPM', rpm, rpm, MIN, t0), new RefillingBucket('TPM', 1000, 1000, MIN, t0)],
          off,
        );
        const { admittedAt, resolutions } = await drive(clock, limiter, arrivals);
        expect(resolutions.every((n) => n === 1)).toBe(true);
        // The server's view: two buckets starting full, refilling continuously; a request drains them or gets a 429.
        const server = { req: rpm, tok: 1000, at: t0 };
        const starts = admittedAt.map((t, i) => ({ t, tokens: (arrivals[i] as Arrival).tokens })).sort((a, b) => a.t - b.t);
        for (const s of starts) {
          server.req = Math.min(rpm, server.req + ((s.t - server.at) * rpm) / MIN);
          server.tok = Math.min(1000, server.tok + ((s.t - server.at) * 1000) / MIN);
          server.at = s.t;
          server.req -= 1;
          server.tok -= s.tokens;
          expect(server.req).toBeGreaterThan(-1e-6);
          expect(server.tok).toBeGreaterThan(-1e-6);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('syncs down to the server-reported remaining quota, keeping the safety margin', () => {
    const b = new RefillingBucket('TPM', 9600, 9600, MIN, 0);
    b.sync(0, 5000, 12_000); // the server has 5,000 left of 12,000: we may use 5,000 - 2,400
    expect(b.used(0)).toBeCloseTo(9600 - 2600);
    expect(b.earliest(0, 2600)).toBe(0);
    expect(b.earliest(0, 2700)).toBeGreaterThan(0);
  });
});

describe('limiter behaviour', () => {
  it('rejects at once a request that can never fit, naming the limit', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, seededRng(1), buildDimensions('groq', DEFAULT_CONFIG.providers.groq, clock.now()), off);
    await expect(limiter.acquire(20_000)).rejects.toThrow(QuotaError);
    await expect(limiter.acquire(20_000)).rejects.toThrow(/above the TPM limit of 9,600/);
    expect(limiter.queued).toBe(0);
  });

  it('acquires all dimensions together: a request blocked on TPM takes no RPM', async () => {
    const clock = new VirtualClock();
    const rpm = new SlidingLog('RPM', 10, 10);
    const limiter = new RateLimiter(clock, seededRng(1), [rpm, new SlidingLog('TPM', 1000, 1000)], off);
    await limiter.acquire(900);
    const waiting = limiter.acquire(500);
    expect(limiter.queued).toBe(1);
    expect(rpm.used(clock.now())).toBe(1);
    const t0 = clock.now();
    const a = await clock.run(waiting);
    expect(a.admittedAt - t0).toBe(MIN);
    expect(rpm.used(clock.now())).toBe(1);
  });

  it('explains why the head waits and when it will start', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 12, 0, 0));
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', 10, 10), new SlidingLog('TPM', 10_000, 10_000)], off);
    await clock.advance(37_000);
    await limiter.acquire(9_000);
    await clock.advance(23_000 - 37_000 + 37_000); // 12:01:00
    const p = limiter.acquire(5_210);
    void limiter.acquire(10);
    const reasons = limiter.explain(3, 'UTC');
    expect(reasons).toEqual(['TPM: 4,210 tokens short, admissible at 12:01:37', 'queued behind 1 earlier request']);
    expect(limiter.stats().nextAdmissionAt).toBe(Date.UTC(2026, 0, 5, 12, 1, 37));
    await clock.run(p);
  });

  it('settlement from actual usage frees tokens for the next request at once', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('TPM', 1000, 1000)], off);
    const first = await limiter.acquire(900);
    let admitted = false;
    const next = limiter.acquire(500).then((a) => ((admitted = true), a));
    await clock.advance(1_000);
    expect(admitted).toBe(false);
    first.settle(300);
    const a = await clock.run(next);
    expect(a.waitedMs).toBe(1_000);
  });

  it('an aborted waiter leaves the queue and the next one moves up', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', 1, 1)], off);
    await limiter.acquire(1);
    const ac = new AbortController();
    const aborted = limiter.acquire(1, { signal: ac.signal });
    const later = limiter.acquire(1);
    ac.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    expect(limiter.queued).toBe(1);
    const t0 = clock.now();
    expect((await clock.run(later)).admittedAt - t0).toBe(MIN);
  });

  it('admits synchronously only while nobody waits: a queued request is never overtaken', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', 2, 2), new SlidingLog('TPM', 1000, 1000)], off);
    const first = limiter.tryAcquire(100);
    expect(first?.admittedAt).toBe(clock.now());
    const blocked = limiter.acquire(950); // TPM: 100 + 950 > 1000, so it queues
    expect(limiter.queued).toBe(1);
    // Room for 10 tokens and one request, but the queued request came first.
    expect(limiter.tryAcquire(10)).toBeNull();
    first?.settle(40);
    const a = await clock.run(blocked);
    expect(a.waitedMs).toBe(0); // admitted on the settlement, at the same instant
    expect(limiter.queued).toBe(0);
    expect(limiter.tryAcquire(10)).toBeNull(); // RPM: two in the window
    expect(limiter.tryAcquire(20_000)).toBeNull(); // never fits: acquire() is the one to reject it
    expect(limiter.stats().admissions).toBe(2);
  });

  it('a request queued behind the head, or a settlement that frees nothing it needs, does not ask the store again', async () => {
    const clock = new VirtualClock();
    const asked: number[] = [];
    const store = new (class extends LocalQuotaStore {
      override acquire(tokens: number, now: number, notBefore?: number): AcquireResult {
        asked.push(tokens);
        return super.acquire(tokens, now, notBefore);
      }
    })([new SlidingLog('RPM', 1, 1), new SlidingLog('TPM', 1000, 1000)]);
    const limiter = new RateLimiter(clock, seededRng(1), store, off);
    const first = await limiter.acquire(100);
    const head = limiter.acquire(200);
    const behind = limiter.acquire(300);
    expect(asked).toEqual([100, 200]); // the head was asked once; the one behind it waits its turn
    first.settle(50); // frees tokens, but the head waits for RPM
    expect(asked).toEqual([100, 200]);
    const t0 = clock.now();
    const [h, b] = await clock.run(Promise.all([head, behind]));
    expect([h.admittedAt - t0, b.admittedAt - t0]).toEqual([MIN, 2 * MIN]);
    expect(asked).toEqual([100, 200, 200, 300, 300]); // each again at its time, then the next head at once
  });

  it('a higher priority request overtakes the queue, FIFO otherwise', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', 1, 1)], off);
    await limiter.acquire(1);
    const order: string[] = [];
    const ps = [
      limiter.acquire(1).then(() => order.push('a')),
      limiter.acquire(1).then(() => order.push('b')),
      limiter.acquire(1, { priority: 1 }).then(() => order.push('urgent')),
    ];
    await clock.run(Promise.all(ps));
    expect(order).toEqual(['urgent', 'a', 'b']);
  });

  it('a provider-wide pause holds every admission until the suggested time', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', 100, 100)], off);
    const t0 = clock.now();
    limiter.pause(t0 + 41_750);
    expect(limiter.explain(1)).toEqual([]);
    const a = await clock.run(limiter.acquire(1));
    expect(a.admittedAt - t0).toBe(41_750);
  });

  it('the jitter cost shows up in measured throughput (virtual time)', async () => {
    async function run(dim: 'sliding' | 'bucket', jitter: { enabled: boolean; min: number; max: number }) {
      const clock = new VirtualClock();
      const d = dim === 'sliding' ? new SlidingLog('RPM', 60, 60) : new RefillingBucket('RPM', 60, 60, MIN, clock.now());
      const limiter = new RateLimiter(clock, seededRng(7), [d], jitter);
      const t0 = clock.now();
      // Saturate: 1,200 requests queued at once.
      await clock.run(Promise.all(Array.from({ length: 1200 }, () => limiter.acquire(1))));
      return { ms: clock.now() - t0, jitterMean: limiter.stats().jitterMean };
    }
    const seedJitter = { enabled: true, min: 0.9, max: 1.6 };
    // Sliding log: starts bunch into windows, and every jittered wait leaves the whole window idle for longer.
    const exact = await run('sliding', off);
    const jittered = await run('sliding', seedJitter);
    expect(exact.ms).toBe(19 * MIN); // 60 at once, then 60 per minute
    expect(jittered.jitterMean).toBeGreaterThan(1.2);
    expect(jittered.jitterMean).toBeLessThan(1.32);
    const loss = 1 - exact.ms / jittered.ms;
    expect(loss).toBeGreaterThan(0.12);
    expect(loss).toBeLessThan(1 - 1 / jittered.jitterMean + 0.03);
    // A refilling bucket banks the idle time, so the same jitter costs little throughput there (latency, not rate).
    const bucketExact = await run('bucket', off);
    const bucketJittered = await run('bucket', seedJitter);
    expect(1 - bucketExact.ms / bucketJittered.ms).toBeLessThan(0.05);
  });
});

describe('calendar day (Gemini RPD)', () => {
  it('resets at midnight America/Los_Angeles, across DST changes', () => {
    expect(nextMidnight(Date.UTC(2026, 0, 5, 17, 0))).toBe(Date.UTC(2026, 0, 6, 8, 0)); // PST
    expect(nextMidnight(Date.UTC(2026, 2, 8, 4, 0))).toBe(Date.UTC(2026, 2, 8, 8, 0)); // 20:00 PST before spring-forward
    expect(nextMidnight(Date.UTC(2026, 2, 8, 19, 0))).toBe(Date.UTC(2026, 2, 9, 7, 0)); // PDT after it
    expect(nextMidnight(Date.UTC(2026, 6, 1, 6, 59, 59))).toBe(Date.UTC(2026, 6, 1, 7, 0)); // one second before midnight PDT
  });

  it('a spent day admits the next request at the reset', () => {
    const now = Date.UTC(2026, 0, 5, 17, 0);
    const day = new CalendarDay('RPD', 2, 2, now);
    day.take(now, 1);
    day.take(now, 1);
    expect(day.earliest(now, 1)).toBe(Date.UTC(2026, 0, 6, 8, 0));
    expect(day.used(Date.UTC(2026, 0, 6, 8, 0))).toBe(0);
  });

  it('turns away a queued request once the day is spent, instead of holding it until the reset', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 17, 0));
    const limiter = new RateLimiter(clock, seededRng(1), [new SlidingLog('RPM', 1, 1), new CalendarDay('RPD', 2, 2, clock.now())], off);
    const first = limiter.acquire(1);
    const second = limiter.acquire(1); // waits a minute for RPM: the day still has room for it
    const third = limiter.acquire(1); // queued while the day was open, but the day is spent by the time it leads
    const settled = clock.run(Promise.allSettled([first, second, third]));
    const [a, b, c] = await settled;
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('fulfilled');
    expect(c.status === 'rejected' && c.reason).toBeInstanceOf(QuotaError);
    expect(c.status === 'rejected' && (c.reason as Error).message).toMatch(/^RPD quota spent until/);
    expect(clock.now()).toBeLessThan(Date.UTC(2026, 0, 5, 17, 5)); // it never waited for midnight
  });
});

describe('an asynchronous store (shared quota)', () => {
  it('a wake-up that arrives while an acquire is out is not lost: the refusal it may predate is asked again at once', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 17, 0));
    const local = new LocalQuotaStore([new SlidingLog('RPM', 1, 1, MIN)]);
    let answer: (() => void) | null = null;
    // The local store's arithmetic, answered only when the test says: a shared store's reply in flight.
    const store: QuotaStore = {
      dims: local.dims,
      acquire: (tokens, now, notBefore) => {
        const r = local.acquire(tokens, now, notBefore);
        return new Promise((resolve) => (answer = () => resolve(r)));
      },
      restamp: (r, at) => local.restamp(r, at),
      countsUntil: (r) => local.countsUntil(r),
      settle: (r, t, now) => local.settle(r, t, now),
      refund: (r, now) => local.refund(r, now),
      earliest: (t, now) => local.earliest(t, now),
      pause: (u) => local.pause(u),
      unpause: () => local.unpause(),
      pausedUntil: (now) => local.pausedUntil(now),
      wake: () => local.wake(),
      onWake: (l) => local.onWake(l),
    };
    const held = local.acquire(1, clock.now());
    const limiter = new RateLimiter(clock, seededRng(1), store, off);
    let admitted = false;
    void limiter.acquire(1).then(() => (admitted = true));
    await clock.advance(0);
    // The store refused (the minute is full) but has not answered yet; the capacity comes back meanwhile.
    if (held.ok) local.refund(held.reservation, clock.now());
    const first = answer as (() => void) | null;
    answer = null;
    first?.();
    await clock.advance(0);
    // Asked again at once, not at the refusal's time a minute on.
    expect(answer).not.toBeNull();
    (answer as (() => void) | null)?.();
    await clock.advance(0);
    expect(admitted).toBe(true);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 5, 17, 0));
  });
});
