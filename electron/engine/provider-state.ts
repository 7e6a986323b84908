// Everything the engine keeps per provider: limiters per model, concurrency guard, breaker, quota feedback,
// parked calls, pause / exhaustion / misconfiguration and latency samples. The snapshot fold is provider-snapshot.ts.
import { modelFor, type ProviderConfig } from '../../shared/config';
import type { CallFailure, CallKind, CallOutcome, LlmRequest, ProviderId } from '../../shared/provider';
import type { EngineEvent, ModelLimits, ProviderSnapshot } from '../../shared/telemetry';
import type { ProviderAdapter } from './adapter';
import { CircuitBreaker } from './breaker';
import type { Clock } from './clock';
import { autoConcurrency, ConcurrencyGuard } from './guard';
import { LatencyWindow } from './latency-window';
import { nextMidnight, PACIFIC } from './limiter/calendar-day';
import { formatClock, formatCount } from './limiter/explain';
import { RateLimiter, WAIT_HORIZON_MS } from './limiter/limiter';
import { applyLimits, buildDimensions, QUOTA_MODELS } from './limiter/quota-model';
import type { QuotaStoreFactory } from './limiter/quota-store';
import { SEED_LOOKBACK_MS, type QuotaMemory } from './quota-memory';
import { ParkingLot } from './parking';
import { foldSnapshot } from './provider-snapshot';
import { QuotaFeedback } from './quota-feedback';
import type { Rng } from './rng';
import { RollingCounter } from './rolling';
import { BreakerSync } from './shared/breaker-sync';
import { RateSync } from './shared/rate-sync';
import type { SharedProvider } from './shared/shared-provider';
import { SlotGate } from './shared/slot-gate';

/** Assumed p90 latency until enough calls were measured (auto concurrency). */
const PRIOR_P90_MS = 15_000;
const LATENCY_SAMPLES = 200;
const FIVE_MIN = 5 * 60_000;

export function untilText(at: number): string {
  return `${formatClock(at, PACIFIC).slice(0, 5)} PT`;
}

/** Why a provider is skipped; `unavailable` when it is down for now (a call may park and wait for it). */
export interface Skip {
  reason: string;
  unavailable: boolean;
}

export class ProviderState {
  readonly limiters = new Map<string, RateLimiter>();
  readonly guard: ConcurrencyGuard;
  readonly breaker: CircuitBreaker;
  readonly feedback: QuotaFeedback;
  readonly parking: ParkingLot;
  /** The fleet's concurrency slots on this key (docs/scale-out.md "Concurrency leases"); null: not shared. */
  readonly slots: SlotGate | null;
  /** The fleet's breaker on this key, which the local one follows; null: not shared. */
  readonly breakerSync: BreakerSync | null;
  /** The fleet's learned rate on this key, which the local feedback adopts; null: not shared. */
  readonly rateSync: RateSync | null;
  private currentAdapter: ProviderAdapter | undefined;
  misconfigured: string | null = null;
  /** When traffic last opened the breaker (an outage, not the operator), else null. */
  lastOutageAt: number | null = null;
  exhaustedUntil: number | null = null;
  /** Models this key can't use (docs/providers.md §4): until midnight Pacific (no quota) or until the config changes (null). */
  readonly unavailable = new Map<string, { reason: string; until: number | null }>();
  /** Per-minute limits the server named (quota feedback): each dimension's limit is at most its cap. */
  private minuteCaps: { RPM?: number; TPM?: number } = {};
  /** When the caps last changed while any is held (the console's "learned at"), else null. */
  private capsAt: number | null = null;
  private latencies = new LatencyWindow(LATENCY_SAMPLES);
  private recent429 = new RollingCounter(FIVE_MIN);
  private recentErrors = new RollingCounter(FIVE_MIN);

