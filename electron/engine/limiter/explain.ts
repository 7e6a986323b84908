// "Why waiting" in the operator's words: "TPM: 4,210 tokens short, admissible at 12:00:37".
import type { DimensionView } from './dimension';
import { costOn, type QuotaStore } from './quota-store';
import type { Waiter } from './wait-queue';

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

function unit(dim: DimensionView, n: number): string {
  const tokens = dim.name === 'TPM' || dim.name === 'TPD';
  return `${formatCount(n)} ${tokens ? 'token' : 'request'}${Math.ceil(n) === 1 ? '' : 's'}`;
}

/** Why `dim` holds a request of `cost` back at `now`, and until when. */
export function dimensionReason(dim: DimensionView, cost: number, now: number, admissibleAt: number, timeZone?: string): string {
  const short = cost - (dim.limit - dim.used(now));
  return `${dim.name}: ${unit(dim, Math.max(short, 1))} short, admissible at ${formatClock(admissibleAt, timeZone)}`;
}

/** For each of `waiting` (queue order): why it waits, in the operator's words. */
export function explainWaiters(
  store: Pick<QuotaStore, 'dims' | 'pausedUntil' | 'trouble'>,
  waiting: readonly Pick<Waiter, 'tokens' | 'jitterUntil'>[],
  now: number,
  timeZone?: string,
): string[] {
  return waiting.map((w, i) => {
    if (i > 0) return `queued behind ${i} earlier request${i === 1 ? '' : 's'}`;
    const trouble = store.trouble?.();
    if (trouble) return trouble;
    const paused = store.pausedUntil(now);
    if (paused > now) return `provider paused until ${formatClock(paused, timeZone)}`;
    let worst: { d: DimensionView; at: number } | null = null;
    for (const d of store.dims) {
      const at = d.earliest(now, costOn(d, w.tokens));
      if (at > now && (!worst || at > worst.at)) worst = { d, at };
    }
    if (worst) return dimensionReason(worst.d, costOn(worst.d, w.tokens), now, worst.at, timeZone);
    if (w.jitterUntil !== undefined && w.jitterUntil > now) return `jitter: admissible at ${formatClock(w.jitterUntil, timeZone)}`;
    return 'admissible now';
  });
}
