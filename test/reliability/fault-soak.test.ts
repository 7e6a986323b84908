// Fault soak on the engine's virtual clock: thousands of submissions (SOAK_SCALE=big: 10,000) against the providers'
// quota models with scripted 429 storms, 503 and 500 bursts, malformed replies, an unannounced quota cut and a daily
// quota that runs out. Invariants: every submission ends exactly once with a final result per call; no budget is
// exceeded; no call reaches an OPEN breaker beyond half-open probes; no daily-quota 429 is retried; and the server
// never sees more requests per window than its quota allows, except right after the cut it did not announce.
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../electron/engine/clock';
import { Engine } from '../../electron/engine/engine';
import { WorkerPool } from '../../electron/engine/pool';
import { seededRng } from '../../electron/engine/rng';
import { applyConfigPatch, DEFAULT_CONFIG } from '../../shared/config';
import { CALL_KINDS } from '../../shared/provider';
import { ModelledProvider } from '../../electron/planner/modelled-provider';
import { recordFigures } from './figures';
import { BIG, soakTimeout } from './soak-scale';
import { outcomeFigures, watchInvariants, windowOvershoots } from './invariants';
import { plainRequest } from '../helpers/requests';

const SUBMISSIONS = BIG ? 10_000 : 1_000;
const MIN = 60_000;
/** After an unannounced cut, the client learns from 429s: give it this long before the window check applies again. */
const CUT_GRACE = 3 * MIN;

/** One soak run; the tests below read what it left behind. */
async function soak() {
  const clock = new VirtualClock();
  // Our config allows a big Gemini day; the server's real daily quota is smaller, so it runs out mid-run. Groq is on
  // a paid tier, so it can carry the rest once Gemini is spent (a free-tier fallback would just end the batch).
  const groqTier = { rpm: 300, tpm: 300_000, rpd: 100_000, tpd: 1e9 };
  const config = applyConfigPatch(DEFAULT_CONFIG, { providers: { gemini: { rpd: 1_000_000 }, groq: groqTier } });
  const calls = 3 * SUBMISSIONS;
  const steadyMin = calls / 135;
  const at = (fraction: number) => fraction * steadyMin * MIN;
  const cutAt = at(0.4);
  // Storms stay under the breaker's 25 % threshold until the last one, which trips Groq's breaker near the end.
  const gemini = new ModelledProvider(
    'gemini',
    config.providers.gemini,
    clock,
    seededRng(11),
    { medianMs: 8_000, sigma: 0.5 },
    {
      limits: { rpd: Math.floor(calls * 0.6) },
      cut: { atMs: cutAt, factor: 0.5 },
      faults: [
        { fromMs: at(0.1), toMs: at(0.1) + MIN, kind: 'rate_limit', rate: 0.15 },
        { fromMs: at(0.2), toMs: at(0.2) + MIN, kind: 'malformed', rate: 0.3 },
        { fromMs: at(0.3), toMs: at(0.3) + 10_000, kind: 'server' },
        { fromMs: at(0.35), toMs: at(0.35) + MIN, kind: 'overloaded', rate: 0.1 },
      ],
    },
  );
  const groq = new ModelledProvider(
    'groq',
    config.providers.groq,
    clock,
    seededRng(12),
    { medianMs: 1_000, sigma: 0.3 },
    {
      faults: [
        { fromMs: MIN, toMs: 2 * MIN, kind: 'rate_limit', rate: 0.1 },
        { fromMs: 5 * MIN, toMs: 7 * MIN, kind: 'overloaded', rate: 0.9 },
      ],
    },
  );
  const engine = new Engine({ config, clock, rng: seededRng(13), adapters: { gemini, groq }, simulated: true });
  const watch = watchInvariants({
    budget: config.maxCallsPerSubmission,
    halfOpenProbes: config.providers.gemini.breaker.halfOpenProbes,
    graceMs: MIN,
  });
  const seen: Record<string, number> = {};
  engine.events.on((e) => {
    seen[e.type] = (seen[e.type] ?? 0) + 1;
    if (e.type === 'call_finished') seen[`outcome:${e.outcome}`] = (seen[`outcome:${e.outcome}`] ?? 0) + 1;
    watch.consume(e);
  });

  const pool = new WorkerPool({ clock, size: () => engine.workerTarget() });
  const ids = Array.from({ length: SUBMISSIONS }, (_, i) => `s${i}`);
  const resolved = new Map<string, number>();
  const statuses = { ok: 0, undetermined: 0 };
  const outcomes = await clock.run(
    pool.run(ids, async (id, signal) => {
      await engine.stagger(signal);
      const budget = engine.newBudget(id);
      const results = await Promise.all(CALL_KINDS.map((kind) => engine.call({ submissionId: id, budget, request: plainRequest(kind), signal })));
      for (const r of results) statuses[r.status]++;
      resolved.set(id, (resolved.get(id) ?? 0) + results.length);
      const status = results.every((r) => r.status === 'ok') ? 'Accepted' : 'Review';
      engine.events.emit({ type: 'submission_finished', at: clock.now(), submissionId: id, status, score: 0, callsUsed: budget.used });
    }),
  );

  return { clock, config, calls, cutAt, gemini, groq, watch, seen, statuses, resolved, outcomes, ids };
}

