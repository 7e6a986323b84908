// Concurrency leases (docs/scale-out.md "Concurrency leases") on virtual time: N gates over one local lease store
// behave as N instances over one shared store.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../electron/engine/clock';
import { LocalLeaseStore } from '../../../../electron/engine/shared/lease-store';
import { LEASE_RECHECK_MS, SlotGate, type Lease } from '../../../../electron/engine/shared/slot-gate';

const LEASE = 20_000;

function gate(store: LocalLeaseStore, clock: VirtualClock, limit = 3): SlotGate {
  return new SlotGate({ store, clock, limit: () => limit, leaseMs: () => LEASE });
}

describe('SlotGate over one LocalLeaseStore', () => {
  it('four instances holding calls of 5 s never have more than the limit in flight, and every call runs', async () => {
    const clock = new VirtualClock();
    const store = new LocalLeaseStore(clock);
    const gates = Array.from({ length: 4 }, () => gate(store, clock));
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    await clock.run(
      Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const lease = await (gates[i % 4] as SlotGate).acquire();
          inFlight++;
          peak = Math.max(peak, inFlight);
          await clock.sleep(5_000);
          inFlight--;
          done++;
          lease.release();
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done).toBe(12);
  });

  it("a crashed instance's slots come back when its lease runs out, not before", async () => {
    const clock = new VirtualClock();
    const store = new LocalLeaseStore(clock);
    const t0 = clock.now();
    // The crashed instance took both slots and will never renew or release them.
    expect(store.take(2, LEASE).ok).toBe(true);
    expect(store.take(2, LEASE).ok).toBe(true);
    let grantedAt = -1;
    await clock.run(
      gate(store, clock, 2)
        .acquire()
        .then(() => (grantedAt = clock.now() - t0)),
    );
    expect(grantedAt).toBe(LEASE);
  });

  it('a running call renews its lease: it keeps the slot for many lease lengths and a waiter keeps waiting', async () => {
    const clock = new VirtualClock();
    const store = new LocalLeaseStore(clock);
    let holder: Lease | undefined;
    await clock.run(
      gate(store, clock, 1)
        .acquire()
        .then((l) => (holder = l)),
    );
    let waiterGot = false;
    const waiter = gate(store, clock, 1)
      .acquire()
      .then((l) => {
        waiterGot = true;
        return l;
      });
    await clock.advance(3 * LEASE);
    expect(await holder?.held()).toBe(true);
    expect(waiterGot).toBe(false);
    const t = clock.now();
    holder?.release();
    await clock.run(waiter);
    expect(waiterGot).toBe(true);
    expect(clock.now()).toBe(t); // woken by the release, not by the re-check
    expect(await holder?.held()).toBe(false);
  });

  it('an instance suspended past its lease no longer holds the slot, and another instance has it', async () => {
    const shared = new VirtualClock();
    const store = new LocalLeaseStore(shared);
    // The suspended instance's own timers (its renewals) stop with it: its clock does not move.
    const frozen = new VirtualClock(shared.now());
    let lease: Lease | undefined;
    await frozen.run(new SlotGate({ store, clock: frozen, limit: () => 1, leaseMs: () => LEASE }).acquire().then((l) => (lease = l)));
    expect(await lease?.held()).toBe(true);
    let other: Lease | undefined;
    await shared.run(
      gate(store, shared, 1)
        .acquire()
        .then((l) => (other = l)),
    );
    expect(shared.now() - frozen.now()).toBeGreaterThanOrEqual(LEASE);
    expect(await lease?.held()).toBe(false);
    expect(await other?.held()).toBe(true);
  });

  it('a waiter asks again within the re-check even when no release wakes it', async () => {
    const clock = new VirtualClock();
    const store = new LocalLeaseStore(clock);
    const first = store.take(1, LEASE);
    expect(first.ok).toBe(true);
    const takes: number[] = [];
    const spy = new Proxy(store, {
      get: (target, prop, receiver) => {
        if (prop === 'take') return (limit: number, ms: number) => (takes.push(clock.now()), target.take(limit, ms));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const t0 = clock.now();
    await clock.run(new SlotGate({ store: spy, clock, limit: () => 1, leaseMs: () => LEASE }).acquire());
    const gaps = takes.slice(1).map((t, i) => t - (takes[i] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(LEASE_RECHECK_MS);
    expect((takes.at(-1) as number) - t0).toBe(LEASE);
  });

  it('an aborted waiter leaves without taking a slot', async () => {
    const clock = new VirtualClock();
    const store = new LocalLeaseStore(clock);
    store.take(1, LEASE);
    const ac = new AbortController();
    const waiting = gate(store, clock, 1).acquire(ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await clock.advance(LEASE);
    expect(store.take(1, LEASE).ok).toBe(true);
  });
});
