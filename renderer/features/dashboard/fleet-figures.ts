// The Instances view's figures (docs/scale-out.md "Distributed runs"), apart from the panel so they can be tested alone.
import type { FleetSnapshot } from '../../../shared/telemetry';

export interface FleetProviderRow {
  provider: string;
  inFlight: number;
  rpm: number;
  rpmLimit: number;
  /** Instances whose breaker is not closed, of all instances. */
  breakersOpen: number;
  instances: number;
}

/** Fleet-wide figures per provider: the sums of the instances' own, against the one shared limit. */
export function fleetProviders(s: FleetSnapshot): FleetProviderRow[] {
  const by = new Map<string, FleetProviderRow>();
  for (const i of s.instances) {
    for (const p of i.providers) {
      const row = by.get(p.provider) ?? { provider: p.provider, inFlight: 0, rpm: 0, rpmLimit: p.rpmLimit, breakersOpen: 0, instances: 0 };
      row.inFlight += p.inFlight;
      row.rpm += p.rpm;
      row.rpmLimit = Math.min(row.rpmLimit, p.rpmLimit);
      row.breakersOpen += p.breaker === 'closed' ? 0 : 1;
      row.instances++;
      by.set(p.provider, row);
    }
  }
  return [...by.values()];
}

/** An instance's share of the fleet's requests in the last minute, 0–1 (null when the fleet made none). */
export function shareOf(s: FleetSnapshot, instanceId: string): number | null {
  const total = s.instances.reduce((n, i) => n + i.providers.reduce((m, p) => m + p.rpm, 0), 0);
  const mine = s.instances.find((i) => i.id === instanceId)?.providers.reduce((m, p) => m + p.rpm, 0) ?? 0;
  return total === 0 ? null : mine / total;
}
