// The learned rate as the console sees it (docs/console.md §15): each model's limiter in the snapshot, the AIMD cut
// with its cause and recovery, the limits a 429 named, the limits Groq's headers report, and the operator's
// "restore configured rate", alone and over a shared rate store, on virtual time.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/config';
import type { CallFailure } from '../../../shared/provider';
import { VirtualClock } from '../../../electron/engine/clock';
import { ProviderState } from '../../../electron/engine/provider-state';
import { seededRng } from '../../../electron/engine/rng';
import { LocalBreakerStore } from '../../../electron/engine/shared/breaker-store';
import { LocalLeaseStore } from '../../../electron/engine/shared/lease-store';
import { LocalRateStore } from '../../../electron/engine/shared/rate-store';
import type { EngineEvent } from '../../../shared/telemetry';
import { geminiConfig, rateFleet, rpmLimits, stopAll, unexplained429 } from '../../helpers/rate-fleet';

const groqConfig = DEFAULT_CONFIG.providers.groq;
const { decrease, increaseStep, cleanCallsToIncrease } = geminiConfig.aimd;
const full = geminiConfig.rpm * geminiConfig.safetyFactor;

function alone(provider: 'gemini' | 'groq' = 'gemini') {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 12));
  const events: EngineEvent[] = [];
  const cfg = provider === 'gemini' ? geminiConfig : groqConfig;
  const state = new ProviderState(provider, cfg, clock, seededRng(1), (e) => events.push(e), false);
  return { clock, events, state };
}

const namedTpm429 = (limitTokens: number): CallFailure => ({ ...unexplained429(1), quota: { limitTokens } });

let fleet: ProviderState[] = [];
afterEach(() => stopAll(fleet));

describe('the snapshot shows each model and the learned rate', () => {
  it("Groq's two models each keep their own limits: the provider's figures are their sum", () => {
    const { state } = alone('groq');
    const snap = state.snapshot();
    const each = groqConfig.rpm * groqConfig.safetyFactor;
    expect(snap.models.map((m) => [m.model, m.roles, m.rpmLimit])).toEqual([
      [groqConfig.textModel, ['text'], each],
      [groqConfig.visionModel, ['vision'], each],
    ]);
    expect(snap.rpmLimit).toBe(2 * each);
    expect(snap.tpmLimit).toBe(snap.models.reduce((s, m) => s + m.tpmLimit, 0));
    expect(snap.rpdLimit).toBe(snap.models.reduce((s, m) => s + m.rpdLimit, 0));
  });

  it("Gemini's one model serves text and vision", () => {
    expect(
      alone()
        .state.snapshot()
        .models.map((m) => [m.model, m.roles]),
    ).toEqual([[geminiConfig.textModel, ['text', 'vision']]]);
  });

  it('an unexplained 429 shows as a cut with its cause and time, and clean calls count toward the next step', async () => {
    const { clock, state } = alone();
    await clock.advance(1_000);
    const cutAt = clock.now();
    state.feedback.onFailure(unexplained429(1));
    for (let i = 0; i < 3; i++) state.feedback.onSuccess(geminiConfig.textModel, undefined);
    const r = state.snapshot().rate;
    expect(r).toMatchObject({ factor: decrease, cutAt, cutCause: 'unexplained 429s', cleanCalls: 3, increaseStep, cleanCallsToIncrease });
    expect(r.configuredRpm).toBe(full);
    expect(state.snapshot().models[0]?.rpmLimit).toBeCloseTo(full * decrease, 9);
  });

  it('recovering all the way to the configured rate clears the cut and its cause', () => {
    const { state } = alone();
    state.feedback.onFailure(unexplained429(1));
    const steps = Math.ceil((1 - decrease) / increaseStep) + 1;
    for (let i = 0; i < steps * cleanCallsToIncrease; i++) state.feedback.onSuccess(geminiConfig.textModel, undefined);
    expect(state.snapshot().rate).toMatchObject({ factor: 1, cutAt: null, cutCause: null, cleanCalls: 0 });
  });

  it('a limit named in a 429 body is shown as a cap with when it was learned', async () => {
    const { clock, state } = alone();
    await clock.advance(5_000);
    state.feedback.onFailure(namedTpm429(125_000));
    const snap = state.snapshot();
    expect(snap.rate).toMatchObject({ factor: 1, rpmCap: null, tpmCap: 125_000, capsAt: clock.now() });
    expect(snap.models[0]?.tpmLimit).toBe(125_000 * geminiConfig.safetyFactor);
  });

  it("a limit Groq's headers report, unlike the configured one, is listed; it goes once the headers agree again", () => {
    const { state } = alone('groq');
    const ok = (limitTokens: number) =>
      state.feedback.onSuccess(groqConfig.textModel, { remainingTokens: 5_000, limitTokens, remainingRequests: 900, limitRequests: groqConfig.rpd });
    ok(6_000);
    expect(state.snapshot().rate.reported).toEqual([{ model: groqConfig.textModel, dimension: 'TPM', limit: 6_000, configured: groqConfig.tpm }]);
    ok(groqConfig.tpm);
    expect(state.snapshot().rate.reported).toEqual([]);
  });
});

