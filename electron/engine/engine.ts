// The engine facade: the one object the batch runner, the Api and the CLI call.
import { applyConfigPatch, type EngineConfig } from '../../shared/config';
import { PROVIDER_IDS, type ProviderId } from '../../shared/provider';
import type { LearnedLimits } from '../../shared/plan';
import type { EngineEvent, ProviderSnapshot } from '../../shared/telemetry';
import type { ProviderAdapter } from './adapter';
import { Budget } from './budget';
import type { Clock } from './clock';
import { EventBus } from './events';
import { ProviderState } from './provider-state';
import type { Rng } from './rng';
import { route, type CallArgs, type RoutedResult, type RouterContext } from './router';
import { staggerDelayMs } from './stagger';
import type { QuotaStoreFactory } from './limiter/quota-store';
import type { QuotaMemory } from './quota-memory';
import type { SharedProvider } from './shared/shared-provider';

export type { RoutedResult } from './router';

export interface EngineOptions {
  config: EngineConfig;
  clock: Clock;
  rng: Rng;
  adapters: Partial<Record<ProviderId, ProviderAdapter>>;
  /** Adapters talk to the provider simulator: snapshots say so, and the UI labels results "simulated". */
  simulated?: boolean;
  /** Shared quota stores (REDIS_URL); unset: every limiter keeps its charges in memory. */
  quotaStores?: QuotaStoreFactory;
  /** The stored calls and refusals a restart starts from (docs/engine-runtime.md); unset: every start is blind. */
  quotaMemory?: QuotaMemory;
  /** Concurrency leases and breaker shared per provider (REDIS_URL); unset: both stay local. */
  sharedProviders?: (provider: ProviderId) => SharedProvider | undefined;
}

/** Upper bound on submissions in flight in auto mode (each holds its PDF and photos in memory). */
export const MAX_AUTO_WORKERS = 64;

export class Engine {
  readonly events = new EventBus<EngineEvent>();
  private cfg: EngineConfig;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly providers: Record<ProviderId, ProviderState>;
  private readonly spentBudgets = new WeakSet<Budget>();
  private readonly memory: QuotaMemory | undefined;
  private readonly routerContext: RouterContext;

  constructor(opts: EngineOptions) {
    this.cfg = opts.config;
    this.clock = opts.clock;
    this.rng = opts.rng;
    this.memory = opts.quotaMemory;
    const emit = (e: EngineEvent) => this.events.emit(e);
    const make = (p: ProviderId) => {
      const s = new ProviderState(
        p,
        this.cfg.providers[p],
        this.clock,
        this.rng,
        emit,
        opts.simulated ?? false,
        opts.quotaStores,
        this.memory,
        opts.sharedProviders?.(p),
      );
      s.setAdapter(opts.adapters[p]);
      s.restore(); // after the first adapter: a stored refusal of this key stands until the key or the settings change
      return s;
    };
    this.providers = { gemini: make('gemini'), groq: make('groq') };
    // Made once, not per call: its functions read the live config and providers.
    this.routerContext = {
      clock: this.clock,
      rng: this.rng,
      config: () => this.cfg,
      provider: (p) => this.providers[p],
      emit,
      budgetSpent: (b) => {
        if (this.spentBudgets.has(b)) return;
        this.spentBudgets.add(b);
        this.events.emit({ type: 'budget_spent', at: this.clock.now(), submissionId: b.submissionId, used: b.used, budget: b.max });
      },
    };
  }

  get config(): EngineConfig {
    return this.cfg;
  }

  /** Apply a live settings change (throws ConfigError naming the bad key). New budgets use the new maximum. */
  updateConfig(patch: unknown): { before: EngineConfig; after: EngineConfig } {
    const before = this.cfg;
    const after = applyConfigPatch(before, patch);
    this.cfg = after;
    for (const p of PROVIDER_IDS) this.providers[p].setConfig(after.providers[p]);
    return { before, after };
  }

