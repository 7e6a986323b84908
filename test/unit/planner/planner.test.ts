// The planner's parts (docs/planner.md): the learned provider model and its labels, what-if parsing with clear
// errors, the replay's what-ifs, predictions stored with their run and compared with the actual outcome, and
// the worker thread that can be cancelled.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/clock';
import { Engine } from '../../../electron/engine/engine';
import { seededRng } from '../../../electron/engine/rng';
import { ModelledProvider } from '../../../electron/planner/modelled-provider';
import { planBatch } from '../../../electron/planner/plan';
import { learnProviderModel, MIN_CALLS_FOR_FIT } from '../../../electron/planner/provider-model';
import { PlanCancelled, runPlanInWorker } from '../../../electron/planner/run-plan';
import { parseVariant, variantFromFile, VariantError } from '../../../electron/planner/variants';
import { buildWorkload, uniformWorkload } from '../../../electron/planner/workload';
import { createAttachmentResolver } from '../../../electron/batch/attachments/attachments';
import { prepareImage } from '../../../electron/batch/extract/extract-image';
import { loadBatch } from '../../../electron/batch/ingest/load-batch';
import { fileSha256 } from '../../../electron/batch/runner';
import type { PhotoHash } from '../../../electron/store/image-index';
import type { HistoryCall } from '../../../electron/store/plans';
import { openStore, type Store } from '../../../electron/store/store';
import { applyConfigPatch, DEFAULT_CONFIG } from '../../../shared/config';
import type { ConfigPrediction, PlanVariant } from '../../../shared/plan';
import type { ProviderId } from '../../../shared/provider';
import { driveEngine } from '../../bench/quota';
import { plainRequest } from '../../helpers/requests';
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

describe('the workload against the store', () => {
  const SAMPLE = path.join(__dirname, '../../fixtures/sample');
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    tmp = tempDir();
    store = openStore(path.join(tmp.dir, 'v.db'));
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it("finds duplicates of photos an earlier batch's run holds in the image index, as the run will, and plans fewer calls", async () => {
    const file = path.join(SAMPLE, 'batch.csv');
    const sha = await fileSha256(file);
    const workload = () =>
      buildWorkload({
        file,
        attachmentsRoot: path.join(SAMPLE, 'attachments'),
        config: DEFAULT_CONFIG,
        rules: store.rules(),
        cacheGet: (k) => store.cacheGet(k),
        indexedImages: store.indexedImages(),
      });
    const fresh = await workload();
    // The same photos, registered by a run of another batch (other submission ids, so another owner).
    const { submissions } = await loadBatch(file);
    const resolver = await createAttachmentResolver(path.join(SAMPLE, 'attachments'), { allowUrlDownloads: false });
    const rows: { submissionId: string; row: number; photos: PhotoHash[] }[] = [];
    for (const s of submissions) {
      const photos: PhotoHash[] = [];
      for (const [i, p] of s.photoPaths.entries()) {
        const where = p ? await resolver.resolve(p, s.eventDriven) : null;
        const facts = where?.ok ? await prepareImage(where.path) : null;
        if (facts?.ok) photos.push({ photo: i + 1, sha256: facts.sha256, phash: facts.phash });
      }
      rows.push({ submissionId: `earlier-${s.id}`, row: s.row, photos });
    }
    const earlier = store.createRun(newRun({ batchSha256: 'e'.repeat(64) }));
    store.registerImages(earlier.id, rows);
    const again = await workload();
    expect(rows.flatMap((r) => r.photos).length).toBeGreaterThan(0);
    expect(again.summary.calls).toBeLessThan(fresh.summary.calls);
    // This batch's own photos, stored by its own run, are not duplicates of themselves.
    const own = store.createRun(newRun({ batchSha256: sha }));
    store.registerImages(
      own.id,
      submissions.map((s, i) => ({ submissionId: s.id, row: s.row, photos: (rows[i] as (typeof rows)[number]).photos })),
    );
    expect((await workload()).summary.calls).toBe(again.summary.calls);
  }, 180_000);
});

describe('learned limits', () => {
  it('plans with the limit the engine learned from 429 bodies, says it is learned and from how many responses', async () => {
    // A real engine against a modelled Gemini whose server allows 30 RPM where the config says 150: its 429s name the
    // limit, as Gemini's QuotaFailure does, and the engine's quota feedback keeps it.
    const clock = new VirtualClock(START);
    const config = applyConfigPatch(DEFAULT_CONFIG, { providers: { groq: { enabled: false } } });
    const c = config.providers.gemini;
    const gemini = new ModelledProvider('gemini', c, clock, seededRng(3), { medianMs: 2_000, sigma: 0.2 }, { limits: { rpm: 30 } });
    const engine = new Engine({ config, clock, rng: seededRng(4), adapters: { gemini }, simulated: true });
    await driveEngine(engine, clock, 20, plainRequest);
    const told = engine.learnedLimits('gemini');
    expect(told.rpm).toBe(30);
    expect(told.calls).toBeGreaterThan(0);
    expect(told.calls).toBeLessThanOrEqual(gemini.rejected);
    const model = (learned?: typeof engine.learnedLimits) =>
      learnProviderModel({ config, history: [], usedSince: () => 0, now: START, available: BOTH, ...(learned && { learned }) });
    const withLearned = model((p) => engine.learnedLimits(p));
    expect(withLearned.providers.find((f) => f.provider === 'gemini')).toMatchObject({
      rpm: 30,
      limitsSource: 'learned',
      limitsLearnedFromCalls: told.calls,
    });
    expect(withLearned.providers.find((f) => f.provider === 'groq')).toMatchObject({ rpm: config.providers.groq.rpm, limitsSource: 'configured' });
    const { submissions } = uniformWorkload(30, TOKENS);
    const plan = (m: ReturnType<typeof model>) =>
      planBatch({ submissions, config, variants: [{ name: 'current' }], model: m, seeds: 2, startMs: START });
    const [configured] = await plan(model());
    const [learned] = await plan(withLearned);
    // 90 calls: at the configured 150 RPM about a minute, at the learned 30 RPM (× 0.9 safety) over three.
    expect(configured?.makespan_s).toBeLessThan(90);
    expect(learned?.makespan_s).toBeGreaterThan(180);
    expect(learned?.http_429).toBe(0);
  });

  it("learns Groq's limits from its x-ratelimit headers, counting every response that reported them", async () => {
    const clock = new VirtualClock(START);
    const config = applyConfigPatch(DEFAULT_CONFIG, { providers: { gemini: { enabled: false } }, providerOrder: ['groq', 'gemini'] });
    const c = config.providers.groq;
    const groq = new ModelledProvider('groq', c, clock, seededRng(3), { medianMs: 800, sigma: 0.2 }, { limits: { rpd: c.rpd / 2 } });
    const engine = new Engine({ config, clock, rng: seededRng(4), adapters: { groq }, simulated: true });
    await driveEngine(engine, clock, 4, plainRequest);
    expect(engine.learnedLimits('groq')).toEqual({ rpd: c.rpd / 2, calls: groq.requests - groq.rejected });
    expect(engine.learnedLimits('gemini')).toEqual({ calls: 0 });
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