  constructor(
    readonly id: ProviderId,
    private cfg: ProviderConfig,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly emit: (e: EngineEvent) => void,
    readonly simulated: boolean,
    private readonly quotaStores?: QuotaStoreFactory,
    private readonly memory?: QuotaMemory,
    shared?: SharedProvider,
  ) {
    this.guard = new ConcurrencyGuard(this.concurrencyTarget());
    // The concurrency target is the key's (its quota is), so with shared leases it bounds the whole fleet.
    this.slots = shared ? new SlotGate({ store: shared.leases, clock, limit: () => this.guard.limit, leaseMs: () => 2 * this.cfg.timeoutMs }) : null;
    this.parking = new ParkingLot(clock);
    this.breaker = new CircuitBreaker(clock, cfg.breaker, (t) => {
      this.breakerSync?.onLocal(t);
      this.emit({ type: 'breaker_transition', at: clock.now(), provider: id, ...t });
      if (t.to === 'open') this.drain(`${id} breaker open`);
      if (t.to === 'open' && !t.forced) this.lastOutageAt = clock.now();
      // Recovery wakes parked calls: one to carry the half-open probe, all once the circuit is closed again.
      if (t.to === 'half_open') this.parking.wakeForProbe();
      if (t.to === 'closed') this.parking.wakeAll();
    });
    this.breakerSync = shared
      ? new BreakerSync({
          breaker: this.breaker,
          store: shared.breaker,
          clock,
          instanceId: shared.instanceId,
          params: () => this.cfg.breaker,
          probeTtlMs: () => 2 * this.cfg.timeoutMs,
        })
      : null;
    this.feedback = new QuotaFeedback(id, clock, QUOTA_MODELS[id], cfg, {
      limiter: (model) => this.limiter(model),
      setRateFactor: (f) => this.applyLimits(f),
      capMinute: (name, limit) => {
        if (limit === undefined) delete this.minuteCaps[name];
        else this.minuteCaps[name] = limit;
        this.capsChanged();
        this.applyLimits(this.feedback.rateFactor);
        if (limit === undefined) this.rateSync?.clearCaps();
        else this.rateSync?.lowerCap(name, limit);
      },
      pause: (until, reason) => this.pause(until, reason),
      exhaust: (until, reason) => this.exhaust(until, reason),
      emit,
      shareFactor: (f, decrease) => this.rateSync?.shareFactor(f, decrease),
    });
    this.rateSync = shared
      ? new RateSync({
          store: shared.rate,
          clock,
          feedback: this.feedback,
          applyCaps: (caps) => {
            this.minuteCaps = { ...caps };
            this.capsChanged();
            this.applyLimits(this.feedback.rateFactor);
          },
        })
      : null;
    for (const model of new Set([cfg.textModel, cfg.visionModel])) this.limiter(model);
  }

  get config(): ProviderConfig {
    return this.cfg;
  }

  get adapter(): ProviderAdapter | undefined {
    return this.currentAdapter;
  }

  /** Set or remove the adapter (a new key). A new key clears a misconfiguration and lifts its auth trip. */
  setAdapter(a: ProviderAdapter | undefined): void {
    this.currentAdapter = a;
    if (a) this.unavailable.clear(); // a new key or new model settings: what this key couldn't use may work now
    if (!a || !this.misconfigured) return;
    this.misconfigured = null;
    if (this.breaker.openedBy === 'auth') this.breaker.reset();
  }

  /** The model that serves `kind`: the adapter's (it sends the request), else the configured one. */
  modelFor(kind: CallKind): string {
    return this.currentAdapter?.modelFor(kind) ?? modelFor(this.cfg, kind);
  }

  limiter(model: string): RateLimiter {
    let l = this.limiters.get(model);
    if (!l) {
      const dims = buildDimensions(this.id, this.cfg, this.clock.now());
      l = new RateLimiter(this.clock, this.rng, this.quotaStores?.(this.id, model, dims) ?? dims, this.cfg.jitter, {
        callTimeoutMs: () => this.cfg.timeoutMs,
      });
      applyLimits(l.dims, this.cfg, this.feedback?.rateFactor ?? 1);
      this.seed(l, model);
      this.limiters.set(model, l);
    }
    return l;
  }

  /** A new limiter starts from the stored calls of this key and model, not blind (docs/engine-runtime.md, restarts). */
  private seed(l: RateLimiter, model: string): void {
    if (!this.memory || !l.store.seed) return;
    const now = this.clock.now();
    l.store.seed(this.memory.recall(this.id, model, now - SEED_LOOKBACK_MS, now), now);
  }

