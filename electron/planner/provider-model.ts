// The provider model the planner replays against (docs/planner.md), learned from the stored call history:
// a lognormal latency per provider, model and call kind (median = e^mean(ln t), sigma = sd(ln t) over successful
// calls), the error and 429 rates, the requests already spent today, and the limits in force: the configured ones, or
// lower ones the engine learned from the servers' headers and 429 bodies. With fewer than MIN_CALLS_FOR_FIT calls a
// figure falls back to the documented default (the simulator's published latency model) and says so.
import type { EngineConfig } from '../../shared/config';
import type { LatencyFit, LearnedLimits, ProviderFigures, ProviderModel } from '../../shared/plan';
import { CALL_KINDS, PROVIDER_IDS, type CallKind, type ProviderId } from '../../shared/provider';
import { nextMidnight } from '../engine/limiter/calendar-day';
import { latencyModel } from '../providers/simulator/presets';
import type { HistoryCall } from '../store/plans';

export const MIN_CALLS_FOR_FIT = 20;
/** Calls read from the store: the recent past says more about today's provider than last month does. */
export const HISTORY_LIMIT = 20_000;
const DAY = 86_400_000;

const ERROR_OUTCOMES = new Set(['overloaded', 'server', 'timeout', 'network', 'malformed']);
const RATE_OUTCOMES = new Set(['rate_limit', 'daily_quota']);

export interface ModelInput {
  config: EngineConfig;
  history: readonly HistoryCall[];
  /** Requests each provider's server counted since `dayStart(provider)`. */
  usedSince: (provider: ProviderId, sinceMs: number) => number;
  now: number;
  /** Providers with an adapter (a key, or the simulator). */
  available: ReadonlySet<ProviderId>;
  /** Limits the live engine learned from headers and 429 bodies (Engine.learnedLimits); unset: none learned. */
  learned?: (provider: ProviderId) => LearnedLimits;
}

/** When the provider's daily count started: midnight Pacific for Gemini, a rolling 24 h for Groq. */
export function dayStart(provider: ProviderId, now: number): number {
  return provider === 'gemini' ? nextMidnight(now - DAY) : now - DAY;
}

function fit(latencies: number[]): { medianMs: number; sigma: number } {
  const logs = latencies.map((t) => Math.log(t));
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const variance = logs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, logs.length - 1);
  return { medianMs: Math.exp(mean), sigma: Math.sqrt(variance) };
}

function modelsOf(config: EngineConfig, p: ProviderId, kind: CallKind): string {
  const c = config.providers[p];
  return kind === 'image' ? c.visionModel : c.textModel;
}

export function learnProviderModel(input: ModelInput): ProviderModel {
  const { config, history } = input;
  const latency: LatencyFit[] = [];
  for (const provider of PROVIDER_IDS) {
    for (const kind of CALL_KINDS) {
      const model = modelsOf(config, provider, kind);
      const samples = history.filter((c) => c.provider === provider && c.model === model && c.kind === kind && c.outcome === 'ok' && c.latencyMs > 0);
      if (samples.length >= MIN_CALLS_FOR_FIT) {
        latency.push({ provider, model, kind, ...fit(samples.map((c) => c.latencyMs)), calls: samples.length, source: 'learned' });
      } else {
        latency.push({ provider, model, kind, ...latencyModel(provider, model, kind !== 'theme'), calls: 0, source: 'default' });
      }
    }
  }
  const providers: ProviderFigures[] = PROVIDER_IDS.map((provider) => {
    const c = config.providers[provider];
    const mine = history.filter((h) => h.provider === provider);
    const enough = mine.length >= MIN_CALLS_FOR_FIT;
    const share = (set: Set<string>) => (enough ? mine.filter((h) => set.has(h.outcome)).length / mine.length : 0);
    const told = input.learned?.(provider) ?? { calls: 0 };
    const learned = told.rpm !== undefined || told.tpm !== undefined || told.rpd !== undefined;
    return {
      provider,
      rpm: Math.min(c.rpm, told.rpm ?? c.rpm),
      tpm: Math.min(c.tpm, told.tpm ?? c.tpm),
      rpd: Math.min(c.rpd, told.rpd ?? c.rpd),
      limitsSource: learned ? 'learned' : 'configured',
      limitsLearnedFromCalls: learned ? told.calls : 0,
      usedToday: input.usedSince(provider, dayStart(provider, input.now)),
      errorRate: share(ERROR_OUTCOMES),
      rate429: share(RATE_OUTCOMES),
      calls: enough ? mine.length : 0,
      available: c.enabled && input.available.has(provider),
    };
  });
  return { latency, providers, learnedFromCalls: history.length, minCallsForFit: MIN_CALLS_FOR_FIT };
}

/** The latency to replay for one call: the fit for its provider, model and kind, else the default for the model. */
export function latencyFor(model: ProviderModel, provider: ProviderId, modelName: string, kind: CallKind): { medianMs: number; sigma: number } {
  const f = model.latency.find((l) => l.provider === provider && l.model === modelName && l.kind === kind);
  return f ?? latencyModel(provider, modelName, kind !== 'theme');
}
