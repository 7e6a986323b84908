// Benchmark part 1, quota efficiency: N submissions × 3 calls against the modelled providers at the seed's quotas
// (Gemini 150 RPM × 0.9, Groq 25 RPM × 0.8; Gemini latency lognormal, median 8 s; Groq 1 s). Every contender meets
// the same server model, latencies and seeds; figures are makespan ÷ the quota lower bound, 429s, wasted calls,
// calls per submission and fallbacks.
import { VirtualClock, type Clock } from '../../electron/engine/clock';
import { Engine } from '../../electron/engine/engine';
import { WorkerPool } from '../../electron/engine/pool';
import { isRetryable, retryDelayMs } from '../../electron/engine/retry';
import { lognormal, seededRng } from '../../electron/engine/rng';
import { SEED_PROFILE } from '../../electron/planner/seed-profile';
import { applyConfigPatch, DEFAULT_CONFIG, effective, type ConfigPatch, type EngineConfig } from '../../shared/config';
import { CALL_KINDS, type CallKind, type CallOutcome, type LlmRequest } from '../../shared/provider';
import { INPUT_TOKENS, ModelledProvider, type ServerPlan } from '../../electron/planner/modelled-provider';
import { ScaledClock } from '../helpers/scaled-clock';
import { physicalFloorMs, realizedFloorMs } from './floor';
import { peerLimiter, type PeerName } from './peers';
import { plainRequest } from '../helpers/requests';

export const SEED = 2026;
const MINUTE = 60_000;
const GEMINI_LATENCY = { medianMs: 8_000, sigma: 0.5 };
const GROQ_LATENCY = { medianMs: 1_000, sigma: 0.3 };

export type Contender = 'ours' | 'ours-park0' | 'seed' | 'seed-head' | PeerName | 'ours-scaled';

/** The seed never parked a call. */
const SEED_DOC: EngineConfig = { ...SEED_PROFILE, parkMaxMinutes: 0 };
/** The configuration the seed actually ran at its HEAD: 12 workers, concurrency 6. */
const SEED_HEAD: EngineConfig = applyConfigPatch(SEED_DOC, {
  maxWorkers: 12,
  providers: { gemini: { maxConcurrent: 6 }, groq: { maxConcurrent: 6 } },
});
/** Ours with parking off (PARK_MAX_MINUTES=0): fall back at once, as before parking. */
const OURS_PARK0: EngineConfig = { ...DEFAULT_CONFIG, parkMaxMinutes: 0 };

export interface QuotaScenario {
  name: string;
  submissions: number;
  plan: { gemini: ServerPlan; groq: ServerPlan };
  /** The quota lower bound on the makespan, ms. */
  boundMs: number;
  /** Gemini admissions per sliding minute at the end of the run (what the physical floor is built from). */
  perWindow: number;
  /** Real-time speed-up for the contenders that run on real timers. */
  scale: number;
  /** Run "ours" on the scaled real clock too, as a control for what the time scaling itself costs. */
  control: boolean;
  /** A change to every contender's config and the server's limits alike (e.g. a daily quota that would bind). */
  patch?: ConfigPatch;
}

export interface QuotaResult {
  scenario: string;
  contender: Contender;
  makespan_ratio: number;
  /** The physical floor ÷ the quota bound: the best any contender can do on average (floor.ts). */
  physical_ratio: number;
  /** Makespan ÷ the physical floor (steady scenarios: the floor for this seed's own latency draws, floor.ts). */
  floor_ratio: number;
  http_429: number;
  calls: number;
  fallbacks: number;
  wasted_calls: number;
  calls_per_submission: number;
  undetermined: number;
  makespan_min: number;
  lower_bound_min: number;
  clock: 'virtual' | `real ×${number}`;
}

