// The fleet's breaker (docs/scale-out.md "Shared breaker") on virtual time: four breakers over one local store behave
// as four instances over Redis.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../electron/engine/clock';
import { LocalBreakerStore } from '../../../../electron/engine/shared/breaker-store';
import { breakerFleet, failure, fleetParams, okOutcome, type FleetInstance } from '../../../helpers/breaker-fleet';

let fleet: FleetInstance[] = [];
afterEach(() => fleet.forEach((f) => f.sync.stop()));

async function setup(n = 4) {
  const clock = new VirtualClock(0);
  const store = new LocalBreakerStore(clock);
  fleet = breakerFleet(n, () => store, clock);
  await clock.advance(0);
  return { clock, store };
}

const trip = (f: FleetInstance) => {
  f.call(failure('server', 500));
  f.call(failure('server', 500));
};
const states = () => fleet.map((f) => f.breaker.state);

describe('shared breaker over one store', () => {
  it('one instance with a bad path opens only itself; a majority of live instances opens the fleet', async () => {
    const { clock, store } = await setup();
    trip(fleet[0] as FleetInstance);
    await clock.advance(0);
    expect(states()).toEqual(['open', 'closed', 'closed', 'closed']);
    expect(store.read('instance-0').state).toBe('closed');
    trip(fleet[1] as FleetInstance);
    await clock.advance(0);
    expect(states()).toEqual(['open', 'open', 'closed', 'closed']); // 2 of 4 is not more than half
    trip(fleet[2] as FleetInstance);
    await clock.advance(0);
    expect(states()).toEqual(['open', 'open', 'open', 'open']);
    expect((fleet[3] as FleetInstance).log.at(-1)).toMatchObject({ to: 'open', forced: false });
  });

  it('rejected credentials on one instance open the fleet at once', async () => {
    const { clock } = await setup();
    (fleet[2] as FleetInstance).call(failure('auth', 401));
    await clock.advance(0);
    expect(states()).toEqual(['open', 'open', 'open', 'open']);
    expect((fleet[0] as FleetInstance).breaker.openedBy).toBe('auth');
  });

  it('after the cooldown exactly one instance probes for the fleet; its success closes every instance', async () => {
    const { clock } = await setup();
    (fleet[0] as FleetInstance).call(failure('auth', 401));
    await clock.advance(fleetParams.cooldownMs + 2_000);
    expect(states().filter((s) => s === 'half_open')).toHaveLength(1);
    expect(fleet.filter((f) => f.breaker.isAccepting(clock.now()))).toHaveLength(1);
    const prober = fleet.find((f) => f.breaker.state === 'half_open') as FleetInstance;
    expect(prober.call(okOutcome)).toBe(true);
    await clock.advance(0);
    expect(states()).toEqual(['closed', 'closed', 'closed', 'closed']);
  });

  it('a failed fleet probe reopens every instance for another cooldown', async () => {
    const { clock } = await setup();
    (fleet[0] as FleetInstance).call(failure('auth', 401));
    await clock.advance(fleetParams.cooldownMs + 2_000);
    const prober = fleet.find((f) => f.breaker.state === 'half_open') as FleetInstance;
    prober.call(failure('overloaded', 503));
    await clock.advance(0);
    expect(states()).toEqual(['open', 'open', 'open', 'open']);
    await clock.advance(fleetParams.cooldownMs / 2);
    expect(states().filter((s) => s === 'half_open')).toHaveLength(0);
    await clock.advance(fleetParams.cooldownMs / 2 + 2_000);
    expect(states().filter((s) => s === 'half_open')).toHaveLength(1);
  });

  it("an operator's force-open and reset on one instance apply to all; only the acting one's transition is its own", async () => {
    const { clock } = await setup();
    (fleet[1] as FleetInstance).breaker.forceOpen();
    await clock.advance(0);
    expect(states()).toEqual(['open', 'open', 'open', 'open']);
    // Every follower's transition is marked forced: the API audits only the acting instance's command, once.
    for (const f of fleet) expect(f.log.at(-1)).toMatchObject({ to: 'open', forced: true });
    await clock.advance(10 * fleetParams.cooldownMs);
    expect(states()).toEqual(['open', 'open', 'open', 'open']); // forced: no half-open
    (fleet[3] as FleetInstance).breaker.reset();
    await clock.advance(0);
    expect(states()).toEqual(['closed', 'closed', 'closed', 'closed']);
    for (const f of fleet) expect(f.log.at(-1)).toMatchObject({ to: 'closed', forced: true });
  });

  it('an instance that stopped reading is no longer counted live: the two left form the quorum', async () => {
    const { clock, store } = await setup();
    (fleet[2] as FleetInstance).sync.stop();
    (fleet[3] as FleetInstance).sync.stop();
    await clock.advance(12_000);
    trip(fleet[0] as FleetInstance);
    trip(fleet[1] as FleetInstance);
    await clock.advance(0);
    expect(store.read('instance-0')).toMatchObject({ state: 'open', forced: false });
  });
});
