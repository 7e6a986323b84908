// The per-call timeline on the virtual clock (docs/console.md §16): each attempt's limiter wait and its cause, the
// request and its answer, the backoff before a retry, a fallback, a park and the stagger, as the engine recorded them.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type EngineConfig } from '../../../shared/config';
import type { TimelineStep } from '../../../shared/domain';
import { VirtualClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { seededRng } from '../../../electron/engine/rng';
import { request, ScriptedProvider } from './scripted-provider';

const quiet: EngineConfig = { ...DEFAULT_CONFIG, stagger: { enabled: false, minMs: 0, maxMs: 0 } };
const T0 = Date.UTC(2026, 0, 5, 17, 0, 0);

function setup(config: EngineConfig = quiet) {
  const clock = new VirtualClock(T0);
  const gemini = new ScriptedProvider('gemini', clock);
  const groq = new ScriptedProvider('groq', clock);
  const engine = new Engine({ config, clock, rng: seededRng(1), adapters: { gemini, groq } });
  const call = (id: string) => {
    const budget = engine.newBudget(id);
    return { budget, done: engine.call({ submissionId: id, budget, request: request('theme') }) };
  };
  return { clock, gemini, groq, engine, call };
}

/** The fields a reader of the timeline compares, times relative to the start. */
const rel = (s: TimelineStep) => ({
  step: s.step,
  provider: s.provider,
  attempt: s.attempt,
  from: s.from - T0,
  admittedAt: s.admittedAt === null ? null : s.admittedAt - T0,
  waitedOn: s.waitedOn,
  sentAt: s.sentAt === null ? null : s.sentAt - T0,
  to: s.to - T0,
  outcome: s.outcome,
  next: s.next,
});

describe('call timeline', () => {
  it('a provider pause is waited out in the limiter and recorded as the wait and its cause', async () => {
    const { clock, engine, call } = setup();
    engine.pauseProvider('gemini', T0 + 30_000);
    const { budget, done } = call('a');
    expect(await clock.run(done)).toMatchObject({ status: 'ok', provider: 'gemini' });
    expect(budget.timeline.map(rel)).toEqual([
      {
        step: 'attempt',
        provider: 'gemini',
        attempt: 1,
        from: 0,
        admittedAt: 30_000,
        waitedOn: 'pause',
        sentAt: 30_000,
        to: 31_000,
        outcome: 'ok',
        next: 'ok',
      },
    ]);
  });

  it('a request that fits no token budget now waits on TPM; one admitted at once has no cause', async () => {
    const { clock, groq, call } = setup({ ...quiet, providerOrder: ['groq', 'gemini'] });
    groq.tokens = 6_000; // 9,600 TPM after the safety factor: the second of two cannot start until tokens free up
    const a = call('a');
    const b = call('b');
    await clock.run(Promise.all([a.done, b.done]));
    const [first] = a.budget.timeline;
    const [second] = b.budget.timeline;
    expect(first).toMatchObject({ provider: 'groq', admittedAt: T0, waitedOn: null, sentAt: T0, outcome: 'ok' });
    expect(second?.provider).toBe('groq');
    expect(second?.waitedOn).toBe('TPM');
    expect((second?.admittedAt ?? 0) - T0).toBeGreaterThan(0);
    expect(second?.sentAt).toBe(second?.admittedAt);
    expect((second?.to ?? 0) - (second?.sentAt ?? 0)).toBe(1_000);
  });

  it('a retryable failure records its answer, the backoff, and a second attempt that starts after it', async () => {
    const { clock, gemini, call } = setup();
    gemini.script = [{ kind: 'server', status: 503 }];
    const { budget, done } = call('a');
    expect(await clock.run(done)).toMatchObject({ status: 'ok', provider: 'gemini' });
    const [one, two] = budget.timeline;
    expect(budget.timeline).toHaveLength(2);
    expect(one).toMatchObject({ step: 'attempt', attempt: 1, outcome: 'server', next: 'retry', sentAt: T0, to: T0 + 1_000 });
    expect(one?.backoffMs).toBeGreaterThan(0);
    expect(two).toMatchObject({ step: 'attempt', attempt: 2, outcome: 'ok', next: 'ok' });
    expect(two?.from).toBe((one?.to ?? 0) + (one?.backoffMs ?? 0));
    expect(budget.calls.map((c) => c.outcome)).toEqual(['server', 'ok']);
  });

  it('a provider that refuses the key falls back: the reason on its step, the answer on the next provider', async () => {
    const { clock, gemini, call } = setup();
    gemini.script = [{ kind: 'auth', status: 401 }];
    const { budget, done } = call('a');
    expect(await clock.run(done)).toMatchObject({ status: 'ok', provider: 'groq' });
    expect(budget.timeline.map(rel)).toEqual([
      {
        step: 'attempt',
        provider: 'gemini',
        attempt: 1,
        from: 0,
        admittedAt: 0,
        waitedOn: null,
        sentAt: 0,
        to: 1_000,
        outcome: 'auth',
        next: 'fallback',
      },
      {
        step: 'attempt',
        provider: 'groq',
        attempt: 1,
        from: 1_000,
        admittedAt: 1_000,
        waitedOn: null,
        sentAt: 1_000,
        to: 2_000,
        outcome: 'ok',
        next: 'ok',
      },
    ]);
    expect(budget.timeline[0]?.note).toMatch(/^gemini misconfigured/);
    // The misconfigured provider is passed over on the next call without an attempt: a skip step says why.
    const again = call('b');
    await clock.run(again.done);
    expect(again.budget.timeline.map((s) => [s.step, s.provider, s.next])).toEqual([
      ['skip', 'gemini', 'fallback'],
      ['attempt', 'groq', 'ok'],
    ]);
    expect(again.budget.timeline[0]?.note).toMatch(/gemini/);
  });

  it('a call that finds its only provider down parks, and the park is a step of its own between the attempts', async () => {
    const g = quiet.providers.gemini;
    const cfg: EngineConfig = {
      ...quiet,
      providerOrder: ['gemini'],
      parkMaxMinutes: 30,
      providers: { ...quiet.providers, gemini: { ...g, breaker: { ...g.breaker, minCalls: 1 } } },
    };
    const { clock, gemini, call } = setup(cfg);
    gemini.always = { kind: 'overloaded', status: 503 };
    const { budget, done } = call('a');
    await clock.advance(20_000);
    gemini.always = null;
    expect(await clock.run(done)).toMatchObject({ status: 'ok', provider: 'gemini' });
    // The failure opened the breaker: the retry after the backoff finds it open and passes over it, then the call parks.
    expect(budget.timeline.map((s) => [s.step, s.outcome, s.next])).toEqual([
      ['attempt', 'overloaded', 'retry'],
      ['skip', null, 'fallback'],
      ['park', null, null],
      ['attempt', 'ok', 'ok'],
    ]);
    const [trip, skip, park, probe] = budget.timeline;
    expect(skip?.from).toBe((trip?.to ?? 0) + (trip?.backoffMs ?? 0));
    expect(skip?.note).toMatch(/gemini breaker open/);
    expect(park).toMatchObject({ provider: 'gemini', kind: 'theme', from: skip?.to, to: probe?.from });
    expect((park?.to ?? 0) - (park?.from ?? 0)).toBeGreaterThan(0);
    expect(park?.note).toMatch(/gemini/);
  });

  it('the stagger is recorded once, from its start to the first call', async () => {
    const { clock, engine } = setup({ ...quiet, stagger: { enabled: true, minMs: 100, maxMs: 500 } });
    const budget = engine.newBudget('a');
    await clock.run(engine.stagger(undefined, budget));
    expect(budget.timeline).toHaveLength(1);
    const [s] = budget.timeline;
    expect(s).toMatchObject({ step: 'stagger', kind: null, provider: null, from: T0, to: clock.now() });
    expect(clock.now() - T0).toBeGreaterThanOrEqual(100);
    expect(clock.now() - T0).toBeLessThanOrEqual(500);
  });
});
