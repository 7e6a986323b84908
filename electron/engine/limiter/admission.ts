// One admission as the caller holds it: the reservation in the quota store, settled or refunded exactly once.
export interface Admission {
  readonly admittedAt: number;
  readonly waitedMs: number;
  /** The call really started now (after waiting for a concurrency slot). */
  started(at: number): void;
  /** Replace the token estimate with the provider's reported usage. */
  settle(tokens: number): void;
  /** The call never happened: give the quota back. */
  refund(): void;
}
