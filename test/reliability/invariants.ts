// The soak's invariants, checked from the engine's event stream and what the provider really saw. Each check returns
// the violations it found (empty when it holds), so a failure names the submission, provider and time at fault.
import type { BreakerState, EngineEvent } from '../../shared/telemetry';
import type { ProviderId } from '../../shared/provider';

export interface Violations {
  budget: string[];
  breaker: string[];
  dailyRetried: string[];
  exhaustedCalls: string[];
}

/**
 * Follows the stream: no submission starts more calls than its budget; no call starts while its provider's breaker is
 * OPEN, nor beyond the probe allowance while HALF_OPEN; no (submission, kind, provider) starts again after a daily-quota
 * 429; no call starts to a provider marked exhausted once `graceMs` has passed (calls already past the limiter may
 * still go out).
 */
export function watchInvariants(opts: { budget: number; halfOpenProbes: number; graceMs: number }) {
  const v: Violations = { budget: [], breaker: [], dailyRetried: [], exhaustedCalls: [] };
  const calls = new Map<string, number>();
  const state: Record<ProviderId, BreakerState> = { gemini: 'closed', groq: 'closed' };
  const halfOpenStarts: Record<ProviderId, number> = { gemini: 0, groq: 0 };
  const dailyDone = new Set<string>();
  const exhausted: Partial<Record<ProviderId, { from: number; until: number }>> = {};
  const finished = new Map<string, number>();
  const consume = (e: EngineEvent) => {
    switch (e.type) {
      case 'breaker_transition':
        state[e.provider] = e.to;
        halfOpenStarts[e.provider] = 0;
        break;
      case 'provider_exhausted':
        exhausted[e.provider] = { from: exhausted[e.provider]?.from ?? e.at, until: e.until };
        break;
      case 'call_started': {
        const n = (calls.get(e.submissionId) ?? 0) + 1;
        calls.set(e.submissionId, n);
        if (n > opts.budget) v.budget.push(`${e.submissionId}: call ${n} > budget ${opts.budget}`);
        if (state[e.provider] === 'open') v.breaker.push(`${e.submissionId} ${e.kind} → ${e.provider} at ${e.at} while OPEN`);
        if (state[e.provider] === 'half_open' && ++halfOpenStarts[e.provider] > opts.halfOpenProbes) {
          v.breaker.push(`${e.submissionId} ${e.kind} → ${e.provider} at ${e.at}: call ${halfOpenStarts[e.provider]} while HALF_OPEN`);
        }
        const key = `${e.submissionId}/${e.kind}/${e.provider}`;
        if (dailyDone.has(key)) v.dailyRetried.push(`${key} retried at ${e.at} after a daily-quota 429`);
        const x = exhausted[e.provider];
        if (x && e.at >= x.from + opts.graceMs && e.at < x.until)
          v.exhaustedCalls.push(`${key} at ${e.at}: ${e.provider} exhausted until ${x.until}`);
        break;
      }
      case 'call_finished':
        if (e.outcome === 'daily_quota') dailyDone.add(`${e.submissionId}/${e.kind}/${e.provider}`);
        break;
      case 'submission_finished':
        finished.set(e.submissionId, (finished.get(e.submissionId) ?? 0) + 1);
        break;
      default:
        break;
    }
  };
  return { consume, violations: v, calls, finished };
}

/**
 * Requests the server saw in any sliding window, against the limit it enforced then. Entries inside `skip` spans
 * (e.g. just after an unannounced quota cut, before the client could learn it) are left out.
 */
export function windowOvershoots(
  log: readonly { at: number; model: string; rpmLimit: number }[],
  skip: readonly { from: number; to: number }[] = [],
  windowMs = 60_000,
): string[] {
  const out: string[] = [];
  const byModel = new Map<string, number[]>();
  for (const e of log) {
    const times = byModel.get(e.model) ?? [];
    times.push(e.at);
    byModel.set(e.model, times);
  }
  const limitAt = new Map(log.map((e) => [`${e.model}@${e.at}`, e.rpmLimit]));
  for (const [model, times] of byModel) {
    times.sort((a, b) => a - b);
    let lo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      const t = times[hi] as number;
      while ((times[lo] as number) <= t - windowMs) lo++;
      const count = hi - lo + 1;
      const limit = limitAt.get(`${model}@${t}`) ?? Number.POSITIVE_INFINITY;
      if (count > limit && !skip.some((s) => t >= s.from && t < s.to)) {
        out.push(`${model}: ${count} requests in the 60 s before ${t} > limit ${limit}`);
        break; // one report per model is enough to fail and to read
      }
    }
  }
  return out;
}

/** The outcome counts of the reliability figures (test/reliability/figures.ts), from a watch that ran over `ids`. */
export function outcomeFigures(watch: ReturnType<typeof watchInvariants>, ids: readonly string[]) {
  const v = watch.violations;
  return {
    lost: ids.filter((id) => !watch.finished.has(id)).length,
    duplicated: [...watch.finished.values()].filter((n) => n > 1).length,
    'budget overruns': v.budget.length,
    'calls into an OPEN breaker beyond probes': v.breaker.length,
    'retried daily 429s': v.dailyRetried.length,
  };
}