describe(`fault soak on virtual time (${SUBMISSIONS} submissions × 3 calls)`, () => {
  let r: Awaited<ReturnType<typeof soak>>;
  let cutSpan: { from: number; to: number };
  beforeAll(
    async () => {
      r = await soak();
      const seen = (k: string) => r.seen[`outcome:${k}`] ?? 0;
      recordFigures({
        scenario: 'fault-soak (virtual time)',
        submissions: SUBMISSIONS,
        faults: {
          '429 storms': seen('rate_limit'),
          '5xx': seen('server') + seen('overloaded'),
          'malformed replies': seen('malformed'),
          'quota cut': 1,
          'daily exhaustion': seen('daily_quota'),
        },
        outcomes: outcomeFigures(r.watch, r.ids),
      });
      const start = r.gemini.log[0]!.at;
      cutSpan = { from: start + r.cutAt, to: start + r.cutAt + CUT_GRACE };
    },
    soakTimeout(120_000, 10_000 / 1_000),
  );

  it('the scripted trouble really happened (else the invariants prove nothing)', () => {
    expect(r.seen.http_429 ?? 0).toBeGreaterThan(0);
    expect(r.seen.breaker_transition ?? 0).toBeGreaterThan(0);
    expect(r.seen.provider_exhausted ?? 0).toBeGreaterThan(0);
    expect(r.seen.fallback ?? 0).toBeGreaterThan(0);
    for (const kind of ['rate_limit', 'overloaded', 'server', 'malformed', 'daily_quota'] as const)
      expect(r.seen[`outcome:${kind}`] ?? 0, kind).toBeGreaterThan(0);
  });

  it('every submission ends exactly once, with one final result for each of its calls', () => {
    expect(r.outcomes.map((o) => o.status)).toEqual(r.ids.map(() => 'done'));
    expect(r.watch.finished.size).toBe(SUBMISSIONS);
    expect([...r.watch.finished.values()].every((n) => n === 1)).toBe(true);
    expect([...r.resolved.values()].every((n) => n === 3)).toBe(true);
    expect(r.statuses.ok + r.statuses.undetermined).toBe(r.calls);
  });

  it('no budget exceeded, no call into an OPEN breaker beyond probes, no daily-quota 429 retried, no calls to an exhausted provider', () => {
    expect(r.watch.violations).toEqual({ budget: [], breaker: [], dailyRetried: [], exhaustedCalls: [] });
  });

  it('the server never sees more requests per minute than its quota, before the cut and while the client learns it', () => {
    const before = r.gemini.log.filter((e) => e.at < cutSpan.to);
    expect(windowOvershoots(before, [cutSpan])).toEqual([]);
    expect(windowOvershoots(r.groq.log)).toEqual([]);
    const quota429 = before.filter((e) => e.verdict === 'rejected' && (e.dimension === 'RPM' || e.dimension === 'TPM') && e.at < cutSpan.from);
    expect(quota429).toEqual([]);
  });

  // Gemini sends no rate-limit headers: the engine learns the new limit from the 429's QuotaFailure.quotaValue,
  // and AIMD's additive increase never climbs back above it.
  it('after an unannounced quota cut has been learned, the server sees no more than its new limit per minute', () => {
    const after = r.gemini.log.filter((e) => e.at >= cutSpan.to);
    expect(windowOvershoots(after)).toEqual([]);
  });
});
