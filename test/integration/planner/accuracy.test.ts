// The planner's accuracy (docs/planner.md): predict a batch against the loopback simulator's own latency model and
// quotas, then really run the same batch through the engine with the real Gemini and Groq SDK adapters against the
// HTTP simulator on a scaled clock. The predicted median makespan must be within ±10 % of the actual one, for a
// steady case, an outage and a quota-bound case. Both figures are virtual (scaled) time, never wall-clock.
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../electron/engine/engine';
import { seededRng } from '../../../electron/engine/rng';
import { planBatch } from '../../../electron/planner/plan';
import { learnProviderModel } from '../../../electron/planner/provider-model';
import { tokenEstimators, uniformWorkload } from '../../../electron/planner/workload';
import { latencyModel } from '../../../electron/providers/simulator/presets';
import { startSimulator, type Simulator } from '../../../electron/providers/simulator/server';
import { applyConfigPatch, DEFAULT_CONFIG, type ConfigPatch, type EngineConfig } from '../../../shared/config';
import type { PlanVariant } from '../../../shared/plan';
import type { CallKind, LlmRequest } from '../../../shared/provider';
import type { HistoryCall } from '../../../electron/store/plans';
import { driveEngine } from '../../bench/quota';
import { plainRequest } from '../../helpers/requests';
import { ScaledClock } from '../../helpers/scaled-clock';
import { simulatorAdapters } from '../../helpers/simulator-adapters';

const MINUTE = 60_000;

// Plain requests (no PDF or photo to parse): on a scaled clock every real millisecond of CPU the simulator spends
// parsing attachments would count `scale` times, which no real run pays. The simulator's latency for a request
// without attachments is what the planner is given. Groq's JSON mode wants "JSON" in the prompt, as ours say; any
// object is a valid reply (the simulator answers each kind with that kind's verdict fields).
const request = (kind: CallKind): LlmRequest => ({ ...plainRequest(kind), prompt: `Judge this ${kind}. Reply in JSON.`, schema: { type: 'object' } });
const reqs: Record<CallKind, LlmRequest> = { theme: request('theme'), pdf: request('pdf'), image: request('image') };

interface Case {
  name: string;
  /** Virtual ms per real ms: low enough that the real CPU time of each HTTP exchange stays a small share. */
  scale: number;
  submissions: number;
  patch?: ConfigPatch;
  /** The simulator's per-minute limits, set to what the config says is in force. */
  simLimits?: { rpm: number };
  outage?: PlanVariant['outage'];
}

interface Actual {
  ms: number;
  calls: number;
  /** Every finished call, as the store would hold it: what the planner learns from. */
  history: HistoryCall[];
}

async function realRun(c: Case, config: EngineConfig, submissions: number): Promise<Actual> {
  const clock = new ScaledClock(c.scale);
  sim = await startSimulator({ preset: 'tier1', timeScale: 1, clock, seed: 7 });
  const s = sim;
  if (c.simLimits)
    for (const model of new Set([config.providers.gemini.textModel, config.providers.gemini.visionModel]))
      s.control.setQuota({ provider: 'gemini', model, limits: c.simLimits });
  const engine = new Engine({
    config,
    clock,
    rng: seededRng(11),
    adapters: simulatorAdapters(config, s, clock),
    simulated: true,
  });
  let first: number | null = null;
  const off = engine.events.on((e) => {
    if (e.type !== 'call_started' || first !== null) return;
    first = e.at;
    const o = c.outage;
    if (o) clock.setTimer(o.atMinute * MINUTE, () => s.control.outage({ provider: o.provider, durationMs: o.minutes * MINUTE }));
  });
  const history: HistoryCall[] = [];
  const offHistory = engine.events.on((e) => {
    if (e.type === 'call_finished')
      history.push({ provider: e.provider, model: e.model, kind: e.kind, outcome: e.outcome, latencyMs: e.latencyMs, startedAt: e.at - e.latencyMs });
  });
  const t0 = clock.now();
  const r = await driveEngine(engine, clock, submissions, (kind) => reqs[kind]);
  off();
  offHistory();
  await s.close();
  sim = null;
  return { ms: t0 + r.ms - (first ?? t0), calls: r.t.calls, history };
}

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

// Steady and outage run at a fixed Gemini concurrency: a burst of auto-mode calls at t = 0 would arrive at the
// simulator spread over `scale` × its real handling time, an artefact of the scaled clock, not of the planner.
/** Submissions of the calibration run: 3 calls each, enough for a fit per call kind. */
const CALIBRATION = 24;
const FIXED: ConfigPatch = { providers: { gemini: { maxConcurrent: 8 } } };
const CASES: Case[] = [
  { name: 'steady', scale: 5, submissions: 40, patch: FIXED },
  { name: 'outage', scale: 5, submissions: 40, patch: FIXED, outage: { provider: 'gemini', atMinute: 0.5, minutes: 1 } },
  { name: 'quota-bound', scale: 10, submissions: 60, patch: { providers: { gemini: { rpm: 60 } } }, simLimits: { rpm: 60 } },
];

describe('planner accuracy against the loopback simulator', () => {
  for (const c of CASES) {
    it(`${c.name}: predicted makespan within ±10 % of the real run`, { timeout: 120_000 }, async () => {
      const config = c.patch ? applyConfigPatch(DEFAULT_CONFIG, c.patch) : DEFAULT_CONFIG;
      const estimate = tokenEstimators(config);
      const tokens = (k: CallKind) => ({ gemini: estimate.gemini(reqs[k]), groq: estimate.groq(reqs[k]) });
      const workload = uniformWorkload(c.submissions, { theme: tokens('theme'), pdf: tokens('pdf'), image: tokens('image') });
      // As in the product, the model is learned from stored calls: a short calibration run on the same machine and
      // clock (its latencies include the real HTTP and SDK time, scaled), defaults where it has too few calls.
      const calibration = await realRun({ ...c, outage: undefined }, config, CALIBRATION);
      const learned = learnProviderModel({
        config,
        history: calibration.history,
        usedSince: () => 0,
        now: Date.UTC(2026, 0, 5, 17),
        available: new Set(['gemini', 'groq']),
      });
      expect(learned.latency.filter((l) => l.source === 'learned').map((l) => l.kind)).toEqual(['theme', 'pdf', 'image']);
      expect(learned.learnedFromCalls).toBe(calibration.calls);
      // The defaults left (Groq) are the simulator's latency model for what is sent: requests without attachments.
      const model = {
        ...learned,
        latency: learned.latency.map((l) => (l.source === 'default' ? { ...l, ...latencyModel(l.provider, l.model, false) } : l)),
      };
      const [predicted] = await planBatch({
        submissions: workload.submissions,
        config,
        variants: [{ name: c.name, ...(c.outage && { outage: c.outage }) }],
        model,
        seeds: 5,
        startMs: Date.UTC(2026, 0, 5, 17),
      });
      const actual = await realRun(c, config, c.submissions);
      const actualS = actual.ms / 1000;
      console.log(
        `${c.name}: predicted ${predicted?.makespan_s} s (P10-P90 ${predicted?.p10_s}-${predicted?.p90_s}), actual ${actualS.toFixed(1)} s; calls ${predicted?.calls} vs ${actual.calls}`,
      );
      expect(predicted).toBeDefined();
      expect(Math.abs((predicted?.makespan_s ?? 0) - actualS) / actualS).toBeLessThanOrEqual(0.1);
      if (c.outage) expect(predicted?.fallbacks).toBeGreaterThan(0);
    });
  }
});
