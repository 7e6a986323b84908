// Concurrency slots shared by every instance on one (provider, key) as leases (docs/scale-out.md "Concurrency
// leases"). A slot is held until released or until its lease runs out, so a crashed instance's slots come back by
// themselves; a holder renews while its call runs and asks whether it still holds the slot right before sending.
import type { Clock } from '../clock';
import type { MaybePromise } from '../limiter/quota-store';
import { EventBus } from '../events';

/** A slot taken: `id` names it for renew/held/release; `expiresAt` is local time. */
export interface LeaseGrant {
  readonly ok: true;
  readonly id: string;
  readonly expiresAt: number;
}

/** Every slot is taken; `at` (local time) is when the first lease runs out unless released or renewed first. */
export interface LeaseRefusal {
  readonly ok: false;
  readonly at: number;
}

export interface LeaseStore {
  /**
   * One slot of `limit`, leased for `leaseMs`, or a refusal; a refusal takes nothing. `more`: other calls of this
   * instance still wait for a slot after this one (a shared store keeps the instance's place in its waiter queue).
   */
  take(limit: number, leaseMs: number, more?: boolean): MaybePromise<LeaseGrant | LeaseRefusal>;
  /** No call of this instance waits any more: a shared store gives up its place in the waiter queue at once. */
  leave?(): void;
  /** Extends a lease still held to `leaseMs` from now; false when it had already run out (the slot is gone). */
  renew(id: string, leaseMs: number): MaybePromise<boolean>;
  /** Whether the lease is still held now (by the store's clock). */
  held(id: string): MaybePromise<boolean>;
  /** Gives the slot back (idempotent); a waiter is woken (a shared store: the fleet's next waiter only). */
  release(id: string): MaybePromise<void>;
  /** Called when a slot is released early; returns the unsubscribe. */
  onFree(listener: () => void): () => void;
}

/** The leases of one process in memory, on its clock: N gates over one of these behave as N instances. */
export class LocalLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, number>();
  private readonly listeners = new EventBus<void>();
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  private prune(now: number): void {
    for (const [id, until] of this.leases) if (until <= now) this.leases.delete(id);
  }

  take(limit: number, leaseMs: number): LeaseGrant | LeaseRefusal {
    const now = this.clock.now();
    this.prune(now);
    if (this.leases.size >= limit) return { ok: false, at: Math.min(...this.leases.values()) };
    const id = String(++this.seq);
    this.leases.set(id, now + leaseMs);
    return { ok: true, id, expiresAt: now + leaseMs };
  }

  renew(id: string, leaseMs: number): boolean {
    if (!this.held(id)) return false;
    this.leases.set(id, this.clock.now() + leaseMs);
    return true;
  }

  held(id: string): boolean {
    const until = this.leases.get(id);
    if (until !== undefined && until <= this.clock.now()) this.leases.delete(id);
    return until !== undefined && until > this.clock.now();
  }

  release(id: string): void {
    if (!this.leases.delete(id)) return;
    this.listeners.emit();
  }

  onFree(listener: () => void): () => void {
    return this.listeners.on(listener);
  }
}