  /** What this provider refused before a restart and still refuses: a spent day, a rejected key, a model it can't serve. */
  restore(): void {
    const now = this.clock.now();
    for (const b of this.memory?.blocks(this.id) ?? []) {
      if (b.until !== null && b.until <= now) continue;
      if (b.kind === 'exhausted' && b.until !== null) this.exhaustedUntil = Math.max(this.exhaustedUntil ?? 0, b.until);
      else if (b.kind === 'misconfigured') this.misconfigured = b.reason;
      else if (b.kind === 'unavailable') this.unavailable.set(b.model, { reason: b.reason, until: b.until });
    }
  }

  /** A physical call was sent: stored with its start and estimate, so a restart counts it (null: nothing stored). */
  callStarted(model: string, at: number, tokens: number): number | null {
    return this.memory?.started(this.id, model, at, tokens) ?? null;
  }

  /** Its answer came: a restart counts the call from now on (the server counted it at its arrival, no later). */
  callAnswered(handle: number | null, tokens: number | null): void {
    if (handle !== null) this.memory?.answered(handle, this.clock.now(), tokens);
  }

  /** Live config change: limits, jitter, breaker, concurrency. */
  setConfig(cfg: ProviderConfig): void {
    const rebuild = cfg.tpd > 0 !== this.cfg.tpd > 0;
    this.cfg = cfg;
    this.feedback.setConfig(cfg);
    this.rateSync?.clearCaps(); // the operator's limits replace what the server named, fleet-wide
    this.breaker.setParams(cfg.breaker);
    for (const [model, l] of this.limiters) {
      if (rebuild && l.queued === 0) this.limiters.delete(model);
      else l.setJitter(cfg.jitter);
    }
    for (const model of new Set([cfg.textModel, cfg.visionModel])) this.limiter(model);
    this.applyLimits(this.feedback.rateFactor);
    this.guard.resize(this.concurrencyTarget());
  }

  private capsChanged(): void {
    this.capsAt = this.minuteCaps.RPM === undefined && this.minuteCaps.TPM === undefined ? null : this.clock.now();
  }

  /**
   * The operator's "restore configured rate" (docs/console.md §15): the AIMD factor back to 1 and the limits a 429
   * named dropped, here and, with a shared rate store, for the whole fleet (rejects when that store is out of reach).
   * The breaker, pauses and the quota already used are untouched.
   */
  async restoreConfiguredRate(): Promise<void> {
    this.feedback.restore();
    this.minuteCaps = {};
    this.capsChanged();
    this.applyLimits(1);
    await this.rateSync?.restore();
  }

  private applyLimits(rateFactor: number): void {
    for (const l of this.limiters.values()) {
      applyLimits(l.dims, this.cfg, rateFactor);
      for (const d of l.dims) {
        const cap = d.name === 'RPM' || d.name === 'TPM' ? this.minuteCaps[d.name] : undefined;
        if (cap !== undefined) d.setLimits(Math.min(d.limit, cap * this.cfg.safetyFactor), Math.min(d.hardLimit, cap * this.cfg.safetyFactor));
      }
      l.refresh();
    }
    if (this.cfg.maxConcurrent === 'auto') this.guard.resize(this.concurrencyTarget());
  }

  effectiveRpm(): number {
    return this.cfg.rpm * this.cfg.safetyFactor * this.feedback.rateFactor;
  }

  p90LatencyMs(): number {
    return this.latencies.size < 10 ? PRIOR_P90_MS : this.latencies.quantile(0.9);
  }

  concurrencyTarget(): number {
    const m = this.cfg.maxConcurrent;
    return m === 'auto' ? autoConcurrency(this.cfg.rpm * this.cfg.safetyFactor * (this.feedback?.rateFactor ?? 1), this.p90LatencyMs()) : m;
  }

