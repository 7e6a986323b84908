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

/**
 * The breaker's whole state as one value: which fields exist depends on the state, so "open but no reopen time" or
 * "closed with probes out" cannot be written. `forced` marks an operator's hand (reset or kill switch), not traffic.
 */
export type InnerState =
  | { kind: 'closed'; forced: boolean }
  | { kind: 'open'; since: number; until: number | null; forced: boolean; cancelTimer: () => void }
  | { kind: 'half_open'; probes: number };

export class CircuitBreaker {
  private inner: InnerState = { kind: 'closed', forced: false };
  private generation = 0;
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
    return this.inner.kind;
  }

  /** The cause of the last trip, while the breaker is not closed (e.g. to lift an auth trip when the key changes). */
  get openedBy(): TripCause | null {
    return this.inner.kind === 'closed' ? null : this.lastTripCause;
  }

  /** When an open breaker lets its first probe through; null when closed, half-open or forced open. */
  get reopensAt(): number | null {
    return this.inner.kind === 'open' ? this.inner.until : null;
  }

  setParams(p: BreakerParams): void {
    if (p.windowMs !== this.params.windowMs) this.window.setWindow(p.windowMs);
    this.params = p;
  }

  /**
   * Not accepting, but on its own way back (open by traffic, or half-open): not an operator's kill switch, and not
   * rejected credentials, which no cooldown cures (a call must not park waiting for them).
   */
  get recovering(): boolean {
    if (this.lastTripCause === 'auth' && this.inner.kind !== 'closed') return false;
    return this.inner.kind === 'half_open' || (this.inner.kind === 'open' && !this.inner.forced);
  }

  /** Whether a call at `now` would get a permit: closed, a free probe slot, or an elapsed cooldown. */
  isAccepting(now: number): boolean {
    const s = this.inner;
    if (s.kind === 'closed') return true;
    if (s.kind === 'half_open') return s.probes < this.params.halfOpenProbes;
    return s.until !== null && now >= s.until;
  }

  /** A pass for one call, or null while OPEN (or HALF_OPEN with every probe slot taken). */
  permit(): Permit | null {
    const s = this.inner;
    if (s.kind === 'open' && s.until !== null && this.clock.now() >= s.until) this.transition({ kind: 'half_open', probes: 0 }, 'cooldown elapsed');
    const cur = this.inner;
    if (cur.kind === 'closed') return { probe: false, generation: this.generation };
    if (cur.kind === 'half_open' && cur.probes < this.params.halfOpenProbes) {
      cur.probes++;
      return { probe: true, generation: this.generation };
    }
    return null;
  }

  /** The permit was not used (the call never went out). */
  release(permit: Permit): void {
    if (permit.probe && permit.generation === this.generation && this.inner.kind === 'half_open') this.inner.probes--;
  }

  record(permit: Permit, outcome: CallOutcome): void {
    const kind = classify(outcome);
    const cause = outcome.ok ? undefined : TRIP_CAUSES[outcome.kind];
    const now = this.clock.now();
    if (kind === 'auth') {
      if (this.inner.kind !== 'open') this.open('credentials rejected (401/403)', 'auth');
      return;
    }
    // A result from before the last transition describes health the breaker already acted on.
    if (permit.generation !== this.generation) return;
    if (this.inner.kind === 'half_open' && permit.probe) {
      if (kind === 'ok') this.close('probe succeeded');
      else if (kind === 'error') this.open(`probe failed (${outcome.ok ? '' : outcome.kind})`, 'probe_failed');
      else this.inner.probes--;
      return;
    }
    if (this.inner.kind !== 'closed' || kind === 'ignore') return;
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
    this.transition({ kind: 'closed', forced: true }, 'reset by operator', undefined, true);
    this.window.clear();
  }

  /** Operator kill switch: OPEN until reset, no half-open probes. */
  forceOpen(): void {
    const since = this.clock.now();
    this.transition({ kind: 'open', since, until: null, forced: true, cancelTimer: () => {} }, 'forced open by operator', 'forced', true);
  }

  /**
   * Take the fleet's state (docs/scale-out.md "Shared breaker"): open without a cooldown timer of its own (the fleet
   * decides who probes, and when), half-open for the one instance holding the fleet's probe, or closed. Already in
   * that state, it only drops its own timer and window, without a second transition.
   */
  follow(to: BreakerState, cause: string, tripCause: TripCause | undefined, forced: boolean): void {
    const next: InnerState =
      to === 'open'
        ? { kind: 'open', since: this.clock.now(), until: null, forced, cancelTimer: () => {} }
        : to === 'half_open'
          ? { kind: 'half_open', probes: 0 }
          : { kind: 'closed', forced };
    if (to !== 'open') this.window.clear();
    if (this.inner.kind !== to) return this.transition(next, cause, tripCause, forced);
    if (this.inner.kind === 'open') this.inner.cancelTimer();
    this.inner = next;
    this.generation++;
    if (tripCause) this.lastTripCause = tripCause;
  }

  private open(cause: string, tripCause: TripCause | undefined): void {
    const since = this.clock.now();
    const generation = this.generation + 1;
    const cancelTimer = this.clock.setTimer(
      this.params.cooldownMs,
      () => {
        if (this.generation === generation) this.transition({ kind: 'half_open', probes: 0 }, 'cooldown elapsed');
      },
      { background: true },
    );
    this.transition({ kind: 'open', since, until: since + this.params.cooldownMs, forced: false, cancelTimer }, cause, tripCause);
  }

  private close(cause: string): void {
    this.window.clear();
    this.transition({ kind: 'closed', forced: false }, cause);
  }

  private transition(to: InnerState, cause: string, tripCause?: TripCause, forced = false): void {
    const from = this.inner;
    if (from.kind === 'open') from.cancelTimer();
    this.inner = to;
    this.generation++;
    this.lastTransitionAt = this.clock.now();
    if (tripCause) this.lastTripCause = tripCause;
    this.onTransition({ from: from.kind, to: to.kind, cause, tripCause, forced });
  }

  snapshot(): BreakerSnapshot {
    const { calls, errors } = this.window.totals(this.clock.now());
    const s = this.inner;
    return {
      state: s.kind,
      forced: s.kind !== 'half_open' && s.forced,
      errorRate: calls ? errors / calls : 0,
      threshold: this.params.threshold,
      windowMs: this.params.windowMs,
      calls,
      minCalls: this.params.minCalls,
      halfOpenAt: this.reopensAt,
      lastTripCause: this.lastTripCause,
      lastTransitionAt: this.lastTransitionAt,
    };
  }
}
