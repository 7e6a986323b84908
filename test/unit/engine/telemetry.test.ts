// Snapshots come about once a second on the clock, breaker transitions at once; the batch tracker folds events.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../shared/config';
import type { Snapshot } from '../../../shared/telemetry';
import { VirtualClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { seededRng } from '../../../electron/engine/rng';
import { BatchTracker } from '../../../electron/batch/batch-tracker';
import { SnapshotAggregator } from '../../../electron/engine/telemetry';
import { request, ScriptedProvider } from './scripted-provider';

describe('telemetry', () => {
  it('publishes ~1 Hz, breaker transitions immediately, with batch progress and budget histogram', async () => {
    const clock = new VirtualClock(0);
    const gemini = new ScriptedProvider('gemini', clock, 2_500);
    const engine = new Engine({
      config: { ...DEFAULT_CONFIG, stagger: { enabled: false, minMs: 0, maxMs: 0 } },
      clock,
      rng: seededRng(1),
      adapters: { gemini },
    });
    const published: Snapshot[] = [];
    const agg = new SnapshotAggregator({
      clock,
      events: engine.events,
      providers: () => engine.providerSnapshots(),
      publish: (s) => published.push(s),
    });
    const tracker = new BatchTracker(clock, { runId: 'r1', total: 2, budget: 5, workers: () => 6 });
    agg.setBatch(tracker);
    agg.start();

    const one = async (id: string) => {
      const budget = engine.newBudget(id);
      const r = await engine.call({ submissionId: id, budget, request: request() });
      engine.events.emit({
        type: 'submission_finished',
        at: clock.now(),
        submissionId: id,
        status: r.status === 'ok' ? 'Accepted' : 'Review',
        score: 80,
        callsUsed: budget.used,
        cacheHits: 2,
      });
    };
    await clock.run(one('a'));
    expect(published.map((s) => s.at)).toEqual([1_000, 2_000]);
    expect(published[1]?.providers[0]).toMatchObject({ provider: 'gemini', inFlight: 1, rpm: 1, hasKey: true });
    expect(published[1]?.providers[1]).toMatchObject({ provider: 'groq', hasKey: false });
    const mid = tracker.snapshot();
    expect(mid).toMatchObject({ done: 1, callsUsed: 1, cacheHits: 2, budgetHistogram: [0, 1], etaMs: expect.closeTo(2_500, -2), state: 'running' });

    engine.forceOpen('gemini');
    expect(published.at(-1)?.at).toBe(2_500); // at once, not at the next tick
    expect(published.at(-1)?.providers[0]?.breaker).toMatchObject({ state: 'open', forced: true });
    await clock.run(one('b'));
    tracker.setState('finished');
    const end = tracker.snapshot();
    expect(end).toMatchObject({ done: 2, state: 'finished', byStatus: { Accepted: 1, Review: 1 }, budgetHistogram: [1, 1], etaMs: 0 });
    agg.stop();
    const count = published.length;
    await clock.advance(5_000);
    expect(published).toHaveLength(count);
  });

  it('tracks budget-exhausted submissions and fallbacks', () => {
    const clock = new VirtualClock(0);
    const tracker = new BatchTracker(clock, { runId: 'r', total: 3, budget: 2, workers: () => 1 });
    tracker.consume({ type: 'budget_spent', at: 0, submissionId: 's1', used: 2, budget: 2 });
    tracker.consume({ type: 'budget_spent', at: 0, submissionId: 's2', used: 2, budget: 2 });
    tracker.consume({ type: 'fallback', at: 0, submissionId: 's1', kind: 'theme', from: 'gemini', to: 'groq', reason: 'x' });
    tracker.consume({ type: 'fallback', at: 0, submissionId: 's1', kind: 'theme', from: 'groq', to: 'none', reason: 'x' });
    expect(tracker.snapshot()).toMatchObject({ budgetExhausted: ['s2', 's1'], fallbacks: 1, etaMs: null });
  });
});