  observe(outcome: CallOutcome): void {
    const now = this.clock.now();
    if (outcome.ok || outcome.kind !== 'aborted') {
      this.latencies.add(outcome.latencyMs);
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
    this.memory?.remember(this.id, { kind: 'exhausted', model: '', reason, until: this.exhaustedUntil });
    this.drain(`${this.id} exhausted until ${untilText(this.exhaustedUntil)}`);
  }

  markMisconfigured(f: CallFailure): void {
    this.misconfigured = `${f.status ?? f.kind}: ${f.message}`;
    this.emit({ type: 'provider_misconfigured', at: this.clock.now(), provider: this.id, reason: this.misconfigured });
    this.memory?.remember(this.id, { kind: 'misconfigured', model: '', reason: this.misconfigured, until: null });
    this.drain(`${this.id} misconfigured`);
  }

  /** A model this key can't use (no quota on its tier today, or unknown): stop sending it anything. */
  markUnavailable(f: CallFailure): void {
    const until = f.kind === 'no_quota' ? nextMidnight(this.clock.now()) : null;
    this.unavailable.set(f.model, { reason: f.message, until });
    this.memory?.remember(this.id, { kind: 'unavailable', model: f.model, reason: f.message, until });
    this.emit({ type: 'provider_misconfigured', at: this.clock.now(), provider: this.id, reason: `${f.model} unavailable: ${f.message}` });
    this.limiters.get(f.model)?.drain(`${this.id} ${f.model} unavailable`);
  }

  /** Why `model` can't be used now (a misconfiguration, a spent day, an unavailable model), or null. */
  unusableReason(model: string): string | null {
    const now = this.clock.now();
    if (this.misconfigured) return `${this.id} misconfigured (${this.misconfigured})`;
    if (this.exhaustedUntil !== null && this.exhaustedUntil > now) return `${this.id} exhausted until ${untilText(this.exhaustedUntil)}`;
    const u = this.unavailable.get(model);
    if (u && (u.until === null || u.until > now)) return `${this.id} ${model} unavailable (${u.reason})`;
    return null;
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
  skipReason(req: LlmRequest, tokens: number): Skip | null {
    const now = this.clock.now();
    const p = this.id;
    const no = (reason: string, unavailable = false): Skip => ({ reason, unavailable });
    if (!this.cfg.enabled) return no(`${p} disabled`);
    if (!this.adapter) return no(`${p} has no API key`);
    const unusable = this.unusableReason(this.modelFor(req.kind));
    if (unusable) return no(unusable);
    if (!this.breaker.isAccepting(now)) return no(`${p} breaker open`, this.breaker.recovering);
    if (!this.adapter.supports(req)) return no(`${p} cannot read this request`);
    const limiter = this.limiter(this.modelFor(req.kind));
    const tpm = limiter.dims.find((d) => d.name === 'TPM');
    if (tpm && tokens > tpm.hardLimit) {
      return no(`request too large for ${p} (${formatCount(tokens)} tokens > TPM limit ${formatCount(tpm.hardLimit)})`);
    }
    const blocked = limiter.blockedUntil(tokens);
    if (blocked - now > WAIT_HORIZON_MS) return no(`${p} quota spent until ${untilText(blocked)}`);
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
    return foldSnapshot({
      provider: this.id,
      now,
      models: [...this.limiters].map(([model, limiter]) => ({ model, roles: this.rolesOf(model), limiter })),
      breaker: this.breaker.snapshot(),
      guard: { inFlight: this.guard.inFlight, limit: this.guard.limit, queued: this.guard.queued },
      http429Last5m: this.recent429.totals(now).calls,
      errorsLast5m: this.recentErrors.totals(now).calls,
      exhaustedUntil: this.exhaustedUntil,
      pausedUntil: this.pausedUntil(),
      misconfigured: this.misconfigured,
      hasKey: this.adapter !== undefined,
      simulated: this.simulated,
      p90LatencyMs: this.p90LatencyMs(),
      parked: this.parking.size,
      unavailableModels: [...this.unavailable]
        .filter(([, u]) => u.until === null || u.until > now)
        .map(([model, u]) => ({ model, reason: u.reason })),
      rate: {
        ...this.feedback.rateState(),
        rpmCap: this.minuteCaps.RPM ?? null,
        tpmCap: this.minuteCaps.TPM ?? null,
        capsAt: this.capsAt,
        configuredRpm: this.cfg.rpm * this.cfg.safetyFactor,
        configuredTpm: this.cfg.tpm * this.cfg.safetyFactor,
      },
    });
  }

  private rolesOf(model: string): ModelLimits['roles'] {
    const roles: ModelLimits['roles'] = [];
    if (model === this.modelFor('theme')) roles.push('text');
    if (model === this.modelFor('image')) roles.push('vision');
    return roles;
  }
}
