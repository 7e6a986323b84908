// Groq's limits: continuously refilling buckets (GCRA). Capacity is the *effective* limit and it refills at
// effective/window, so even a full burst stays inside the server's bucket (capacity = the raw limit) by the safety margin.
import type { QuotaDimension } from '../../../shared/provider';
import type { Charge, Dimension } from './dimension';

export class RefillingBucket implements Dimension {
  private level: number;
  private levelAt: number;

  constructor(
    readonly name: QuotaDimension,
    public limit: number,
    public hardLimit: number,
    readonly windowMs: number,
    now: number,
  ) {
    this.level = limit;
    this.levelAt = now;
  }

  private get ratePerMs(): number {
    return this.limit / this.windowMs;
  }

  private refill(now: number): number {
    if (now > this.levelAt) {
      this.level = Math.min(this.limit, this.level + (now - this.levelAt) * this.ratePerMs);
      this.levelAt = now;
    }
    return this.level;
  }

  setLimits(limit: number, hardLimit: number): void {
    this.level = Math.min(this.level, limit);
    this.limit = limit;
    this.hardLimit = hardLimit;
  }

  used(now: number): number {
    return Math.max(0, this.limit - this.refill(now));
  }

  earliest(now: number, cost: number): number {
    if (cost > this.hardLimit) return Number.POSITIVE_INFINITY;
    const need = Math.min(cost, this.limit); // a big request under a lowered limit waits for a full bucket
    const level = this.refill(now);
    if (level >= need - 1e-6) return now; // float slack from the refill arithmetic
    return now + Math.ceil((need - level) / this.ratePerMs);
  }

  take(now: number, cost: number): Charge {
    this.refill(now);
    this.level -= cost; // may go below zero for a big request: the debt refills like any other use
    return { at: now, amount: cost };
  }

  countsUntil(): number {
    return Number.POSITIVE_INFINITY; // no charge leaves a window here (restamp)
  }

  restamp(): void {
    // A later start only gives the server's bucket more time to refill, except where that bucket wastes refill at its cap
    // meanwhile (docs/engine.md §1, "Aged admissions": not covered).
  }

  settle(charge: Charge, amount: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.limit, this.level - (amount - charge.amount));
    charge.amount = amount;
  }

  refund(charge: Charge, now: number): void {
    this.settle(charge, 0, now);
  }

  /** Replay the charges of the last window onto a bucket that was full one window ago (it refills fully in one window). */
  seed(charges: readonly Charge[], now: number): void {
    const from = now - this.windowMs;
    this.level = this.limit;
    this.levelAt = from;
    for (const c of charges) {
      if (c.at <= from || c.at > now) continue;
      this.refill(c.at);
      this.level -= c.amount;
    }
    this.refill(now);
  }

  /** Keep the server's safety margin: we may use down to (serverLimit - our limit) of its bucket, never below. */
  sync(now: number, serverRemaining: number, serverLimit: number): void {
    const margin = Math.max(0, serverLimit - this.limit);
    this.refill(now);
    this.level = Math.min(this.level, serverRemaining - margin);
  }
}
