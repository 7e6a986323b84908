// The engine end to end on virtual time: retries, fallback, budgets, daily quota, breaker awareness, live config.
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, type EngineConfig } from '../../../shared/config';
import type { EngineEvent } from '../../../shared/telemetry';
import { VirtualClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { seededRng } from '../../../electron/engine/rng';
import { request, ScriptedProvider } from './scripted-provider';

const quiet: EngineConfig = {
  ...DEFAULT_CONFIG,
  stagger: { enabled: false, minMs: 0, maxMs: 0 },
};

function setup(config: EngineConfig = quiet) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 17, 0, 0)); // 09:00 PST
  const gemini = new ScriptedProvider('gemini', clock);
  const groq = new ScriptedProvider('groq', clock);
  const engine = new Engine({ config, clock, rng: seededRng(1), adapters: { gemini, groq } });
  const events: EngineEvent[] = [];
  engine.events.on((e) => events.push(e));
  const call = (id = 's1', budget = engine.newBudget(id), kind: 'theme' | 'pdf' | 'image' = 'theme', signal?: AbortSignal) =>
    engine.call({ submissionId: id, budget, request: request(kind), signal });
  return { clock, gemini, groq, engine, events, call };
}

describe('Engine.call', () => {
  it('answers from the primary and records the call against the budget', async () => {
    const { clock, engine, call, events } = setup();
    const budget = engine.newBudget('s1');
    const r = await clock.run(call('s1', budget));
    expect(r).toEqual({ status: 'ok', json: { verdict: 'pass', by: 'gemini' }, provider: 'gemini', model: 'gemini-2.5-pro' });
    expect(budget.used).toBe(1);
    expect(budget.calls).toMatchObject([{ provider: 'gemini', attempt: 1, outcome: 'ok', inputTokens: 100, outputTokens: 10, latencyMs: 1000 }]);
    expect(events.map((e) => e.type)).toEqual(['call_started', 'call_finished']);
  });

  it('honours the server-suggested retry delay exactly, then succeeds', async () => {
    const { clock, gemini, call, events } = setup();
    gemini.script = [{ kind: 'rate_limit', status: 429, retryAfterMs: 41_750, dimension: 'RPM' }];
    const t0 = clock.now();
    const r = await clock.run(call());
    expect(r.status).toBe('ok');
    expect(gemini.log.map((l) => l.at - t0)).toEqual([0, 1_000 + 41_750]);
    expect(events.filter((e) => e.type === 'http_429')).toHaveLength(1);
    expect(events.find((e) => e.type === 'provider_paused')).toMatchObject({ until: t0 + 42_750 });
  });

  it('backs off exponentially with full jitter when the server gives no hint, at most 3 attempts, then falls back', async () => {
    const { clock, gemini, groq, call, events, engine } = setup();
    gemini.always = { kind: 'overloaded', status: 503 };
    const budget = engine.newBudget('s1');
    const t0 = clock.now();
    const r = await clock.run(call('s1', budget));
    expect(r).toMatchObject({ status: 'ok', provider: 'groq' });
    const [a, b, c] = gemini.log.map((l) => l.at - t0);
    expect(gemini.log).toHaveLength(3);
    expect((b as number) - (a as number) - 1000).toBeLessThanOrEqual(2_000); // 2 s × 2^0, full jitter
    expect((c as number) - (b as number) - 1000).toBeLessThanOrEqual(4_000); // 2 s × 2^1
    expect(groq.log).toHaveLength(1);
    expect(budget.used).toBe(4); // retries and the fallback all count
    expect(events.find((e) => e.type === 'fallback')).toMatchObject({ from: 'gemini', to: 'groq', reason: 'gemini overloaded after 3 attempts' });
  });

  it('does not retry a daily quota: marks the provider exhausted until midnight Pacific and falls back', async () => {
    const { clock, gemini, groq, call, events } = setup();
    gemini.script = [{ kind: 'daily_quota', status: 429, retryAfterMs: 20_000, dimension: 'RPD' }];
    const r = await clock.run(call());
    expect(r).toMatchObject({ status: 'ok', provider: 'groq' });
    expect(gemini.log).toHaveLength(1);
    expect(events.find((e) => e.type === 'provider_exhausted')).toMatchObject({ provider: 'gemini', until: Date.UTC(2026, 0, 6, 8, 0) });
    // The next request skips the exhausted provider without calling it.
    await clock.run(call('s2'));
    expect(gemini.log).toHaveLength(1);
    expect(groq.log).toHaveLength(2);
  });

  it('stops retrying when the breaker opens and falls back', async () => {
    const cfg: EngineConfig = {
      ...quiet,
      providers: {
        ...quiet.providers,
        gemini: { ...quiet.providers.gemini, breaker: { ...quiet.providers.gemini.breaker, minCalls: 1, threshold: 0.5 } },
      },
    };
    const { clock, gemini, groq, call, events } = setup(cfg);
    gemini.always = { kind: 'server', status: 500 };
    const r = await clock.run(call());
    expect(r).toMatchObject({ status: 'ok', provider: 'groq' });
    expect(gemini.log).toHaveLength(1); // the first failure opened the breaker: no retry into an open circuit
    expect(groq.log).toHaveLength(1);
    expect(events.find((e) => e.type === 'breaker_transition')).toMatchObject({ provider: 'gemini', to: 'open', tripCause: '5xx' });
  });

  it('stops when the budget runs out: undetermined with a plain reason, and a budget_spent event', async () => {
    const { clock, gemini, groq, call, engine, events } = setup({ ...quiet, maxCallsPerSubmission: 2 });
    gemini.always = { kind: 'timeout' };
    groq.always = { kind: 'timeout' };
    const budget = engine.newBudget('s1');
    const r = await clock.run(call('s1', budget));
    expect(r).toEqual({ status: 'undetermined', reason: 'budget exhausted (2 calls)' });
    expect(budget.used).toBe(2);
    expect(budget.calls).toHaveLength(2);
    expect(gemini.log.length + groq.log.length).toBe(2);
    expect(events.filter((e) => e.type === 'budget_spent')).toEqual([
      { type: 'budget_spent', at: clock.now(), submissionId: 's1', used: 2, budget: 2 },
    ]);
    // A spent budget never calls again.
    await clock.run(call('s1', budget, 'pdf'));
    expect(gemini.log.length + groq.log.length).toBe(2);
  });

  it('budget accounting is exact across three concurrent calls of one submission', async () => {
    const { clock, gemini, call, engine } = setup({ ...quiet, maxCallsPerSubmission: 5 });
    gemini.script = [
      { kind: 'server', status: 500 },
      { kind: 'server', status: 500 },
    ];
    const budget = engine.newBudget('s1');
    const results = await clock.run(Promise.all([call('s1', budget, 'theme'), call('s1', budget, 'pdf'), call('s1', budget, 'image')]));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(budget.used).toBe(5);
    expect(budget.calls).toHaveLength(5);
    expect(budget.remaining).toBe(0);
  });

  it('says why nothing could answer, provider by provider', async () => {
    const { clock, engine, call, gemini } = setup();
    engine.forceOpen('gemini');
    engine.setAdapter('groq', undefined);
    expect(await clock.run(call())).toEqual({ status: 'undetermined', reason: 'gemini breaker open, groq has no API key' });
    engine.resetBreaker('gemini');
    gemini.supportsPdf = false;
    const pdf = { ...request('pdf'), pdf: { bytes: new Uint8Array(1), text: null, pages: 1 } };
    const r = await clock.run(engine.call({ submissionId: 's', budget: engine.newBudget('s'), request: pdf }));
    expect(r).toEqual({ status: 'undetermined', reason: 'gemini cannot read this request, groq has no API key' });
  });

  it('auth failure marks the provider misconfigured; a new key clears it', async () => {
    const { clock, engine, gemini, call, events } = setup();
    gemini.script = [{ kind: 'auth', status: 401, message: 'API key not valid' }];
    expect(await clock.run(call())).toMatchObject({ status: 'ok', provider: 'groq' });
    expect(events.find((e) => e.type === 'provider_misconfigured')).toMatchObject({ provider: 'gemini' });
    expect(engine.providerSnapshots()[0]).toMatchObject({
      misconfigured: '401: API key not valid',
      breaker: { state: 'open', lastTripCause: 'auth' },
    });
    engine.setAdapter('gemini', gemini);
    expect(await clock.run(call('s2'))).toMatchObject({ status: 'ok', provider: 'gemini' });
  });

  it('a timeout on the injected clock aborts the call and counts as a timeout', async () => {
    const cfg: EngineConfig = { ...quiet, retry: { ...quiet.retry, maxAttempts: 1 } };
    const { clock, gemini, call, engine } = setup(cfg);
    gemini.latencyMs = 500_000;
    const budget = engine.newBudget('s1');
    const r = await clock.run(call('s1', budget));
    expect(r).toMatchObject({ status: 'ok', provider: 'groq' });
    expect(budget.calls[0]).toMatchObject({ provider: 'gemini', outcome: 'timeout' });
  });

  it('cancel aborts an in-flight call cleanly: the promise rejects and no concurrency slot leaks', async () => {
    const { clock, gemini, call, engine } = setup();
    gemini.latencyMs = 60_000;
    const ac = new AbortController();
    const p = call('s1', engine.newBudget('s1'), 'theme', ac.signal);
    clock.setTimer(5_000, () => ac.abort(new Error('batch cancelled')));
    await expect(clock.run(p)).rejects.toThrow('batch cancelled');
    expect(engine.providerSnapshots()[0]).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('sends nothing once mayCall says no (a lapsed fleet claim): the call rejects with its reason, the quota is refunded', async () => {
    const { clock, gemini, groq, engine } = setup();
    const ac = new AbortController();
    let asked = 0;
    const mayCall = () => {
      asked++;
      ac.abort(new Error('claim lapsed'));
      return false;
    };
    const p = engine.call({ submissionId: 's1', budget: engine.newBudget('s1'), request: request('theme'), signal: ac.signal, mayCall });
    await expect(clock.run(p)).rejects.toThrow('claim lapsed');
    expect(asked).toBe(1);
    expect([gemini.log.length, groq.log.length]).toEqual([0, 0]);
    expect(engine.providerSnapshots()[0]).toMatchObject({ inFlight: 0, queued: 0, rpm: 0 });
  });

  it('applies live config: limits, concurrency and budgets for new submissions; rejects bad values by name', () => {
    const { engine } = setup();
    expect(() => engine.updateConfig({ providers: { gemini: { rpm: -1 } } })).toThrow(ConfigError);
    expect(() => engine.updateConfig({ providers: { gemini: { rpm: -1 } } })).toThrow(/providers\.gemini\.rpm/);
    const { before, after } = engine.updateConfig({ providers: { gemini: { rpm: 60, maxConcurrent: 3 } }, maxCallsPerSubmission: 7 });
    expect(before.providers.gemini.rpm).toBe(150);
    expect(after.providers.gemini.rpm).toBe(60);
    const g = engine.providerSnapshots()[0];
    expect(g).toMatchObject({ rpmLimit: 54, concurrencyLimit: 3 });
    expect(engine.newBudget('x').max).toBe(7);
  });

  it('learns from 429s: multiplicative decrease, then additive increase after clean calls', async () => {
    const cfg: EngineConfig = {
      ...quiet,
      providers: { ...quiet.providers, gemini: { ...quiet.providers.gemini, aimd: { decrease: 0.5, increaseStep: 0.25, cleanCallsToIncrease: 2 } } },
    };
    const { clock, engine, gemini, call, events } = setup(cfg);
    gemini.script = [{ kind: 'rate_limit', status: 429 }];
    await clock.run(call());
    expect(engine.providerSnapshots()[0]?.rpmLimit).toBeCloseTo(135 * 0.5);
    await clock.run(call('s2'));
    await clock.run(call('s3'));
    expect(engine.providerSnapshots()[0]?.rpmLimit).toBeCloseTo(135 * 0.75);
    expect(events.filter((e) => e.type === 'quota_learned').map((e) => (e.type === 'quota_learned' ? e.detail : ''))).toEqual([
      'unexplained 429: rate set to 50% of the configured limit',
      '2 clean calls: rate set to 75% of the configured limit',
    ]);
  });

  it('cuts the rate once per congestion event: 429s for requests sent before the cut do not cut again', async () => {
    const cfg: EngineConfig = {
      ...quiet,
      maxCallsPerSubmission: 1,
      providers: { ...quiet.providers, gemini: { ...quiet.providers.gemini, aimd: { decrease: 0.5, increaseStep: 0.25, cleanCallsToIncrease: 50 } } },
    };
    const { clock, engine, gemini, call } = setup(cfg);
    gemini.script = [
      { kind: 'rate_limit', status: 429 },
      { kind: 'rate_limit', status: 429 },
      { kind: 'rate_limit', status: 429 },
    ];
    await clock.run(Promise.all([call('a'), call('b'), call('c')])); // three requests in flight together, one event
    expect(engine.providerSnapshots()[0]?.rpmLimit).toBeCloseTo(135 * 0.5);
    gemini.script = [{ kind: 'rate_limit', status: 429 }];
    await clock.run(call('d')); // sent after the cut: a new event
    expect(engine.providerSnapshots()[0]?.rpmLimit).toBeCloseTo(135 * 0.25);
  });

  it('stagger waits within the configured range, and not at all when off', async () => {
    const on = setup({ ...quiet, stagger: { enabled: true, minMs: 100, maxMs: 500 } });
    const t0 = on.clock.now();
    await on.clock.run(on.engine.stagger());
    expect(on.clock.now() - t0).toBeGreaterThanOrEqual(100);
    expect(on.clock.now() - t0).toBeLessThanOrEqual(500);
    const off = setup();
    const t1 = off.clock.now();
    await off.clock.run(off.engine.stagger());
    expect(off.clock.now()).toBe(t1);
  });

  it('with quota and a slot free, a call reaches the adapter in the turn it entered the engine; queued ones keep FIFO', async () => {
    const { clock, engine, gemini, call } = setup({
      ...quiet,
      providers: { ...quiet.providers, gemini: { ...quiet.providers.gemini, maxConcurrent: 1 } },
    });
    const first = call('s1');
    expect(gemini.log).toHaveLength(1); // no await between engine.call and the adapter
    const second = call('s2');
    const third = call('s3');
    expect(gemini.log).toHaveLength(1); // the one slot is taken: these wait for it, in order
    const t0 = clock.now();
    await clock.run(Promise.all([first, second, third]));
    expect(gemini.log.map((l) => l.at - t0)).toEqual([0, 1_000, 2_000]);
    expect(engine.providerSnapshots().find((p) => p.provider === 'gemini')?.inFlight).toBe(0);
  });
});