const geminiRpm = effective(DEFAULT_CONFIG.providers.gemini.rpm, DEFAULT_CONFIG.providers.gemini.safetyFactor);
const geminiTpm = effective(DEFAULT_CONFIG.providers.gemini.tpm, DEFAULT_CONFIG.providers.gemini.safetyFactor);
const groqRpm = effective(DEFAULT_CONFIG.providers.groq.rpm, DEFAULT_CONFIG.providers.groq.safetyFactor);

function requestBound(calls: number): number {
  return (calls / geminiRpm) * MINUTE;
}

/** The scenarios of part 1. Bounds use the effective (safety-factored) limits, as docs/engine.md's yardstick does. */
export function quotaScenarios(scaleOverride?: number): QuotaScenario[] {
  return baseScenarios().map((s) => (scaleOverride ? { ...s, scale: scaleOverride } : s));
}

function baseScenarios(): QuotaScenario[] {
  const steady = (n: number, scale: number, control: boolean): QuotaScenario => ({
    name: `steady-${n}`,
    submissions: n,
    plan: { gemini: {}, groq: {} },
    boundMs: requestBound(3 * n),
    perWindow: geminiRpm,
    scale,
    control,
  });
  const n = 1_000;
  const calls = 3 * n;
  // Quota cut: at a third of the steady bound, the server halves Gemini's per-minute limits.
  const cutAt = requestBound(calls) / 3;
  const servedBeforeCut = (geminiRpm * cutAt) / MINUTE;
  // Outage: Gemini answers 503 from minute 2 to minute 4; only Groq (fallback) can serve meanwhile.
  const outage = { fromMs: 2 * MINUTE, toMs: 4 * MINUTE };
  // TPM-bound: every report is a big PDF (80k input tokens), so Gemini's 2M TPM binds before its RPM.
  const pdfTokens = 80_000;
  const perSubmission = INPUT_TOKENS.theme + INPUT_TOKENS.image + pdfTokens;
  return [
    steady(100, 100, true),
    steady(1_000, 200, true),
    // 30,000 calls are more than Gemini's 10K requests per day: lift the day on both sides, so RPM is what is measured.
    { ...steady(10_000, 400, false), patch: { providers: { gemini: { rpd: 1_000_000 } } } },
    {
      name: `quota-cut-${n}`,
      submissions: n,
      plan: { gemini: { cut: { atMs: cutAt, factor: 0.5 } }, groq: {} },
      boundMs: cutAt + ((calls - servedBeforeCut) / (geminiRpm * 0.5)) * MINUTE,
      perWindow: geminiRpm * 0.5,
      scale: 200,
      control: true,
    },
    {
      name: `outage-${n}`,
      submissions: n,
      plan: { gemini: { faults: [{ ...outage, kind: 'overloaded' }] }, groq: {} },
      boundMs: outage.toMs - outage.fromMs + requestBound(calls - (groqRpm * (outage.toMs - outage.fromMs)) / MINUTE),
      perWindow: geminiRpm,
      scale: 200,
      control: true,
    },
    {
      name: `tpm-pdf-${n}`,
      submissions: n,
      plan: { gemini: { tokens: { pdf: pdfTokens } }, groq: { tokens: { pdf: pdfTokens } } },
      boundMs: Math.max(requestBound(calls), ((n * perSubmission) / geminiTpm) * MINUTE),
      perWindow: Math.min(geminiRpm, (3 * geminiTpm) / perSubmission),
      scale: 200,
      control: true,
    },
  ];
}

export interface Tally {
  calls: number;
  ok: number;
  http429: number;
  fallbacks: number;
  undetermined: number;
}

function providers(config: EngineConfig, clock: Clock, s: QuotaScenario) {
  return {
    gemini: new ModelledProvider('gemini', config.providers.gemini, clock, seededRng(SEED + 1), GEMINI_LATENCY, s.plan.gemini),
    groq: new ModelledProvider('groq', config.providers.groq, clock, seededRng(SEED + 2), GROQ_LATENCY, s.plan.groq),
  };
}

