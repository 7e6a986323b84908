// Each provider's quota accounting, mirrored client-side (docs/engine.md §1): a limiter whose window doesn't match the
// server's draws 429s. Gemini: sliding 60 s log for RPM/TPM, calendar day (midnight Pacific) for RPD, input tokens
// count. Groq: refilling buckets for all four limits, total tokens count, and x-ratelimit headers on every response.
import type { ProviderConfig } from '../../../shared/config';
import type { ProviderId, QuotaDimension, Usage } from '../../../shared/provider';
import { RefillingBucket } from './bucket';
import { CalendarDay } from './calendar-day';
import type { Dimension, DimensionView } from './dimension';
import { SlidingLog } from './sliding-log';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface QuotaModel {
  minute: 'sliding' | 'bucket';
  day: 'calendar' | 'bucket';
  /** Which usage the server charges against TPM/TPD. */
  tokens: keyof Pick<Usage, 'inputTokens' | 'totalTokens'>;
  /** Which dimension QuotaInfo's request/token headers describe (Groq: requests = RPD, tokens = TPM). */
  headers: { requests: QuotaDimension; tokens: QuotaDimension } | null;
}

export const QUOTA_MODELS: Record<ProviderId, QuotaModel> = {
  gemini: { minute: 'sliding', day: 'calendar', tokens: 'inputTokens', headers: null },
  groq: { minute: 'bucket', day: 'bucket', tokens: 'totalTokens', headers: { requests: 'RPD', tokens: 'TPM' } },
};

/** Effective limits: configured × safety factor; per-minute ones also × the AIMD rate factor. */
export function limitsFor(cfg: ProviderConfig, rateFactor: number): Record<QuotaDimension, { limit: number; hard: number }> {
  const s = cfg.safetyFactor;
  const minute = (v: number) => ({ limit: v * s * rateFactor, hard: v * s });
  const day = (v: number) => ({ limit: v * s, hard: v * s });
  return { RPM: minute(cfg.rpm), TPM: minute(cfg.tpm), RPD: day(cfg.rpd), TPD: day(cfg.tpd) };
}

export function buildDimensions(provider: ProviderId, cfg: ProviderConfig, now: number): Dimension[] {
  const m = QUOTA_MODELS[provider];
  const l = limitsFor(cfg, 1);
  const minute = (name: 'RPM' | 'TPM') =>
    m.minute === 'sliding'
      ? new SlidingLog(name, l[name].limit, l[name].hard, MINUTE)
      : new RefillingBucket(name, l[name].limit, l[name].hard, MINUTE, now);
  const day = (name: 'RPD' | 'TPD') =>
    m.day === 'calendar' ? new CalendarDay(name, l[name].limit, l[name].hard, now) : new RefillingBucket(name, l[name].limit, l[name].hard, DAY, now);
  const dims: Dimension[] = [minute('RPM'), minute('TPM'), day('RPD')];
  if (cfg.tpd > 0) dims.push(day('TPD'));
  return dims;
}

/** Apply new limits in place (live config change or AIMD step). TPD appears/disappears only with a rebuild. */
export function applyLimits(dims: readonly DimensionView[], cfg: ProviderConfig, rateFactor: number): void {
  const l = limitsFor(cfg, rateFactor);
  for (const d of dims) d.setLimits(l[d.name].limit, l[d.name].hard);
}
