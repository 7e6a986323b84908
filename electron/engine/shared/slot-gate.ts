// Waiting for a shared concurrency slot and holding it (docs/scale-out.md "Concurrency leases"): a refused take sleeps
// until the first lease runs out or the store wakes this instance (a shared store: its turn in the fleet's queue),
// asking again at least every LEASE_RECHECK_MS (a wake-up can be lost); a granted lease is renewed every third of its
// length while the call runs.
import type { Clock } from '../clock';
import type { LeaseStore } from './lease-store';

/** A waiter asks again at least this often (as the shared quota's waiters do). */
export const LEASE_RECHECK_MS = 2_000;

export interface Lease {
  /** Whether this instance still holds the slot: false after a lease ran out (suspended past it) or is unknowable. */
  held(): Promise<boolean>;
  /** Gives the slot back and stops renewing (idempotent). */
  release(): void;
}

export interface SlotGateOptions {
  store: LeaseStore;
  clock: Clock;
  /** Slots for the whole fleet on this (provider, key). */
  limit: () => number;
  /** How long a slot is leased without renewal: twice the call timeout. */
  leaseMs: () => number;
}

function abortable(clock: Clock, ms: number, store: LeaseStore, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      cancel();
      off();
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      cancel();
      off();
      reject(signal?.reason);
    };
    const cancel = clock.setTimer(Math.max(0, ms), done);
    const off = store.onFree(done);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class SlotGate {
  /** This instance's calls waiting for a slot (in acquire): while others wait, a grant keeps the instance's place. */
  private waiting = 0;

  constructor(private readonly o: SlotGateOptions) {}

  /** Resolves with a held lease; rejects only with the signal's reason. */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    this.waiting++;
    try {
      return await this.wait(signal);
    } finally {
      // None left waiting (the last cancelled, or a grant that kept the place for one since gone): the place in the
      // fleet's queue goes now, not when it lapses.
      if (--this.waiting === 0) this.o.store.leave?.();
    }
  }

  private async wait(signal?: AbortSignal): Promise<Lease> {
    const { store, clock } = this.o;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      let r;
      try {
        r = await store.take(this.o.limit(), this.o.leaseMs(), this.waiting > 1);
      } catch {
        return { held: async () => true, release: () => undefined }; // the store is out of reach: the local guard bounds the call
      }
      if (r.ok) return this.hold(r.id);
      await abortable(clock, Math.min(r.at, clock.now() + LEASE_RECHECK_MS) - clock.now(), store, signal);
    }
  }

  private hold(id: string): Lease {
    const { store, clock } = this.o;
    let lost = false;
    let released = false;
    let cancel: () => void = () => undefined;
    const next = () => (cancel = clock.setTimer(Math.max(1, Math.floor(this.o.leaseMs() / 3)), renew, { background: true }));
    const renew = () => {
      Promise.resolve(store.renew(id, this.o.leaseMs())).then(
        (ok) => {
          if (!ok) lost = true;
          else if (!released) next();
        },
        () => {
          if (!released) next(); // out of reach: try again
        },
      );
    };
    next();
    return {
      held: async () => {
        if (lost || released) return false;
        try {
          return await store.held(id);
        } catch {
          return false; // unknowable: not sending is the safe side (the call goes back through the limiter)
        }
      },
      release: () => {
        if (released) return;
        released = true;
        cancel();
        Promise.resolve(store.release(id)).catch(() => undefined); // out of reach: the lease runs out by itself
      },
    };
  }
}
