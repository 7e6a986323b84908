// The fleet's learned rate on one (provider, key) (docs/scale-out.md "Shared rate"): the AIMD factor, changed only by
// compare-and-set on its generation (one burst of 429s seen by every instance cuts it once), the time of its last
// decrease, and the per-minute limits the server named, which only ever lower until an operator's change clears them.
import type { Clock } from '../clock';
import type { MaybePromise } from '../limiter/quota-store';
import { EventBus } from '../events';

export type MinuteCaps = Partial<Record<'RPM' | 'TPM', number>>;

export interface FleetRate {
  readonly generation: number;
  readonly factor: number;
  /** Local time of the last decrease (a 429 for a request sent before it says nothing new). */
  readonly decreasedAt: number;
  readonly caps: MinuteCaps;
}

export interface RateStore {
  read(): MaybePromise<FleetRate>;
  /** Compare-and-set of the factor from generation `expected`; a decrease also stamps its time. */
  setFactor(expected: number, factor: number, decrease: boolean): MaybePromise<{ ok: boolean; current: FleetRate }>;
  /** A limit the server named: kept only if lower than the one held. */
  lowerCap(name: 'RPM' | 'TPM', limit: number): MaybePromise<FleetRate>;
  /** The operator changed the limits: what the server named is forgotten fleet-wide. */
  clearCaps(): MaybePromise<FleetRate>;
  onChange(listener: () => void): () => void;
}

export const INITIAL_RATE: FleetRate = { generation: 0, factor: 1, decreasedAt: Number.NEGATIVE_INFINITY, caps: {} };

export class LocalRateStore implements RateStore {
  private current: FleetRate = INITIAL_RATE;
  private readonly listeners = new EventBus<void>();

  constructor(private readonly clock: Clock) {}

  private changed(next: FleetRate): FleetRate {
    this.current = next;
    this.listeners.emit();
    return next;
  }

  read(): FleetRate {
    return this.current;
  }

  setFactor(expected: number, factor: number, decrease: boolean): { ok: boolean; current: FleetRate } {
    if (expected !== this.current.generation) return { ok: false, current: this.current };
    const decreasedAt = decrease ? this.clock.now() : this.current.decreasedAt;
    return { ok: true, current: this.changed({ ...this.current, generation: expected + 1, factor, decreasedAt }) };
  }

  lowerCap(name: 'RPM' | 'TPM', limit: number): FleetRate {
    const held = this.current.caps[name];
    if (held !== undefined && held <= limit) return this.current;
    return this.changed({ ...this.current, caps: { ...this.current.caps, [name]: limit } });
  }

  clearCaps(): FleetRate {
    return this.changed({ ...this.current, caps: {} });
  }

  onChange(listener: () => void): () => void {
    return this.listeners.on(listener);
  }
}
