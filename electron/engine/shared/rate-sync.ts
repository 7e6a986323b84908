// One instance's quota feedback bound to the fleet's learned rate (docs/scale-out.md "Shared rate"). A factor this
// instance decides is proposed by compare-and-set from the generation it last saw: of eight instances cutting for one
// burst of 429s, one wins and the others adopt its factor and the time of its decrease. Caps only ever lower.
import type { Clock } from '../clock';
import type { QuotaFeedback } from '../quota-feedback';
import { INITIAL_RATE, type FleetRate, type MinuteCaps, type RateStore } from './rate-store';
import { watchStore } from './store-watch';

/** The rate is read again at least this often. */
export const RATE_RECHECK_MS = 2_000;
/** Compare-and-set rounds an operator's restore tries before it gives up on a factor other instances keep moving. */
const RESTORE_TRIES = 5;

export interface RateSyncOptions {
  store: RateStore;
  clock: Clock;
  feedback: Pick<QuotaFeedback, 'adopt'>;
  /** The fleet's per-minute caps replace this instance's. */
  applyCaps: (caps: MinuteCaps) => void;
  onError?: (e: unknown) => void;
}

export class RateSync {
  private known: FleetRate = INITIAL_RATE;
  private caps = '{}';
  readonly stop: () => void;

  constructor(private readonly o: RateSyncOptions) {
    this.stop = watchStore(
      o.clock,
      (l) => o.store.onChange(l),
      () => this.guard(async () => this.apply(await o.store.read())),
      RATE_RECHECK_MS,
    );
  }

  private async guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (e) {
      this.o.onError?.(e); // out of reach: this instance's own feedback goes on meanwhile
    }
  }

  private apply(fr: FleetRate): void {
    if (fr.generation !== this.known.generation) {
      this.known = fr;
      this.o.feedback.adopt(fr.factor, fr.decreasedAt);
    }
    const caps = JSON.stringify(fr.caps);
    if (caps !== this.caps) {
      this.caps = caps;
      this.o.applyCaps(fr.caps);
    }
  }

  /** This instance set the factor (already applied here); a lost race adopts the winner's. */
  shareFactor(factor: number, decrease: boolean): void {
    void this.guard(async () => {
      const r = await this.o.store.setFactor(this.known.generation, factor, decrease);
      if (r.ok) this.known = r.current;
      else this.apply(r.current);
    });
  }

  /** A limit the server named here; the fleet's (possibly lower) caps are applied here again either way. */
  lowerCap(name: 'RPM' | 'TPM', limit: number): void {
    void this.guard(async () => this.reapply(await this.o.store.lowerCap(name, limit)));
  }

  /** The operator changed the limits here: forgotten fleet-wide. */
  clearCaps(): void {
    void this.guard(async () => this.reapply(await this.o.store.clearCaps()));
  }

  /**
   * The operator restored the configured rate here (docs/console.md §15): the fleet's caps cleared and its factor set
   * back to 1 by compare-and-set, again from the winner's generation if another instance changed it meanwhile.
   * Rejects when the store is out of reach or the factor keeps moving.
   */
  async restore(): Promise<void> {
    let fr = await this.o.store.clearCaps();
    for (let i = 0; i < RESTORE_TRIES && fr.factor !== 1; i++) fr = (await this.o.store.setFactor(fr.generation, 1, false)).current;
    this.reapply(fr);
    if (fr.factor !== 1) throw new Error(`the fleet's rate kept changing: it is at ${Math.round(fr.factor * 100)}% of the configured limit`);
  }

  private reapply(fr: FleetRate): void {
    this.caps = '';
    this.apply(fr);
  }
}
