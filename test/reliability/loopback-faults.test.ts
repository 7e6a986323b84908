// The faults only a real connection has — stalled bodies, delayed headers, connections dropped before the headers or
// mid-body, truncated JSON — through the real SDK adapters, the real engine and the HTTP simulator, with short
// timeouts. Same invariants as the virtual soak, plus: every physical call is exactly one request on the wire
// (the SDKs never retry on their own) and every call ends with a classified outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../electron/engine/clock';
import { Engine } from '../../electron/engine/engine';
import { WorkerPool } from '../../electron/engine/pool';
import { seededRng } from '../../electron/engine/rng';
import { createGeminiAdapter } from '../../electron/providers/gemini';
import { createGroqAdapter } from '../../electron/providers/groq';
import { startSimulator, type Simulator } from '../../electron/providers/simulator/server';
import type { ScriptedResponse } from '../../electron/providers/simulator/types';
import { applyConfigPatch, DEFAULT_CONFIG } from '../../shared/config';
import { CALL_KINDS } from '../../shared/provider';
import { recordFigures } from './figures';
import { BIG, soakTimeout } from './soak-scale';
import { outcomeFigures, watchInvariants } from './invariants';
import { plainRequest as request } from '../helpers/requests';

const SUBMISSIONS = BIG ? 100 : 20;
const TIMEOUT_MS = 1_500;
/** A guard against a hang: the CI timeout times the soak's extra work, and the load (test/reliability/soak-scale.ts). */
const TEST_TIMEOUT = soakTimeout(120_000, 100 / 20);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ preset: 'tier1', timeScale: 0.02, seed: 5, logLimit: 10_000 });
});
afterAll(async () => {
  await sim?.close();
});

const times = (n: number, r: ScriptedResponse): ScriptedResponse => ({ ...r, times: n });

describe(`loopback faults through the real SDKs (${SUBMISSIONS} submissions × 3 calls)`, () => {
  it(
    'stalls, drops and malformed bodies end as classified failures within the timeout, one wire request per call',
    async () => {
      const scale = BIG ? 3 : 1;
      sim.control.script({
        provider: 'gemini',
        responses: [
          times(2 * scale, { stallMs: 10_000 }),
          times(2 * scale, { delayMs: 10_000 }),
          times(2 * scale, { drop: 'before-headers' }),
          times(2 * scale, { drop: 'mid-body' }),
          times(2 * scale, { malformed: true }),
          times(2 * scale, { status: 503 }),
        ],
      });
      sim.control.script({
        provider: 'groq',
        responses: [times(scale, { drop: 'mid-body' }), times(scale, { stallMs: 10_000 }), times(scale, { malformed: true })],
      });

      const clock = new RealClock();
      const config = applyConfigPatch(DEFAULT_CONFIG, {
        providers: { gemini: { timeoutMs: TIMEOUT_MS }, groq: { timeoutMs: TIMEOUT_MS } },
        retry: { baseDelayMs: 50, maxDelayMs: 200 },
        stagger: { enabled: false },
      });
      const common = (p: 'gemini' | 'groq') => ({
        apiKey: sim.keys[p],
        baseUrl: sim.baseUrl,
        textModel: config.providers[p].textModel,
        visionModel: config.providers[p].visionModel,
        timeoutMs: TIMEOUT_MS,
        clock,
      });
      const engine = new Engine({
        config,
        clock,
        rng: seededRng(7),
        adapters: { gemini: createGeminiAdapter(common('gemini')), groq: createGroqAdapter(common('groq')) },
        simulated: true,
      });
      const watch = watchInvariants({ budget: config.maxCallsPerSubmission, halfOpenProbes: 1, graceMs: 60_000 });
      const outcomes: Record<string, number> = {};
      const slowest: number[] = [];
      engine.events.on((e) => {
        watch.consume(e);
        if (e.type === 'call_finished') {
          outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
          slowest.push(e.latencyMs);
        }
      });
      sim.control.clearLog();
      const pool = new WorkerPool({ clock, size: 8 });
      const ids = Array.from({ length: SUBMISSIONS }, (_, i) => `s${i}`);
      const results = await pool.run(ids, async (id, signal) => {
        const budget = engine.newBudget(id);
        const rs = await Promise.all(CALL_KINDS.map((kind) => engine.call({ submissionId: id, budget, request: request(kind), signal })));
        engine.events.emit({
          type: 'submission_finished',
          at: clock.now(),
          submissionId: id,
          status: rs.every((r) => r.status === 'ok') ? 'Accepted' : 'Review',
          score: 0,
          callsUsed: budget.used,
        });
        return rs;
      });

      // The scripted faults above, by kind (each is served once: the outcome counts below prove they arrived).
      recordFigures({
        scenario: 'loopback-faults (real SDKs)',
        submissions: SUBMISSIONS,
        faults: { stalls: 5 * scale, drops: 5 * scale, 'malformed replies': 3 * scale, '5xx': 2 * scale },
        outcomes: outcomeFigures(watch, ids),
      });
      expect(results.map((r) => r.status)).toEqual(ids.map(() => 'done'));
      expect([...watch.finished.values()].every((n) => n === 1)).toBe(true);
      expect(watch.violations).toEqual({ budget: [], breaker: [], dailyRetried: [], exhaustedCalls: [] });
      // Each fault surfaced as its own classified failure, and no call waited for a 10 s stall to end.
      expect(outcomes.timeout ?? 0).toBeGreaterThanOrEqual(4 * scale);
      expect(outcomes.network ?? 0).toBeGreaterThanOrEqual(3 * scale);
      expect(outcomes.malformed ?? 0).toBeGreaterThanOrEqual(2 * scale);
      expect(outcomes.overloaded ?? 0).toBeGreaterThanOrEqual(1);
      expect(Math.max(...slowest)).toBeLessThan(10_000);
      // One request on the wire per physical call: no hidden SDK retry, no call lost before the wire.
      const wire = sim.control.log().filter((e) => e.route === 'generateContent' || e.route === 'chat.completions').length;
      const started = Object.values(outcomes).reduce((a, b) => a + b, 0);
      expect(wire).toBe(started);
    },
    TEST_TIMEOUT,
  );
});
