// One admission as the caller holds it: the reservation in the quota store, settled or refunded exactly once.
import type { AdmissionWait } from '../../../shared/domain';

export interface Admission {
  readonly admittedAt: number;
  readonly waitedMs: number;
  /** What held it back last while it waited (docs/console.md §16); null when admitted at once. */
  readonly waitedOn: AdmissionWait | null;
  /**
   * True when by `now` its charge has left, or is about to leave, a window it was charged in (docs/engine.md §1, "Aged
   * admissions"): it waited for a slot so long that the room it held went to others. It must not be sent.
   */
  expired(now: number): boolean;
  /** The call really started now (after waiting for a concurrency slot). */
  started(at: number): void;
  /**
   * The answer came. `arrivedBy`: the client's bound on when the server had the request, on the engine's clock
   * (CallOutcome.arrivedBy); the charge stays in the window until the server's has surely let it go
   * (docs/engine.md §1, "Arrival"). Call before settle.
   */
  answered(arrivedBy: number | undefined): void;
  /** Replace the token estimate with the provider's reported usage. */
  settle(tokens: number): void;
  /** The call never happened: give the quota back. */
  refund(): void;
}
