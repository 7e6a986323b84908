// Freed concurrency slots and a closed breaker wake the next waiting instance only, in the fleet's first-come order
// (docs/scale-out.md "Waking", "Concurrency leases", "Shared breaker"), on a real redis-server. What was published is
// read from the test's own subscription (test/helpers/wake-log.ts); a lost wake-up is recovered by the re-check timer.
import { expect, it } from 'vitest';
import { RealClock, VirtualClock } from '../../../electron/engine/clock';
import type { FleetChange } from '../../../electron/engine/shared/breaker-store';
import { BREAKER_RECHECK_MS } from '../../../electron/engine/shared/breaker-sync';
import type { LeaseGrant } from '../../../electron/engine/shared/lease-store';
import type { RedisBreakerStore } from '../../../electron/engine/shared/redis-breaker-store';
import { providerKeyPrefix } from '../../../electron/engine/shared/redis-quota-store';
import { LEASE_RECHECK_MS, SlotGate, type Lease } from '../../../electron/engine/shared/slot-gate';
import { breakerFleet, fleetParams } from '../../helpers/breaker-fleet';
import { describeWithRedis, sharedQuotaFixture } from '../../helpers/redis-server';
import { BROADCAST, wakeLog } from '../../helpers/wake-log';

const clock = new RealClock();
const LEASE = 60_000; // outlasts the test: only releases free a slot
const opened = (cooldownMs: number | null): FleetChange => ({ state: 'open', cooldownMs, forced: false, cause: 'test', tripCause: '5xx' });
const closed: FleetChange = { state: 'closed', cooldownMs: null, forced: true, cause: 'operator reset', tripCause: null };

/** Lets loopback round trips finish (no assertion on time: what must not happen has nothing that could trigger it). */
const roundTrips = () => new Promise((r) => setTimeout(r, 100));

