// One quota dimension (RPM, TPM, RPD, TPD) in the provider's own accounting model.
import type { QuotaDimension } from '../../../shared/provider';

/** What a dimension charged for one admission; settled or refunded later through the same dimension. */
export interface Charge {
  at: number;
  amount: number;
}

/** What the scheduler, explanations and feedback read of a dimension, wherever its charges live. */
export interface DimensionView {
  readonly name: QuotaDimension;
  /** The limit in force now (after the safety factor and any AIMD decrease). */
  readonly limit: number;
  /** The most one request may ever cost here: the configured effective limit. Above it, a request can never run. */
  readonly hardLimit: number;
  setLimits(limit: number, hardLimit: number): void;
  /** The earliest time >= now at which `cost` fits. */
  earliest(now: number, cost: number): number;
  used(now: number): number;
  /** The server told us how much it has left (already net of its own limit); never raises our view. */
  sync?(now: number, serverRemaining: number, serverLimit: number): void;
}

/** A dimension that holds its charges in memory (the local store's). */
export interface Dimension extends DimensionView {
  take(now: number, cost: number): Charge;
  /** The request really started later than admitted (it waited for a concurrency slot). */
  restamp(charge: Charge, at: number): void;
  /**
   * Until when the charge of an admission not yet started counts here (docs/engine.md §1, "Aged admissions"): past it,
   * the room it held went to others, so the request must not go out on it.
   */
  countsUntil(charge: Charge): number;
  /**
   * Sliding windows only: the charge counts from `at` (its start plus an arrival bound, docs/engine.md §1,
   * "Arrival"), earlier or later than before. True when it now leaves sooner.
   */
  arrive?(charge: Charge, at: number): boolean;
  /** Replace the estimate with the actual amount. */
  settle(charge: Charge, amount: number, now: number): void;
  refund(charge: Charge, now: number): void;
  /** Charges made before this process started (stored calls, oldest first): count those still in force at `now`. */
  seed(charges: readonly Charge[], now: number): void;
}
