// Telemetry: the typed events the engine emits and the snapshot the aggregator publishes (~1 Hz).
// The renderer, the CLI progress line and the tests all read these same shapes.
import type { CallKind, FailureKind, ProviderId, QuotaDimension } from './provider';
import type { Status } from './domain';

export type BreakerState = 'closed' | 'open' | 'half_open';

/** Why a breaker tripped: the one list the type, the zod schema and the console's labels derive from (docs/console.md §2). */
export const TRIP_CAUSES = ['429', '5xx', 'timeout', 'network', 'auth', 'forced', 'probe_failed'] as const;
export type TripCause = (typeof TRIP_CAUSES)[number];

export type EngineEvent =
  | { type: 'call_started'; at: number; submissionId: string; kind: CallKind; provider: ProviderId; model: string; attempt: number }
  | {
      type: 'call_finished';
      at: number;
      submissionId: string;
      kind: CallKind;
      provider: ProviderId;
      model: string;
      attempt: number;
      outcome: 'ok' | FailureKind;
      latencyMs: number;
      tokens: number;
    }
  | { type: 'http_429'; at: number; provider: ProviderId; model: string; dimension?: QuotaDimension; daily: boolean }
  | {
      type: 'breaker_transition';
      at: number;
      provider: ProviderId;
      from: BreakerState;
      to: BreakerState;
      cause: string;
      tripCause?: TripCause;
      forced: boolean;
    }
  | { type: 'quota_learned'; at: number; provider: ProviderId; model: string; detail: string }
  | { type: 'provider_paused'; at: number; provider: ProviderId; until: number; reason: string }
  | { type: 'provider_exhausted'; at: number; provider: ProviderId; until: number; reason: string }
  | { type: 'provider_misconfigured'; at: number; provider: ProviderId; reason: string }
  | { type: 'budget_spent'; at: number; submissionId: string; used: number; budget: number }
  | { type: 'fallback'; at: number; submissionId: string; kind: CallKind; from: ProviderId; to: ProviderId | 'none'; reason: string }
  | {
      type: 'submission_finished';
      at: number;
      submissionId: string;
      status: Status;
      score: number;
      callsUsed: number;
      /** LLM judgements answered from the response cache (no call spent). */
      cacheHits?: number;
    };

export type EngineEventType = EngineEvent['type'];

export interface BreakerSnapshot {
  state: BreakerState;
  /** Set by an operator (force open / reset), not by traffic. */
  forced: boolean;
  errorRate: number;
  threshold: number;
  windowMs: number;
  /** Calls inside the rolling window, against minCalls. */
  calls: number;
  minCalls: number;
  /** When an OPEN breaker lets its first half-open probe through (epoch ms), else null. */
  halfOpenAt: number | null;
  lastTripCause: TripCause | null;
  lastTransitionAt: number | null;
}

/** Rates against effective limits: a provider's sums and each model's own (docs/console.md §15). */
export interface RateFigures {
  /** Starts in the last 60 s, against the effective (safety-adjusted, AIMD-adjusted) limit. */
  rpm: number;
  rpmLimit: number;
  tpm: number;
  tpmLimit: number;
  rpdUsed: number;
  rpdLimit: number;
}

export interface ProviderSnapshot extends RateFigures {
  provider: ProviderId;
  breaker: BreakerSnapshot;
  inFlight: number;
  concurrencyLimit: number;
  queued: number;
  http429Last5m: number;
  errorsLast5m: number;
  /** A spent daily quota: epoch ms of the reset, else null. */
  exhaustedUntil: number | null;
  /** Provider-wide pause from quota feedback or an operator, epoch ms, else null. */
  pausedUntil: number | null;
  misconfigured: string | null;
  hasKey: boolean;
  simulated: boolean;
  nextAdmissionAt: number | null;
  /** For the first waiting requests: why they wait ("TPM: 4,210 tokens short, admissible at 12:00:37"). */
  waitReasons: string[];
  meanWaitMs: number;
  p90LatencyMs: number;
  /** Mean jitter multiplier applied to waits (1 = none); its throughput cost is about 1 - 1/mean. */
  jitterMean: number;
  /** Calls waiting for this provider to recover (they hold no slot and no quota). */
  parked: number;
  /** Why they wait, in words ("waiting for Gemini: breaker open, probe in 41 s"), else null. */
  parkedReason: string | null;
  /** Models this key cannot use today (a 429 with limit 0, an unknown model), with the provider's sentence. */
  unavailableModels: { model: string; reason: string }[];
  /** Each model's own limiter (text model, vision model): the figures above are their sums (docs/console.md §15). */
  models: ModelLimits[];
  /** Why the per-minute limits are below the configured ones, if they are (docs/console.md §15). */
  rate: LearnedRate;
}

