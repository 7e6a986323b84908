// The Instances view's figures (docs/scale-out.md "Distributed runs"), apart from the panel so they can be tested alone.
import type { FleetSnapshot, SharedProviderState, SharedQuotaState } from '../../../shared/telemetry';
import { fmtClock, fmtInt, PROVIDER_LABEL } from '../../components/format';

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

/** One shared quota's row: which key (by hash) and model, what every instance used of each limit, who waits. */
export interface SharedQuotaRow {
  id: string;
  quota: string;
  used: string;
  live: number;
  waiting: number;
}

const providerLabel = (p: string) => PROVIDER_LABEL[p] ?? p;
const keyLabel = (q: { provider: string; keyHash: string }) => `${providerLabel(q.provider)} · key ${q.keyHash.slice(0, 8)}`;

/** The quotas as the shared store holds them (every instance's charges), e.g. "RPM 12 / 135 · TPM 48,000 / 900,000". */
export function sharedQuotaRows(s: FleetSnapshot): SharedQuotaRow[] {
  return (s.shared?.quotas ?? []).map((q: SharedQuotaState) => ({
    id: `${q.provider}:${q.keyHash}:${q.model}`,
    quota: `${keyLabel(q)} · ${q.model}`,
    used: q.dims.map((d) => `${d.name} ${fmtInt(Math.ceil(d.used))} / ${fmtInt(d.limit)}`).join(' · '),
    live: q.live,
    waiting: q.waiting,
  }));
}

/** One (provider, key)'s shared breaker and concurrency slots. */
export interface SharedProviderRow {
  id: string;
  key: string;
  breaker: string;
  slotsInUse: number;
}

export function sharedProviderRows(s: FleetSnapshot): SharedProviderRow[] {
  return (s.shared?.providers ?? []).map((p: SharedProviderState) => ({
    id: `${p.provider}:${p.keyHash}`,
    key: keyLabel(p),
    breaker:
      p.breaker === 'closed'
        ? 'CLOSED'
        : p.forced
          ? 'OPEN (forced, until reset)'
          : `OPEN until ${p.breakerUntil === null ? '—' : fmtClock(p.breakerUntil)}`,
    slotsInUse: p.slotsInUse,
  }));
}
