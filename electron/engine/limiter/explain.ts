// "Why waiting" in the operator's words: "TPM: 4,210 tokens short, admissible at 12:00:37".
import type { Dimension } from './dimension';

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return counts.format(Math.ceil(n));
}

const clocks = new Map<string, Intl.DateTimeFormat>();
/** Wall-clock time of day, e.g. "12:00:37" (local time unless a zone is given). */
export function formatClock(at: number, timeZone?: string): string {
  const key = timeZone ?? '';
  let f = clocks.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone });
    clocks.set(key, f);
  }
  return f.format(at);
}

function unit(dim: Dimension, n: number): string {
  const tokens = dim.name === 'TPM' || dim.name === 'TPD';
  return `${formatCount(n)} ${tokens ? 'token' : 'request'}${Math.ceil(n) === 1 ? '' : 's'}`;
}

/** Why `dim` holds a request of `cost` back at `now`, and until when. */
export function dimensionReason(dim: Dimension, cost: number, now: number, admissibleAt: number, timeZone?: string): string {
  const short = cost - (dim.limit - dim.used(now));
  return `${dim.name}: ${unit(dim, Math.max(short, 1))} short, admissible at ${formatClock(admissibleAt, timeZone)}`;
}
