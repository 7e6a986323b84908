// The fleet's learned rate on a real redis-server: eight instances (each its own connections) on one key.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { RealClock } from '../../../electron/engine/clock';
import type { ProviderState } from '../../../electron/engine/provider-state';
import { connectSharedQuota, type SharedQuota } from '../../../electron/engine/shared/shared-quota';
import { geminiConfig, rateFleet, rpmLimits, stopAll, unexplained429 } from '../../helpers/rate-fleet';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../helpers/redis-server';

const clock = new RealClock();

/** Waits (bounded) until `cond` holds; the assertion after it says what was expected. */
async function until(cond: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}

describeWithRedis('RedisRateStore on a real redis-server', () => {
  let server: RedisServer;
  const conns: SharedQuota[] = [];
  let fleet: ProviderState[] = [];
  let n = 0;

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    stopAll(fleet);
    fleet = [];
    await Promise.all(conns.splice(0).map((q) => q.close()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function setup(count: number) {
    const apiKey = `rate-key-${++n}`;
    const qs = await Promise.all(Array.from({ length: count }, () => connectSharedQuota(server.url)));
    conns.push(...qs);
    fleet = rateFleet(count, (i) => (qs[i] as SharedQuota).providerFor('gemini', apiKey, clock), clock);
    return qs[0]?.providerFor('gemini', apiKey, clock).rate;
  }

  it('one burst of 429s seen by eight instances at once cuts the fleet rate exactly once', async () => {
    const rate = await setup(8);
    await new Promise((r) => setTimeout(r, 50));
    for (const s of fleet) s.feedback.onFailure(unexplained429(2_000));
    const { decrease } = geminiConfig.aimd;
    await until(() => fleet.every((s) => s.feedback.rateFactor === decrease));
    await new Promise((r) => setTimeout(r, 100)); // room for a wrong second cut to show
    expect(fleet.map((s) => s.feedback.rateFactor)).toEqual(fleet.map(() => decrease));
    expect((await rate?.read())?.generation).toBe(1);
  });

  it('a named limit caps every instance and only lowers; an operator change clears it for all', async () => {
    await setup(3);
    const [a, b, c] = fleet as [ProviderState, ProviderState, ProviderState];
    const capped = 8 * geminiConfig.safetyFactor;
    a.feedback.onFailure(unexplained429(1, 8));
    await until(() => rpmLimits(fleet).every((l) => l === capped));
    b.feedback.onFailure(unexplained429(1, 12));
    await new Promise((r) => setTimeout(r, 100));
    expect(rpmLimits(fleet)).toEqual(fleet.map(() => capped));
    c.setConfig({ ...geminiConfig });
    const full = geminiConfig.rpm * geminiConfig.safetyFactor;
    await until(() => rpmLimits(fleet).every((l) => l === full));
    expect(rpmLimits(fleet)).toEqual(fleet.map(() => full));
  });

  it("an operator's restore on one instance brings every instance back to the configured rate, caps lifted", async () => {
    const rate = await setup(3);
    const [a, b, c] = fleet as [ProviderState, ProviderState, ProviderState];
    await new Promise((r) => setTimeout(r, 50));
    a.feedback.onFailure(unexplained429(2_000));
    b.feedback.onFailure(unexplained429(1, 8));
    const { decrease } = geminiConfig.aimd;
    await until(() => fleet.every((s) => s.feedback.rateFactor === decrease && s.snapshot().rate.rpmCap === 8));
    expect(fleet.map((s) => s.snapshot().rate.rpmCap)).toEqual([8, 8, 8]);
    await c.restoreConfiguredRate();
    const full = geminiConfig.rpm * geminiConfig.safetyFactor;
    await until(() => rpmLimits(fleet).every((l) => l === full));
    expect(fleet.map((s) => s.feedback.rateFactor)).toEqual([1, 1, 1]);
    expect(rpmLimits(fleet)).toEqual([full, full, full]);
    expect(await rate?.read()).toMatchObject({ factor: 1, caps: {} });
  });
});
