// The Instances view (docs/scale-out.md "Distributed runs"): every live instance sharing this quota (coordinators,
// workers, apps), its in-flight calls and its share of the fleet's requests, and the fleet-wide provider state.
// Polled from getFleet every 2 s: the registry changes at heartbeat pace, so a pushed stream would add nothing.
import { useEffect, useState } from 'react';
import type { FleetInstance, FleetSnapshot } from '../../../shared/telemetry';
import { CompactTable, type Column } from '../../components/CompactTable';
import { BREAKER_LABEL, PROVIDER_LABEL, fmtInt, fmtPct } from '../../components/format';
import { api } from '../../platform';
import {
  fleetProviders,
  shareOf,
  sharedProviderRows,
  sharedQuotaRows,
  type FleetProviderRow,
  type SharedProviderRow,
  type SharedQuotaRow,
} from './fleet-figures';

const POLL_MS = 2_000;

const shareText = (s: FleetSnapshot, id: string) => {
  const share = shareOf(s, id);
  return share === null ? '—' : fmtPct(share);
};

const PROVIDER_COLUMNS: Column<FleetProviderRow>[] = [
  { header: 'Provider', cell: (p) => PROVIDER_LABEL[p.provider] ?? p.provider },
  { header: 'In flight', cell: (p) => fmtInt(p.inFlight) },
  { header: 'Requests/min (fleet)', cell: (p) => `${fmtInt(p.rpm)} / ${fmtInt(p.rpmLimit)}` },
  { header: 'Breakers not closed', cell: (p) => `${p.breakersOpen} of ${p.instances}` },
];

const SHARED_QUOTA_COLUMNS: Column<SharedQuotaRow>[] = [
  { header: 'Quota', cell: (q) => q.quota },
  { header: 'Used by the fleet', cell: (q) => q.used, testId: 'shared-quota-used' },
  { header: 'Live instances', cell: (q) => fmtInt(q.live) },
  { header: 'Waiting', cell: (q) => fmtInt(q.waiting) },
];

const SHARED_PROVIDER_COLUMNS: Column<SharedProviderRow>[] = [
  { header: 'Key', cell: (p) => p.key },
  { header: 'Shared breaker', cell: (p) => p.breaker, testId: 'shared-breaker' },
  { header: 'Calls holding a slot', cell: (p) => fmtInt(p.slotsInUse) },
];

const instanceColumns = (fleet: FleetSnapshot): Column<FleetInstance>[] => [
  { header: 'Instance', cell: (i) => `${i.host} · pid ${i.pid}`, title: (i) => i.id },
  { header: 'Role', cell: (i) => i.role },
  { header: 'Running', cell: (i) => fmtInt(i.active) },
  { header: 'Finished', cell: (i) => fmtInt(i.finished) },
  { header: 'In flight', cell: (i) => fmtInt(i.providers.reduce((n, p) => n + p.inFlight, 0)) },
  { header: 'Share of quota', cell: (i) => shareText(fleet, i.id) },
  { header: 'Breakers', cell: (i) => i.providers.map((p) => `${PROVIDER_LABEL[p.provider] ?? p.provider} ${BREAKER_LABEL[p.breaker]}`).join(', ') },
];

export function Instances() {
  const [fleet, setFleet] = useState<FleetSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const poll = () =>
      api.getFleet({}).then(
        (s) => live && (setFleet(s), setError(null)),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, []);

  return (
    <section className="card instances" aria-labelledby="instances-h" data-testid="instances">
      <h2 id="instances-h">Instances</h2>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {fleet && (
        <>
          <p className="muted" data-testid="fleet-sharing">
            {fleet.sharedVia
              ? `Quota, breakers and work shared via Redis (${fleet.redis}) · ${fleet.instances.length} live instance${fleet.instances.length === 1 ? '' : 's'}`
              : 'Not shared: this instance alone owns its quota (set REDIS_URL to share it with other instances)'}
          </p>
          {fleet.error && (
            <p role="alert" className="error-text">
              {fleet.error}
            </p>
          )}
          <CompactTable label="Fleet-wide state per provider" columns={PROVIDER_COLUMNS} rows={fleetProviders(fleet)} rowKey={(p) => p.provider} />
          {fleet.shared && (
            <>
              <CompactTable
                label="Shared quota in Redis"
                columns={SHARED_QUOTA_COLUMNS}
                rows={sharedQuotaRows(fleet)}
                rowKey={(q) => q.id}
                rowTestId="shared-quota-row"
              />
              <CompactTable
                label="Shared breakers and slots in Redis"
                columns={SHARED_PROVIDER_COLUMNS}
                rows={sharedProviderRows(fleet)}
                rowKey={(p) => p.id}
                rowTestId="shared-provider-row"
              />
            </>
          )}
          <CompactTable
            label="Live instances"
            columns={instanceColumns(fleet)}
            rows={fleet.instances}
            rowKey={(i) => i.id}
            rowTestId="instance-row"
          />
        </>
      )}
    </section>
  );
}
