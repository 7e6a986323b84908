// Gemini's per-minute quotas: a sliding 60 s log. A charge counts while now - at < window.
import type { QuotaDimension } from '../../../shared/provider';
import type { Charge, Dimension } from './dimension';

export class SlidingLog implements Dimension {
  /** Charges sorted by time (restamps move one later and re-insert). */
  private log: Charge[] = [];
  /** Sum of the amounts in the log, kept current so admission stays O(1) while the window has room. */
  private sum = 0;

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
    while (i < this.log.length && now - (this.log[i] as Charge).at >= this.windowMs) this.sum -= (this.log[i++] as Charge).amount;
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
    const i = this.log.indexOf(charge);
    if (i < 0 || at <= charge.at) return;
    this.log.splice(i, 1);
    this.sum -= charge.amount;
    charge.at = at;
    this.insert(charge);
  }

  settle(charge: Charge, amount: number): void {
    if (this.log.includes(charge)) this.sum += amount - charge.amount;
    charge.amount = amount;
  }

  refund(charge: Charge): void {
    const i = this.log.indexOf(charge);
    if (i < 0) return;
    this.log.splice(i, 1);
    this.sum -= charge.amount;
  }

  private insert(charge: Charge): void {
    this.sum += charge.amount;
    let i = this.log.length;
    while (i > 0 && (this.log[i - 1] as Charge).at > charge.at) i--;
    this.log.splice(i, 0, charge);
  }
}
