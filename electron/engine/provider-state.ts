// Everything the engine keeps per provider: limiters per model, concurrency guard, breaker, quota feedback,
// pause / exhaustion / misconfiguration, latency samples, and the ProviderSnapshot built from them.
import type { ProviderConfig } from '../../shared/config';
import type { CallFailure, CallOutcome, LlmRequest, ProviderId } from '../../shared/provider';
import type { EngineEvent, ProviderSnapshot } from '../../shared/telemetry';
import type { ProviderAdapter } from './adapter';
import { CircuitBreaker } from './breaker';
import type { Clock } from './clock';
import { autoConcurrency, ConcurrencyGuard } from './guard';
import { PACIFIC } from './limiter/calendar-day';
import { formatClock, formatCount } from './limiter/explain';
import { RateLimiter, WAIT_HORIZON_MS } from './limiter/limiter';
import { applyLimits, buildDimensions, QUOTA_MODELS } from './limiter/quota-model';
import { QuotaFeedback } from './quota-feedback';
import type { Rng } from './rng';
import { RollingCounter } from './rolling';

/** Assumed p90 latency until enough calls were measured (auto concurrency). */
const PRIOR_P90_MS = 15_000;
const LATENCY_SAMPLES = 200;
const FIVE_MIN = 5 * 60_000;

export function untilText(at: number): string {
  return `${formatClock(at, PACIFIC).slice(0, 5)} PT`;
}

export class ProviderState {
  readonly limiters = new Map<string, RateLimiter>();
  readonly guard: ConcurrencyGuard;
  readonly breaker: CircuitBreaker;
  readonly feedback: QuotaFeedback;
  adapter: ProviderAdapter | undefined;
  misconfigured: string | null = null;
  exhaustedUntil: number | null = null;
  private latencies: number[] = [];
  private recent429 = new RollingCounter(FIVE_MIN);
  private recentErrors = new RollingCounter(FIVE_MIN);

  constructor(
    readonly id: ProviderId,
    private cfg: ProviderConfig,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly emit: (e: EngineEvent) => void,
    readonly simulated: boolean,
  ) {
    this.guard = new ConcurrencyGuard(this.concurrencyTarget());
    this.breaker = new CircuitBreaker(clock, cfg.breaker, (t) => {
      this.emit({ type: 'breaker_transition', at: clock.now(), provider: id, ...t });
      if (t.to === 'open') this.drain(`${id} breaker open`);
    });
    this.feedback = new QuotaFeedback(id, clock, QUOTA_MODELS[id], cfg, {
      limiter: (model) => this.limiter(model),
      setRateFactor: (f) => this.applyLimits(f),
      pause: (until, reason) => this.pause(until, reason),
      exhaust: (until, reason) => this.exhaust(until, reason),
      emit,
    });
    for (const model of new Set([cfg.textModel, cfg.visionModel])) this.limiter(model);
  }

  get config(): ProviderConfig {
    return this.cfg;
  }

  limiter(model: string): RateLimiter {
    let l = this.limiters.get(model);
    if (!l) {
      l = new RateLimiter(this.clock, this.rng, buildDimensions(this.id, this.cfg, this.clock.now()), this.cfg.jitter);
      applyLimits(l.dims, this.cfg, this.feedback?.rateFactor ?? 1);
      this.limiters.set(model, l);
    }
    return l;
  }

  /** Live config change: limits, jitter, breaker, concurrency. */
  setConfig(cfg: ProviderConfig): void {
    const rebuild = (cfg.tpd > 0) !== (this.cfg.tpd > 0);
    this.cfg = cfg;
    this.feedback.setConfig(cfg);
    this.breaker.setParams(cfg.breaker);
    for (const [model, l] of this.limiters) {
      if (rebuild && l.queued === 0) this.limiters.delete(model);
      else l.setJitter(cfg.jitter);
    }
    for (const model of new Set([cfg.textModel, cfg.visionModel])) this.limiter(model);
    this.applyLimits(this.feedback.rateFactor);
    this.guard.resize(this.concurrencyTarget());
  }

  private applyLimits(rateFactor: number): void {
    for (const l of this.limiters.values()) {
      applyLimits(l.dims, this.cfg, rateFactor);
      l.refresh();
    }
    if (this.cfg.maxConcurrent === 'auto') this.guard.resize(this.concurrencyTarget());
  }

  effectiveRpm(): number {
    return this.cfg.rpm * this.cfg.safetyFactor * this.feedback.rateFactor;
  }

