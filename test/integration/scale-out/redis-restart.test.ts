// Redis killed and restarted on the same port, empty (docs/scale-out.md "Redis down"): it has forgotten the fleet's
// charges of the last window, which the provider still counts, so nothing is admitted until one full window after the
// outage was noticed, even though Redis answers again; then admissions resume through Redis.
import { afterEach, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/clock';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { connectSharedQuota, type SharedQuota } from '../../../electron/engine/shared/shared-quota';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';

describeWithRedis('a restarted redis-server', () => {
  const open: SharedQuota[] = [];
  let own: RedisServer | undefined;
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
    await own?.stop();
  });

  it('admits nothing for one window after the outage was noticed, though it answers at once, then resumes', async () => {
    own = await startRedisServer();
    const clock = new VirtualClock(Date.now());
    const q = await connectSharedQuota(own.url);
    open.push(q);
    const store = q.storeFor('gemini', 'restart-key', 'm', [new SlidingLog('RPM', 3, 3, 60_000)], clock);
    for (let i = 0; i < 3; i++) expect((await store.acquire(1, clock.now())).ok).toBe(true); // the window is full
    await clock.advance(10_000);
    await own.kill();
    expect((await store.acquire(1, clock.now())).ok).toBe(false); // out of reach: noticed
    const noticed = clock.now();
    await own.restart(); // empty: the three charges are gone from Redis, not from the provider's window
    for (let i = 0; i < 100 && store.trouble() !== null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(store.trouble()).toBeNull();
    const held = await store.acquire(1, clock.now());
    expect(held.ok).toBe(false);
    if (!held.ok) expect(held.blockers).toEqual([{ dimension: 'store', at: noticed + 60_000 }]);
    await clock.advance(59_999);
    expect((await store.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(1);
    expect((await store.acquire(1, clock.now())).ok).toBe(true);
  });
});
