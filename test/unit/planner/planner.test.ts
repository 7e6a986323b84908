// The planner's parts (docs/planner.md): the learned provider model and its labels, what-if parsing with clear
// errors, the replay's what-ifs, predictions stored with their run and compared with the actual outcome, and
// the worker thread that can be cancelled.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBatch } from '../../../electron/planner/plan';
import { learnProviderModel, MIN_CALLS_FOR_FIT } from '../../../electron/planner/provider-model';
import { PlanCancelled, runPlanInWorker } from '../../../electron/planner/run-plan';
import { parseVariant, variantFromFile, VariantError } from '../../../electron/planner/variants';
import { uniformWorkload } from '../../../electron/planner/workload';
import type { HistoryCall } from '../../../electron/store/plans';
import { openStore, type Store } from '../../../electron/store/store';
import { applyConfigPatch, DEFAULT_CONFIG } from '../../../shared/config';
import type { ConfigPrediction, PlanVariant } from '../../../shared/plan';
import type { ProviderId } from '../../../shared/provider';
import { call, newRun, result, tempDir } from '../store/fixtures';

const START = Date.UTC(2026, 0, 5, 17);
const BOTH = new Set<ProviderId>(['gemini', 'groq']);
const TOKENS = { theme: { gemini: 1_200, groq: 1_400 }, pdf: { gemini: 6_000, groq: 6_200 }, image: { gemini: 2_500, groq: 2_700 } };

function history(n: number, over: Partial<HistoryCall> = {}): HistoryCall[] {
  return Array.from({ length: n }, (_, i) => ({
    provider: 'gemini',
    model: 'gemini-2.5-pro',
    kind: 'pdf',
    outcome: 'ok',
    latencyMs: 2_000 + (i % 2) * 2_000,
    startedAt: START - i,
    ...over,
  }));
}

describe('provider model', () => {
  it('learns a lognormal per provider, model and kind from enough calls, and labels the rest as defaults', () => {
    const m = learnProviderModel({ config: DEFAULT_CONFIG, history: history(MIN_CALLS_FOR_FIT), usedSince: () => 0, now: START, available: BOTH });
    const pdf = m.latency.find((l) => l.provider === 'gemini' && l.kind === 'pdf');
    expect(pdf).toMatchObject({ source: 'learned', calls: MIN_CALLS_FOR_FIT });
    // Half at 2 s, half at 4 s: the geometric mean is √8 s.
    expect(pdf?.medianMs).toBeCloseTo(Math.sqrt(2_000 * 4_000), 0);
    expect(m.latency.find((l) => l.provider === 'gemini' && l.kind === 'theme')).toMatchObject({ source: 'default', calls: 0, medianMs: 4_000 });
    expect(m.learnedFromCalls).toBe(MIN_CALLS_FOR_FIT);
  });

  it('uses the defaults below the minimum, and learns error and 429 rates and the quota used today', () => {
    const thin = learnProviderModel({
      config: DEFAULT_CONFIG,
      history: history(MIN_CALLS_FOR_FIT - 1),
      usedSince: () => 0,
      now: START,
      available: BOTH,
    });
    expect(thin.latency.every((l) => l.source === 'default')).toBe(true);
    const calls = [...history(30), ...history(10, { outcome: 'server' }), ...history(10, { outcome: 'rate_limit' })];
    const m = learnProviderModel({
      config: DEFAULT_CONFIG,
      history: calls,
      usedSince: (p) => (p === 'gemini' ? 9_990 : 0),
      now: START,
      available: new Set(['gemini']),
    });
    const g = m.providers.find((p) => p.provider === 'gemini');
    expect(g).toMatchObject({ errorRate: 0.2, rate429: 0.2, calls: 50, usedToday: 9_990, available: true });
    expect(m.providers.find((p) => p.provider === 'groq')).toMatchObject({ available: false, calls: 0, errorRate: 0 });
  });
});

