// Parking: when the primary is down and the fallback can't take the work, a call waits for the primary's breaker
// instead of ending undetermined, holding no slot and no quota, in arrival order, within PARK_MAX_MINUTES.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type EngineConfig } from '../../../shared/config';
import type { LlmRequest } from '../../../shared/provider';
import type { EngineEvent } from '../../../shared/telemetry';
import { VirtualClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { seededRng } from '../../../electron/engine/rng';
import { ScriptedProvider } from './scripted-provider';

const g = DEFAULT_CONFIG.providers.gemini;
const base: EngineConfig = {
  ...DEFAULT_CONFIG,
  stagger: { enabled: false, minMs: 0, maxMs: 0 },
  providers: { ...DEFAULT_CONFIG.providers, gemini: { ...g, breaker: { ...g.breaker, minCalls: 1 } } },
};
/** A scanned report: Groq (no PDF reading) can't judge it, so only Gemini can. */
const scanned: LlmRequest = {
  kind: 'pdf',
  system: 's',
  prompt: 'p',
  schema: { type: 'object' },
  maxOutputTokens: 100,
  pdf: { bytes: new Uint8Array(4), text: null, pages: 1 },
};

function setup(parkMaxMinutes = 30, maxCallsPerSubmission = base.maxCallsPerSubmission) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 17, 0, 0));
  const gemini = new ScriptedProvider('gemini', clock);
  const groq = new ScriptedProvider('groq', clock);
  groq.supportsPdf = false;
  const engine = new Engine({ config: { ...base, parkMaxMinutes, maxCallsPerSubmission }, clock, rng: seededRng(1), adapters: { gemini, groq } });
  const events: EngineEvent[] = [];
  engine.events.on((e) => events.push(e));
  const budgets = new Map<string, ReturnType<Engine['newBudget']>>();
  const call = (id: string, signal?: AbortSignal) => {
    const budget = engine.newBudget(id);
    budgets.set(id, budget);
    return engine.call({ submissionId: id, budget, request: scanned, signal });
  };
  const snap = () => engine.providerSnapshots()[0];
  return { clock, gemini, groq, engine, events, call, snap, budgets };
}