/** Our engine (defaults or the seed profile) against the modelled providers. */
async function runEngine(s: QuotaScenario, config: EngineConfig, clock: Clock): Promise<{ ms: number; t: Tally }> {
  const engine = new Engine({ config, clock, rng: seededRng(SEED), adapters: providers(config, clock, s), simulated: true });
  return driveEngine(engine, clock, s.submissions, plainRequest);
}

/** Submissions of 3 calls each through the engine's worker pool, as the batch runner drives them. */
export async function driveEngine(
  engine: Engine,
  clock: Clock,
  submissions: number,
  req: (kind: CallKind) => LlmRequest,
): Promise<{ ms: number; t: Tally }> {
  const config = engine.config;
  const t: Tally = { calls: 0, ok: 0, http429: 0, fallbacks: 0, undetermined: 0 };
  const off = engine.events.on((e) => {
    if (e.type === 'http_429') t.http429++;
    if (e.type === 'call_started') t.calls++;
    if (e.type === 'call_finished' && e.outcome === 'ok') t.ok++;
    if (e.type === 'fallback' && e.to !== 'none') t.fallbacks++;
  });
  const size = config.maxWorkers === 'auto' ? () => engine.workerTarget() : config.maxWorkers;
  const ids = Array.from({ length: submissions }, (_, i) => `s${i}`);
  const t0 = clock.now();
  const open = new Map<string, CallKind[]>();
  const pass = (todo: [string, readonly CallKind[]][]) =>
    new WorkerPool({ clock, size }).run(todo, async ([id, kinds], signal) => {
      await engine.stagger(signal);
      const budget = engine.newBudget(id);
      const results = await Promise.all(kinds.map((kind) => engine.call({ submissionId: id, budget, request: req(kind), signal })));
      const left = kinds.filter((_, i) => results[i]?.status !== 'ok');
      if (left.length > 0) open.set(id, left);
      else open.delete(id);
    });
  const work = (async () => {
    await pass(ids.map((id) => [id, CALL_KINDS]));
    // The batch end, as the runner does it: after an outage, wait for recovery and run what is left once more.
    if (config.parkMaxMinutes > 0 && open.size > 0 && engine.hadOutageSince(t0)) {
      await engine.whenRecovered(clock.now() + config.parkMaxMinutes * MINUTE);
      await pass([...open]);
    }
  })();
  await (clock instanceof VirtualClock ? clock.run(work) : work);
  for (const kinds of open.values()) t.undetermined += kinds.length;
  off();
  return { ms: clock.now() - t0, t };
}

/**
 * A peer library as a developer would wire it: one limiter per provider configured for its RPM, every submission
 * queued at once, the same retry policy as ours (server delay or 2 s × 2^n with full jitter, 3 attempts, no retry of
 * a daily quota), then Groq as the fallback, within the same 5-call budget.
 */
async function runPeer(s: QuotaScenario, peer: PeerName, clock: ScaledClock): Promise<{ ms: number; t: Tally }> {
  const config = withPatch(s, DEFAULT_CONFIG);
  const adapters = providers(config, clock, s);
  const rng = seededRng(SEED);
  const limiters = {
    gemini: peerLimiter(peer, config.providers.gemini, GEMINI_LATENCY, clock),
    groq: peerLimiter(peer, config.providers.groq, GROQ_LATENCY, clock),
  };
  const t: Tally = { calls: 0, ok: 0, http429: 0, fallbacks: 0, undetermined: 0 };
  async function call(budget: { used: number }, kind: CallKind): Promise<boolean> {
    for (const p of ['gemini', 'groq'] as const) {
      if (p === 'groq') t.fallbacks++;
      for (let n = 0; n < config.retry.maxAttempts; n++) {
        if (budget.used >= config.maxCallsPerSubmission) return false;
        budget.used++;
        t.calls++;
        const outcome: CallOutcome = await limiters[p].schedule(() => adapters[p].call(plainRequest(kind), new AbortController().signal));
        if (outcome.ok) {
          t.ok++;
          return true;
        }
        if (outcome.status === 429) t.http429++;
        if (!isRetryable(outcome) || n + 1 >= config.retry.maxAttempts) break;
        await clock.sleep(retryDelayMs(outcome, n, config.retry, rng));
      }
    }
    return false;
  }
  const t0 = clock.now();
  await Promise.all(
    Array.from({ length: s.submissions }, async () => {
      const budget = { used: 0 };
      const ok = await Promise.all(CALL_KINDS.map((k) => call(budget, k)));
      t.undetermined += ok.filter((x) => !x).length;
    }),
  );
  const ms = clock.now() - t0;
  limiters.gemini.stop();
  limiters.groq.stop();
  return { ms, t };
}

