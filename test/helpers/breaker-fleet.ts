// N instances' breakers bound to one fleet breaker store (local or Redis), for the shared-breaker tests.
import { CircuitBreaker, type BreakerTransition } from '../../electron/engine/breaker';
import type { Clock } from '../../electron/engine/clock';
import type { BreakerStore } from '../../electron/engine/shared/breaker-store';
import { BreakerSync } from '../../electron/engine/shared/breaker-sync';
import type { CallOutcome, FailureKind } from '../../shared/provider';

export const fleetParams = { threshold: 0.5, windowMs: 120_000, cooldownMs: 60_000, minCalls: 2, halfOpenProbes: 1 };

export const okOutcome: CallOutcome = {
  ok: true,
  provider: 'gemini',
  model: 'm',
  json: {},
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  latencyMs: 1,
};

export function failure(kind: FailureKind, status?: number): CallOutcome {
  return { ok: false, provider: 'gemini', model: 'm', kind, status, message: kind, latencyMs: 1 };
}

export interface FleetInstance {
  breaker: CircuitBreaker;
  sync: BreakerSync;
  log: BreakerTransition[];
  /** One call through the breaker with this outcome; false when the breaker refused it. */
  call(o: CallOutcome): boolean;
}

export function breakerFleet(n: number, store: (i: number) => BreakerStore, clock: Clock, params = fleetParams): FleetInstance[] {
  return Array.from({ length: n }, (_, i) => {
    const log: BreakerTransition[] = [];
    const bound: { sync?: BreakerSync } = {}; // the breaker's listener needs the sync made after it
    const breaker = new CircuitBreaker(clock, params, (t) => {
      log.push(t);
      bound.sync?.onLocal(t);
    });
    const sync = new BreakerSync({ breaker, store: store(i), clock, instanceId: `instance-${i}`, params: () => params, probeTtlMs: () => 10_000 });
    bound.sync = sync;
    const call = (o: CallOutcome) => {
      const permit = breaker.permit();
      if (!permit) return false;
      breaker.record(permit, o);
      return true;
    };
    return { breaker, sync, log, call };
  });
}
