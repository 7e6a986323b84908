// Redis killed and restarted on the same port, empty (docs/scale-out.md "Redis down"): it has forgotten the fleet's
// charges of the last window, which the provider still counts, so nothing is admitted until one full window after the
// outage was noticed, even though Redis answers again; then admissions resume through Redis.
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import type { AcquireResult } from '../../../electron/engine/limiter/quota-store';
import type { RedisQuotaStore } from '../../../electron/engine/shared/redis-quota-store';
import { VirtualClock } from '../../../electron/engine/clock';
import { CalendarDay } from '../../../electron/engine/limiter/calendar-day';
import type { Dimension } from '../../../electron/engine/limiter/dimension';
import { SlidingLog } from '../../../electron/engine/limiter/sliding-log';
import { connectSharedQuota } from '../../../electron/engine/shared/shared-quota';
import { describeWithRedis, sharedQuotaFixture, type RedisServer } from '../../helpers/redis-server';

type Grant = Extract<AcquireResult, { ok: true }>;

describeWithRedis('a restarted redis-server', () => {
  const { open, ownServer } = sharedQuotaFixture('restart'); // each test kills or restarts a redis-server of its own

  it('admits nothing for one window after the outage was noticed, though it answers at once, then resumes', async () => {
    const own = await ownServer();
    const clock = new VirtualClock(Date.now());
    const q = await connectSharedQuota(own.url);
    open.push(q);
    const store = q.storeFor('gemini', 'restart-key', 'm', [new SlidingLog('RPM', 3, 3, 60_000)], clock);
    const full = [] as Grant[];
    for (let i = 0; i < 3; i++) full.push((await store.acquire(1, clock.now())) as Grant); // the window is full
    expect(full.every((g) => g.ok)).toBe(true);
    await clock.advance(10_000);
    for (const g of full) await store.settle(g.reservation, 1, clock.now()); // answered: none still in flight
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
    // The hold is over; Redis decides again, and it was told of the three (replayed), which Redis TIME keeps in its window.
    expect(await blockers(store, clock)).toEqual(['RPM']);
  });

  /** What refuses an acquire now (none: admitted). */
  async function blockers(store: RedisQuotaStore, clock: VirtualClock): Promise<string[]> {
    const r = await store.acquire(1, clock.now());
    return r.ok ? [] : r.blockers.map((b) => b.dimension);
  }

  /** Kills redis-server, lets `store` find it gone, restarts it empty and waits for the reconnect; returns when it found it. */
  async function restart(server: RedisServer, store: RedisQuotaStore, clock: VirtualClock): Promise<number> {
    await server.kill();
    expect((await store.acquire(1, clock.now())).ok).toBe(false);
    const noticed = clock.now();
    await server.restart();
    for (let i = 0; i < 100 && store.trouble() !== null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(store.trouble()).toBeNull();
    return noticed;
  }

  /** Two instances on `apiKey` (an RPM of `rpm`, or `dims`) over a fresh redis-server: this one's store and the other's. */
  async function pair(apiKey: string, rpm: number, dims = (_now: number): Dimension[] => [new SlidingLog('RPM', rpm, rpm, 60_000)]) {
    const own = await ownServer();
    const clock = new VirtualClock(Date.now());
    const [q, other] = await Promise.all([connectSharedQuota(own.url), connectSharedQuota(own.url)]);
    open.push(q, other);
    const troubles: (string | null)[] = []; // what the store said, each change (the CLI prints them)
    const store = q.storeFor('gemini', apiKey, 'm', dims(clock.now()), clock, (m) => troubles.push(m));
    const storeOfOther = () => other.storeFor('gemini', apiKey, 'm', dims(clock.now()), clock);
    /** The other instance's store, once its connection is back (it reconnects on its own schedule after a restart). */
    const peer = async (): Promise<RedisQuotaStore> => {
      for (let i = 0; ; i++) {
        try {
          await storeOfOther().usage(); // a throwaway store: one that saw its connection down would hold
          return storeOfOther();
        } catch (e) {
          if (i >= 100) throw e;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    return { server: own, clock, store, peer, troubles };
  }

  it('holds until one window after its own calls admitted before the outage reach the server, and replays them', async () => {
    const { server, clock, store, peer: other } = await pair('late-key', 3);
    const grants = [] as Grant[];
    for (let i = 0; i < 3; i++) grants.push((await store.acquire(1, clock.now())) as Grant);
    await clock.advance(20_000); // they waited for a slot: sent 20 s after their admission
    for (const g of grants) await store.restamp(g.reservation, clock.now());
    const sent = clock.now();
    const noticed = await restart(server, store, clock);
    // In flight when the outage was found: they reach the server 6 s after their start, and it counts them from then.
    for (const g of grants) await store.arrive(g.reservation, 6_000);
    await clock.advance(6_000);
    for (const g of grants) await store.settle(g.reservation, 1, clock.now());
    const held = await store.acquire(1, clock.now());
    expect(held.ok).toBe(false);
    if (!held.ok) expect(held.blockers).toEqual([{ dimension: 'store', at: sent + 6_000 + 60_000 }]);
    expect(sent + 6_000 + 60_000).toBeGreaterThan(noticed + 60_000);
    // The restarted Redis was told of them, so another instance does not admit over them either.
    const peer = await other();
    expect((await peer.usage()).dims[0]?.used).toBe(3);
    expect((await peer.acquire(1, clock.now())).ok).toBe(false);
    await clock.advance(noticed + 60_000 - clock.now());
    expect((await store.acquire(1, clock.now())).ok).toBe(false); // the hold of before, from the outage only, ends here
    await clock.advance(sent + 6_000 + 60_000 - clock.now());
    expect(await blockers(store, clock)).toEqual(['RPM']); // the hold is over: Redis decides, counting the replayed three
  });

  it('a reservation taken before the restart never settles or refunds one of the restarted Redis with the same id', async () => {
    const { server, clock, store, peer: other } = await pair('id-key', 10);
    for (let i = 0; i < 2; i++) await store.settle(((await store.acquire(1, clock.now())) as Grant).reservation, 1, clock.now());
    await clock.advance(61_000); // those two left the window: not replayed
    const stale = (await store.acquire(1, clock.now())) as Grant; // still in flight at the restart
    await restart(server, store, clock);
    const peer = await other();
    const fresh: string[] = [];
    for (let i = 0; i < 3; i++) fresh.push(String(((await peer.acquire(1, clock.now())) as Grant).reservation));
    expect(fresh).toContain(String(stale.reservation)); // the restarted Redis numbers its reservations from 1 again
    expect((await peer.usage()).dims[0]?.used).toBe(4); // the three and the replayed one
    await store.refund(stale.reservation, clock.now());
    expect((await peer.usage()).dims[0]?.used).toBe(4); // the peer's reservation with that id is still charged
  });

  it('a Redis restarted empty gets the day back: each instance adds its charges of today that left the minute', async () => {
    const dims = (now: number) => [new SlidingLog('RPM', 10, 10, 60_000), new CalendarDay('RPD', 20, 20, now)];
    const { server, clock, store, peer: other, troubles } = await pair('day-key', 10, dims);
    const answered = async () => store.settle(((await store.acquire(1, clock.now())) as Grant).reservation, 1, clock.now());
    for (let i = 0; i < 3; i++) await answered();
    await clock.advance(61_000); // those three left the minute, not the day
    await answered();
    await clock.advance(61_000);
    await restart(server, store, clock);
    const peer = await other();
    // Redis marks the quota when first asked: a mark other than this instance's means it lost the day's counter.
    await expect.poll(async () => (await peer.usage()).dims.find((d) => d.name === 'RPD')?.used, { timeout: 5_000 }).toBe(4);
    // A dropped connection to the same Redis (nothing lost): its reconnect adds nothing again.
    const said = troubles.length;
    const admin = new Redis(server.url);
    await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await admin.quit();
    await expect.poll(() => troubles.slice(said).map((m) => m === null), { timeout: 5_000 }).toEqual([false, true]); // down, back
    await new Promise((r) => setTimeout(r, 200)); // its mark compared, on its connection
    expect((await (await other()).usage()).dims.find((d) => d.name === 'RPD')?.used).toBe(4);
  });
});