function result(s: QuotaScenario, contender: Contender, ms: number, t: Tally, clock: QuotaResult['clock']): QuotaResult {
  const floorMs = physicalFloorMs(s.boundMs, s.perWindow, GEMINI_LATENCY);
  const steady = s.name.startsWith('steady-');
  const rng = seededRng(SEED + 1); // the Gemini server's own stream (providers() below)
  const seedFloorMs = steady
    ? realizedFloorMs(3 * s.submissions, s.perWindow, () => lognormal(rng, GEMINI_LATENCY.medianMs, GEMINI_LATENCY.sigma))
    : floorMs;
  return {
    scenario: s.name,
    contender,
    makespan_ratio: round(ms / s.boundMs, 3),
    physical_ratio: round(floorMs / s.boundMs, 3),
    floor_ratio: round(ms / seedFloorMs, 3),
    http_429: t.http429,
    calls: t.calls,
    fallbacks: t.fallbacks,
    wasted_calls: t.calls - t.ok,
    calls_per_submission: round(t.calls / s.submissions, 3),
    undetermined: t.undetermined,
    makespan_min: round(ms / MINUTE, 2),
    lower_bound_min: round(s.boundMs / MINUTE, 2),
    clock,
  };
}

function withPatch(s: QuotaScenario, base: EngineConfig): EngineConfig {
  return s.patch ? applyConfigPatch(base, s.patch) : base;
}

export async function runQuotaScenario(s: QuotaScenario, only?: (c: Contender) => boolean): Promise<QuotaResult[]> {
  const out: QuotaResult[] = [];
  const want = (c: Contender) => !only || only(c);
  for (const [c, cfg] of [
    ['ours', DEFAULT_CONFIG],
    ['ours-park0', OURS_PARK0],
    ['seed', SEED_DOC],
    ['seed-head', SEED_HEAD],
  ] as const) {
    if (!want(c)) continue;
    const r = await runEngine(s, withPatch(s, cfg), new VirtualClock());
    out.push(result(s, c, r.ms, r.t, 'virtual'));
  }
  for (const peer of ['bottleneck', 'p-queue'] as const) {
    if (!want(peer)) continue;
    const r = await runPeer(s, peer, new ScaledClock(s.scale));
    out.push(result(s, peer, r.ms, r.t, `real ×${s.scale}`));
  }
  // The control replays our virtual run in real time: skip it when that would take more than two minutes.
  const virtualOurs = out.find((r) => r.contender === 'ours');
  const projectedRealS = virtualOurs ? (virtualOurs.makespan_min * 60) / s.scale : 0;
  if (s.control && want('ours-scaled') && projectedRealS > 120) {
    console.error(
      `${s.name}: ours-scaled skipped (our virtual makespan would take ${Math.round(projectedRealS / 60)} min of real time at ×${s.scale})`,
    );
  } else if (s.control && want('ours-scaled')) {
    const r = await runEngine(s, withPatch(s, DEFAULT_CONFIG), new ScaledClock(s.scale));
    out.push(result(s, 'ours-scaled', r.ms, r.t, `real ×${s.scale}`));
  }
  return out;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
