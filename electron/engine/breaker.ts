// Circuit breaker per provider: CLOSED → OPEN → HALF_OPEN → CLOSED over a bucketed rolling window, with
// single-flight half-open probes, operator reset / force-open, and an event with its cause for every transition.
import type { ProviderConfig } from '../../shared/config';
import { BREAKER_ERROR_KINDS, type CallOutcome, type FailureKind } from '../../shared/provider';
import type { BreakerSnapshot, BreakerState, TripCause } from '../../shared/telemetry';
import type { Clock } from './clock';
import { RollingCounter } from './rolling';

export type BreakerParams = ProviderConfig['breaker'];

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  cause: string;
  tripCause?: TripCause;
  forced: boolean;
}

/** A pass through the breaker; probes are counted against the half-open allowance. */
export interface Permit {
  readonly probe: boolean;
  readonly generation: number;
}

const TRIP_CAUSES: Partial<Record<FailureKind, TripCause>> = {
  rate_limit: '429',
  overloaded: '5xx',
  server: '5xx',
  timeout: 'timeout',
  network: 'network',
  auth: 'auth',
};

/** error: counts against health. ok: the provider answered (other 4xx included). ignore: no verdict on health. */
export function classify(outcome: CallOutcome): 'ok' | 'error' | 'auth' | 'ignore' {
  if (outcome.ok) return 'ok';
  if (outcome.kind === 'auth') return 'auth';
  if (outcome.kind === 'aborted') return 'ignore';
  return BREAKER_ERROR_KINDS.has(outcome.kind) ? 'error' : 'ok';
}

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private forced = false;
  private generation = 0;
  private probes = 0;
  private halfOpenAt: number | null = null;
  private cancelTimer: (() => void) | null = null;
  private lastTripCause: TripCause | null = null;
  private lastTransitionAt: number | null = null;
  private window: RollingCounter;

  constructor(
    private readonly clock: Clock,
    private params: BreakerParams,
    private readonly onTransition: (t: BreakerTransition) => void,
  ) {
    this.window = new RollingCounter(params.windowMs);
  }

  get state(): BreakerState {
    return this.current;
  }

  setParams(p: BreakerParams): void {
    if (p.windowMs !== this.params.windowMs) this.window.setWindow(p.windowMs);
    this.params = p;
  }

  /** A pass for one call, or null while OPEN (or HALF_OPEN with every probe slot taken). */
  permit(): Permit | null {
    if (this.current === 'open' && !this.forced && this.halfOpenAt !== null && this.clock.now() >= this.halfOpenAt) {
      this.transition('half_open', 'cooldown elapsed');
    }
    if (this.current === 'closed') return { probe: false, generation: this.generation };
    if (this.current === 'half_open' && this.probes < this.params.halfOpenProbes) {
      this.probes++;
      return { probe: true, generation: this.generation };
    }
    return null;
  }

  /** The permit was not used (the call never went out). */
  release(permit: Permit): void {
    if (permit.probe && permit.generation === this.generation) this.probes--;
  }

  record(permit: Permit, outcome: CallOutcome): void {
    const kind = classify(outcome);
    const cause = outcome.ok ? undefined : TRIP_CAUSES[outcome.kind];
    const now = this.clock.now();
    if (kind === 'auth') {
      if (this.current !== 'open') this.open('credentials rejected (401/403)', 'auth');
      return;
    }
    // A result from before the last transition describes health the breaker already acted on.
    if (permit.generation !== this.generation) return;
    if (this.current === 'half_open' && permit.probe) {
      if (kind === 'ok') this.close('probe succeeded');
      else if (kind === 'error') this.open(`probe failed (${outcome.ok ? '' : outcome.kind})`, 'probe_failed');
      else this.probes--;
      return;
    }
    if (this.current !== 'closed' || kind === 'ignore') return;
    this.window.add(now, 1, kind === 'error' ? 1 : 0);
    if (kind !== 'error') return;
    const { calls, errors } = this.window.totals(now);
    if (calls >= this.params.minCalls && errors / calls >= this.params.threshold) {
      const rate = Math.round((errors / calls) * 100);
      this.open(`error rate ${rate}% over ${calls} calls (threshold ${Math.round(this.params.threshold * 100)}%)`, cause);
    }
  }

  /** Operator: force CLOSED and forget the window. */
  reset(): void {
    this.forced = true;
    this.transition('closed', 'reset by operator', undefined, true);
    this.window.clear();
  }

  /** Operator kill switch: OPEN until reset, no half-open probes. */
  forceOpen(): void {
    this.forced = true;
    this.transition('open', 'forced open by operator', 'forced', true);
  }

  private open(cause: string, tripCause: TripCause | undefined): void {
    this.forced = false;
    this.transition('open', cause, tripCause);
    this.halfOpenAt = this.clock.now() + this.params.cooldownMs;
    const generation = this.generation;
    this.cancelTimer = this.clock.setTimer(
      this.params.cooldownMs,
      () => {
        if (this.generation === generation) this.transition('half_open', 'cooldown elapsed');
      },
      { background: true },
    );
  }

  private close(cause: string): void {
    this.forced = false;
    this.window.clear();
    this.transition('closed', cause);
  }

  private transition(to: BreakerState, cause: string, tripCause?: TripCause, forced = false): void {
    const from = this.current;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.halfOpenAt = null;
    this.current = to;
    this.generation++;
    this.probes = 0;
    this.lastTransitionAt = this.clock.now();
    if (tripCause) this.lastTripCause = tripCause;
    this.onTransition({ from, to, cause, tripCause, forced });
  }

  snapshot(): BreakerSnapshot {
    const { calls, errors } = this.window.totals(this.clock.now());
    return {
      state: this.current,
      forced: this.forced,
      errorRate: calls ? errors / calls : 0,
      threshold: this.params.threshold,
      windowMs: this.params.windowMs,
      calls,
      minCalls: this.params.minCalls,
      halfOpenAt: this.halfOpenAt,
      lastTripCause: this.lastTripCause,
      lastTransitionAt: this.lastTransitionAt,
    };
  }
}
