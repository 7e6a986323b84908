// The charts' recent past, kept in the main process so every client that connects (a reload, a second browser, the
// Electron window) starts with the same picture, with its 429 markers and annotations (docs/console.md §3).
// Bounded twice: by age (the window) and by count (a 429 storm can't grow it without limit).
import type { EventName, EventPayload, RatePoint, TelemetryHistory } from '../../shared/api';
import type { ProviderId } from '../../shared/provider';

export interface HistoryLimits {
  /** Age beyond which entries are dropped, ms. */
  windowMs: number;
  /** Most entries kept per list (points per provider, 429s, transitions, audit lines). */
  maxEntries: number;
}

/** Half an hour: the charts' longest range short of "whole run", at one snapshot a second. */
export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { windowMs: 30 * 60_000, maxEntries: 2_000 };

type Timed = { at: number };

export class TelemetryHistoryBuffer {
  private readonly points = new Map<ProviderId, RatePoint[]>();
  private http429: TelemetryHistory['http429'] = [];
  private breakers: TelemetryHistory['breakers'] = [];
  private audit: TelemetryHistory['audit'] = [];
  private latest = 0;

  constructor(private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS) {}

  /** Feed every Api event through here; only the ones the charts draw are kept. */
  record<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const e = { event, payload } as { [K in EventName]: { event: K; payload: EventPayload<K> } }[EventName];
    switch (e.event) {
      case 'snapshot':
        this.latest = Math.max(this.latest, e.payload.at);
        for (const p of e.payload.providers) {
          const list = this.points.get(p.provider) ?? [];
          list.push({ at: e.payload.at, rpm: p.rpm, rpmLimit: p.rpmLimit, tpm: p.tpm, tpmLimit: p.tpmLimit });
          this.points.set(p.provider, this.trim(list));
        }
        break;
      case 'http429':
        this.http429.push(e.payload);
        this.http429 = this.trim(this.http429);
        break;
      case 'breaker':
        this.breakers.push(e.payload);
        this.breakers = this.trim(this.breakers);
        break;
      case 'audit':
        if (e.payload.actor !== 'operator') break;
        this.audit.push(e.payload);
        this.audit = this.trim(this.audit);
        break;
      default:
        break;
    }
  }

  read(): TelemetryHistory {
    return {
      windowMs: this.limits.windowMs,
      series: [...this.points].map(([provider, points]) => ({ provider, points: [...this.trim(points)] })),
      http429: [...this.trim(this.http429)],
      breakers: [...this.trim(this.breakers)],
      audit: [...this.trim(this.audit)],
    };
  }

  /** Entries inside the window that ends at the latest snapshot, at most maxEntries (the newest). */
  private trim<T extends Timed>(list: T[]): T[] {
    const from = this.latest - this.limits.windowMs;
    let start = 0;
    while (start < list.length && (list[start] as T).at < from) start++;
    start = Math.max(start, list.length - this.limits.maxEntries);
    return start === 0 ? list : list.slice(start);
  }
}
