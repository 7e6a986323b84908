// Gemini's per-minute quotas: a sliding 60 s log. A charge counts while now - at < window.
import type { QuotaDimension } from '../../../shared/provider';
import type { Charge, Dimension } from './dimension';

export class SlidingLog implements Dimension {
  /** Charges sorted by time (restamps move one later and re-insert). */
  private log: Charge[] = [];

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
    while (i < this.log.length && now - (this.log[i] as Charge).at >= this.windowMs) i++;
    if (i > 0) this.log.splice(0, i);
  }

  used(now: number): number {
    this.prune(now);
    let sum = 0;
    for (const c of this.log) if (c.at <= now) sum += c.amount;
    return sum;
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
    charge.at = at;
    this.insert(charge);
  }

  settle(charge: Charge, amount: number): void {
    charge.amount = amount;
  }

  refund(charge: Charge): void {
    const i = this.log.indexOf(charge);
    if (i >= 0) this.log.splice(i, 1);
  }

  private insert(charge: Charge): void {
    let i = this.log.length;
    while (i > 0 && (this.log[i - 1] as Charge).at > charge.at) i--;
    this.log.splice(i, 0, charge);
  }
}
