// The arrival bound in the shared store (docs/engine.md §1, "Arrival"): on a real redis-server, a charge's score in the
// sliding log moves to its start (the restamp's Redis time) plus the bound, only ever later, and a charge whose start
// already left the window counts again while its arrival may still be in it.
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/clock';
import type { AcquireResult } from '../../../electron/engine/limiter/quota-store';
import { RateLimiter } from '../../../electron/engine/limiter/limiter';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { seededRng } from '../../../electron/engine/rng';
import { quotaKeyPrefix } from '../../../electron/engine/shared/redis-quota-store';
import { describeWithRedis, sharedQuotaFixture } from '../../helpers/redis-server';

type Grant = Extract<AcquireResult, { ok: true }>;

describeWithRedis('the arrival bound on a real redis-server', () => {
  const { server, key, instance } = sharedQuotaFixture('arrival');
  let raw: Redis | undefined;
  afterAll(() => raw?.disconnect());
  const score = async (apiKey: string, id: string) => {
    raw ??= new Redis(server().url);
    return Number(await raw.zscore(`${quotaKeyPrefix('gemini', apiKey, 'm')}:log:RPM`, id));
  };

  it("a charge counts from its restamp plus the bound, and a call's own bound replaces the guard it started with", async () => {
    const apiKey = key();
    const clock = new VirtualClock(Date.now());
    const store = (await instance()).storeFor('gemini', apiKey, 'm', [new SlidingLog('RPM', 5, 5, 60_000)], clock);
    const g = (await store.acquire(1, clock.now())) as Grant;
    await store.restamp(g.reservation, clock.now());
    const started = await score(apiKey, String(g.reservation));
    await store.arrive?.(g.reservation, 300);
    expect(await score(apiKey, String(g.reservation))).toBe(started + 300);
    await store.arrive?.(g.reservation, 450); // from the start, not from the moved score
    expect(await score(apiKey, String(g.reservation))).toBe(started + 450);
    await store.arrive?.(g.reservation, 120); // the guard was larger than this call's own bound: it leaves sooner
    expect(await score(apiKey, String(g.reservation))).toBe(started + 120);
    await store.arrive?.(g.reservation, 0);
    expect(await score(apiKey, String(g.reservation))).toBe(started);
  });

  it('a charge whose start left the window counts again while its arrival may be in it; a closed one stays put', async () => {
    const apiKey = key();
    const clock = new VirtualClock(Date.now());
    const store = (await instance()).storeFor('gemini', apiKey, 'm', [new SlidingLog('RPM', 1, 1, 200)], clock);
    const g = (await store.acquire(1, clock.now())) as Grant;
    const id = String(g.reservation);
    await store.restamp(g.reservation, clock.now());
    await store.arrive?.(g.reservation, 1); // keeps its start
    const started = (await score(apiKey, id)) - 1;
    await new Promise((r) => setTimeout(r, 250)); // Redis TIME moves past the 200 ms window: the log lets it go
    await store.arrive?.(g.reservation, 10_000); // a call whose answer says it reached the server late
    expect(await score(apiKey, id)).toBe(started + 10_000);
    expect((await store.acquire(1, clock.now())).ok).toBe(false);
    await store.settle(g.reservation, 1, clock.now());
    await store.arrive?.(g.reservation, 20_000); // closed: nothing moves
    expect(await score(apiKey, id)).toBe(started + 10_000);
  });

  it('through a limiter, a call in flight counts until its start plus the call timeout, and its answer brings it back', async () => {
    const apiKey = key();
    const clock = new VirtualClock(Date.now());
    const store = (await instance()).storeFor('gemini', apiKey, 'm', [new SlidingLog('RPM', 5, 5, 60_000)], clock);
    const limiter = new RateLimiter(clock, seededRng(1), store, { enabled: false, min: 1, max: 1 }, { callTimeoutMs: () => 15_000 });
    raw ??= new Redis(server().url);
    const redisNow = async () => {
      const [s, us] = (await (raw as Redis).time()).map(Number) as [number, number];
      return s * 1000 + Math.floor(us / 1000);
    };
    const score = async () => Number((await (raw as Redis).zrange(`${quotaKeyPrefix('gemini', apiKey, 'm')}:log:RPM`, 0, -1, 'WITHSCORES'))[1]);
    const before = await redisNow();
    const call = await limiter.acquire(1);
    call.started(clock.now());
    // A process's first call, no bound seen yet: not at its start, since an instance killed now never corrects it, and
    // its request may reach the server until the client gives up.
    await expect.poll(async () => (await score()) - before, { timeout: 5_000 }).toBeGreaterThanOrEqual(15_000);
    expect((await score()) - before).toBeLessThan(16_000);
    call.answered(clock.now() + 40); // its answer: the server had it 40 ms after the start
    await expect.poll(async () => (await score()) - before, { timeout: 5_000 }).toBeLessThan(1_000);
    call.settle(1);
  });
});
