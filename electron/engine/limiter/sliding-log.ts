// Gemini's per-minute quotas: a sliding 60 s log. A charge counts while now - at < window.
// Every per-call operation is O(1) amortized: entries are kept in time order from a moving head, a restamp or refund
// marks its old entry dead instead of searching for it, and dead entries are dropped when they reach the head. A full
// window's earliest time is found from a cursor that moves by what changed since the last ask, not by a scan from
// the head (over the limit, e.g. after restamps re-count calls that waited for a slot, that scan was O(n) per call).
import type { QuotaDimension } from '../../../shared/provider';
import type { Charge, Dimension } from './dimension';

/**
 * A charge of this log is its entry: a restamp or an arrival moves the object itself to its new time (its old place
 * holds MOVED), so settling, restamping and refunding are O(1) and a charge is one object for its whole minute.
 */
class LogCharge implements Charge {
  dead = false;
  refunded = false;
  /** Absolute position in the log (its array index plus `base`), to tell whether it lies before the cursor. */
  idx = 0;
  constructor(
    public at: number,
    public amount: number,
  ) {}
}

/** What a moved charge leaves in its old place: dead, so it counts nowhere (its time and idx are never read). */
const MOVED = new LogCharge(0, 0);
MOVED.dead = true;

export class SlidingLog implements Dimension {
  /** Entries sorted by time, read from `head`; a restamp re-inserts near the end, where the new times are. */
  private log: LogCharge[] = [];
  /** The time each place was filled with, kept when its charge dies or moves on (MOVED has none): the log's order. */
  private times: number[] = [];
  private head = 0;
  /** Absolute position of log[0] (grows when the array is compacted). */
  private base = 0;
  /** Sum of the live amounts, kept current so admission stays O(1) while the window has room. */
  private sum = 0;
  /** The earliest-time cursor: an absolute position, and the live amount of the entries from the head up to it. */
  private cursor = 0;
  private beforeCursor = 0;

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
      const e = this.log[this.head] as LogCharge;
      if (!e.dead && now - e.at < this.windowMs) break;
      this.kill(e);
      this.head++;
    }
    if (this.cursor < this.base + this.head) this.cursor = this.base + this.head; // what it had counted has left
    if (this.head > 1024 && this.head * 2 > this.log.length) {
      this.log = this.log.slice(this.head);
      this.times = this.times.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  used(now: number): number {
    this.prune(now);
    return this.sum; // every charge is stamped at or before now (restamps move to the real start time)
  }

  earliest(now: number, cost: number): number {
    if (cost > this.hardLimit) return Number.POSITIVE_INFINITY;
    const inWindow = this.used(now);
    // Under a lowered limit, a big request may still run alone once the window is empty.
    const cap = Math.max(this.limit, cost);
    if (inWindow + cost <= cap) return now;
    // The answer is when the oldest live entries whose leaving makes room have left: the fewest from the head. The
    // cursor moves forward while they are too few, back while one fewer would still do (an empty window always fits).
    const start = this.base + this.head;
    const end = this.base + this.log.length;
    // (The condition is written out, not a closure: this runs on every refused admission.)
    while (inWindow - this.beforeCursor + cost > cap && this.cursor < end) this.beforeCursor += this.liveAt(this.cursor++);
    while (this.cursor > start && inWindow - (this.beforeCursor - this.liveAt(this.cursor - 1)) + cost <= cap) {
      this.beforeCursor -= this.liveAt(--this.cursor);
    }
    return (this.log[this.cursor - 1 - this.base] as LogCharge).at + this.windowMs;
  }

  /** The live amount of the entry at absolute position `i`. */
  private liveAt(i: number): number {
    const e = this.log[i - this.base] as LogCharge;
    return e.dead ? 0 : e.amount;
  }

  take(now: number, cost: number): Charge {
    return this.insert(new LogCharge(now, cost));
  }

  countsUntil(charge: Charge): number {
    return charge.at + this.windowMs;
  }

  /** The call really started at `at`: the server counts it from then, even if its admission already left the window. */
  restamp(charge: Charge, at: number): void {
    const c = charge as LogCharge;
    if (at <= c.at || c.refunded) return;
    this.move(c, at);
  }

  /** The server counts the call from `at` (docs/engine.md §1, "Arrival"): its entry moves there, even back out of the log. */
  arrive(charge: Charge, at: number): boolean {
    const c = charge as LogCharge;
    if (at === c.at || c.refunded) return false;
    const sooner = at < c.at;
    this.move(c, at);
    return sooner;
  }

  /** Counts `c` from `at` instead: out of its place (MOVED stays there, unless pruning already passed it) and in again. */
  private move(c: LogCharge, at: number): void {
    this.kill(c);
    const i = c.idx - this.base;
    if (i >= this.head && this.log[i] === c) this.log[i] = MOVED;
    c.at = at;
    c.dead = false;
    this.insert(c);
  }

  settle(charge: Charge, amount: number): void {
    const e = charge as LogCharge;
    if (!e.dead) {
      this.sum += amount - e.amount;
      if (e.idx < this.cursor) this.beforeCursor += amount - e.amount;
    }
    e.amount = amount; // a dead entry's amount counts nowhere, but a later restamp re-counts what it holds
  }

  refund(charge: Charge): void {
    const c = charge as LogCharge;
    c.refunded = true;
    this.kill(c);
  }

  seed(charges: readonly Charge[], now: number): void {
    for (const c of charges) if (c.at <= now && now - c.at < this.windowMs) this.insert(new LogCharge(c.at, c.amount));
  }

  private kill(e: LogCharge): void {
    if (e.dead) return;
    e.dead = true;
    this.sum -= e.amount;
    if (e.idx < this.cursor) this.beforeCursor -= e.amount;
  }

  /** Puts a live entry in time order (a restamp's new time is near the end) and counts it. */
  private insert(entry: LogCharge): LogCharge {
    const { at } = entry;
    this.sum += entry.amount;
    let i = this.log.length;
    while (i > this.head && (this.times[i - 1] as number) > at) i--;
    entry.idx = this.base + i;
    if (i === this.log.length) {
      this.log.push(entry);
      this.times.push(at);
      return entry;
    }
    // Out of time order (an arrival restamp, a clock that stepped back, older charges restored): renumber what follows;
    // an entry put before the cursor moves it one on and counts in front of it.
    this.log.splice(i, 0, entry);
    this.times.splice(i, 0, at);
    for (let j = i + 1; j < this.log.length; j++) (this.log[j] as LogCharge).idx = this.base + j;
    if (entry.idx < this.cursor) {
      this.cursor++;
      this.beforeCursor += entry.amount;
    }
    return entry;
  }
}
