// The ProviderSnapshot as a pure fold over one provider's parts: limiter stats summed over its models, the breaker,
// the concurrency guard and the provider-wide flags. No clock, no state: the same parts give the same snapshot.
import type { ProviderId } from '../../shared/provider';
import type { BreakerSnapshot, ModelLimits, ProviderSnapshot } from '../../shared/telemetry';
import type { RateLimiter } from './limiter/limiter';

/** The snapshot's own fields it passes through as they are, plus what the fold sums or derives. */
type PassedThrough =
  | 'provider'
  | 'breaker'
  | 'http429Last5m'
  | 'errorsLast5m'
  | 'exhaustedUntil'
  | 'pausedUntil'
  | 'misconfigured'
  | 'hasKey'
  | 'simulated'
  | 'p90LatencyMs'
  | 'parked'
  | 'unavailableModels'
  | 'rate';

export interface SnapshotParts extends Pick<ProviderSnapshot, PassedThrough> {
  now: number;
  /** One limiter per model, with what the model serves now. */
  models: readonly { model: string; roles: ModelLimits['roles']; limiter: RateLimiter }[];
  guard: { inFlight: number; limit: number; queued: number };
}

const NAMES: Record<ProviderId, string> = { gemini: 'Gemini', groq: 'Groq' };

/** "waiting for Gemini: breaker open, probe in 41 s", in the breaker's own terms. */
export function parkedReason(provider: ProviderId, breaker: BreakerSnapshot, now: number): string {
  const name = NAMES[provider];
  if (breaker.state === 'half_open') return `waiting for ${name}: breaker half-open, probe in flight`;
  if (breaker.state === 'closed') return `waiting for ${name}: recovering from errors, next try within a cooldown`;
  if (breaker.forced || breaker.halfOpenAt === null) return `waiting for ${name}: breaker forced open by the operator`;
  return `waiting for ${name}: breaker open, probe in ${Math.max(0, Math.ceil((breaker.halfOpenAt - now) / 1000))} s`;
}

export function foldSnapshot(p: SnapshotParts): ProviderSnapshot {
  let rpm = 0,
    rpmLimit = 0,
    tpm = 0,
    tpmLimit = 0,
    rpdUsed = 0,
    rpdLimit = 0,
    queued = p.guard.queued;
  let admissions = 0,
    waitSum = 0,
    jitterSum = 0,
    jitterWeight = 0;
  let nextAdmissionAt: number | null = null;
  const waitReasons: string[] = [];
  const models: ModelLimits[] = [];
  for (const { model, roles, limiter: l } of p.models) {
    const s = l.stats();
    const limit = (name: string) => l.dims.find((d) => d.name === name)?.limit ?? 0;
    const m = {
      model,
      roles,
      rpm: s.rpm,
      rpmLimit: limit('RPM'),
      tpm: s.tpm,
      tpmLimit: limit('TPM'),
      rpdUsed: s.used.RPD ?? 0,
      rpdLimit: limit('RPD'),
    };
    models.push(m);
    rpm += m.rpm;
    tpm += m.tpm;
    rpmLimit += m.rpmLimit;
    tpmLimit += m.tpmLimit;
    rpdLimit += m.rpdLimit;
    rpdUsed += m.rpdUsed;
    queued += s.queued;
    admissions += s.admissions;
    waitSum += s.meanWaitMs * s.admissions;
    jitterSum += s.jitterMean * Math.max(s.admissions, 1);
    jitterWeight += Math.max(s.admissions, 1);
    if (s.nextAdmissionAt !== null && (nextAdmissionAt === null || s.nextAdmissionAt < nextAdmissionAt)) nextAdmissionAt = s.nextAdmissionAt;
    waitReasons.push(...l.explain(3));
  }
  return {
    provider: p.provider,
    breaker: p.breaker,
    rpm,
    rpmLimit,
    tpm,
    tpmLimit,
    rpdUsed,
    rpdLimit,
    inFlight: p.guard.inFlight,
    concurrencyLimit: p.guard.limit,
    queued,
    http429Last5m: p.http429Last5m,
    errorsLast5m: p.errorsLast5m,
    exhaustedUntil: p.exhaustedUntil !== null && p.exhaustedUntil > p.now ? p.exhaustedUntil : null,
    pausedUntil: p.pausedUntil,
    misconfigured: p.misconfigured,
    hasKey: p.hasKey,
    simulated: p.simulated,
    nextAdmissionAt,
    waitReasons: waitReasons.slice(0, 5),
    meanWaitMs: admissions ? waitSum / admissions : 0,
    p90LatencyMs: p.p90LatencyMs,
    jitterMean: jitterWeight ? jitterSum / jitterWeight : 1,
    parked: p.parked,
    parkedReason: p.parked > 0 ? parkedReason(p.provider, p.breaker, p.now) : null,
    unavailableModels: p.unavailableModels,
    models,
    rate: p.rate,
  };
}