describe('parking', () => {
  it('a call parks while the primary is down, holds nothing, and answers from it once the breaker lets a probe through', async () => {
    const { clock, gemini, call, snap, budgets } = setup();
    gemini.always = { kind: 'overloaded', status: 503 };
    const t0 = clock.now();
    const pending = call('a');
    let settled = false;
    void pending.then(() => (settled = true));
    await clock.advance(20_000);
    expect(settled).toBe(false);
    expect(gemini.log).toHaveLength(1); // the first attempt opened the breaker; no retry into the open circuit
    expect(snap()).toMatchObject({ parked: 1, inFlight: 0, queued: 0, breaker: { state: 'open' } });
    expect(snap()?.parkedReason).toMatch(/^waiting for Gemini: breaker open, probe in \d+ s$/);
    gemini.always = null;
    const r = await clock.run(pending);
    expect(r).toMatchObject({ status: 'ok', provider: 'gemini' });
    // Woken by the half-open transition (cooldown 60 s after the trip at 1 s), not by polling: one more request.
    expect(gemini.log.map((x) => x.at - t0)).toEqual([0, 61_000]);
    expect(snap()).toMatchObject({ parked: 0, parkedReason: null, breaker: { state: 'closed' } });
    // Parking costs nothing: the 503 and the answer are the only charges.
    expect(budgets.get('a')?.used).toBe(2);
  });

  it('rejected credentials are no outage: the calls end undetermined at once, none parks', async () => {
    const { clock, gemini, call, snap } = setup();
    gemini.always = { kind: 'auth', status: 401 };
    const t0 = clock.now();
    // More calls than one minute admits: those still queued in the limiter when the 401 drains it must not park.
    const results = await clock.run(Promise.all(Array.from({ length: 150 }, (_, i) => call(`s${i}`))));
    expect(clock.now() - t0).toBeLessThan(60_000); // no wait for a cooldown that a rejected key would not survive
    for (const r of results) expect(r).toMatchObject({ status: 'undetermined', reason: expect.stringMatching(/gemini/) });
    expect(snap()).toMatchObject({ parked: 0, breaker: { state: 'open', lastTripCause: 'auth' } });
  });

  it('parked calls keep their place: after the recovery the primary receives them in arrival order', async () => {
    const { clock, gemini, call, snap } = setup();
    gemini.always = { kind: 'overloaded', status: 503 };
    const first = call('trip');
    await clock.advance(5_000);
    const later = ['b', 'c', 'd'].map((id) => call(id));
    await clock.advance(1_000);
    expect(snap()?.parked).toBe(4);
    const order: string[] = [];
    gemini.always = null;
    const all = [first, ...later].map((p, i) => p.then(() => order.push(['trip', 'b', 'c', 'd'][i] as string)));
    await clock.run(Promise.all(all));
    expect(order).toEqual(['trip', 'b', 'c', 'd']);
    expect(gemini.log).toHaveLength(5); // one 503, then one request per parked call
  });

  it('gives up after PARK_MAX_MINUTES with the reason, and PARK_MAX_MINUTES=0 falls back at once as before', async () => {
    const parked = setup(5, 100); // a budget that outlasts the probes, so the horizon is what ends the wait
    parked.gemini.always = { kind: 'overloaded', status: 503 };
    const t0 = parked.clock.now();
    const r = await parked.clock.run(parked.call('a'));
    expect(r).toEqual({ status: 'undetermined', reason: 'gemini breaker open, groq cannot read this request' });
    expect(parked.gemini.log.length).toBeLessThanOrEqual(1 + 5); // the trip, then one probe per cooldown
    expect(parked.clock.now() - t0).toBeGreaterThanOrEqual(5 * 60_000);
    expect(parked.clock.now() - t0).toBeLessThan(7 * 60_000);
    expect(parked.snap()?.parked).toBe(0);

    const now = setup(0);
    now.gemini.always = { kind: 'overloaded', status: 503 };
    const t1 = now.clock.now();
    const r0 = await now.clock.run(now.call('a'));
    expect(r0).toEqual({ status: 'undetermined', reason: 'gemini breaker open, groq cannot read this request' });
    expect(now.clock.now() - t1).toBeLessThan(1_000 + 2_000); // the first answer, then one retry delay at most
    expect(now.budgets.get('a')?.used).toBe(1);
  });

  it("an operator's forced-open breaker is not an outage: the call ends undetermined at once", async () => {
    const { clock, engine, gemini, call, snap } = setup();
    engine.forceOpen('gemini');
    const t0 = clock.now();
    expect(await clock.run(call('a'))).toEqual({ status: 'undetermined', reason: 'gemini breaker open, groq cannot read this request' });
    expect(clock.now()).toBe(t0);
    expect(gemini.log).toHaveLength(0);
    expect(snap()?.parked).toBe(0);
  });

  it('cancel ends a parked call at once and leaves nothing parked', async () => {
    const { clock, gemini, call, snap } = setup();
    gemini.always = { kind: 'overloaded', status: 503 };
    const ac = new AbortController();
    const pending = call('a', ac.signal);
    const outcome = pending.then(
      () => 'resolved',
      (e: unknown) => (e instanceof DOMException ? e.name : 'other'),
    );
    await clock.advance(10_000);
    expect(snap()?.parked).toBe(1);
    ac.abort(new DOMException('The batch was cancelled.', 'AbortError'));
    expect(await outcome).toBe('AbortError');
    expect(snap()?.parked).toBe(0);
  });

  it('a call queued at the fallback only because the primary was down goes back to it when it recovers', async () => {
    const { clock, gemini, groq, engine } = setup();
    groq.supportsPdf = true;
    gemini.always = { kind: 'overloaded', status: 503 };
    const theme: LlmRequest = { ...scanned, kind: 'theme', pdf: undefined };
    const call = (id: string) => engine.call({ submissionId: id, budget: engine.newBudget(id), request: theme });
    await clock.run(call('trip')); // Gemini trips; Groq answers
    expect(groq.log).toHaveLength(1);
    // Past Groq's burst (20 RPM): the rest queue there, about 75 s of work, within the horizon.
    const queued = Array.from({ length: 45 }, (_, i) => call(`q${i}`));
    await clock.advance(30_000);
    gemini.always = null;
    const results = await clock.run(Promise.all(queued));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    // Those still waiting for Groq's quota when Gemini's probe succeeded were answered by Gemini.
    expect(results.filter((r) => r.status === 'ok' && r.provider === 'gemini').length).toBeGreaterThan(0);
    expect(groq.log.length + gemini.log.length).toBe(1 + 1 + 45);
  });

  it('the batch end learns of the outage and waits for the recovery itself, not for a poll', async () => {
    const { clock, engine, gemini, call, events } = setup(0);
    const t0 = clock.now();
    expect(engine.hadOutageSince(t0)).toBe(false);
    gemini.always = { kind: 'overloaded', status: 503 };
    await clock.run(call('a'));
    expect(engine.hadOutageSince(t0)).toBe(true);
    gemini.always = null;
    let recoveredAt: number | null = null;
    const wait = engine.whenRecovered(t0 + 30 * 60_000).then(() => (recoveredAt = clock.now()));
    await clock.advance(30_000); // still open: nothing to do yet
    expect(recoveredAt).toBeNull();
    // Half-open is the time to go: only a probe closes the circuit, and the batch end's own calls are those probes
    // (waiting for CLOSED with no traffic would wait for the whole horizon).
    await clock.run(wait);
    const halfOpen = events.find((e) => e.type === 'breaker_transition' && e.to === 'half_open');
    expect(recoveredAt).toBe(halfOpen?.at);
    await clock.run(call('probe'));
    expect(events.some((e) => e.type === 'breaker_transition' && e.to === 'closed')).toBe(true);
    // Forced open by the operator is no outage: nothing to wait for.
    engine.forceOpen('gemini');
    const before = clock.now();
    await clock.run(engine.whenRecovered(before + 60_000));
    expect(clock.now()).toBe(before);
  });
});
