// The fleet's learned rate (docs/scale-out.md "Shared rate") on virtual time: eight instances over one local store.
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../electron/engine/clock';
import type { ProviderState } from '../../../../electron/engine/provider-state';
import { LocalBreakerStore } from '../../../../electron/engine/shared/breaker-store';
import { LocalLeaseStore } from '../../../../electron/engine/shared/lease-store';
import { LocalRateStore } from '../../../../electron/engine/shared/rate-store';
import { geminiConfig, rateFleet, rpmLimits, stopAll, unexplained429 } from '../../../helpers/rate-fleet';

let fleet: ProviderState[] = [];
afterEach(() => stopAll(fleet));

async function setup(n = 8) {
  const clock = new VirtualClock(0);
  const stores = { leases: new LocalLeaseStore(clock), breaker: new LocalBreakerStore(clock), rate: new LocalRateStore(clock) };
  fleet = rateFleet(n, (i) => ({ instanceId: `i${i}`, ...stores }), clock);
  await clock.advance(0);
  return { clock, rate: stores.rate };
}

const { decrease } = geminiConfig.aimd;
const full = geminiConfig.rpm * geminiConfig.safetyFactor;

describe('shared rate over one store', () => {
  it('one burst of 429s seen by eight instances cuts the rate once, everywhere', async () => {
    const { clock, rate } = await setup();
    await clock.advance(1_000);
    for (const s of fleet) s.feedback.onFailure(unexplained429(1_000)); // all sent before the first decrease
    await clock.advance(0);
    expect(fleet.map((s) => s.feedback.rateFactor)).toEqual(fleet.map(() => decrease));
    expect(rpmLimits(fleet)).toEqual(fleet.map(() => full * decrease));
    expect(rate.read().generation).toBe(1);
  });

  it('an instance that already heard of the decrease ignores its own 429 for a request sent before it', async () => {
    const { clock, rate } = await setup();
    await clock.advance(1_000);
    for (const s of fleet) {
      s.feedback.onFailure(unexplained429(1_000));
      await clock.advance(0); // the decrease reaches every instance before the next 429 arrives
    }
    expect(fleet.map((s) => s.feedback.rateFactor)).toEqual(fleet.map(() => decrease));
    expect(rate.read().generation).toBe(1);
  });

  it('a second burst, sent after the first decrease, cuts once more', async () => {
    const { clock } = await setup();
    await clock.advance(1_000);
    for (const s of fleet) s.feedback.onFailure(unexplained429(1_000));
    await clock.advance(5_000);
    for (const s of fleet) s.feedback.onFailure(unexplained429(1_000));
    await clock.advance(0);
    expect(fleet.map((s) => s.feedback.rateFactor)).toEqual(fleet.map(() => decrease * decrease));
  });

  it('a limit the server named caps every instance, only ever lower, until an operator changes the limits', async () => {
    const { clock } = await setup(3);
    const [a, b, c] = fleet as [ProviderState, ProviderState, ProviderState];
    a.feedback.onFailure(unexplained429(1, 8));
    await clock.advance(0);
    expect(rpmLimits(fleet)).toEqual(fleet.map(() => 8 * geminiConfig.safetyFactor));
    b.feedback.onFailure(unexplained429(1, 12)); // higher: not a raise
    await clock.advance(0);
    expect(rpmLimits(fleet)).toEqual(fleet.map(() => 8 * geminiConfig.safetyFactor));
    c.setConfig({ ...geminiConfig, rpm: geminiConfig.rpm + 1 }); // the operator's new limits
    await clock.advance(0);
    expect(rpmLimits([a, b])).toEqual([full, full]);
  });
});
