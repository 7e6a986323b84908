// The planner (docs/planner.md): replay a workload under each configuration over several seeds, then report the
// median makespan with its P10-P90 band and the median seed's calls, fallbacks, 429s and RPM curve.
import type { EngineConfig } from '../../shared/config';
import { SEED_PROFILE } from './seed-profile';
import type { ConfigPrediction, PlannedSubmission, PlanVariant, ProviderModel } from '../../shared/plan';
import { PROVIDER_IDS } from '../../shared/provider';
import { nextMidnight } from '../engine/limiter/calendar-day';
import { replay, variantConfig, type ReplayResult } from './replay';

export const DEFAULT_SEEDS = 5;
const BASE_SEED = 2026;

/** The comparisons `plan` makes by default: the current settings, the seed system's profile, spill-over toggled. */
export function defaultVariants(base: EngineConfig): PlanVariant[] {
  const seedProvider = (p: 'gemini' | 'groq') => {
    const s = SEED_PROFILE.providers[p];
    return { maxConcurrent: s.maxConcurrent, jitter: s.jitter, breaker: s.breaker };
  };
  return [
    { name: 'current' },
    {
      name: 'seed-profile',
      patch: { maxWorkers: SEED_PROFILE.maxWorkers, providers: { gemini: seedProvider('gemini'), groq: seedProvider('groq') } },
    },
    { name: base.spillover ? 'spillover-off' : 'spillover-on', patch: { spillover: !base.spillover } },
  ];
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

export interface PlanInput {
  submissions: readonly PlannedSubmission[];
  config: EngineConfig;
  variants: readonly PlanVariant[];
  model: ProviderModel;
  seeds?: number;
  /** Epoch ms the run would start at (the daily quotas and Gemini's reset depend on it). */
  startMs: number;
  signal?: AbortSignal;
  /** Called after each replay: done and total replays. */
  onProgress?: (done: number, total: number) => void;
}

/** The replay of variant `v` under seed number `s` (0-based): independent of every other, so any thread may run it. */
export function replayOf(input: Omit<PlanInput, 'onProgress'>, v: PlanVariant, s: number): Promise<ReplayResult> {
  return replay({
    submissions: input.submissions,
    config: variantConfig(input.config, v),
    variant: v,
    model: input.model,
    seed: BASE_SEED + s,
    startMs: input.startMs,
    signal: input.signal,
  });
}

export function seedsOf(input: Pick<PlanInput, 'seeds'>): number {
  return Math.max(1, input.seeds ?? DEFAULT_SEEDS);
}

export async function predictVariant(input: PlanInput, v: PlanVariant, progress: () => void): Promise<ConfigPrediction> {
  const runs: ReplayResult[] = [];
  for (let s = 0; s < seedsOf(input); s++) {
    if (input.signal?.aborted) throw new Error('plan cancelled');
    runs.push(await replayOf(input, v, s));
    progress();
  }
  return summarize(input, v, runs);
}

/** One configuration's prediction from its replays, in seed order. */
export function summarize(input: Pick<PlanInput, 'startMs' | 'model'>, v: PlanVariant, runs: readonly ReplayResult[]): ConfigPrediction {
  const seeds = runs.length;
  const byMakespan = [...runs].sort((a, b) => a.makespanMs - b.makespanMs);
  const spans = byMakespan.map((r) => r.makespanMs);
  const median = byMakespan[Math.floor((byMakespan.length - 1) / 2)] as ReplayResult;
  const geminiOut = runs.some((r) => r.exhausted.includes('gemini'));
  const reset = nextMidnight(input.startMs);
  const crossesReset = input.startMs + percentile(spans, 0.9) > reset;
  return {
    config: v.name,
    makespan_s: seconds(median.makespanMs),
    p10_s: seconds(percentile(spans, 0.1)),
    p90_s: seconds(percentile(spans, 0.9)),
    calls: PROVIDER_IDS.reduce((n, p) => n + median.calls[p], 0),
    callsByProvider: median.calls,
    fallbacks: median.fallbacks,
    http_429: median.http429,
    undetermined: median.undetermined,
    quota_ok: runs.every((r) => r.exhausted.length === 0),
    quota_runs_out_s: median.dailyExhaustedAtMs === null ? null : seconds(median.dailyExhaustedAtMs),
    gemini_reset_at: geminiOut || crossesReset ? reset : null,
    learned_from_calls: input.model.learnedFromCalls,
    seeds,
    best: false,
    rpm: median.rpm,
  };
}

/** Every variant, in order; the fastest one whose quota holds and that leaves nothing undetermined is marked best. */
export async function planBatch(input: PlanInput): Promise<ConfigPrediction[]> {
  const total = input.variants.length * seedsOf(input);
  let done = 0;
  const out: ConfigPrediction[] = [];
  for (const v of input.variants) out.push(await predictVariant(input, v, () => input.onProgress?.(++done, total)));
  return markBest(out);
}

/** Marks the fastest prediction whose quota holds and that leaves nothing undetermined (else the fastest) as best. */
export function markBest(out: ConfigPrediction[]): ConfigPrediction[] {
  const candidates = out.filter((p) => p.quota_ok && p.undetermined === 0);
  const best = (candidates.length > 0 ? candidates : out).reduce<ConfigPrediction | null>(
    (b, p) => (!b || p.makespan_s < b.makespan_s ? p : b),
    null,
  );
  if (best) best.best = true;
  return out;
}
