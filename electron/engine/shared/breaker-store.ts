// The fleet's circuit breaker for one (provider, key) (docs/scale-out.md "Shared breaker"): a state with a generation
// that only compare-and-set changes, a quorum vote of live instances to open it by traffic, and one half-open probe
// for the whole fleet. LocalBreakerStore is the same logic in memory, so N breakers over one run on virtual time.
import type { TripCause } from '../../../shared/telemetry';
import type { Clock } from '../clock';
import type { MaybePromise } from '../limiter/quota-store';
import { EventBus } from '../events';

/** The fleet's breaker as the store has it; times are local. Half-open is "open, cooldown over, a probe claimed". */
export interface FleetBreaker {
  readonly generation: number;
  readonly state: 'closed' | 'open';
  /** When the cooldown ends and one probe may go; null: closed, or forced open until an operator resets it. */
  readonly until: number | null;
  readonly forced: boolean;
  readonly cause: string;
  readonly tripCause: TripCause | null;
}

export interface FleetChange {
  readonly state: 'closed' | 'open';
  /** Cooldown from the store's now; null: no half-open (closed, or forced open). */
  readonly cooldownMs: number | null;
  readonly forced: boolean;
  readonly cause: string;
  readonly tripCause: TripCause | null;
}

export interface BreakerStore {
  /** The state now; counts `instance` as live. */
  read(instance: string): MaybePromise<FleetBreaker>;
  /** `instance`'s traffic says open: one vote per instance per window; a majority of the live instances opens it. */
  vote(instance: string, windowMs: number, change: FleetChange): MaybePromise<FleetBreaker>;
  /** Compare-and-set: applied only while the generation is still `expected`; returns whether, and the state after. */
  set(expected: number, change: FleetChange): MaybePromise<{ ok: boolean; current: FleetBreaker }>;
  /** The one half-open probe of the fleet: true for the single instance that claims it (it expires after `ttlMs`). */
  claimProbe(instance: string, ttlMs: number): MaybePromise<boolean>;
  /** Called when the state changed (any instance); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** An instance counts as live this long after its last read or vote. */
export const BREAKER_LIVE_MS = 10_000;

/** More than half of the live instances (at least one: a lone instance decides for itself). */
export function quorum(live: number): number {
  return Math.floor(Math.max(1, live) / 2) + 1;
}

export const CLOSED: FleetBreaker = { generation: 0, state: 'closed', until: null, forced: false, cause: '', tripCause: null };

export class LocalBreakerStore implements BreakerStore {
  private current: FleetBreaker = CLOSED;
  private readonly live = new Map<string, number>();
  private readonly votes = new Map<string, number>();
  private probe: { instance: string; until: number } | null = null;
  private readonly listeners = new EventBus<void>();

  constructor(private readonly clock: Clock) {}

  read(instance: string): FleetBreaker {
    this.live.set(instance, this.clock.now());
    return this.current;
  }

  vote(instance: string, windowMs: number, change: FleetChange): FleetBreaker {
    const now = this.clock.now();
    this.read(instance);
    this.votes.set(instance, now);
    for (const [i, at] of this.votes) if (at <= now - windowMs) this.votes.delete(i);
    for (const [i, at] of this.live) if (at <= now - BREAKER_LIVE_MS) this.live.delete(i);
    if (this.current.state === 'closed' && this.votes.size >= quorum(this.live.size)) this.set(this.current.generation, change);
    return this.current;
  }

  set(expected: number, change: FleetChange): { ok: boolean; current: FleetBreaker } {
    if (expected !== this.current.generation) return { ok: false, current: this.current };
    const until = change.cooldownMs === null ? null : this.clock.now() + change.cooldownMs;
    const { state, forced, cause, tripCause } = change;
    this.current = { generation: expected + 1, state, until, forced, cause, tripCause };
    this.votes.clear();
    this.probe = null;
    this.listeners.emit();
    return { ok: true, current: this.current };
  }

  claimProbe(instance: string, ttlMs: number): boolean {
    const now = this.clock.now();
    const { state, until } = this.current;
    if (state !== 'open' || until === null || until > now) return false;
    if (this.probe && this.probe.until > now) return false;
    this.probe = { instance, until: now + ttlMs };
    return true;
  }

  onChange(listener: () => void): () => void {
    return this.listeners.on(listener);
  }
}
