// Where the charges of one (provider, key, model) live, apart from the scheduler that decides when to ask for them
// (docs/scale-out.md "Shared quota"). The scheduler is per instance; the store may be shared by many (Redis), so
// every operation may be asynchronous, and acquire is one all-or-nothing step over every dimension.
import type { ProviderId, QuotaDimension } from '../../../shared/provider';
import type { SeedCharge } from '../quota-memory';
import type { Charge, Dimension, DimensionView } from './dimension';

export type MaybePromise<T> = T | Promise<T>;

/**
 * A reservation: the charges of one admission, settled, restamped or refunded later through its handle. The handle is
 * the store's own (an id for a shared store, the charges themselves for the local one, so nothing needs collecting).
 */
export type Reservation = unknown;

export interface Grant {
  readonly ok: true;
  readonly reservation: Reservation;
  /** The store's time of the admission (the scheduler's clock for a local store). */
  readonly at: number;
}

/**
 * What holds a request back, in the order of the store's dimensions; pause first when paused; 'store': a shared store is
 * out of reach; 'queue': a shared store's earlier waiter (another instance) comes first.
 */
export interface Blocker {
  readonly dimension: QuotaDimension | 'pause' | 'store' | 'queue';
  readonly at: number;
}

/** Nothing was charged; `at` is the earliest time the same request could be admitted (Infinity: never). */
export interface Refusal {
  readonly ok: false;
  readonly at: number;
  readonly blockers: readonly Blocker[];
}

export type AcquireResult = Grant | Refusal;

/** Where a provider model's charges live; undefined: in memory (the default, no Redis). */
export type QuotaStoreFactory = (provider: ProviderId, model: string, dims: Dimension[]) => QuotaStore | undefined;

export interface QuotaStore {
  /** The limits in force; live views for explanations and the dashboard. */
  readonly dims: readonly DimensionView[];
  /**
   * Charges `tokens` on every dimension at once, or nothing. `notBefore` (the scheduler's jitter) refuses until then
   * even where every dimension has room, so a jittered wait still learns the blockers and their times.
   */
  acquire(tokens: number, now: number, notBefore?: number): MaybePromise<AcquireResult>;
  /** The call really started at `at` (after waiting for a concurrency slot). */
  restamp(reservation: Reservation, at: number): MaybePromise<void>;
  /**
   * Local time until which an admission not yet started counts on every dimension (docs/engine.md §1, "Aged
   * admissions"): one that waited for a slot past it must go back through the limiter instead of out.
   */
  countsUntil(reservation: Reservation): number;
  /**
   * The server received the request no later than `withinMs` after its start (the last restamp): on a sliding window
   * the charge counts from start + withinMs, replacing an earlier bound (a call's own bound replaces the guard it
   * started with; docs/engine.md §1, "Arrival"). Never before its start; call before settle.
   */
  arrive?(reservation: Reservation, withinMs: number): MaybePromise<void>;
  /** Replace the token estimate with the provider's reported usage; the reservation is closed. */
  settle(reservation: Reservation, tokens: number, now: number): MaybePromise<void>;
  /** The call never happened: give every charge back; the reservation is closed. */
  refund(reservation: Reservation, now: number): MaybePromise<void>;
  /** The earliest time a request of `tokens` could start if nobody were waiting (the last known view). */
  earliest(tokens: number, now: number): number;
  /** Provider-wide pause; only ever extends. */
  pause(until: number): MaybePromise<void>;
  unpause(): MaybePromise<void>;
  /** The pause in force at `now`, or 0. */
  pausedUntil(now: number): number;
  /** Capacity freed early (refund, lower settlement, unpause, raised limits): every scheduler on the store re-plans. */
  wake(): void;
  /** Called on every wake-up; returns the unsubscribe. */
  onWake(listener: () => void): () => void;
  /** The scheduler has nobody left waiting: a shared store gives up its place in the fleet's waiter queue. */
  leave?(): void;
  /**
   * Count the calls this key made before the process started (docs/engine-runtime.md "Restarts remember the quota").
   * A shared store has none: it already holds every instance's charges, and seeding it would count them twice.
   */
  seed?(charges: readonly SeedCharge[], now: number): void;
  /** Why the store itself holds requests back or runs degraded (a shared store out of reach), or null. */
  trouble?(): string | null;
}

const TOKEN_DIMS: ReadonlySet<QuotaDimension> = new Set(['TPM', 'TPD']);

/** What a request of `tokens` costs on `dim`: its tokens on token dimensions, one request elsewhere. */
export function costOn(dim: DimensionView, tokens: number): number {
  return dim.name === 'TPM' || dim.name === 'TPD' ? tokens : 1; // TOKEN_DIMS, spelled out: it runs per dimension per admission
}

export function isTokenDimension(name: QuotaDimension): boolean {
  return TOKEN_DIMS.has(name);
}