  p90LatencyMs(): number {
    if (this.latencies.length < 10) return PRIOR_P90_MS;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.floor(0.9 * (sorted.length - 1))] as number;
  }

  concurrencyTarget(): number {
    const m = this.cfg.maxConcurrent;
    return m === 'auto' ? autoConcurrency(this.cfg.rpm * this.cfg.safetyFactor * (this.feedback?.rateFactor ?? 1), this.p90LatencyMs()) : m;
  }

  observe(outcome: CallOutcome): void {
    const now = this.clock.now();
    if (outcome.ok || outcome.kind !== 'aborted') {
      this.latencies.push(outcome.latencyMs);
      if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
      if (this.cfg.maxConcurrent === 'auto') this.guard.resize(this.concurrencyTarget());
    }
    if (!outcome.ok) {
      if (outcome.kind === 'rate_limit' || outcome.kind === 'daily_quota') this.recent429.add(now, 1, 0);
      if (outcome.kind !== 'aborted') this.recentErrors.add(now, 1, 0);
    }
  }

  pause(until: number, reason: string): void {
    for (const l of this.limiters.values()) l.pause(until);
    this.emit({ type: 'provider_paused', at: this.clock.now(), provider: this.id, until, reason });
    if (until - this.clock.now() > WAIT_HORIZON_MS) this.drain(`${this.id} paused until ${untilText(until)}`);
  }

  unpause(): void {
    for (const l of this.limiters.values()) l.unpause();
  }

  exhaust(until: number, reason: string): void {
    this.exhaustedUntil = Math.max(this.exhaustedUntil ?? 0, until);
    this.emit({ type: 'provider_exhausted', at: this.clock.now(), provider: this.id, until: this.exhaustedUntil, reason });
    this.drain(`${this.id} exhausted until ${untilText(this.exhaustedUntil)}`);
  }

  markMisconfigured(f: CallFailure): void {
    this.misconfigured = `${f.status ?? 'auth'}: ${f.message}`;
    this.emit({ type: 'provider_misconfigured', at: this.clock.now(), provider: this.id, reason: this.misconfigured });
    this.drain(`${this.id} misconfigured`);
  }

  private drain(reason: string): void {
    for (const l of this.limiters.values()) l.drain(reason);
  }

  pausedUntil(): number | null {
    let until: number | null = null;
    for (const l of this.limiters.values()) {
      const p = l.pausedUntilMs;
      if (p !== null && (until === null || p > until)) until = p;
    }
    return until;
  }

  /** Why this provider can't take `req` now (router skip rules), or null. */
  skipReason(req: LlmRequest, tokens: number): string | null {
    const now = this.clock.now();
    const p = this.id;
    if (!this.cfg.enabled) return `${p} disabled`;
    if (!this.adapter) return `${p} has no API key`;
    if (this.misconfigured) return `${p} misconfigured (${this.misconfigured})`;
    if (this.exhaustedUntil !== null && this.exhaustedUntil > now) return `${p} exhausted until ${untilText(this.exhaustedUntil)}`;
    const b = this.breaker.snapshot();
    if (b.state === 'open' && (b.forced || (b.halfOpenAt ?? 0) > now)) return `${p} breaker open`;
    if (!this.adapter.supports(req)) return `${p} cannot read this request`;
    const limiter = this.limiter(this.adapter.modelFor(req.kind));
    const tpm = limiter.dims.find((d) => d.name === 'TPM');
    if (tpm && tokens > tpm.hardLimit) return `request too large for ${p} (${formatCount(tokens)} tokens > TPM limit ${formatCount(tpm.hardLimit)})`;
    const blocked = limiter.blockedUntil(tokens);
    if (blocked - now > WAIT_HORIZON_MS) return `${p} quota spent until ${untilText(blocked)}`;
    return null;
  }

  /** Seconds of queue ahead of a new request, for spill-over. */
  expectedWaitMs(): number {
    let queued = 0;
    for (const l of this.limiters.values()) queued += l.queued;
    return (queued * 60_000) / Math.max(this.effectiveRpm(), 1e-9);
  }

  snapshot(): ProviderSnapshot {
    const now = this.clock.now();
    let rpm = 0, rpmLimit = 0, tpm = 0, tpmLimit = 0, rpdUsed = 0, rpdLimit = 0, queued = this.guard.queued;
    let admissions = 0, waitSum = 0, jitterSum = 0, jitterWeight = 0;
    let nextAdmissionAt: number | null = null;
    const waitReasons: string[] = [];
    for (const l of this.limiters.values()) {
      const s = l.stats();
      rpm += s.rpm;
      tpm += s.tpm;
      for (const d of l.dims) {
        if (d.name === 'RPM') rpmLimit += d.limit;
        if (d.name === 'TPM') tpmLimit += d.limit;
        if (d.name === 'RPD') rpdLimit += d.limit;
      }
      rpdUsed += s.used.RPD ?? 0;
      queued += s.queued;
      admissions += s.admissions;
      waitSum += s.meanWaitMs * s.admissions;
      jitterSum += s.jitterMean * Math.max(s.admissions, 1);
      jitterWeight += Math.max(s.admissions, 1);
      if (s.nextAdmissionAt !== null && (nextAdmissionAt === null || s.nextAdmissionAt < nextAdmissionAt)) nextAdmissionAt = s.nextAdmissionAt;
      waitReasons.push(...l.explain(3));
    }
    return {
      provider: this.id,
      breaker: this.breaker.snapshot(),
      rpm,
      rpmLimit,
      tpm,
      tpmLimit,
      rpdUsed,
      rpdLimit,
      inFlight: this.guard.inFlight,
      concurrencyLimit: this.guard.limit,
      queued,
      http429Last5m: this.recent429.totals(now).calls,
      errorsLast5m: this.recentErrors.totals(now).calls,
      exhaustedUntil: this.exhaustedUntil !== null && this.exhaustedUntil > now ? this.exhaustedUntil : null,
      pausedUntil: this.pausedUntil(),
      misconfigured: this.misconfigured,
      hasKey: this.adapter !== undefined,
      simulated: this.simulated,
      nextAdmissionAt,
      waitReasons: waitReasons.slice(0, 5),
      meanWaitMs: admissions ? waitSum / admissions : 0,
      p90LatencyMs: this.p90LatencyMs(),
      jitterMean: jitterWeight ? jitterSum / jitterWeight : 1,
      // Parking and per-model availability arrive with the engine's recovery work; until then nothing parks.
      parked: 0,
      parkedReason: null,
      unavailableModels: [],
    };
  }
}