  newBudget(submissionId: string): Budget {
    return new Budget(submissionId, this.cfg.maxCallsPerSubmission);
  }

  /** The random pause before a submission's first call (off when stagger is disabled), on `budget`'s timeline. */
  async stagger(signal?: AbortSignal, budget?: Budget): Promise<void> {
    const ms = staggerDelayMs(this.cfg.stagger, this.rng);
    const step = ms > 0 ? budget?.step('stagger', null, null, 0, this.clock.now()) : undefined;
    await this.clock.sleep(ms, signal);
    if (step) step.to = this.clock.now();
  }

  /** One logical LLM request, routed with fallback; rejects only when `signal` aborts. */
  call(a: CallArgs): Promise<RoutedResult> {
    return route(this.routerContext, a);
  }

  resetBreaker(p: ProviderId): void {
    this.providers[p].breaker.reset();
  }
  forceOpen(p: ProviderId): void {
    this.providers[p].breaker.forceOpen();
  }
  /** Back to the configured per-minute rate: the AIMD cut and the limits a 429 named are dropped (docs/console.md §15). */
  restoreRate(p: ProviderId): Promise<void> {
    return this.providers[p].restoreConfiguredRate();
  }
  /** Operator pause until `untilMs`, or lift it with null. */
  pauseProvider(p: ProviderId, untilMs: number | null): void {
    if (untilMs === null) this.providers[p].unpause();
    else this.providers[p].pause(untilMs, 'paused by operator');
  }

  /** Whether traffic opened a breaker at or after `since`: a run's undetermined rules may be an outage's. */
  hadOutageSince(since: number): boolean {
    return PROVIDER_IDS.some((p) => (this.providers[p].lastOutageAt ?? -Infinity) >= since);
  }

  /**
   * Resolves once no provider in the routing order is still open after an outage (woken by the breaker events, not
   * by polling), or at `deadline`; rejects when `signal` aborts. The batch end waits on this before its second pass.
   */
  whenRecovered(deadline: number, signal?: AbortSignal): Promise<void> {
    // Half-open is time to go: a breaker closes only on a probe, and the second pass's calls are those probes.
    const down = () =>
      this.cfg.providerOrder.some((p) => {
        const b = this.providers[p].breaker;
        return b.state === 'open' && b.recovering;
      });
    if (!down() || this.clock.now() >= deadline) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        off();
        cancel();
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(signal?.reason);
      };
      const off = this.events.on((e) => {
        if (e.type === 'breaker_transition' && !down()) {
          done();
          resolve();
        }
      });
      const cancel = this.clock.setTimer(deadline - this.clock.now(), () => {
        done();
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Limits the provider's server named or reported below the configured ones (the planner models them, docs/planner.md). */
  learnedLimits(p: ProviderId): LearnedLimits {
    return this.providers[p].feedback.learned();
  }

  providerSnapshots(): ProviderSnapshot[] {
    return PROVIDER_IDS.map((p) => this.providers[p].snapshot());
  }

  /** Set or remove a provider's adapter (a new key). A new key clears a misconfiguration and its auth trip. */
  setAdapter(p: ProviderId, a: ProviderAdapter | undefined): void {
    this.providers[p].setAdapter(a);
    if (a) this.memory?.forgetRefusals(p);
  }

  /**
   * Submissions to keep in flight: config.maxWorkers, or in auto mode enough to keep every enabled provider's
   * concurrency busy (up to three calls each, plus a queue to bridge gaps), within a memory bound.
   */
  workerTarget(): number {
    if (this.cfg.maxWorkers !== 'auto') return this.cfg.maxWorkers;
    let slots = 0;
    for (const p of this.cfg.providerOrder.slice(0, this.cfg.spillover ? undefined : 1)) slots += this.providers[p].concurrencyTarget();
    return Math.min(MAX_AUTO_WORKERS, Math.max(4, 2 * slots));
  }
}
