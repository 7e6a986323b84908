// The shared quota's waiter queue on a real redis-server (docs/scale-out.md "Waking"): capacity freed early wakes the
// next waiter only, in the global order of first refusals, and a waiter that stopped asking leaves the queue by itself.
// What was published is read from the test's own subscription (test/helpers/wake-log.ts).
import { expect, it } from 'vitest';
import { RealClock } from '../../../electron/engine/clock';
import { RateLimiter } from '../../../electron/engine/limiter/limiter';
import type { AcquireResult } from '../../../electron/engine/limiter/quota-store';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { seededRng } from '../../../electron/engine/rng';
import { quotaKeyPrefix, RedisQuotaStore } from '../../../electron/engine/shared/redis-quota-store';
import { WakeBus } from '../../../electron/engine/shared/wake-bus';
import { describeWithRedis, sharedQuotaFixture } from '../../helpers/redis-server';
import { wakeLog as subscribeWakeLog } from '../../helpers/wake-log';

type Grant = Extract<AcquireResult, { ok: true }>;
const clock = new RealClock();

describeWithRedis('the shared quota wakes the next waiter only, first come first served', () => {
  const { key, connect } = sharedQuotaFixture('wake');
  const wakeLog = (prefix: string) => subscribeWakeLog(connect(), connect(), prefix);

  /** One instance's store on `apiKey`'s `limit`-requests-a-minute quota (the window outlasts the test: only wake-ups admit). */
  function instance(apiKey: string, waiterTtlMs?: number, limit = 1) {
    const redis = connect();
    const wakeBus = new WakeBus(connect());
    const dims = [new SlidingLog('RPM', limit, limit, 60_000)];
    const store = new RedisQuotaStore({
      redis,
      wakeBus,
      prefix: quotaKeyPrefix('gemini', apiKey, 'm'),
      dims,
      clock,
      instanceId: `i-${key()}`,
      waiterTtlMs,
    });
    let woken = 0;
    store.onWake(() => woken++);
    return { store, woken: () => woken };
  }

  it('N waiters: one refund wakes exactly one, the earliest refused, and the order holds against a newcomer', async () => {
    const apiKey = key();
    const log = await wakeLog(quotaKeyPrefix('gemini', apiKey, 'm'));
    const holder = instance(apiKey);
    const waiters = [instance(apiKey), instance(apiKey), instance(apiKey), instance(apiKey)];
    let held = (await holder.store.acquire(1, clock.now())) as Grant;
    expect(held.ok).toBe(true);
    for (const w of waiters) {
      const r = await w.store.acquire(1, clock.now());
      expect(r.ok || r.blockers.map((b) => b.dimension)).toEqual(['RPM']);
    }
    expect(await log.take()).toEqual([]); // refusals on a full window publish nothing
    let owner = holder;
    const newcomer = instance(apiKey);
    for (const [i, w] of waiters.entries()) {
      await owner.store.refund(held.reservation, clock.now());
      expect(await log.take()).toEqual([w.store.waiterId]);
      if (i === 1) {
        // A newcomer finds the freed request but not its turn: refused behind the woken waiter, whom it wakes again.
        const r = await newcomer.store.acquire(1, clock.now());
        expect(r.ok || r.blockers.map((b) => b.dimension)).toEqual(['queue']);
        expect(await log.take()).toEqual([w.store.waiterId]);
      }
      held = (await w.store.acquire(1, clock.now())) as Grant;
      expect(held.ok).toBe(true);
      const next = waiters[i + 1];
      // Its admission wakes the next in line (what is left may fit it); the others hear nothing. Last: the newcomer.
      expect(await log.take()).toEqual([(next ?? newcomer).store.waiterId]);
      if (next) expect((await next.store.acquire(1, clock.now())).ok).toBe(false);
      owner = w;
    }
    // Each waiter's own listener heard its wake-ups; pub/sub reached the store, not only the test's subscription.
    for (const w of waiters) for (let i = 0; i < 100 && w.woken() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(waiters.map((w) => w.woken() > 0)).toEqual([true, true, true, true]);
  });

  it("a crashed waiter's entry expires: the refund wakes the live waiter behind it", async () => {
    const apiKey = key();
    const prefix = quotaKeyPrefix('gemini', apiKey, 'm');
    const log = await wakeLog(prefix);
    const holder = instance(apiKey);
    const crashed = instance(apiKey, 300); // asks once, then never again
    const live = instance(apiKey);
    const held = (await holder.store.acquire(1, clock.now())) as Grant;
    expect((await crashed.store.acquire(1, clock.now())).ok).toBe(false);
    expect((await live.store.acquire(1, clock.now())).ok).toBe(false);
    const redis = connect();
    expect(await redis.zrange(`${prefix}:waiters`, 0, -1)).toEqual([crashed.store.waiterId, live.store.waiterId]);
    // Wait on Redis's clock (the only one the queue uses) until the crashed waiter's entry has lapsed.
    const lapse = Number(await redis.zscore(`${prefix}:waiters:ttl`, crashed.store.waiterId));
    const serverNow = async () => {
      const [s, us] = await redis.time();
      return Number(s) * 1000 + Math.floor(Number(us) / 1000);
    };
    for (let i = 0; i < 200 && (await serverNow()) <= lapse; i++) await new Promise((r) => setTimeout(r, 20));
    await holder.store.refund(held.reservation, clock.now());
    expect(await log.take()).toEqual([live.store.waiterId]);
    expect(await redis.zrange(`${prefix}:waiters`, 0, -1)).toEqual([live.store.waiterId]);
    expect((await live.store.acquire(1, clock.now())).ok).toBe(true);
    expect(await redis.zcard(`${prefix}:waiters`)).toBe(0);
  });

  it('a scheduler whose last waiting request is cancelled gives up its place at once and wakes the next', async () => {
    const apiKey = key();
    const prefix = quotaKeyPrefix('gemini', apiKey, 'm');
    const log = await wakeLog(prefix);
    const holder = instance(apiKey);
    const cancelled = instance(apiKey);
    const behind = instance(apiKey);
    expect((await holder.store.acquire(1, clock.now())).ok).toBe(true);
    const limiter = new RateLimiter(clock, seededRng(1), cancelled.store, { enabled: false, min: 1, max: 1 });
    const abort = new AbortController();
    const waiting = limiter.acquire(1, { signal: abort.signal });
    const redis = connect();
    for (let i = 0; i < 200 && (await redis.zcard(`${prefix}:waiters`)) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await behind.store.acquire(1, clock.now())).ok).toBe(false);
    expect(await redis.zrange(`${prefix}:waiters`, 0, -1)).toEqual([cancelled.store.waiterId, behind.store.waiterId]);
    abort.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    for (let i = 0; i < 200 && (await redis.zcard(`${prefix}:waiters`)) === 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await redis.zrange(`${prefix}:waiters`, 0, -1)).toEqual([behind.store.waiterId]);
    expect(await log.take()).toEqual([behind.store.waiterId]);
  });

  it('a waiter behind others is admitted at once when what is free covers them and it, and not when it does not', async () => {
    const apiKey = key();
    const holder = instance(apiKey, undefined, 2);
    const [first, second, third] = [instance(apiKey, undefined, 2), instance(apiKey, undefined, 2), instance(apiKey, undefined, 2)];
    const held = [(await holder.store.acquire(1, clock.now())) as Grant, (await holder.store.acquire(1, clock.now())) as Grant];
    for (const w of [first, second, third]) expect((await w.store.acquire(1, clock.now())).ok).toBe(false);
    for (const h of held) await holder.store.refund(h.reservation, clock.now());
    // Two requests free, one waiter ahead of the second: both fit, so the second need not wait for the first's turn.
    expect((await second.store.acquire(1, clock.now())).ok).toBe(true);
    // One free now, and the first still ahead: the third would take the first's request.
    const r = await third.store.acquire(1, clock.now());
    expect(r.ok || r.blockers.map((b) => b.dimension)).toEqual(['queue']);
    expect((await first.store.acquire(1, clock.now())).ok).toBe(true);
  });
});
