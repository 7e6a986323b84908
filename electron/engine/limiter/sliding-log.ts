// Gemini's per-minute quotas: a sliding 60 s log. A charge counts while now - at < window.
import type { QuotaDimension } from '../../../shared/provider';
import type { Charge, Dimension } from './dimension';

export class SlidingLog implements Dimension {
  /** Charges sorted by time (restamps move one later and re-insert). */
  private log: Charge[] = [];
  /** Sum of the amounts in the log, kept current so admission stays O(1) while the window has room. */
  private sum = 0;
  /** Membership in the log, so settling a charge is O(1). */
  private live = new Set<Charge>();

  constructor(
    readonly name: QuotaDimension,
    public limit: number,
    public hardLimit: number,
    readonly windowMs = 60_000,
  ) {}

  setLimits(limit: number, hardLimit: number): void {
    this.limit = limit;
    this.hardLimit = hardLimit;
  }

  private prune(now: number): void {
    let i = 0;
    while (i < this.log.length && now - (this.log[i] as Charge).at >= this.windowMs) {
      const c = this.log[i++] as Charge;
      this.sum -= c.amount;
      this.live.delete(c);
    }
    if (i > 0) this.log.splice(0, i);
  }

  used(now: number): number {
    this.prune(now);
    return this.sum; // every charge is stamped at or before now (restamps move to the real start time)
  }

  earliest(now: number, cost: number): number {
    if (cost > this.hardLimit) return Number.POSITIVE_INFINITY;
    let inWindow = this.used(now);
    // Under a lowered limit, a big request may still run alone once the window is empty.
    const cap = Math.max(this.limit, cost);
    if (inWindow + cost <= cap) return now;
    for (const c of this.log) {
      inWindow -= c.amount;
      if (inWindow + cost <= cap) return c.at + this.windowMs;
    }
    return now; // unreachable: an empty window always fits cost <= cap
  }

  take(now: number, cost: number): Charge {
    const charge = { at: now, amount: cost };
    this.insert(charge);
    return charge;
  }

  restamp(charge: Charge, at: number): void {
    if (!this.live.has(charge) || at <= charge.at) return;
    this.remove(charge);
    charge.at = at;
    this.insert(charge);
  }

  settle(charge: Charge, amount: number): void {
    if (this.live.has(charge)) this.sum += amount - charge.amount;
    charge.amount = amount;
  }

  refund(charge: Charge): void {
    if (this.live.has(charge)) this.remove(charge);
  }

  private remove(charge: Charge): void {
    this.log.splice(this.log.indexOf(charge), 1);
    this.sum -= charge.amount;
    this.live.delete(charge);
  }

  private insert(charge: Charge): void {
    this.sum += charge.amount;
    this.live.add(charge);
    let i = this.log.length;
    while (i > 0 && (this.log[i - 1] as Charge).at > charge.at) i--;
    this.log.splice(i, 0, charge);
  }
}
