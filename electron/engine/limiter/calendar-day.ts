// Gemini's requests per day: a counter that resets at midnight America/Los_Angeles (computed with Intl).
import type { QuotaDimension } from '../../../shared/provider';
import type { Charge, Dimension } from './dimension';

export const PACIFIC = 'America/Los_Angeles';

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(timeZone: string, at: number): Record<string, number> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(at)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Offset of `timeZone` from UTC at instant `at`, in ms (negative west of Greenwich). */
function offsetAt(timeZone: string, at: number): number {
  const p = partsIn(timeZone, at);
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - Math.floor(at / 1000) * 1000;
}

/** The next local midnight in `timeZone` strictly after `at` (DST-safe). */
export function nextMidnight(at: number, timeZone = PACIFIC): number {
  const p = partsIn(timeZone, at);
  const wallMidnight = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, (p.day ?? 1) + 1);
  let guess = wallMidnight - offsetAt(timeZone, at);
  guess = wallMidnight - offsetAt(timeZone, guess); // the offset may differ after a DST change
  return guess;
}

/** The local midnight in `timeZone` that began the day of `at` (a day is 23 to 25 h long, so 26 h back is the day before). */
export function dayStartOf(at: number, timeZone = PACIFIC): number {
  return nextMidnight(nextMidnight(at, timeZone) - 26 * 3_600_000, timeZone);
}

export class CalendarDay implements Dimension {
  private count = 0;
  private resetAt: number;
  /** When the current day's count started; charges from before it belong to a day already reset. */
  private dayStart: number;

  constructor(
    readonly name: QuotaDimension,
    public limit: number,
    public hardLimit: number,
    now: number,
    readonly timeZone = PACIFIC,
  ) {
    this.resetAt = nextMidnight(now, timeZone);
    this.dayStart = now;
  }

  private roll(now: number): void {
    if (now >= this.resetAt) {
      this.count = 0;
      this.dayStart = now;
      this.resetAt = nextMidnight(now, this.timeZone);
    }
  }

  setLimits(limit: number, hardLimit: number): void {
    this.limit = limit;
    this.hardLimit = hardLimit;
  }

  used(now: number): number {
    this.roll(now);
    return this.count;
  }

  earliest(now: number, cost: number): number {
    if (cost > this.hardLimit) return Number.POSITIVE_INFINITY;
    this.roll(now);
    return this.count + cost <= Math.max(this.limit, cost) ? now : this.resetAt;
  }

  take(now: number, cost: number): Charge {
    this.roll(now);
    this.count += cost;
    return { at: now, amount: cost };
  }

  /** Until its day's reset (a charge from a day already rolled over counted until that day's end, now past). */
  countsUntil(charge: Charge): number {
    return charge.at >= this.dayStart ? this.resetAt : this.dayStart;
  }

  restamp(): void {}

  settle(charge: Charge, amount: number, now: number): void {
    this.roll(now);
    if (charge.at >= this.dayStart) this.count += amount - charge.amount;
    charge.amount = amount;
  }

  refund(charge: Charge, now: number): void {
    this.settle(charge, 0, now);
  }

  seed(charges: readonly Charge[], now: number): void {
    this.roll(now);
    const start = dayStartOf(now, this.timeZone);
    for (const c of charges) if (c.at >= start && c.at <= now) this.count += c.amount;
  }
}
