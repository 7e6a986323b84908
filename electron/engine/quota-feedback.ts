// Quota feedback (docs/providers.md §4): the limiter learns from the server. It syncs remaining quota from headers,
// pauses the whole provider until a suggested time, caps a per-minute dimension at the limit a 429 names, lowers the
// rate on an unexplained 429 (multiplicative decrease) and raises it after a run of clean calls (additive increase),
// and marks a spent daily quota.
import type { ProviderConfig } from '../../shared/config';
import type { CallFailure, ProviderId, QuotaDimension, QuotaInfo } from '../../shared/provider';
import type { LearnedLimits } from '../../shared/plan';
import type { EngineEvent, LearnedRate } from '../../shared/telemetry';
import type { Clock } from './clock';
import { nextMidnight } from './limiter/calendar-day';
import type { QuotaModel } from './limiter/quota-model';
import type { RateLimiter } from './limiter/limiter';
import { ServerLimits, type Told } from './server-limits';

const DAY = 24 * 60 * 60_000;
/** The rate never drops below this fraction of the configured limit. */
const MIN_FACTOR = 0.1;

export interface FeedbackSink {
  limiter(model: string): RateLimiter;
  /** Apply a new AIMD rate factor to every limiter of the provider. */
  setRateFactor(f: number): void;
  /** Cap one per-minute dimension at a limit the server named (undefined lifts the cap); the other is untouched. */
  capMinute(name: 'RPM' | 'TPM', limit: number | undefined): void;
  pause(until: number, reason: string): void;
  exhaust(until: number, reason: string): void;
  emit(e: EngineEvent): void;
  /** A factor this instance decided, for the fleet (docs/scale-out.md "Shared rate"); unset: not shared. */
  shareFactor?(f: number, decrease: boolean): void;
}

export class QuotaFeedback {
  private factor = 1;
  private clean = 0;
  /** The last cut while the rate is below the configured one, for the console (docs/console.md §15). */
  private lastCut: { at: number; cause: string } | null = null;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  /** What the server said its limits are: the caps a 429 named, the limits headers report (the planner's and the console's). */
  private readonly told = new ServerLimits();

  constructor(
    private readonly provider: ProviderId,
    private readonly clock: Clock,
    private readonly model: QuotaModel,
    private cfg: ProviderConfig,
    private readonly sink: FeedbackSink,
  ) {}

  get rateFactor(): number {
    return this.factor;
  }

  /** The learned state the snapshot shows, less what the provider state knows better (the fleet's caps, the configured rate). */
  rateState(): Pick<LearnedRate, 'factor' | 'cutAt' | 'cutCause' | 'increaseStep' | 'cleanCallsToIncrease' | 'cleanCalls' | 'reported'> {
    const { increaseStep, cleanCallsToIncrease } = this.cfg.aimd;
    return {
      factor: this.factor,
      cutAt: this.lastCut?.at ?? null,
      cutCause: this.lastCut?.cause ?? null,
      increaseStep,
      cleanCallsToIncrease,
      cleanCalls: this.factor < 1 ? this.clean : 0,
      reported: this.told.reported(),
    };
  }

  /**
   * The operator's "restore configured rate" (docs/console.md §15): the factor back to 1 and the limits a 429 named
   * forgotten here (the provider state lifts the caps it applied). 429s for requests sent before now were sent at the
   * old rate, so they cut nothing.
   */
  restore(): void {
    const was = this.factor;
    this.told.restore(); // the planner plans with the configured limits again, like the limiter
    this.clean = 0;
    this.lastCut = null;
    this.lastDecreaseAt = this.clock.now();
    this.factor = 1;
    this.sink.setRateFactor(1);
    this.learnedEvent(`operator restored the configured rate (was ${Math.round(was * 100)}%)`);
  }

  setConfig(cfg: ProviderConfig): void {
    this.cfg = cfg;
    // An operator's new limits replace what the server told us.
    for (const name of ['RPM', 'TPM'] as const) if (this.told.cap(name) !== undefined) this.sink.capMinute(name, undefined);
    this.told.clear();
  }

  /** Limits the server named or reported below the configured ones, and from how many responses (docs/planner.md). */
  learned(): LearnedLimits {
    return this.told.learned();
  }

  onSuccess(model: string, quota: QuotaInfo | undefined): void {
    this.sync(model, quota);
    const { increaseStep, cleanCallsToIncrease } = this.cfg.aimd;
    if (this.factor < 1 && ++this.clean >= cleanCallsToIncrease) {
      this.clean = 0;
      this.setFactor(Math.min(1, this.factor + increaseStep), `${cleanCallsToIncrease} clean calls`);
    }
  }

