// Recomputing quota use from the simulator's log of requests (docs/scale-out.md "What the proof shows"): the most
// accepted requests of one key and model in any sliding window, and the 429s the simulator answered. The simulator
// enforces every dimension with the provider's own arithmetic, so a 429 there is an overshoot of some dimension.
import type { LogEntry } from '../../electron/providers/simulator/types';
import { modelCalls } from '../integration/pipeline/support';
import { peakInWindow } from './window-peak';

/**
 * The most requests the quota counted (or, with `tokens`, the most tokens) per `provider/model` in any window of
 * `windowMs` ending at a request, at the time each counted: every answered 200, and every request the simulator
 * charged whatever its answer (one a burst refused after the charge counts too).
 */
export function peakPerWindow(log: LogEntry[], windowMs: number, tokens = false): Map<string, number> {
  const charges = new Map<string, { at: number; amount: number }[]>();
  for (const e of modelCalls(log)) {
    if (e.status !== 200 && !e.charged) continue;
    const k = `${e.provider}/${e.model}`;
    charges.set(k, [...(charges.get(k) ?? []), { at: e.charged?.at ?? e.at, amount: tokens ? (e.charged?.tokens ?? 0) : 1 }]);
  }
  const peaks = new Map<string, number>();
  for (const [k, cs] of charges)
    peaks.set(
      k,
      peakInWindow(
        cs.sort((a, b) => a.at - b.at),
        windowMs,
      ),
    );
  return peaks;
}

/** Requests the simulator refused for quota (any dimension). */
export const rateLimited = (log: LogEntry[]): LogEntry[] => modelCalls(log).filter((e) => e.outcome === 'rate_limited');

/**
 * For a proof that drew 429s: each of the first few, with the accepted requests of its model in the window before it,
 * by when each counted (ms after the window's start) and `who` sent it: a near miss at the window's edge reads
 * differently from a share that was too large.
 */
export function refusalTimeline(log: LogEntry[], windowMs: number, who: (e: LogEntry) => string = () => ''): string {
  const accepted = modelCalls(log).filter((e) => e.status === 200);
  const counted = (e: LogEntry) => e.charged?.at ?? e.at;
  return rateLimited(log)
    .slice(0, 3)
    .map((r) => {
      const from = r.at - windowMs;
      const inWindow = accepted.filter((e) => e.model === r.model && counted(e) > from && counted(e) <= r.at);
      const rows = inWindow.map((e) => `  +${counted(e) - from} ms ${who(e)}`.trimEnd());
      return [`429 (${r.dimension}) at ${new Date(r.at).toISOString()}: ${inWindow.length} accepted in the window before it`, ...rows].join('\n');
    })
    .join('\n');
}