describeWithRedis('slots and the breaker wake the next waiter only, first come first served', () => {
  const { key, instance, connect } = sharedQuotaFixture('wake-next');

  async function leaseStores(apiKey: string, n: number, at = clock) {
    return Promise.all(Array.from({ length: n }, async () => (await instance()).leasesFor('gemini', apiKey, at)));
  }

  it('K instances waiting on one slot: each release wakes exactly one, the longest waiting, and the order holds', async () => {
    const apiKey = key();
    const prefix = providerKeyPrefix('gemini', apiKey);
    const log = await wakeLog(connect(), connect(), `${prefix}:slots`, `${prefix}:slotfree`);
    const [holder, newcomer, ...waiters] = await leaseStores(apiKey, 6);
    const woken = waiters.map(() => 0);
    waiters.forEach((w, i) => w?.onFree(() => (woken[i] = (woken[i] ?? 0) + 1)));
    let held = (await holder?.take(1, LEASE)) as LeaseGrant;
    expect(held.ok).toBe(true);
    for (const w of waiters) expect((await w?.take(1, LEASE))?.ok).toBe(false);
    expect(await log.take()).toEqual([]); // refusals on full slots publish nothing
    let owner = holder;
    for (const [i, w] of waiters.entries()) {
      await owner?.release(held.id);
      expect(await log.take()).toEqual([w?.waiterId]); // not a broadcast, and not the others
      if (i === 1) {
        // A newcomer finds the freed slot but not its turn: refused behind the woken waiter, whom it wakes again.
        expect((await newcomer?.take(1, LEASE))?.ok).toBe(false);
        expect(await log.take()).toEqual([w?.waiterId]);
      }
      held = (await w?.take(1, LEASE)) as LeaseGrant;
      expect(held.ok).toBe(true);
      expect(await log.take()).toEqual([]); // nothing left over to hand on
      owner = w;
    }
    // Each waiter's own store heard its wake-up(s), through its own subscriber connection.
    for (let i = 0; i < 100 && woken.some((n) => n === 0); i++) await roundTrips();
    expect(woken).toEqual([1, 2, 1, 1]);
    await owner?.release(held.id);
    expect(await log.take()).toEqual([newcomer?.waiterId]); // the newcomer queued at its refusal, behind them all
  });

  it("an instance's several waiting calls keep its place; its last one cancelled gives the place up at once", async () => {
    const apiKey = key();
    const prefix = `${providerKeyPrefix('gemini', apiKey)}:slots`;
    const log = await wakeLog(connect(), connect(), prefix);
    const [holderStore, aStore, bStore] = await leaseStores(apiKey, 3);
    const gate = (store: typeof aStore) => new SlotGate({ store: store as NonNullable<typeof aStore>, clock, limit: () => 1, leaseMs: () => LEASE });
    const holder = await gate(holderStore).acquire();
    const a = gate(aStore);
    const got: string[] = [];
    const abort = new AbortController();
    const calls = [a.acquire(), a.acquire(abort.signal)].map((p, i) => p.then((l) => (got.push(`a${i}`), l)));
    const redis = connect();
    for (let i = 0; i < 100 && (await redis.zcard(`${prefix}:waiters`)) === 0; i++) await roundTrips();
    const b = gate(bStore).acquire();
    for (let i = 0; i < 100 && (await redis.zcard(`${prefix}:waiters`)) < 2; i++) await roundTrips();
    expect(await redis.zrange(`${prefix}:waiters`, 0, -1)).toEqual([aStore?.waiterId, bStore?.waiterId]);
    holder.release();
    const first = (await Promise.race(calls)) as Lease;
    expect(got).toHaveLength(1);
    // a's other call still waits: a kept its place ahead of b
    expect(await redis.zrange(`${prefix}:waiters`, 0, -1)).toEqual([aStore?.waiterId, bStore?.waiterId]);
    abort.abort(new Error('cancelled'));
    await Promise.allSettled(calls);
    for (let i = 0; i < 100 && (await redis.zcard(`${prefix}:waiters`)) === 2; i++) await roundTrips();
    expect(await redis.zrange(`${prefix}:waiters`, 0, -1)).toEqual([bStore?.waiterId]);
    await log.take();
    first.release();
    expect(await log.take()).toEqual([bStore?.waiterId]);
    (await b).release();
  });

  it('a lost slot wake-up is recovered by the re-check timer', async () => {
    const apiKey = key();
    const virtual = new VirtualClock(Date.now());
    const [holder, waiter] = await leaseStores(apiKey, 2, virtual);
    const held = (await holder?.take(1, LEASE)) as LeaseGrant;
    let lease: Lease | undefined;
    void new SlotGate({ store: waiter as NonNullable<typeof waiter>, clock: virtual, limit: () => 1, leaseMs: () => LEASE })
      .acquire()
      .then((l) => (lease = l));
    const redis = connect();
    const slots = `${providerKeyPrefix('gemini', apiKey)}:slots`;
    for (let i = 0; i < 100 && (await redis.zcard(`${slots}:waiters`)) === 0; i++) await roundTrips();
    await redis.zrem(slots, held.id); // the slot freed, its wake-up lost (as over a reconnect)
    await roundTrips();
    expect(lease).toBeUndefined();
    await virtual.advance(LEASE_RECHECK_MS);
    for (let i = 0; i < 100 && !lease; i++) await roundTrips();
    expect(lease).toBeDefined();
    expect(await redis.zcard(slots)).toBe(1);
  });

  async function breakerStores(apiKey: string, n: number, at = clock) {
    return Promise.all(Array.from({ length: n }, async () => (await instance()).providerFor('gemini', apiKey, at).breaker as RedisBreakerStore));
  }

  it('a closing breaker wakes the instance that saw it open first; each one that follows wakes the next', async () => {
    const apiKey = key();
    const prefix = `${providerKeyPrefix('gemini', apiKey)}:breaker`;
    const log = await wakeLog(connect(), connect(), prefix, prefix);
    const s = await breakerStores(apiKey, 4);
    const woken = s.map(() => 0);
    s.forEach((b, i) => b.onChange(() => (woken[i] = (woken[i] ?? 0) + 1)));
    const open = await s[0]?.set(0, opened(60_000));
    expect(open?.ok).toBe(true);
    expect(await log.take()).toEqual([BROADCAST]); // an opening stops everyone at once
    const order = [2, 0, 3, 1];
    for (const i of order) expect((await s[i]?.read(`i${i}`))?.state).toBe('open');
    expect(await log.take()).toEqual([]);
    await roundTrips();
    woken.fill(0);
    const reset = await s[1]?.set(open?.current.generation ?? -1, closed);
    expect(reset?.ok).toBe(true);
    for (const [n, i] of order.entries()) {
      expect(await log.take()).toEqual([s[i]?.waiterId]); // one at a time, never everyone
      expect((await s[i]?.read(`i${i}`))?.state).toBe('closed'); // its read leaves the queue and hands the wake-up on
      if (n === order.length - 1) expect(await log.take()).toEqual([]);
    }
    for (let i = 0; i < 100 && woken.some((n) => n === 0); i++) await roundTrips();
    expect(woken).toEqual([1, 1, 1, 1]);
  });

  it('after the cooldown the half-open probe goes to the first in line; a later claimant wakes it instead', async () => {
    const apiKey = key();
    const prefix = `${providerKeyPrefix('gemini', apiKey)}:breaker`;
    const log = await wakeLog(connect(), connect(), prefix, prefix);
    const s = await breakerStores(apiKey, 3);
    const open = await s[0]?.set(0, opened(200));
    for (const i of [1, 2, 0]) await s[i]?.read(`i${i}`);
    await log.take();
    const until = open?.current.until ?? 0;
    // Wait on Redis's clock (the one the cooldown runs on) until the cooldown is over.
    const redis = connect();
    const serverNow = async () => {
      const [sec, us] = await redis.time();
      return Number(sec) * 1000 + Math.floor(Number(us) / 1000);
    };
    const serverUntil = until + ((await serverNow()) - clock.now());
    for (let i = 0; i < 200 && (await serverNow()) <= serverUntil + 20; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await s[2]?.claimProbe('i2', 5_000)).toBe(false);
    expect(await log.take()).toEqual([s[1]?.waiterId]);
    expect(await s[0]?.claimProbe('i0', 5_000)).toBe(false);
    expect(await s[1]?.claimProbe('i1', 5_000)).toBe(true);
  });

  it('a lost breaker wake-up is recovered by the re-check timer', async () => {
    const apiKey = key();
    const virtual = new VirtualClock(Date.now());
    const [store] = await breakerStores(apiKey, 1, virtual);
    const [f] = breakerFleet(1, () => store as NonNullable<typeof store>, virtual, fleetParams);
    try {
      const open = await store?.set(0, opened(null));
      for (let i = 0; i < 100 && f?.breaker.state !== 'open'; i++) await roundTrips();
      expect(f?.breaker.state).toBe('open');
      // The fleet closes, its wake-up lost: written as the close script would, without the publish.
      const redis = connect();
      await redis.hset(`${providerKeyPrefix('gemini', apiKey)}:breaker`, 'gen', (open?.current.generation ?? 0) + 1, 'state', 'closed');
      await roundTrips();
      expect(f?.breaker.state).toBe('open');
      await virtual.advance(BREAKER_RECHECK_MS);
      for (let i = 0; i < 100 && f?.breaker.state !== 'closed'; i++) await roundTrips();
      expect(f?.breaker.state).toBe('closed');
    } finally {
      f?.sync.stop();
    }
  });
});
