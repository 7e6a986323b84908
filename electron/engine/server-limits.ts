// What the servers told us their limits are (docs/engine.md §2): one record, one entry per model and dimension, from
// a 429 body that names a per-minute limit (Gemini's quotaValue; the provider's, model '*') or from the headers that
// report each model's limits (Groq's x-ratelimit-limit-*). A provider speaks one way or the other, never both. The
// planner (docs/planner.md) and the console (docs/console.md §15) each read their own view of it.
import type { LearnedLimits } from '../../shared/plan';
import type { QuotaDimension } from '../../shared/provider';
import type { LearnedRate } from '../../shared/telemetry';

export type LimitSource = 'body' | 'headers';
/** One limit one response told for one model: `limit` per minute or day, against the `configured` one. */
export type ToldLimit = LearnedRate['reported'][number];
/** A limit as a response tells it, before it is filed under a model. */
export interface Told<D extends QuotaDimension = QuotaDimension> {
  dimension: D;
  limit: number;
  configured: number;
}

interface Entry extends ToldLimit {
  source: LimitSource;
  /** The response (counted since the last restore) that last told this limit below the configured one; 0: none since. */
  response: number;
}

/** A 429 body speaks for the whole provider. */
const PROVIDER = '*';

export class ServerLimits {
  private readonly entries = new Map<string, Entry>();
  /** Responses since the last restore that told a limit below the configured one: the planner's "learned from N". */
  private responses = 0;

  /**
   * One response's limits. A body's limit counts only below the configured one (it caps that dimension); headers'
   * are kept wherever they differ from the settings and dropped once the server agrees again. Returns the limits
   * that are new or changed.
   */
  hear<D extends QuotaDimension>(source: LimitSource, told: readonly Told<D>[], model = PROVIDER): (Told<D> & { model: string })[] {
    const response = this.responses + 1;
    const changed: (Told<D> & { model: string })[] = [];
    let below = false;
    for (const t of told) {
      const under = t.limit > 0 && t.limit < t.configured;
      below ||= under;
      if (source === 'body' && !under) continue;
      const key = `${model}/${t.dimension}`;
      if (t.limit === t.configured) {
        this.entries.delete(key);
        continue;
      }
      if (this.entries.get(key)?.limit !== t.limit) changed.push({ model, ...t });
      this.entries.set(key, { source, model, ...t, response: under ? response : 0 });
    }
    if (below) this.responses = response;
    return changed;
  }

  /** The cap a 429 body named for one per-minute dimension, if any. */
  cap(dimension: 'RPM' | 'TPM'): number | undefined {
    return this.entries.get(`${PROVIDER}/${dimension}`)?.limit;
  }

  /**
   * The planner's view: per dimension, the newest limit told below the configured one since the last restore, and from
   * how many responses. A model whose server agrees with the settings again no longer counts, as its limiter does.
   */
  learned(): LearnedLimits {
    const newest = (dimension: QuotaDimension): number | undefined => {
      let best: Entry | undefined;
      for (const e of this.entries.values()) if (e.dimension === dimension && e.response > (best?.response ?? 0)) best = e;
      return best?.limit;
    };
    const [rpm, tpm, rpd] = [newest('RPM'), newest('TPM'), newest('RPD')];
    return { ...(rpm !== undefined && { rpm }), ...(tpm !== undefined && { tpm }), ...(rpd !== undefined && { rpd }), calls: this.responses };
  }

  /** The console's view: the limits headers report, per model, where they differ from the configured ones. */
  reported(): ToldLimit[] {
    return [...this.entries.values()]
      .filter((e) => e.source === 'headers')
      .map(({ model, dimension, limit, configured }) => ({ model, dimension, limit, configured }));
  }

  /**
   * The operator restored the configured rate: the caps a body named go, and the planner plans with the configured
   * limits again until a server tells otherwise. What headers report stays listed: it bounds what is left, it is no cap.
   */
  restore(): void {
    for (const [key, e] of this.entries) {
      if (e.source === 'body') this.entries.delete(key);
      else e.response = 0;
    }
    this.responses = 0;
  }

  /** New settings: against new configured limits, the next responses say again what differs. */
  clear(): void {
    this.entries.clear();
    this.responses = 0;
  }
}
