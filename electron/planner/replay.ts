// One replay of a workload under one configuration and one seed (docs/planner.md): the real Engine, router and
// WorkerPool on a VirtualClock, each provider played by a ModelledProvider whose server enforces the limits in
// force, answers with the learned latencies and fails at the learned error rate, plus the variant's outage or cut.
// Submissions flow as the batch runner drives them: a stagger before the first call, then the calls (at once in
// full mode, one after another in minimal mode) on one budget.
import { applyConfigPatch, type EngineConfig } from '../../shared/config';
import type { PlannedCall, PlannedSubmission, PlanVariant, ProviderModel, RpmPoint } from '../../shared/plan';
import { PROVIDER_IDS, type LlmRequest, type ProviderId } from '../../shared/provider';
import type { ProviderAdapter } from '../engine/adapter';
import { VirtualClock } from '../engine/clock';
import { Engine } from '../engine/engine';
import { WorkerPool } from '../engine/pool';
import { seededRng } from '../engine/rng';
import { PRESETS } from '../providers/simulator/presets';
import { MAX_OUTPUT_TOKENS } from '../validation/prompts';
import { ModelledProvider, type FaultWindow, type ServerPlan } from './modelled-provider';
import { latencyFor } from './provider-model';

const MINUTE = 60_000;

export interface ReplayResult {
  makespanMs: number;
  calls: Record<ProviderId, number>;
  fallbacks: number;
  http429: number;
  undetermined: number;
  /** ms from the first call until a daily quota ran out, else null. */
  dailyExhaustedAtMs: number | null;
  exhausted: ProviderId[];
  rpm: RpmPoint[];
}

/** The variant's config: its patch over the base, then another tier's published limits for the configured models. */
export function variantConfig(base: EngineConfig, v: PlanVariant): EngineConfig {
  let cfg = v.patch ? applyConfigPatch(base, v.patch) : base;
  if (v.tier) {
    const preset = PRESETS[v.tier];
    const g = preset.gemini[cfg.providers.gemini.textModel];
    const q = preset.groq[cfg.providers.groq.textModel];
    cfg = applyConfigPatch(cfg, {
      providers: {
        ...(g && { gemini: { rpm: g.rpm, tpm: g.tpm, rpd: g.rpd } }),
        ...(q && { groq: { rpm: q.rpm, tpm: q.tpm, rpd: q.rpd, tpd: q.tpd } }),
      },
    });
  }
  return cfg;
}

function serverPlan(p: ProviderId, v: PlanVariant, model: ProviderModel, tokensOf: ServerPlan['tokensOf']): ServerPlan {
  const figures = model.providers.find((f) => f.provider === p);
  const faults: FaultWindow[] = [];
  // The first matching window wins: the outage before the background error rate.
  if (v.outage?.provider === p)
    faults.push({ fromMs: v.outage.atMinute * MINUTE, toMs: (v.outage.atMinute + v.outage.minutes) * MINUTE, kind: 'overloaded' });
  if (figures && figures.errorRate > 0) faults.push({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, kind: 'server', rate: figures.errorRate });
  return {
    faults,
    tokensOf,
    ...(figures && figures.usedToday > 0 && { limits: { rpd: Math.max(1, figures.rpd - figures.usedToday) } }),
    ...(v.quotaCut?.provider === p && { cut: { atMs: v.quotaCut.atMinute * MINUTE, factor: v.quotaCut.factor } }),
  };
}

export interface ReplayInput {
  submissions: readonly PlannedSubmission[];
  config: EngineConfig;
  variant: PlanVariant;
  model: ProviderModel;
  seed: number;
  startMs: number;
  signal?: AbortSignal;
}

/**
 * The limits in force: where the engine learned lower ones from a server, the live engine already keeps to them and
 * the server enforces them, so the replay's client and server both use them. A tier what-if sets its own limits.
 */
function withLearnedLimits(config: EngineConfig, v: PlanVariant, model: ProviderModel): EngineConfig {
  if (v.tier) return config;
  const learned = model.providers.filter((f) => f.limitsSource === 'learned');
  if (learned.length === 0) return config;
  return applyConfigPatch(config, { providers: Object.fromEntries(learned.map((f) => [f.provider, { rpm: f.rpm, tpm: f.tpm, rpd: f.rpd }])) });
}