  onFailure(f: CallFailure): void {
    this.sync(f.model, f.quota);
    this.clean = 0;
    const now = this.clock.now();
    if (f.kind === 'daily_quota') {
      const until = this.dailyReset(f, now);
      this.sink.exhaust(until, `daily quota${f.dimension ? ` (${f.dimension})` : ''} spent`);
      return;
    }
    if (f.kind !== 'rate_limit') return;
    const named = this.learnCap(f);
    if (f.retryAfterMs !== undefined && f.retryAfterMs > 0) {
      this.sink.pause(
        now + f.retryAfterMs,
        `429${f.dimension ? ` on ${f.dimension}` : ''}: server asked to retry in ${(f.retryAfterMs / 1000).toFixed(1)} s`,
      );
    }
    // Headers that came with the 429 already told the limiter how much is left, or the 429 named the limit it hit and
    // that dimension is now capped: either way it is explained. Only a 429 that says neither is a surprise.
    const explained = named || f.quota?.remainingRequests !== undefined || f.quota?.remainingTokens !== undefined;
    // One decrease per congestion event: a 429 for a request sent before the last decrease was sent at the old
    // rate and says nothing new (as TCP cuts once per round trip, not once per lost packet).
    const sentAt = now - f.latencyMs;
    if (!explained && sentAt >= this.lastDecreaseAt) {
      this.lastDecreaseAt = now;
      const cause = `unexplained 429${f.dimension ? ` on ${f.dimension}` : ''}`;
      this.setFactor(Math.max(MIN_FACTOR, this.factor * this.cfg.aimd.decrease), cause, true);
      this.lastCut = { at: now, cause: `${cause}s` };
    }
  }

  /** A 429 without headers that names its per-minute limit (Gemini quotaValue) caps that one dimension. True if it named one. */
  private learnCap(f: CallFailure): boolean {
    if (this.model.headers || !f.quota) return false;
    const named: Told<'RPM' | 'TPM'>[] = [];
    const { limitRequests, limitTokens } = f.quota;
    if (limitRequests !== undefined && limitRequests > 0) named.push({ dimension: 'RPM', limit: limitRequests, configured: this.cfg.rpm });
    if (limitTokens !== undefined && limitTokens > 0) named.push({ dimension: 'TPM', limit: limitTokens, configured: this.cfg.tpm });
    for (const { dimension: name, limit, configured } of this.told.hear('body', named)) {
      this.sink.capMinute(name, limit);
      this.learnedEvent(`server named ${name} limit ${limit} (configured ${configured})`);
    }
    return named.length > 0;
  }

  private dailyReset(f: CallFailure, now: number): number {
    if (this.model.day === 'calendar') return nextMidnight(now);
    const header = f.dimension === 'TPD' ? undefined : f.quota?.resetRequestsMs;
    return now + (header ?? f.retryAfterMs ?? DAY);
  }

  /**
   * The fleet's factor and the time of its last decrease (docs/scale-out.md "Shared rate"): a 429 for a request sent
   * before another instance's decrease says nothing new here either.
   */
  adopt(f: number, decreasedAt: number): void {
    this.lastDecreaseAt = Math.max(this.lastDecreaseAt, decreasedAt);
    if (f < this.factor)
      this.lastCut = { at: Number.isFinite(decreasedAt) ? decreasedAt : this.clock.now(), cause: '429s seen by another instance of the fleet' };
    this.setFactor(f, 'the fleet', false, false);
  }

  private setFactor(f: number, why: string, decrease = false, share = true): void {
    if (f === this.factor) return;
    this.factor = f;
    if (f >= 1) this.lastCut = null;
    this.sink.setRateFactor(f);
    if (share) this.sink.shareFactor?.(f, decrease);
    this.learnedEvent(`${why}: rate set to ${Math.round(f * 100)}% of the configured limit`);
  }

  /** A quota_learned event: what was learned, in words, for one model or ('*') the whole provider. */
  private learnedEvent(detail: string, model = '*'): void {
    this.sink.emit({ type: 'quota_learned', at: this.clock.now(), provider: this.provider, model, detail });
  }

  /** Groq's x-ratelimit headers: the server's remaining quota bounds ours. */
  private sync(model: string, q: QuotaInfo | undefined): void {
    const map = this.model.headers;
    if (!q || !map) return;
    const now = this.clock.now();
    const dims = this.sink.limiter(model).dims;
    const reported: Told[] = [];
    const apply = (dimension: QuotaDimension, remaining: number | undefined, limit: number | undefined, configured: number) => {
      const dim = dims.find((d) => d.name === dimension);
      if (!dim?.sync || remaining === undefined) return;
      dim.sync(now, remaining, limit ?? configured);
      if (limit !== undefined) reported.push({ dimension, limit, configured });
    };
    const configured = { RPM: this.cfg.rpm, TPM: this.cfg.tpm, RPD: this.cfg.rpd, TPD: this.cfg.tpd };
    apply(map.requests, q.remainingRequests, q.limitRequests, configured[map.requests]);
    apply(map.tokens, q.remainingTokens, q.limitTokens, configured[map.tokens]);
    for (const { dimension, limit, configured } of this.told.hear('headers', reported, model)) {
      this.learnedEvent(`server reports ${dimension} limit ${limit} (configured ${configured})`, model);
    }
    this.sink.limiter(model).refresh();
  }
}
