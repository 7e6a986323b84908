// Concurrency leases on a real redis-server: expiry by Redis TIME, a crashed instance's slots, and an instance
// suspended past its lease (its own timers stopped: its renewals never run).
import { expect, it } from 'vitest';
import { RealClock, VirtualClock } from '../../../electron/engine/clock';
import { SlotGate, type Lease } from '../../../electron/engine/shared/slot-gate';
import { describeWithRedis, sharedQuotaFixture } from '../../helpers/redis-server';

const LEASE = 400;

describeWithRedis('RedisLeaseStore on a real redis-server', () => {
  const { open, key, instance } = sharedQuotaFixture('lease-key'); // a fresh API key (so fresh Redis keys) per test

  it('eight instances racing for three slots: never more than three held, a refusal takes nothing, release frees one', async () => {
    const apiKey = key();
    const clock = new RealClock();
    const stores = await Promise.all(Array.from({ length: 8 }, async () => (await instance()).leasesFor('gemini', apiKey, clock)));
    const replies = await Promise.all(stores.map((s) => s.take(3, 60_000)));
    const granted = replies.flatMap((r, i) => (r.ok ? [{ id: r.id, store: stores[i] }] : []));
    expect(granted).toHaveLength(3);
    expect(new Set(granted.map((g) => g.id)).size).toBe(3);
    const refused = replies.find((r) => !r.ok);
    expect(refused && !refused.ok && refused.at).toBeGreaterThan(clock.now() + 50_000); // the first lease's end
    await granted[0]?.store?.release(granted[0].id);
    expect(await granted[0]?.store?.held(granted[0].id)).toBe(false);
    const again = await Promise.all(stores.map((s) => s.take(3, 60_000)));
    expect(again.filter((r) => r.ok)).toHaveLength(1);
  });

  it("a crashed instance's slot is refused until its lease runs out by the server's clock, then taken", async () => {
    const apiKey = key();
    const clock = new RealClock();
    const crashed = await instance();
    const held = await crashed.leasesFor('groq', apiKey, clock).take(1, LEASE);
    expect(held.ok).toBe(true);
    await crashed.close(); // gone without releasing
    open.splice(open.indexOf(crashed), 1);
    const other = (await instance()).leasesFor('groq', apiKey, clock);
    const refusal = await other.take(1, LEASE);
    expect(refusal.ok).toBe(false);
    let lease: Lease | undefined;
    await new SlotGate({ store: other, clock, limit: () => 1, leaseMs: () => LEASE }).acquire().then((l) => (lease = l));
    expect(await lease?.held()).toBe(true);
    lease?.release();
  });

  it("renewal keeps a running call's slot past its lease; a suspended instance loses it and the other gets it", async () => {
    const apiKey = key();
    const clock = new RealClock();
    const long = 10 * LEASE; // renewed every third of it, with room for a loaded machine
    const running = new SlotGate({ store: (await instance()).leasesFor('gemini', apiKey, clock), clock, limit: () => 2, leaseMs: () => long });
    const kept = await running.acquire();
    // Suspended: its clock's timers never fire (a VirtualClock nobody advances), so it never renews.
    const frozen = new VirtualClock(clock.now());
    const suspended = new SlotGate({
      store: (await instance()).leasesFor('gemini', apiKey, clock),
      clock: frozen,
      limit: () => 2,
      leaseMs: () => LEASE,
    });
    const lost = await suspended.acquire();
    const third = new SlotGate({ store: (await instance()).leasesFor('gemini', apiKey, clock), clock, limit: () => 2, leaseMs: () => LEASE });
    const got = await third.acquire(); // waits until the suspended one's lease runs out
    expect(await lost.held()).toBe(false);
    expect(await kept.held()).toBe(true);
    expect(await got.held()).toBe(true);
    kept.release();
    got.release();
  });
});