/**
 * The local store's reservation: one charge per dimension, and whether it was settled or refunded. It is its own
 * Grant, so an admission allocates one object here, not two.
 */
class LocalReservation implements Grant {
  readonly ok = true;
  open = true;
  /** When the call really started (its last restamp). */
  startedAt: number;
  constructor(
    readonly charges: Charge[],
    readonly at: number,
  ) {
    this.startedAt = at;
  }
  get reservation(): Reservation {
    return this;
  }
}

/** Today's single-process behaviour: the charges in memory, in the provider's own accounting models. */
export class LocalQuotaStore implements QuotaStore {
  private paused = 0;
  /** Replaced, never mutated, on (un)subscribe: wake() iterates it without copying. */
  private listeners: ReadonlyArray<() => void> = [];

  constructor(readonly dims: readonly Dimension[]) {}

  acquire(tokens: number, now: number, notBefore = 0): AcquireResult {
    let at = Math.max(now, notBefore);
    let blockers: Blocker[] | null = null;
    if (this.paused > now) {
      at = this.paused;
      blockers = [{ dimension: 'pause', at: this.paused }];
    }
    for (const d of this.dims) {
      const e = d.earliest(now, costOn(d, tokens));
      if (e <= now) continue;
      at = Math.max(at, e);
      (blockers ??= []).push({ dimension: d.name, at: e });
    }
    if (blockers || at > now) return { ok: false, at, blockers: blockers ?? [] };
    return this.take(tokens, now);
  }

  /**
   * Charges a request of `tokens` now whatever is free: a call admitted elsewhere that goes out on this store's quota
   * (a shared store's share, docs/scale-out.md "Redis down"). Its reservation moves, settles and refunds as any other.
   */
  take(tokens: number, now: number): Grant {
    // Sized up front: grown by push, it would hold room for 16 charges for as long as the call holds its reservation.
    const charges = new Array<Charge>(this.dims.length);
    for (let i = 0; i < charges.length; i++) {
      const d = this.dims[i] as Dimension;
      charges[i] = d.take(now, costOn(d, tokens));
    }
    return new LocalReservation(charges, now);
  }

  // Indexed loops, not forEach: these run once per call and a closure each is garbage.
  countsUntil(reservation: Reservation): number {
    const r = reservation as LocalReservation;
    let until = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.dims.length; i++) until = Math.min(until, (this.dims[i] as Dimension).countsUntil(r.charges[i] as Charge));
    return until;
  }

  restamp(reservation: Reservation, at: number): void {
    const r = reservation as LocalReservation;
    if (!r.open) return;
    r.startedAt = Math.max(r.startedAt, at);
    for (let i = 0; i < this.dims.length; i++) (this.dims[i] as Dimension).restamp(r.charges[i] as Charge, at);
  }

  arrive(reservation: Reservation, withinMs: number): void {
    const r = reservation as LocalReservation;
    if (!r.open || !(withinMs >= 0)) return;
    let sooner = false;
    for (let i = 0; i < this.dims.length; i++) {
      if ((this.dims[i] as Dimension).arrive?.(r.charges[i] as Charge, r.startedAt + withinMs)) sooner = true;
    }
    if (sooner) this.wake(); // a charge leaves earlier than planned: waiting schedulers re-plan
  }

  settle(reservation: Reservation, tokens: number, now: number): void {
    const r = reservation as LocalReservation;
    if (!r.open) return;
    r.open = false;
    for (let i = 0; i < this.dims.length; i++) {
      const d = this.dims[i] as Dimension;
      if (TOKEN_DIMS.has(d.name)) d.settle(r.charges[i] as Charge, tokens, now);
    }
    this.wake();
  }

  refund(reservation: Reservation, now: number): void {
    const r = reservation as LocalReservation;
    if (!r.open) return;
    r.open = false;
    for (let i = 0; i < this.dims.length; i++) (this.dims[i] as Dimension).refund(r.charges[i] as Charge, now);
    this.wake();
  }

  seed(charges: readonly SeedCharge[], now: number): void {
    for (const d of this.dims)
      d.seed(
        charges.map((c) => ({ at: c.at, amount: costOn(d, c.tokens) })),
        now,
      );
    this.wake();
  }

  earliest(tokens: number, now: number): number {
    let at = Math.max(now, this.paused);
    for (const d of this.dims) at = Math.max(at, d.earliest(now, costOn(d, tokens)));
    return at;
  }

  pause(until: number): void {
    if (until <= this.paused) return;
    this.paused = until;
    this.wake(); // schedulers re-plan their one timer for the pause
  }

  unpause(): void {
    this.paused = 0;
    this.wake();
  }

  pausedUntil(now: number): number {
    return this.paused > now ? this.paused : 0;
  }

  wake(): void {
    for (const l of this.listeners) l();
  }

  onWake(listener: () => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}