export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const { variant, model, seed } = input;
  const config = withLearnedLimits(input.config, variant, model);
  const clock = new VirtualClock(input.startMs);
  const planned = new Map<LlmRequest, PlannedCall>();
  const adapters: Partial<Record<ProviderId, ProviderAdapter>> = {};
  PROVIDER_IDS.forEach((p, i) => {
    if (!model.providers.find((f) => f.provider === p)?.available) return;
    const tokensOf = (req: LlmRequest) => planned.get(req)?.tokens[p];
    const latency = (m: string, kind: PlannedCall['kind']) => latencyFor(model, p, m, kind);
    adapters[p] = new ModelledProvider(
      p,
      config.providers[p],
      clock,
      seededRng(seed * 7919 + i + 1),
      latency,
      serverPlan(p, variant, model, tokensOf),
    );
  });
  const engine = new Engine({ config, clock, rng: seededRng(seed * 7919), adapters, simulated: true });
  const r: ReplayResult = {
    makespanMs: 0,
    calls: { gemini: 0, groq: 0 },
    fallbacks: 0,
    http429: 0,
    undetermined: 0,
    dailyExhaustedAtMs: null,
    exhausted: [],
    rpm: [],
  };
  let t0: number | null = null;
  let end = input.startMs;
  const off = engine.events.on((e) => {
    if (e.type === 'call_started') {
      t0 ??= e.at;
      r.calls[e.provider]++;
      const minute = Math.floor((e.at - t0) / MINUTE);
      while (r.rpm.length <= minute) r.rpm.push({ minute: r.rpm.length, gemini: 0, groq: 0 });
      (r.rpm[minute] as RpmPoint)[e.provider]++;
    } else if (e.type === 'http_429') {
      r.http429++;
      if (e.daily && !r.exhausted.includes(e.provider)) {
        r.exhausted.push(e.provider);
        r.dailyExhaustedAtMs ??= e.at - (t0 ?? e.at);
      }
    } else if (e.type === 'fallback' && e.to !== 'none') r.fallbacks++;
  });
  const pool = new WorkerPool({ clock, size: () => engine.workerTarget() });
  const onAbort = () => pool.cancel();
  input.signal?.addEventListener('abort', onAbort, { once: true });
  const request = (c: PlannedCall): LlmRequest => {
    const req: LlmRequest = { kind: c.kind, system: '', prompt: '', schema: { type: 'object' }, maxOutputTokens: MAX_OUTPUT_TOKENS[c.kind] };
    planned.set(req, c);
    return req;
  };
  /** Submissions with calls left undetermined, and those calls: what the batch end runs once more. */
  const open = new Map<PlannedSubmission, PlannedCall[]>();
  // The pool's per-submission signal is not passed on: a cancelled plan stops starting submissions and its worker is
  // terminated, so a replayed call never needs aborting, and each signal listener in the engine is per-call cost.
  const pass = (todo: readonly (readonly [PlannedSubmission, readonly PlannedCall[]])[]) =>
    pool.run(todo, async ([s, calls]) => {
      if (calls.length === 0) return;
      await engine.stagger();
      const budget = engine.newBudget(s.id);
      const left: PlannedCall[] = [];
      const one = async (c: PlannedCall) => {
        const req = request(c);
        const routed = await engine.call({ submissionId: s.id, budget, request: req });
        planned.delete(req);
        if (routed.status !== 'ok') left.push(c);
      };
      if (config.evaluationMode === 'full') await Promise.all(calls.map(one));
      else for (const c of calls) await one(c);
      if (left.length > 0) open.set(s, left);
      else open.delete(s);
      end = Math.max(end, clock.now());
    });
  const work = (async () => {
    const t = clock.now();
    await pass(input.submissions.map((s) => [s, s.calls] as const));
    // The batch end after an outage, as the runner does it (docs/engine-runtime.md, "Parking"): wait for recovery
    // within the parking horizon, then run what is left undetermined once more.
    if (config.parkMaxMinutes === 0 || open.size === 0 || !engine.hadOutageSince(t)) return;
    await engine.whenRecovered(clock.now() + config.parkMaxMinutes * MINUTE);
    await pass([...open]);
  })();
  try {
    await clock.run(work);
  } finally {
    off();
    input.signal?.removeEventListener('abort', onAbort);
  }
  for (const calls of open.values()) r.undetermined += calls.length;
  if (input.signal?.aborted) throw new Error('plan cancelled');
  r.makespanMs = t0 === null ? 0 : end - t0;
  return r;
}
