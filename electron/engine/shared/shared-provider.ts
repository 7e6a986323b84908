// What one provider's engine state shares with the fleet on its key (docs/scale-out.md): concurrency leases and the
// circuit breaker. Absent (no REDIS_URL): both stay local, exactly as on a single machine.
import type { BreakerStore } from './breaker-store';
import type { LeaseStore } from './lease-store';

export interface SharedProvider {
  /** This process among the fleet's instances (quorum votes, the fleet's probe). */
  readonly instanceId: string;
  readonly leases: LeaseStore;
  readonly breaker: BreakerStore;
}
