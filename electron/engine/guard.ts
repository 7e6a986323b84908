// Concurrency guard: bounds calls in flight per provider. It wraps only the HTTP call, resizes live, and an
// aborted waiter leaves the queue without taking (or leaking) a slot.

/** One queued acquire. A class, not closures: under load most calls wait here, and each closure is garbage. */
class Waiter {
  /** Aborted: skipped when its turn comes (so an abort costs O(1), and so does every grant). */
  gone = false;
  constructor(
    private readonly guard: ConcurrencyGuard,
    readonly resolve: (release: () => void) => void,
    private readonly reject: (e: unknown) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', this, { once: true });
  }
  /** The signal's abort (the waiter is its own listener object). */
  handleEvent(): void {
    this.gone = true;
    this.guard.abandoned();
    this.reject(this.signal?.reason);
  }
  grant(release: () => void): void {
    this.signal?.removeEventListener('abort', this);
    this.resolve(release);
  }
}

export class ConcurrencyGuard {
  private active = 0;
  /** FIFO read from a moving head. */
  private waiters: Waiter[] = [];
  private head = 0;
  private waiting = 0;

  constructor(private max: number) {}

  get limit(): number {
    return this.max;
  }
  get inFlight(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiting;
  }

  /** A slot now, without waiting (its idempotent release), or null: none is free or someone waits (FIFO). */
  tryAcquire(): (() => void) | null {
    return this.active < this.max && this.waiting === 0 ? this.take() : null;
  }

  /** Resolves with an idempotent release function once a slot is free. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      this.waiters.push(new Waiter(this, resolve, reject, signal));
      this.waiting++;
    });
  }

  /** A waiter's signal aborted: it no longer counts as waiting. */
  abandoned(): void {
    this.waiting--;
  }

  /** Live resize: growing admits waiters at once; shrinking lets calls in flight finish. */
  resize(n: number): void {
    this.max = Math.max(1, Math.floor(n));
    this.grantWaiting();
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    while (this.active < this.max && this.waiting > 0) {
      const w = this.waiters[this.head++] as Waiter;
      if (w.gone) continue;
      this.waiting--;
      w.grant(this.take());
    }
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}

/** Little's law: calls in flight needed to sustain `rpm` at `p90LatencyMs`, bounded. */
export function autoConcurrency(rpm: number, p90LatencyMs: number, bounds = { min: 1, max: 128 }): number {
  const n = Math.ceil((rpm * p90LatencyMs) / 60_000);
  return Math.min(bounds.max, Math.max(bounds.min, n));
}
