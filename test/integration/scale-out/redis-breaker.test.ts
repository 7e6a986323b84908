// The fleet's breaker on a real redis-server: quorum, auth at once, one probe fleet-wide (SET NX PX), the operator's
// hand on every instance, and compare-and-set under racing instances.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { RealClock } from '../../../electron/engine/clock';
import type { FleetChange } from '../../../electron/engine/shared/breaker-store';
import { connectSharedQuota, type SharedQuota } from '../../../electron/engine/shared/shared-quota';
import { breakerFleet, failure, fleetParams, okOutcome, type FleetInstance } from '../../helpers/breaker-fleet';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';

const clock = new RealClock();
const params = { ...fleetParams, cooldownMs: 300 };
const open: FleetChange = { state: 'open', cooldownMs: 300, forced: false, cause: 'test', tripCause: '5xx' };

/** Waits (bounded) until `cond` holds; the assertion after it says what was expected. */
async function until(cond: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}

describeWithRedis('RedisBreakerStore on a real redis-server', () => {
  let server: RedisServer;
  const conns: SharedQuota[] = [];
  let fleet: FleetInstance[] = [];
  let n = 0;
  const key = () => `breaker-key-${++n}`;

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    fleet.forEach((f) => f.sync.stop());
    fleet = [];
    await Promise.all(conns.splice(0).map((q) => q.close()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function stores(count: number, apiKey: string) {
    const qs = await Promise.all(Array.from({ length: count }, () => connectSharedQuota(server.url)));
    conns.push(...qs);
    return qs.map((q) => q.providerFor('gemini', apiKey, clock).breaker);
  }

  async function setup(count = 4) {
    const s = await stores(count, key());
    fleet = breakerFleet(count, (i) => s[i] as (typeof s)[number], clock, params);
    await Promise.all(fleet.map((f) => f.sync.refresh())); // every instance counted live
    return s;
  }
  const states = () => fleet.map((f) => f.breaker.state);
  const trip = (f: FleetInstance | undefined) => [1, 2].forEach(() => f?.call(failure('server', 500)));

  it('one instance seeing failures stays alone; a majority opens every instance', async () => {
    const s = await setup();
    trip(fleet[0]);
    await new Promise((r) => setTimeout(r, 100));
    expect((await s[3]?.read('instance-3'))?.state).toBe('closed');
    expect(states()).toEqual(['open', 'closed', 'closed', 'closed']);
    trip(fleet[1]);
    trip(fleet[2]);
    await until(() => states().every((x) => x === 'open'));
    expect(states()).toEqual(['open', 'open', 'open', 'open']);
  });

  it('auth opens the fleet at once; after the cooldown one instance alone probes, and its success closes all', async () => {
    await setup();
    fleet[2]?.call(failure('auth', 403));
    await until(() => states().every((x) => x === 'open'));
    expect(states()).toEqual(['open', 'open', 'open', 'open']);
    await until(() => states().includes('half_open'));
    await new Promise((r) => setTimeout(r, 100)); // room for a second (wrong) prober to appear
    expect(states().filter((x) => x === 'half_open')).toHaveLength(1);
    fleet.find((f) => f.breaker.state === 'half_open')?.call(okOutcome);
    await until(() => states().every((x) => x === 'closed'));
    expect(states()).toEqual(['closed', 'closed', 'closed', 'closed']);
  });

  it("force-open and reset by one operator reach every instance as the operator's (forced) transitions", async () => {
    await setup();
    fleet[0]?.breaker.forceOpen();
    await until(() => states().every((x) => x === 'open'));
    expect(fleet.map((f) => f.log.at(-1))).toEqual(fleet.map(() => expect.objectContaining({ to: 'open', forced: true })));
    fleet[3]?.breaker.reset();
    await until(() => states().every((x) => x === 'closed'));
    expect(fleet.map((f) => f.log.at(-1))).toEqual(fleet.map(() => expect.objectContaining({ to: 'closed', forced: true })));
  });

  it('eight racing compare-and-sets from one generation: exactly one applies; eight probe claims: exactly one wins', async () => {
    const s = await stores(8, key());
    const base = (await s[0]?.read('x'))?.generation ?? -1;
    const results = await Promise.all(s.map((b) => b.set(base, open)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(new Set(results.map((r) => r.current.generation))).toEqual(new Set([base + 1]));
    await new Promise((r) => setTimeout(r, 350)); // the cooldown (Redis TIME) runs out
    const claims = await Promise.all(s.map((b, i) => b.claimProbe(`i${i}`, 5_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
