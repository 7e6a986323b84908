// The requests the simulator holds before their headers (charged, waiting out their latency or a hold), so one
// burst can answer all of them at once, as a provider refusing everything in flight does (docs/providers.md §6).
import type { ServerResponse } from 'node:http';
import type { ProviderId } from '../../../shared/provider';
import type { Clock } from '../../engine/clock';
import type { Delivery, Waits } from './http';
import type { LogEntry } from './types';

interface Held {
  entry: LogEntry;
  provider: ProviderId;
  model: string;
  refuse(d: Delivery): void;
}

interface Hold {
  provider: ProviderId;
  model?: string;
  until: number;
}

const matches = (h: { provider: ProviderId; model?: string }, provider: ProviderId, model: string | undefined) =>
  h.provider === provider && (model === undefined || h.model === undefined || h.model === model);

export class HeldRequests {
  private readonly held = new Set<Held>();
  private holds: Hold[] = [];

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** From now, for `durationMs`, requests of this provider (and model) wait before their headers: until a burst. */
  hold(provider: ProviderId, model: string | undefined, durationMs: number): void {
    this.holds.push({ provider, ...(model !== undefined && { model }), until: this.clock.now() + durationMs });
  }

  /**
   * Wait `ms` before the headers, or to the end of a hold in force, whichever is later. True to answer as planned,
   * false when the client left meanwhile, or what a burst answers instead.
   */
  async wait(waits: Waits, res: ServerResponse, entry: LogEntry, provider: ProviderId, model: string, ms: number): Promise<boolean | Delivery> {
    const now = this.clock.now();
    const until = this.holds.filter((h) => h.until > now && matches(h, provider, model)).reduce((t, h) => Math.max(t, h.until), now + ms);
    const cut = new AbortController();
    let refusal: Delivery | undefined;
    const me: Held = {
      entry,
      provider,
      model,
      refuse: (d) => {
        refusal = d;
        cut.abort();
      },
    };
    this.held.add(me);
    try {
      const alive = await waits.wait(until - now, res, cut.signal);
      return alive && refusal ? refusal : alive;
    } finally {
      this.held.delete(me);
    }
  }

  /** The requests held now, oldest first. */
  entries(): LogEntry[] {
    return [...this.held].map((h) => h.entry);
  }

  /** Answer every request of this provider (and model) held now with `answer(model)`, and end its holds. How many. */
  burst(provider: ProviderId, model: string | undefined, answer: (model: string) => Delivery): number {
    this.holds = this.holds.filter((h) => !matches(h, provider, model));
    const hit = [...this.held].filter((h) => matches(h, provider, model));
    for (const h of hit) h.refuse(answer(h.model));
    return hit.length;
  }

  /** Forget the holds; requests already waiting finish as planned. */
  reset(): void {
    this.holds = [];
  }
}
