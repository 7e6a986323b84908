// Gemini's quota model (docs/providers.md): per (key, model), a rolling 60 s log for requests per minute and input tokens
// per minute, and a requests-per-day counter that resets at midnight Pacific. The 429 names the tripped quota by its
// quotaId and suggests a retryDelay — a short one even for the per-day quota, as the real service does.
// Pure arithmetic on an injected `now`, so the engine benchmark can reuse it as its server model.
import { nextMidnight } from '../../engine/limiter/calendar-day';

const MINUTE = 60_000;

export interface GeminiLimits {
  rpm: number;
  tpm: number;
  rpd: number;
}

export type GeminiTier = 'free' | 'paid';
export type GeminiQuotaDimension = 'RPM' | 'TPM' | 'RPD';

export type GeminiAdmission =
  { ok: true } | { ok: false; dimension: GeminiQuotaDimension; quotaId: string; quotaMetric: string; limit: number; retryDelayMs: number };

const QUOTA_IDS: Record<GeminiQuotaDimension, string> = {
  RPM: 'GenerateRequestsPerMinutePerProjectPerModel',
  TPM: 'GenerateContentInputTokensPerModelPerMinute',
  RPD: 'GenerateRequestsPerDayPerProjectPerModel',
};

function quotaId(dim: GeminiQuotaDimension, tier: GeminiTier): string {
  return tier === 'free' ? `${QUOTA_IDS[dim]}-FreeTier` : QUOTA_IDS[dim];
}

function quotaMetric(dim: GeminiQuotaDimension, tier: GeminiTier): string {
  const what = dim === 'TPM' ? 'input_token_count' : 'requests';
  return `generativelanguage.googleapis.com/generate_content_${tier}_tier_${what}`;
}

export class GeminiQuota {
  /** Admitted requests of the last minute, oldest first: [time, input tokens]. */
  private log: Array<[number, number]> = [];
  private dayCount = 0;
  private dayResetAt: number;

  constructor(
    private lim: GeminiLimits,
    now: number,
    readonly tier: GeminiTier,
  ) {
    this.dayResetAt = nextMidnight(now);
  }

  private roll(now: number): void {
    let drop = 0;
    while (drop < this.log.length && (this.log[drop] as [number, number])[0] <= now - MINUTE) drop++;
    if (drop) this.log.splice(0, drop);
    if (now >= this.dayResetAt) {
      this.dayCount = 0;
      this.dayResetAt = nextMidnight(now);
    }
  }

  /** Whether a request with `inputTokens` may run now. Nothing is charged here. */
  admit(now: number, inputTokens: number): GeminiAdmission {
    this.roll(now);
    const reject = (dimension: GeminiQuotaDimension, limit: number, retryDelayMs: number): GeminiAdmission => ({
      ok: false,
      dimension,
      quotaId: quotaId(dimension, this.tier),
      quotaMetric: quotaMetric(dimension, this.tier),
      limit,
      retryDelayMs,
    });
    // The per-day 429 still carries a short delay: the time until the minute window next moves.
    if (this.dayCount + 1 > this.lim.rpd) return reject('RPD', this.lim.rpd, this.untilExpiry(now, 0));
    if (this.log.length + 1 > this.lim.rpm) return reject('RPM', this.lim.rpm, this.untilExpiry(now, this.log.length - this.lim.rpm));
    let tokens = this.log.reduce((sum, [, t]) => sum + t, 0);
    if (tokens + inputTokens > this.lim.tpm) {
      // The oldest entries that must leave the window before this request fits.
      let k = 0;
      while (k < this.log.length && tokens + inputTokens > this.lim.tpm) tokens -= (this.log[k++] as [number, number])[1];
      return reject('TPM', this.lim.tpm, this.untilExpiry(now, k - 1));
    }
    return { ok: true };
  }

  /** Milliseconds until log entry `i` leaves the 60 s window (a full minute when there is none). */
  private untilExpiry(now: number, i: number): number {
    const e = this.log[Math.max(0, i)];
    return e ? e[0] + MINUTE - now : MINUTE;
  }

  charge(now: number, inputTokens: number): void {
    this.roll(now);
    this.log.push([now, inputTokens]);
    this.dayCount++;
  }

  setLimits(limits: Partial<GeminiLimits>): void {
    this.lim = { ...this.lim, ...limits };
  }

  limits(): GeminiLimits {
    return { ...this.lim };
  }

  usage(now: number): { rpm: number; tpm: number; rpd: number } {
    this.roll(now);
    return { rpm: this.log.length, tpm: this.log.reduce((s, [, t]) => s + t, 0), rpd: this.dayCount };
  }
}

/** A protobuf Duration as the API writes RetryInfo.retryDelay: whole seconds, e.g. "41s". */
function protoDuration(ms: number): string {
  return `${Math.max(0, Math.floor(ms / 1000))}s`;
}

/** The real 429 body: Help, QuotaFailure and RetryInfo, with the fractional delay in the message. */
export function geminiQuotaBody(model: string, r: Extract<GeminiAdmission, { ok: false }>) {
  const seconds = (r.retryDelayMs / 1000).toFixed(9).replace(/\.?0+$/, '');
  return {
    error: {
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message:
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. ' +
        `\n* Quota exceeded for metric: ${r.quotaMetric}, limit: ${r.limit}, model: ${model}\nPlease retry in ${seconds}s.`,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
        },
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            { quotaMetric: r.quotaMetric, quotaId: r.quotaId, quotaDimensions: { location: 'global', model }, quotaValue: String(r.limit) },
          ],
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: protoDuration(r.retryDelayMs) },
      ],
    },
  };
}
