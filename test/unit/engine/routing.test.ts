// Router skip rules, spill-over, Groq header feedback, half-open single flight through the engine, auto concurrency.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type EngineConfig } from '../../../shared/config';
import type { EngineEvent } from '../../../shared/telemetry';
import { VirtualClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { seededRng } from '../../../electron/engine/rng';
import { request, ScriptedProvider } from './scripted-provider';

const quiet: EngineConfig = { ...DEFAULT_CONFIG, stagger: { enabled: false, minMs: 0, maxMs: 0 } };

function setup(config: EngineConfig = quiet) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 17, 0, 0));
  const gemini = new ScriptedProvider('gemini', clock);
  const groq = new ScriptedProvider('groq', clock);
  const engine = new Engine({ config, clock, rng: seededRng(1), adapters: { gemini, groq } });
  const events: EngineEvent[] = [];
  engine.events.on((e) => events.push(e));
  const call = (id = 's1', kind: 'theme' | 'pdf' | 'image' = 'theme') =>
    engine.call({ submissionId: id, budget: engine.newBudget(id), request: request(kind) });
  return { clock, gemini, groq, engine, events, call };
}

describe('routing', () => {
  it('a request that can never fit is refused at once, with the limit named, and costs no call', async () => {
    const { clock, gemini, groq, call } = setup();
    gemini.tokens = 5_000_000;
    groq.tokens = 50_000;
    const t0 = clock.now();
    const r = await clock.run(call());
    expect(r).toEqual({
      status: 'undetermined',
      reason: 'request too large for gemini (5,000,000 tokens > TPM limit 1,800,000), request too large for groq (50,000 tokens > TPM limit 9,600)',
    });
    expect(clock.now()).toBe(t0);
    expect(gemini.log.length + groq.log.length).toBe(0);
  });

  it('a pause past the horizon sends requests to the fallback; a short one is waited out', async () => {
    const { clock, engine, gemini, groq, call } = setup();
    const t0 = clock.now();
    engine.pauseProvider('gemini', t0 + 10 * 60_000);
    expect(await clock.run(call('a'))).toMatchObject({ provider: 'groq' });
    engine.pauseProvider('gemini', null);
    engine.pauseProvider('gemini', clock.now() + 30_000);
    const r = await clock.run(call('b'));
    expect(r).toMatchObject({ provider: 'gemini' });
    expect(gemini.log[0]?.at).toBe(t0 + 1_000 + 30_000);
    expect(groq.log).toHaveLength(1);
  });

  it('Groq daily quota: exhausted until the reset header says, then used again', async () => {
    const cfg: EngineConfig = { ...quiet, providerOrder: ['groq', 'gemini'] };
    const { clock, groq, call, events } = setup(cfg);
    groq.script = [{ kind: 'daily_quota', status: 429, dimension: 'RPD', retryAfterMs: 3_000, quota: { resetRequestsMs: 3 * 60 * 60_000 } }];
    expect(await clock.run(call('a'))).toMatchObject({ provider: 'gemini' });
    const ex = events.find((e) => e.type === 'provider_exhausted');
    expect(ex).toMatchObject({ provider: 'groq', until: Date.UTC(2026, 0, 5, 20, 0, 1) });
    await clock.advance(3 * 60 * 60_000);
    expect(await clock.run(call('b'))).toMatchObject({ provider: 'groq' });
  });

  it('Groq headers bound the limiter: a server reporting few tokens left delays the next request', async () => {
    const cfg: EngineConfig = { ...quiet, providerOrder: ['groq', 'gemini'] };
    const { clock, groq, call } = setup(cfg);
    groq.tokens = 1_000;
    groq.script = [
      { kind: 'server', status: 500, quota: { limitTokens: 12_000, remainingTokens: 2_500, remainingRequests: 900, limitRequests: 1_000 } },
    ];
    const t0 = clock.now();
    await clock.run(call('a'));
    // Server: 2,500 left of 12,000; our share keeps the 2,400 margin, so only 100 tokens until the bucket refills.
    expect(groq.log[1]?.at).toBeGreaterThan(t0 + 1_000 + 4_000);
  });

  it('half-open lets exactly one of 50 concurrent requests probe; the rest fall back', async () => {
    const cfg: EngineConfig = {
      ...quiet,
      parkMaxMinutes: 0, // with parking, those at Groq come back once the probe closes the circuit (parking.test.ts)
      providers: { ...quiet.providers, gemini: { ...quiet.providers.gemini, breaker: { ...quiet.providers.gemini.breaker, minCalls: 1 } } },
    };
    const { clock, gemini, groq, engine, call } = setup(cfg);
    gemini.script = [{ kind: 'server', status: 500 }];
    await clock.run(call('trip'));
    expect(engine.providerSnapshots()[0]?.breaker.state).toBe('open');
    await clock.advance(60_000);
    gemini.log.length = 0;
    groq.log.length = 0;
    const results = await clock.run(Promise.all(Array.from({ length: 50 }, (_, i) => call(`c${i}`))));
    expect(gemini.log).toHaveLength(1);
    expect(results.filter((r) => r.status === 'ok' && r.provider === 'gemini')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'ok' && r.provider === 'groq')).toHaveLength(49);
    expect(engine.providerSnapshots()[0]?.breaker.state).toBe('closed');
  });

  it('a request waiting for a slot when the breaker opens is not sent into the open circuit', async () => {
    const g = quiet.providers.gemini;
    const cfg: EngineConfig = {
      ...quiet,
      providers: { ...quiet.providers, gemini: { ...g, maxConcurrent: 1, breaker: { ...g.breaker, minCalls: 1 } } },
    };
    const { clock, gemini, groq, call } = setup(cfg);
    gemini.always = { kind: 'server', status: 500 };
    const results = await clock.run(Promise.all([call('a'), call('b')]));
    expect(gemini.log).toHaveLength(1);
    expect(groq.log).toHaveLength(2);
    expect(results.every((r) => r.status === 'ok' && r.provider === 'groq')).toBe(true);
  });

  it('a retry waiting for its delay holds no concurrency slot', async () => {
    const cfg: EngineConfig = { ...quiet, providers: { ...quiet.providers, gemini: { ...quiet.providers.gemini, maxConcurrent: 1 } } };
    const { clock, gemini, call } = setup(cfg);
    gemini.script = [{ kind: 'rate_limit', status: 429, retryAfterMs: 30_000, quota: { remainingRequests: 1 } }];
    const t0 = clock.now();
    const first = call('a');
    await clock.advance(1_500); // the 429 came back; "a" is waiting out its 30 s
    expect(gemini.log).toHaveLength(1);
    const second = call('b');
    await clock.run(Promise.all([first, second]));
    // "b" was not blocked by the slot, only by the provider-wide pause the 429 asked for.
    expect(gemini.log.map((l) => l.at - t0)).toEqual([0, 31_000, 32_000]);
  });

  it('spill-over sends overflow to the fallback when the primary queue is long, and only when enabled', async () => {
    for (const spillover of [false, true]) {
      const cfg: EngineConfig = {
        ...quiet,
        spillover,
        providers: { ...quiet.providers, gemini: { ...quiet.providers.gemini, rpm: 2, safetyFactor: 1 } },
      };
      const { clock, groq, call } = setup(cfg);
      const results = await clock.run(Promise.all(Array.from({ length: 12 }, (_, i) => call(`s${i}`))));
      const viaGroq = results.filter((r) => r.status === 'ok' && r.provider === 'groq').length;
      if (spillover) expect(viaGroq).toBeGreaterThan(4);
      else expect(viaGroq).toBe(0);
      expect(groq.log).toHaveLength(viaGroq);
    }
  });

  it("auto concurrency follows Little's law from measured latency", async () => {
    const { clock, gemini, engine, call } = setup();
    expect(engine.providerSnapshots()[0]?.concurrencyLimit).toBe(34); // 135 RPM × 15 s prior / 60
    gemini.latencyMs = 20_000;
    await clock.run(Promise.all(Array.from({ length: 12 }, (_, i) => call(`s${i}`))));
    expect(engine.providerSnapshots()[0]).toMatchObject({ p90LatencyMs: 20_000, concurrencyLimit: 45 });
    expect(engine.workerTarget()).toBe(64); // 2 × 45, within the memory bound
    engine.updateConfig({ maxWorkers: 6 });
    expect(engine.workerTarget()).toBe(6);
  });
});