describe('what-ifs', () => {
  it('refuses a bad variant with a message naming the field or setting', () => {
    expect(() => parseVariant({ name: 'x', outage: { provider: 'openai', atMinute: 1, minutes: 2 } }, DEFAULT_CONFIG, 'a.json')).toThrow(
      /a\.json: outage\.provider/,
    );
    expect(() => parseVariant({ name: 'x', quotaCut: { provider: 'gemini', atMinute: 1, factor: 2 } }, DEFAULT_CONFIG, 'b.json')).toThrow(
      VariantError,
    );
    expect(() => variantFromFile({ providers: { gemini: { rpm: -1 } } }, 'c.json', DEFAULT_CONFIG)).toThrow(/c\.json: providers\.gemini\.rpm/);
    expect(() => variantFromFile({ nonsense: true }, 'd.json', DEFAULT_CONFIG)).toThrow(/d\.json: nonsense: unknown setting/);
    expect(variantFromFile({ maxWorkers: 12 }, 'twelve.json', DEFAULT_CONFIG)).toEqual({ name: 'twelve', patch: { maxWorkers: 12 } });
  });

  it('replays each what-if through the engine: an outage makes fallbacks, a low daily quota runs out, a free tier is slower', async () => {
    const model = learnProviderModel({
      config: DEFAULT_CONFIG,
      history: [],
      usedSince: (p) => (p === 'gemini' ? 9_900 : 0),
      now: START,
      available: BOTH,
    });
    const fresh = learnProviderModel({ config: DEFAULT_CONFIG, history: [], usedSince: () => 0, now: START, available: BOTH });
    const { submissions } = uniformWorkload(60, TOKENS);
    const run = (m = fresh, variants: PlanVariant[] = [{ name: 'current' }]) =>
      planBatch({ submissions, config: DEFAULT_CONFIG, variants, model: m, seeds: 2, startMs: START });
    const [current] = await run();
    expect(current).toMatchObject({
      calls: 180,
      fallbacks: 0,
      http_429: 0,
      undetermined: 0,
      quota_ok: true,
      quota_runs_out_s: null,
      seeds: 2,
      best: true,
    });
    expect(current?.rpm.reduce((n, p) => n + p.gemini + p.groq, 0)).toBe(180);
    const [outage] = await run(fresh, [{ name: 'outage', outage: { provider: 'gemini', atMinute: 0.2, minutes: 1 } }]);
    expect(outage?.fallbacks).toBeGreaterThan(0);
    expect(outage?.callsByProvider.groq).toBeGreaterThan(0);
    const [spent] = await run(model);
    expect(spent?.quota_ok).toBe(false);
    expect(spent?.quota_runs_out_s).not.toBeNull();
    expect(spent?.gemini_reset_at).toBeGreaterThan(START);
    const [free] = await run(fresh, [{ name: 'free', tier: 'free' }]);
    expect(free?.makespan_s).toBeGreaterThan((current?.makespan_s ?? 0) * 2);
  });

  it('replays the batch end after an outage: what parking left undetermined runs once more when the provider is back', async () => {
    const fresh = learnProviderModel({ config: DEFAULT_CONFIG, history: [], usedSince: () => 0, now: START, available: BOTH });
    const outage: PlanVariant = { name: 'outage', outage: { provider: 'gemini', atMinute: 0.2, minutes: 3 } };
    const run = (parkMaxMinutes: number) =>
      planBatch({
        submissions: uniformWorkload(30, TOKENS).submissions,
        config: applyConfigPatch(DEFAULT_CONFIG, { parkMaxMinutes }),
        variants: [outage],
        model: fresh,
        seeds: 2,
        startMs: START,
      });
    const [atOnce] = await run(0);
    const [parked] = await run(DEFAULT_CONFIG.parkMaxMinutes);
    expect(atOnce?.undetermined).toBeGreaterThan(0);
    // Without the second pass, calls whose budget ran out while the circuit was open stayed undetermined.
    expect(parked?.undetermined).toBe(0);
    expect(parked?.calls).toBeGreaterThan(atOnce?.calls ?? 0);
  });
});