/** One model's limiter: its own rates against its own effective limits. */
export interface ModelLimits extends RateFigures {
  model: string;
  /** What the model serves in the current settings (none: a model of earlier settings, still draining). */
  roles: ('text' | 'vision')[];
}

/** The learned part of a provider's per-minute limits: the AIMD cut and the limits the server named (docs/engine.md §2). */
export interface LearnedRate {
  /** The rate factor on RPM and TPM: 1 is the configured rate, 0.1 the floor. */
  factor: number;
  /** When the rate was last cut and why ("unexplained 429 on RPM"); null once it is back at the configured rate. */
  cutAt: number | null;
  cutCause: string | null;
  /** Additive increase: +increaseStep of the configured rate per cleanCallsToIncrease clean calls; cleanCalls so far. */
  increaseStep: number;
  cleanCallsToIncrease: number;
  cleanCalls: number;
  /** Per-minute limits a 429's body named (Gemini's quotaValue), before the safety factor, else null. */
  rpmCap: number | null;
  tpmCap: number | null;
  capsAt: number | null;
  /** Limits the provider's headers report that differ from the configured ones (Groq): they bound what is left. */
  reported: { model: string; dimension: QuotaDimension; limit: number; configured: number }[];
  /** Per model: configured × safety factor, what "Restore configured rate" returns RPM and TPM to. */
  configuredRpm: number;
  configuredTpm: number;
}

export type BatchState = 'idle' | 'running' | 'paused' | 'cancelling' | 'cancelled' | 'finished';

export interface BatchSnapshot {
  runId: string;
  state: BatchState;
  total: number;
  done: number;
  byStatus: Record<Status, number>;
  callsUsed: number;
  cacheHits: number;
  fallbacks: number;
  startedAt: number;
  etaMs: number | null;
  /** histogram[n] = submissions that used n calls (finished ones). */
  budgetHistogram: number[];
  budget: number;
  /** Ids of submissions that ran out of budget (most recent first, capped). */
  budgetExhausted: string[];
  workers: number;
  /** Submissions started and not yet finished: a paused batch waits for them (docs/console.md §5). */
  submissionsInFlight: number;
  /** Provider calls sent and not yet answered, across those submissions. */
  callsInFlight: number;
}

export interface Snapshot {
  at: number;
  providers: ProviderSnapshot[];
  batch: BatchSnapshot | null;
}

/** One live engine instance of a fleet sharing a quota (docs/scale-out.md "Distributed runs"). */
export interface FleetInstance {
  id: string;
  role: 'coordinator' | 'worker' | 'app';
  host: string;
  pid: number;
  startedAt: number;
  /** Redis server time of its last heartbeat, epoch ms. */
  seenAt: number;
  /** Chunks (a worker) or batches (a coordinator or an app) it is running now. */
  active: number;
  /** Submissions it finished since it started. */
  finished: number;
  providers: {
    provider: ProviderId;
    inFlight: number;
    /** Its own starts in the last 60 s: its share of the quota is rpm ÷ the fleet's rpm. */
    rpm: number;
    rpmLimit: number;
    tpm: number;
    breaker: BreakerState;
    pausedUntil: number | null;
    exhaustedUntil: number | null;
  }[];
}

/** One (provider, key hash, model)'s quota as the shared store holds it (docs/scale-out.md "Instances"). */
export interface SharedQuotaState {
  provider: ProviderId;
  /** The key's hash as in the Redis keys, never the key. */
  keyHash: string;
  model: string;
  /** Instances that asked for this quota in the last 2 minutes. */
  live: number;
  /** Schedulers of any instance waiting in the shared first-come queue. */
  waiting: number;
  dims: { name: QuotaDimension; used: number; limit: number }[];
}

/** One (provider, key hash)'s shared breaker and concurrency slots. */
export interface SharedProviderState {
  provider: ProviderId;
  keyHash: string;
  breaker: 'closed' | 'open';
  /** The open breaker's cooldown end (epoch ms); null: closed, or forced open until reset. */
  breakerUntil: number | null;
  forced: boolean;
  /** Fleet-wide calls holding a concurrency slot. */
  slotsInUse: number;
}

/** What this instance's shared stores hold in Redis, read for the Instances view. */
export interface SharedStoreState {
  quotas: SharedQuotaState[];
  providers: SharedProviderState[];
}

export interface FleetSnapshot {
  at: number;
  /** 'redis' when REDIS_URL is set: the instances share one quota, breakers and work queue through it. */
  sharedVia: 'redis' | null;
  /** host:port of the Redis, never its credentials. */
  redis: string | null;
  /** Instances seen within the liveness window. */
  instances: FleetInstance[];
  /** Why the fleet could not be read (Redis unreachable), else null. */
  error: string | null;
  /** The shared stores' own state (REDIS_URL set and this instance uses real keys); absent otherwise. */
  shared?: SharedStoreState;
}
