// Groq's quota model (docs/providers.md): four continuously refilling buckets per (key, model) — RPM, RPD, TPM, TPD.
// A request is admitted when every bucket holds what it asks for; otherwise the wait for the most binding one is
// `(used + requested − limit) × window / limit`. A request bigger than the TPM limit can never fit: 413, not 429.
// Pure arithmetic on an injected `now`, so the engine benchmark can reuse it as its server model.
import type { QuotaDimension } from '../../../shared/provider';
import { formatGoDuration } from '../go-duration';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface GroqLimits {
  rpm: number;
  rpd: number;
  tpm: number;
  tpd: number;
}

const LIMIT_KEY: Record<QuotaDimension, keyof GroqLimits> = { RPM: 'rpm', RPD: 'rpd', TPM: 'tpm', TPD: 'tpd' };

class Bucket {
  private level: number;
  constructor(
    public limit: number,
    readonly windowMs: number,
    private at: number,
  ) {
    this.level = limit;
  }
  used(now: number): number {
    if (now > this.at) {
      this.level = Math.min(this.limit, this.level + ((now - this.at) * this.limit) / this.windowMs);
      this.at = now;
    }
    return this.limit - this.level;
  }
  /** How long until `requested` fits: the refill formula, 0 when it fits now. */
  waitMs(now: number, requested: number): number {
    const wait = groqWaitMs({ used: this.used(now), requested, limit: this.limit, windowMs: this.windowMs });
    return wait > 1e-6 ? wait : 0; // float slack from the refill arithmetic
  }
  take(now: number, amount: number): void {
    this.used(now);
    this.level -= amount;
  }
  /** A cut keeps what was used: the remaining quota shrinks by the cut. */
  setLimit(now: number, limit: number): void {
    const used = this.used(now);
    this.limit = limit;
    this.level = limit - used;
  }
  resetMs(now: number): number {
    return (this.used(now) * this.windowMs) / this.limit;
  }
}

export type GroqAdmission =
  { ok: true } | { ok: false; status: 429 | 413; dimension: QuotaDimension; limit: number; used: number; requested: number; waitMs: number };

export class GroqQuota {
  private readonly buckets: Record<QuotaDimension, Bucket>;

  constructor(limits: GroqLimits, now: number) {
    this.buckets = {
      RPM: new Bucket(limits.rpm, MINUTE, now),
      RPD: new Bucket(limits.rpd, DAY, now),
      TPM: new Bucket(limits.tpm, MINUTE, now),
      TPD: new Bucket(limits.tpd, DAY, now),
    };
  }

  /** Whether a request of `tokens` may run now. Nothing is charged here. */
  admit(now: number, tokens: number): GroqAdmission {
    const tpm = this.buckets.TPM;
    if (tokens > tpm.limit)
      return { ok: false, status: 413, dimension: 'TPM', limit: tpm.limit, used: Math.round(tpm.used(now)), requested: tokens, waitMs: 0 };
    let worst: GroqAdmission = { ok: true };
    for (const dim of ['RPD', 'RPM', 'TPD', 'TPM'] as const) {
      const b = this.buckets[dim];
      const requested = dim === 'RPM' || dim === 'RPD' ? 1 : tokens;
      const waitMs = b.waitMs(now, requested);
      if (waitMs > 0 && (worst.ok || waitMs > worst.waitMs)) {
        worst = { ok: false, status: 429, dimension: dim, limit: b.limit, used: Math.round(b.used(now)), requested, waitMs };
      }
    }
    return worst;
  }

  /** Charge an admitted request: one request, and its tokens (prompt + completion). */
  charge(now: number, tokens: number): void {
    this.buckets.RPM.take(now, 1);
    this.buckets.RPD.take(now, 1);
    this.buckets.TPM.take(now, tokens);
    this.buckets.TPD.take(now, tokens);
  }

  setLimits(now: number, limits: Partial<GroqLimits>): void {
    for (const dim of Object.keys(this.buckets) as QuotaDimension[]) {
      const v = limits[LIMIT_KEY[dim]];
      if (v !== undefined) this.buckets[dim].setLimit(now, v);
    }
  }

  limits(): GroqLimits {
    return { rpm: this.buckets.RPM.limit, rpd: this.buckets.RPD.limit, tpm: this.buckets.TPM.limit, tpd: this.buckets.TPD.limit };
  }

  /** The x-ratelimit-* headers Groq sends on every response: requests = RPD, tokens = TPM. */
  headers(now: number): Record<string, string> {
    const rpd = this.buckets.RPD;
    const tpm = this.buckets.TPM;
    return {
      'x-ratelimit-limit-requests': String(rpd.limit),
      'x-ratelimit-limit-tokens': String(tpm.limit),
      'x-ratelimit-remaining-requests': String(Math.max(0, Math.floor(rpd.limit - rpd.used(now)))),
      'x-ratelimit-remaining-tokens': String(Math.max(0, Math.floor(tpm.limit - tpm.used(now)))),
      'x-ratelimit-reset-requests': formatGoDuration(rpd.resetMs(now)),
      'x-ratelimit-reset-tokens': formatGoDuration(tpm.resetMs(now)),
    };
  }
}

/** The wait formula on its own, as docs/providers.md states it. */
export function groqWaitMs(d: { used: number; requested: number; limit: number; windowMs: number }): number {
  return Math.max(0, ((d.used + d.requested - d.limit) * d.windowMs) / d.limit);
}

const PHRASE: Record<QuotaDimension, string> = {
  RPM: 'requests per minute (RPM)',
  RPD: 'requests per day (RPD)',
  TPM: 'tokens per minute (TPM)',
  TPD: 'tokens per day (TPD)',
};

/** The real 429 body, with the wait in seconds to 3 decimals as Groq prints it. */
export function groqRateLimitBody(model: string, r: { dimension: QuotaDimension; limit: number; used: number; requested: number; waitMs: number }) {
  return {
    error: {
      message:
        `Rate limit reached for model \`${model}\` in organization \`org_simulated\` service tier \`on_demand\` on ${PHRASE[r.dimension]}: ` +
        `Limit ${r.limit}, Used ${r.used}, Requested ${r.requested}. Please try again in ${formatGoDuration(r.waitMs)}. ` +
        'Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing',
      type: r.dimension.startsWith('T') ? 'tokens' : 'requests',
      code: 'rate_limit_exceeded',
    },
  };
}

/** The real 413 body: one request above the TPM limit. */
export function groqTooLargeBody(model: string, r: { limit: number; requested: number }) {
  return {
    error: {
      message:
        `Request too large for model \`${model}\` in organization \`org_simulated\` service tier \`on_demand\` on tokens per minute (TPM): ` +
        `Limit ${r.limit}, Requested ${r.requested}, please reduce your message size and try again.`,
      type: 'tokens',
      code: 'rate_limit_exceeded',
    },
  };
}
