// The run planner's contract (docs/planner.md): what a batch will cost under a configuration, predicted by
// replaying it through the real engine on the virtual clock against a provider model learned from the store.
import type { ConfigPatch } from './config';
import type { CallKind, ProviderId } from './provider';

/** One LLM call a submission will make: its kind and the tokens each provider's server will count for it. */
export interface PlannedCall {
  kind: CallKind;
  tokens: Record<ProviderId, number>;
}

/** A submission after ingest, attachment resolution, pre-scoring and the cache: the calls still to make. */
export interface PlannedSubmission {
  id: string;
  calls: PlannedCall[];
}

export interface WorkloadSummary {
  submissions: number;
  calls: number;
  byKind: Record<CallKind, number>;
  /** Judgements the response cache already answers (no call). */
  cacheHits: number;
  /** Calls pre-scoring skips (cannot reach the threshold, no rule left, no theme). */
  prescoreSkips: number;
  /** Submissions reopened for missing inputs: no call at all. */
  reopened: number;
  pdfPages: number;
  images: number;
}

export interface Workload {
  summary: WorkloadSummary;
  submissions: PlannedSubmission[];
}

/** Lognormal latency of one provider, model and call kind; `calls` = 0 means the documented default. */
export interface LatencyFit {
  provider: ProviderId;
  model: string;
  kind: CallKind;
  medianMs: number;
  sigma: number;
  calls: number;
  source: 'learned' | 'default';
}

/** Limits a server told the engine (quota feedback, docs/providers.md §4), and how many responses told it. */
export interface LearnedLimits {
  rpm?: number;
  tpm?: number;
  rpd?: number;
  calls: number;
}

export interface ProviderFigures {
  provider: ProviderId;
  /** Limits in force (rpm, tpm, rpd per model, before the safety factor). */
  rpm: number;
  tpm: number;
  rpd: number;
  /** `learned`: a limit below the configured one, as the server named it in a 429 body or reported in its headers. */
  limitsSource: 'configured' | 'tier' | 'learned';
  /** Responses that named or reported the learned limits (0 when the limits are the configured ones). */
  limitsLearnedFromCalls: number;
  /** Requests already sent today (since the provider's last daily reset), from the store. */
  usedToday: number;
  /** Share of calls that failed with a 5xx, timeout, network or malformed reply; and with a 429. */
  errorRate: number;
  rate429: number;
  /** Calls these rates are learned from (0: none, the rates are 0 by default). */
  calls: number;
  available: boolean;
}

export interface ProviderModel {
  latency: LatencyFit[];
  providers: ProviderFigures[];
  /** Calls in the store the model was fitted on. */
  learnedFromCalls: number;
  /** A fit needs this many calls; below it the default is used and labelled as such. */
  minCallsForFit: number;
}

/** An operator's what-if: a config change plus the outside world's changes. */
export interface PlanVariant {
  name: string;
  patch?: ConfigPatch;
  /** The provider answers 503 for `minutes` from `atMinute` after its first request. */
  outage?: { provider: ProviderId; atMinute: number; minutes: number };
  /** The provider's per-minute limits are multiplied by `factor` at `atMinute`. */
  quotaCut?: { provider: ProviderId; atMinute: number; factor: number };
  /** Another tier's published limits, client and server alike. */
  tier?: 'free' | 'tier1';
}

export interface RpmPoint {
  minute: number;
  gemini: number;
  groq: number;
}

export interface ConfigPrediction {
  config: string;
  makespan_s: number;
  p10_s: number;
  p90_s: number;
  calls: number;
  callsByProvider: Record<ProviderId, number>;
  fallbacks: number;
  http_429: number;
  undetermined: number;
  quota_ok: boolean;
  /** Seconds into the run when a daily quota runs out (median seed), null if it holds. */
  quota_runs_out_s: number | null;
  /** Epoch ms of Gemini's next daily reset, when the run is quota-bound or crosses it; else null. */
  gemini_reset_at: number | null;
  learned_from_calls: number;
  seeds: number;
  /** The fastest configuration whose quota holds. */
  best: boolean;
  rpm: RpmPoint[];
}

export interface PlanReport {
  workload: WorkloadSummary;
  model: ProviderModel;
  predictions: ConfigPrediction[];
  startedAt: number;
}

/** A run's actual outcome on the engine's clock: first call to last finished submission, and calls per minute. */
export interface RunActual {
  makespan_s: number;
  calls: number;
  rpm: RpmPoint[];
}

export interface PlanAccuracy {
  runs: number;
  /** The largest |predicted − actual| ÷ actual over those runs, in percent (null without runs). */
  withinPct: number | null;
  meanAbsPct: number | null;
}

/** What the run's page shows: "predicted 14 min, took 15 min", and the two RPM curves. */
export interface RunPlanView {
  prediction: ConfigPrediction | null;
  actual: RunActual | null;
  accuracy: PlanAccuracy;
}