describe('predictions and actuals in the store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    tmp = tempDir();
    store = openStore(path.join(tmp.dir, 'p.db'), { now: () => 1_000 });
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  const prediction = (config: string, makespan: number): ConfigPrediction => ({
    config,
    makespan_s: makespan,
    p10_s: makespan,
    p90_s: makespan,
    calls: 2,
    callsByProvider: { gemini: 2, groq: 0 },
    fallbacks: 0,
    http_429: 0,
    undetermined: 0,
    quota_ok: true,
    quota_runs_out_s: null,
    gemini_reset_at: null,
    learned_from_calls: 0,
    seeds: 1,
    best: true,
    rpm: [],
  });

  it('links the newest current prediction of the batch to its run and stores the actual makespan and curve', () => {
    const sha = 'a'.repeat(64);
    store.plans.save(sha, prediction('current', 50));
    const newest = store.plans.save(sha, prediction('current', 100));
    store.plans.save(sha, prediction('seed-profile', 900));
    const run = store.createRun(newRun({ batchSha256: sha }));
    expect(store.plans.attach(run.id, sha, 'current')?.id).toBe(newest.id);
    expect(store.plans.attach(run.id, 'b'.repeat(64), 'current')).toBeNull();
    // Two calls a minute apart; the last submission finishes at 5,002 + 110,000 ms.
    store.saveResult(run.id, result('s1', 1, 'pass', [call('s1', { startedAt: 5_000 }), call('s1', { startedAt: 65_000, provider: 'groq' })]), ['1']);
    store.saveResult(run.id, { ...result('s2', 2, 'pass'), finishedAt: 115_000 }, ['2']);
    const actual = store.plans.recordActual(run.id);
    expect(actual).toEqual({
      makespan_s: 110,
      calls: 2,
      rpm: [
        { minute: 0, gemini: 1, groq: 0 },
        { minute: 1, gemini: 0, groq: 1 },
      ],
    });
    expect(store.plans.forRun(run.id)).toMatchObject({ id: newest.id, actual: { makespan_s: 110 } });
    expect(store.plans.accuracy()).toEqual({ runs: 1, withinPct: 9.1, meanAbsPct: 9.1 });
  });

  it('reports no accuracy before any run is compared, and nothing for a run without calls', () => {
    expect(store.plans.accuracy()).toEqual({ runs: 0, withinPct: null, meanAbsPct: null });
    const run = store.createRun(newRun());
    expect(store.plans.recordActual(run.id)).toBeNull();
  });
});

describe('the planner worker', () => {
  const input = () => {
    const model = learnProviderModel({ config: DEFAULT_CONFIG, history: [], usedSince: () => 0, now: START, available: BOTH });
    return {
      submissions: uniformWorkload(2_000, TOKENS).submissions,
      config: DEFAULT_CONFIG,
      variants: [{ name: 'current' }],
      model,
      seeds: 3,
      startMs: START,
    };
  };

  it('answers with the predictions of a small plan, reporting progress', async () => {
    const progress: number[] = [];
    const out = await runPlanInWorker({ ...input(), submissions: uniformWorkload(20, TOKENS).submissions }, { onProgress: (d) => progress.push(d) });
    expect(out.map((p) => [p.config, p.calls])).toEqual([['current', 60]]);
    expect(progress).toEqual([1, 2, 3]);
  }, 60_000);

  it('spread over two threads, predicts exactly what one thread predicts, and marks the same best', async () => {
    const base = { ...input(), submissions: uniformWorkload(40, TOKENS).submissions, seeds: 2 };
    const variants: PlanVariant[] = [{ name: 'current' }, { name: 'outage', outage: { provider: 'gemini', atMinute: 0, minutes: 1 } }];
    const inProcess = await planBatch({ ...base, variants });
    const progress: number[] = [];
    const threaded = await runPlanInWorker({ ...base, variants }, { threads: 2, onProgress: (d) => progress.push(d) });
    expect(threaded).toEqual(inProcess);
    expect(inProcess.map((p) => p.fallbacks)).not.toEqual([0, 0]); // the outage made a difference to compare
    expect(progress).toEqual([1, 2, 3, 4]);
  }, 60_000);

  it('answers over two threads without a progress listener (each answer is counted, so the last one settles the plan)', async () => {
    const variants: PlanVariant[] = [{ name: 'current' }, { name: 'spillover-on', patch: { spillover: true } }];
    const out = await runPlanInWorker({ ...input(), submissions: uniformWorkload(20, TOKENS).submissions, seeds: 2, variants }, { threads: 2 });
    expect(out.map((p) => [p.config, p.calls, p.seeds])).toEqual([
      ['current', 60, 2],
      ['spillover-on', 60, 2],
    ]);
  }, 60_000);

  it('is cancelled by an abort: it rejects with PlanCancelled before the plan could finish', async () => {
    const ac = new AbortController();
    const done = runPlanInWorker(input(), { signal: ac.signal, onProgress: () => undefined });
    ac.abort();
    await expect(done).rejects.toBeInstanceOf(PlanCancelled);
    await expect(runPlanInWorker(input(), { signal: ac.signal })).rejects.toBeInstanceOf(PlanCancelled);
  }, 60_000);
});
