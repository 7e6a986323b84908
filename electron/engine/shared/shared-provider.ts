// What one provider's engine state shares with the fleet on its key (docs/scale-out.md): concurrency leases and the
// circuit breaker, the learned rate. Absent (no REDIS_URL): all stay local, exactly as on a single machine.
import type { BreakerStore } from './breaker-store';
import type { LeaseStore } from './lease-store';
import type { RateStore } from './rate-store';

export interface SharedProvider {
  /** This process among the fleet's instances (quorum votes, the fleet's probe). */
  readonly instanceId: string;
  readonly leases: LeaseStore;
  readonly breaker: BreakerStore;
  /** The learned rate: AIMD factor and the per-minute limits the server named. */
  readonly rate: RateStore;
}
