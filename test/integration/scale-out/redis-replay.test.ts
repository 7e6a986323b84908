// Redis back after an outage (docs/scale-out.md "Redis down"): the charges this instance took locally meanwhile go
// into the shared count, so the other instances see them; refunded ones do not.
import { expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/clock';
import { CalendarDay } from '../../../electron/engine/limiter/calendar-day';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import type { AcquireResult } from '../../../electron/engine/limiter/quota-store';
import { connectSharedQuota } from '../../../electron/engine/shared/shared-quota';
import { describeWithRedis, sharedQuotaFixture } from '../../helpers/redis-server';

describeWithRedis('replay of local charges on a real redis-server', () => {
  const { open, ownServer } = sharedQuotaFixture('replay'); // each test kills or restarts a redis-server of its own

  it("the outage's local charges count against the day for every instance once Redis answers again", async () => {
    const own = await ownServer();
    const clock = new VirtualClock(Date.now());
    const dims = () => [new SlidingLog('RPM', 100, 100, 60_000), new CalendarDay('RPD', 10, 10, clock.now())];
    const qa = await connectSharedQuota(own.url);
    open.push(qa);
    const a = qa.storeFor('gemini', 'replay-key', 'm', dims(), clock);
    const first = await a.acquire(1, clock.now()); // one live instance, one request of the day
    expect(first.ok).toBe(true);
    if (first.ok) await a.settle(first.reservation, 1, clock.now()); // answered: none in flight at the outage
    await own.kill();
    expect((await a.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(60_000); // one full window: then this instance's share, locally
    const local: AcquireResult[] = [];
    for (let i = 0; i < 7; i++) local.push(await a.acquire(1, clock.now()));
    expect(local.every((r) => r.ok)).toBe(true);
    const last = local[6];
    if (last?.ok) await a.refund(last.reservation, clock.now()); // never sent: not replayed
    await own.restart(); // empty: no persistence
    for (let i = 0; i < 100 && a.trouble() !== null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(a.trouble()).toBeNull();
    const qb = await connectSharedQuota(own.url);
    open.push(qb);
    const b = qb.storeFor('gemini', 'replay-key', 'm', dims(), clock);
    // The day has 10; the fresh Redis holds the 6 replayed charges and the first one, which had left the minute but not
    // the day (added back once a's reconnect found this Redis's mark new).
    await expect.poll(async () => (await b.usage()).dims.find((d) => d.name === 'RPD')?.used, { timeout: 5_000 }).toBe(7);
    const grants = [];
    for (let i = 0; i < 6; i++) grants.push((await b.acquire(1, clock.now())).ok);
    expect(grants.filter(Boolean)).toHaveLength(3);
    const refused = await b.acquire(1, clock.now());
    expect(refused.ok || refused.blockers.map((x) => x.dimension)).toEqual(['RPD']);
  });
});
