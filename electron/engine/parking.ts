// Parked calls of one provider: calls that wait for it to recover, holding no slot and no quota. Woken by the
// breaker (one at half-open, for the probe; all at closed), in arrival order; a woken call that finds the provider
// still down parks again under its first ticket, so it keeps its place (docs/engine-runtime.md, "Parking").
import type { Clock } from './clock';

interface Parked {
  ticket: number;
  wake(): void;
}

export class ParkingLot {
  private nextTicket = 0;
  /** Sorted by ticket: a re-parked call goes back in front of later arrivals. */
  private readonly waiting: Parked[] = [];
  private recovery: AbortController | null = null;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.waiting.length;
  }

  /** A place in line for a call that is about to park for the first time. */
  ticket(): number {
    return this.nextTicket++;
  }

  /**
   * Wait until woken or until `wakeAt` (a deadline, or a re-check for a provider whose breaker never opened).
   * Rejects with the signal's reason when the call is cancelled.
   */
  park(ticket: number, wakeAt: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        cancelTimer();
        signal?.removeEventListener('abort', onAbort);
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
      };
      const entry: Parked = {
        ticket,
        wake: () => {
          leave();
          resolve();
        },
      };
      const onAbort = () => {
        leave();
        reject(signal?.reason);
      };
      const cancelTimer = this.clock.setTimer(Math.max(0, wakeAt - this.clock.now()), entry.wake);
      signal?.addEventListener('abort', onAbort, { once: true });
      let at = this.waiting.length;
      while (at > 0 && (this.waiting[at - 1] as Parked).ticket > ticket) at--;
      this.waiting.splice(at, 0, entry);
    });
  }

  /**
   * The breaker is half-open and has a probe to give: wake the longest-waiting call, or, with none parked, recall the
   * calls waiting at a fallback so that one of them can carry it (else nobody would ever probe).
   */
  wakeForProbe(): void {
    if (this.waiting.length > 0) (this.waiting[0] as Parked).wake();
    else this.recall();
  }

  /**
   * Aborts when the provider recovers: a call that went to the fallback only because this provider was down waits
   * in the fallback's queue on this signal, and comes back here as soon as the circuit closes.
   */
  recovered(): AbortSignal {
    this.recovery ??= new AbortController();
    return this.recovery.signal;
  }

  /** Wake every call, oldest first, and recall those waiting at a fallback (the provider recovered). */
  wakeAll(): void {
    for (const p of [...this.waiting]) p.wake();
    this.recall();
  }

  private recall(): void {
    const r = this.recovery;
    this.recovery = null;
    r?.abort(new DOMException('the provider recovered', 'AbortError'));
  }
}