describe('restore configured rate', () => {
  it('drops the cut and the named caps: the limiter is back at configured × safety, and says so', async () => {
    const { clock, events, state } = alone();
    await clock.advance(1_000);
    state.feedback.onFailure(unexplained429(1));
    await clock.advance(1_000);
    state.feedback.onFailure(unexplained429(1));
    state.feedback.onFailure({ ...unexplained429(1, 60) });
    expect(state.snapshot().rate).toMatchObject({ factor: decrease * decrease, rpmCap: 60 });
    await state.restoreConfiguredRate();
    const snap = state.snapshot();
    expect(snap.rate).toMatchObject({ factor: 1, cutAt: null, cutCause: null, rpmCap: null, tpmCap: null, capsAt: null });
    expect(snap.models[0]?.rpmLimit).toBe(full);
    expect(snap.models[0]?.tpmLimit).toBe(geminiConfig.tpm * geminiConfig.safetyFactor);
    expect(events.filter((e) => e.type === 'quota_learned').at(-1)).toMatchObject({ detail: 'operator restored the configured rate (was 49%)' });
  });

  it("resets what the planner was told; what Groq's headers report stays listed until the headers agree again", async () => {
    const { events, state } = alone('groq');
    const ok = (model: string, limitTokens: number) =>
      state.feedback.onSuccess(model, { remainingTokens: 5_000, limitTokens, remainingRequests: 900, limitRequests: groqConfig.rpd });
    const reports = () => events.filter((e) => e.type === 'quota_learned' && e.detail.startsWith('server reports')).length;
    const listed = (...xs: [string, number][]) => xs.map(([model, limit]) => ({ model, dimension: 'TPM', limit, configured: groqConfig.tpm }));
    ok(groqConfig.textModel, 6_000);
    ok(groqConfig.textModel, 6_000);
    expect(state.feedback.learned()).toEqual({ tpm: 6_000, calls: 2 });
    await state.restoreConfiguredRate();
    expect(state.feedback.learned()).toEqual({ calls: 0 });
    expect(state.snapshot().rate.reported).toEqual(listed([groqConfig.textModel, 6_000]));
    ok(groqConfig.textModel, 6_000); // heard again: the planner is told again, the console learns nothing new
    expect(state.feedback.learned()).toEqual({ tpm: 6_000, calls: 1 });
    expect(reports()).toBe(1);
    ok(groqConfig.visionModel, 7_000); // the newest limit told is the planner's
    expect(state.feedback.learned()).toEqual({ tpm: 7_000, calls: 2 });
    ok(groqConfig.visionModel, groqConfig.tpm * 2); // above the settings: listed, not planned with
    expect(state.feedback.learned()).toEqual({ tpm: 6_000, calls: 2 });
    expect(state.snapshot().rate.reported).toEqual(listed([groqConfig.textModel, 6_000], [groqConfig.visionModel, groqConfig.tpm * 2]));
    ok(groqConfig.textModel, groqConfig.tpm);
    expect(state.feedback.learned()).toEqual({ calls: 2 });
    expect(state.snapshot().rate.reported).toEqual(listed([groqConfig.visionModel, groqConfig.tpm * 2]));
    expect(reports()).toBe(3);
  });

  it('a 429 for a request sent before the restore cuts nothing; one sent after does', async () => {
    const { clock, state } = alone();
    await clock.advance(1_000);
    state.feedback.onFailure(unexplained429(1));
    await clock.advance(1_000);
    await state.restoreConfiguredRate();
    await clock.advance(100);
    state.feedback.onFailure(unexplained429(500)); // sent 400 ms before the restore, at the old rate
    expect(state.feedback.rateFactor).toBe(1);
    await clock.advance(1_000);
    state.feedback.onFailure(unexplained429(100));
    expect(state.feedback.rateFactor).toBe(decrease);
  });

  it('leaves the breaker, a pause and the quota already used as they were', async () => {
    const { clock, state } = alone();
    const l = state.limiter(geminiConfig.textModel);
    await l.acquire(1_000);
    state.breaker.forceOpen();
    state.pause(clock.now() + 60_000, 'test');
    state.feedback.onFailure(unexplained429(1));
    const used = l.stats().rpm;
    expect(used).toBe(1);
    await state.restoreConfiguredRate();
    expect(state.breaker.snapshot()).toMatchObject({ state: 'open', forced: true });
    expect(state.pausedUntil()).toBe(clock.now() + 60_000);
    expect(l.stats().rpm).toBe(used);
  });

  it('over a shared rate store, one instance restores the whole fleet: factor and caps', async () => {
    const clock = new VirtualClock(0);
    const stores = { leases: new LocalLeaseStore(clock), breaker: new LocalBreakerStore(clock), rate: new LocalRateStore(clock) };
    fleet = rateFleet(3, (i) => ({ instanceId: `i${i}`, ...stores }), clock);
    await clock.advance(1_000);
    const [a, b] = fleet as [ProviderState, ProviderState];
    a.feedback.onFailure(unexplained429(1));
    b.feedback.onFailure(namedTpm429(125_000));
    await clock.advance(0);
    expect(fleet.map((s) => s.feedback.rateFactor)).toEqual([decrease, decrease, decrease]);
    await b.restoreConfiguredRate();
    await clock.advance(0);
    expect(fleet.map((s) => s.feedback.rateFactor)).toEqual([1, 1, 1]);
    expect(rpmLimits(fleet)).toEqual([full, full, full]);
    expect(fleet.map((s) => s.snapshot().rate.tpmCap)).toEqual([null, null, null]);
    expect(stores.rate.read()).toMatchObject({ factor: 1, caps: {} });
  });

  it('a fleet store out of reach: restored here, and the restore says it failed for the fleet', async () => {
    const clock = new VirtualClock(0);
    const rate = new LocalRateStore(clock);
    const stores = { leases: new LocalLeaseStore(clock), breaker: new LocalBreakerStore(clock), rate };
    fleet = rateFleet(1, (i) => ({ instanceId: `i${i}`, ...stores }), clock);
    await clock.advance(1_000);
    const [a] = fleet as [ProviderState];
    a.feedback.onFailure(unexplained429(1));
    await clock.advance(0);
    rate.clearCaps = () => {
      throw new Error('connection refused');
    };
    await expect(a.restoreConfiguredRate()).rejects.toThrow('connection refused');
    expect(a.feedback.rateFactor).toBe(1);
  });
});
