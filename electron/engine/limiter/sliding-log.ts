// Gemini's per-minute quotas: a sliding 60 s log. A charge counts while now - at < window.
// Every per-call operation is O(1) amortized: entries are kept in time order from a moving head, a restamp or refund
// marks its old entry dead instead of searching for it, and dead entries are dropped when they reach the head.
import type { QuotaDimension } from '../../../shared/provider';
import type { Charge, Dimension } from './dimension';

interface Entry {
  at: number;
  amount: number;
  dead: boolean;
}

/**
 * A charge of this log is its first entry, and points at its current one (itself until a restamp moves it), so
 * settling, restamping and refunding are O(1) and an admission allocates one object per log.
 */
class LogCharge implements Charge, Entry {
  dead = false;
  refunded = false;
  entry: Entry = this;
  constructor(
    public at: number,
    public amount: number,
  ) {}
}

export class SlidingLog implements Dimension {
  /** Entries sorted by time, read from `head`; a restamp re-inserts near the end, where the new times are. */
  private log: Entry[] = [];
  private head = 0;
  /** Sum of the live amounts, kept current so admission stays O(1) while the window has room. */
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
    while (this.head < this.log.length) {
      const e = this.log[this.head] as Entry;
      if (!e.dead && now - e.at < this.windowMs) break;
      if (!e.dead) {
        this.sum -= e.amount;
        e.dead = true;
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log = this.log.slice(this.head);
      this.head = 0;
    }
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
    for (let i = this.head; i < this.log.length; i++) {
      const e = this.log[i] as Entry;
      if (e.dead) continue;
      inWindow -= e.amount;
      if (inWindow + cost <= cap) return e.at + this.windowMs;
    }
    return now; // unreachable: an empty window always fits cost <= cap
  }

  take(now: number, cost: number): Charge {
    return this.insert(new LogCharge(now, cost));
  }

  /** The call really started at `at`: the server counts it from then, even if its admission already left the window. */
  restamp(charge: Charge, at: number): void {
    const c = charge as LogCharge;
    if (at <= c.entry.at || c.refunded) return;
    this.kill(c.entry);
    c.entry = this.insert({ at, amount: c.entry.amount, dead: false });
  }

  settle(charge: Charge, amount: number): void {
    const c = charge as LogCharge;
    if (!c.entry.dead) {
      this.sum += amount - c.entry.amount;
      c.entry.amount = amount;
    }
  }

  refund(charge: Charge): void {
    const c = charge as LogCharge;
    c.refunded = true;
    this.kill(c.entry);
  }

  private kill(e: Entry): void {
    if (e.dead) return;
    e.dead = true;
    this.sum -= e.amount;
  }

  /** Puts a live entry in time order (a restamp's new time is near the end) and counts it. */
  private insert<E extends Entry>(entry: E): E {
    const { at } = entry;
    this.sum += entry.amount;
    let i = this.log.length;
    while (i > this.head && (this.log[i - 1] as Entry).at > at) i--;
    if (i === this.log.length) this.log.push(entry);
    else this.log.splice(i, 0, entry);
    return entry;
  }
}
