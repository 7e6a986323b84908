// Benchmark part 2, real time on loopback: the real Gemini and Groq SDK adapters, the real engine and the HTTP
// provider simulator, all on one ScaledClock. (a) 100 submissions × 3 calls, quota-bound: makespan ÷ bound and 429s.
// (b) Engine overhead per call: 1,000 warm-up and 300 measured calls one at a time against unbinding quotas, timing
// engine.call entry → adapter start and adapter return → engine.call return in real microseconds.
import { performance } from 'node:perf_hooks';
import type { ProviderAdapter } from '../../electron/engine/adapter';
import { RealClock } from '../../electron/engine/clock';
import { Engine } from '../../electron/engine/engine';
import { seededRng } from '../../electron/engine/rng';
import { startSimulator } from '../../electron/providers/simulator/server';
import { SEED_PROFILE } from '../../electron/planner/seed-profile';
import { applyConfigPatch, DEFAULT_CONFIG, effective, type EngineConfig } from '../../shared/config';
import { CALL_KINDS, type CallKind } from '../../shared/provider';
import { ScaledClock } from '../helpers/scaled-clock';
import { simulatorAdapters } from '../helpers/simulator-adapters';
import { driveEngine, round, SEED } from './quota';
import { plainRequest as request } from '../helpers/requests';

const SUBMISSIONS = 100;
const SCALE = 20;
const OVERHEAD_CALLS = 300;
/** Unmeasured calls before the measured ones: enough for the JIT to have optimized the engine's path, as in a long batch. */
const WARMUP_CALLS = 1_000;

export interface LoopbackResult {
  scenario: 'loopback-300';
  contender: 'ours' | 'seed';
  makespan_ratio: number;
  http_429: number;
  calls: number;
  fallbacks: number;
  makespan_min: number;
  lower_bound_min: number;
  real_s: number;
  overhead_p50_us: number;
  overhead_p99_us: number;
  overhead_calls: number;
  /** The same figures over the first OVERHEAD_CALLS calls of a fresh engine (its warm-up), as the old method measured. */
  overhead_cold_p50_us: number;
  overhead_cold_p99_us: number;
  clock: string;
}

async function quotaBound(config: EngineConfig) {
  const clock = new ScaledClock(SCALE);
  const sim = await startSimulator({ preset: 'tier1', timeScale: 1, clock, seed: SEED });
  try {
    const engine = new Engine({ config, clock, rng: seededRng(SEED), adapters: simulatorAdapters(config, sim, clock), simulated: true });
    const started = performance.now();
    const r = await driveEngine(engine, clock, SUBMISSIONS, request);
    return { ...r, realMs: performance.now() - started };
  } finally {
    await sim.close();
  }
}

/**
 * Real microseconds the engine adds around each adapter call, with nothing to wait for, one call at a time on one fresh
 * engine per contender: WARMUP_CALLS unmeasured, then OVERHEAD_CALLS measured (`warm`, the figure against the goal).
 * `cold` is the first OVERHEAD_CALLS of the warm-up, reported beside it. The old method measured 300 calls from
 * cold, so it compared JIT tiers (and the second contender ran on code the first had warmed), not engines.
 */
async function overhead(config: EngineConfig): Promise<{ cold: number[]; warm: number[] }> {
  const clock = new RealClock();
  const sim = await startSimulator({ preset: 'tier1', timeScale: 0, seed: SEED });
  const open = { rpm: 1e7, tpm: 1e12, rpd: 1e9 };
  try {
    for (const p of ['gemini', 'groq'] as const) {
      for (const model of new Set([config.providers[p].textModel, config.providers[p].visionModel])) {
        sim.control.setQuota({ provider: p, model, limits: p === 'groq' ? { ...open, tpd: 1e12 } : open });
      }
    }
    const unbound = applyConfigPatch(config, { providers: { gemini: open, groq: { ...open, tpd: 1e12 } } });
    const base = simulatorAdapters(unbound, sim, clock);
    let adapterStart = 0;
    let adapterEnd = 0;
    let adapterCalls = 0;
    const timed = (a: ProviderAdapter): ProviderAdapter => ({
      id: a.id,
      modelFor: (k) => a.modelFor(k),
      supports: (r) => a.supports(r),
      estimateTokens: (r) => a.estimateTokens(r),
      call: async (req, signal) => {
        adapterCalls++;
        adapterStart = performance.now();
        const o = await a.call(req, signal);
        adapterEnd = performance.now();
        return o;
      },
    });
    const engine = new Engine({
      config: unbound,
      clock,
      rng: seededRng(SEED),
      adapters: { gemini: timed(base.gemini), groq: timed(base.groq) },
      simulated: true,
    });
    const samples: number[] = [];
    for (let i = 0; i < WARMUP_CALLS + OVERHEAD_CALLS; i++) {
      const kind = CALL_KINDS[i % CALL_KINDS.length] as CallKind;
      // The call's arguments are the caller's work, built before the clock starts.
      const args = { submissionId: `o${i}`, budget: engine.newBudget(`o${i}`), request: request(kind) };
      adapterCalls = 0;
      const entry = performance.now();
      const r = await engine.call(args);
      const exit = performance.now();
      if (r.status !== 'ok' || adapterCalls !== 1) throw new Error(`overhead call ${i} did not go straight through: ${JSON.stringify(r)}`);
      samples.push((adapterStart - entry + (exit - adapterEnd)) * 1000);
    }
    return { cold: samples.slice(0, OVERHEAD_CALLS), warm: samples.slice(WARMUP_CALLS) };
  } finally {
    await sim.close();
  }
}

/** The sample at rank floor(q × n) of `xs` (q = 0.5 over an odd count: the median; q = 1: the largest). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

export async function runLoopback(): Promise<LoopbackResult[]> {
  const g = DEFAULT_CONFIG.providers.gemini;
  const boundMs = ((SUBMISSIONS * 3) / effective(g.rpm, g.safetyFactor)) * 60_000;
  const out: LoopbackResult[] = [];
  for (const [contender, config] of [
    ['ours', DEFAULT_CONFIG],
    ['seed', SEED_PROFILE],
  ] as const) {
    const q = await quotaBound(config);
    const o = await overhead(config);
    out.push({
      scenario: 'loopback-300',
      contender,
      makespan_ratio: round(q.ms / boundMs, 3),
      http_429: q.t.http429,
      calls: q.t.calls,
      fallbacks: q.t.fallbacks,
      makespan_min: round(q.ms / 60_000, 2),
      lower_bound_min: round(boundMs / 60_000, 2),
      real_s: round(q.realMs / 1000, 1),
      overhead_p50_us: Math.round(quantile(o.warm, 0.5)),
      overhead_p99_us: Math.round(quantile(o.warm, 0.99)),
      overhead_calls: o.warm.length,
      overhead_cold_p50_us: Math.round(quantile(o.cold, 0.5)),
      overhead_cold_p99_us: Math.round(quantile(o.cold, 0.99)),
      clock: `real ×${SCALE}`,
    });
  }
  return out;
}
