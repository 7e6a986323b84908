// The Instances view's tables for one fleet snapshot (docs/scale-out.md "Instances"): who shares the quota, the
// fleet-wide state per provider, what the shared store holds in Redis, and each live instance. Apart from the polling
// panel (Instances.tsx) so it renders from a snapshot alone.
import type { FleetInstance, FleetSnapshot } from '../../../shared/telemetry';
import { CompactTable, type Column } from '../../components/CompactTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { BREAKER_LABEL, PROVIDER_LABEL, fmtInt, fmtPct } from '../../components/format';
import {
  fleetProviders,
  shareOf,
  sharedProviderRows,
  sharedQuotaRows,
  type FleetProviderRow,
  type SharedProviderRow,
  type SharedQuotaRow,
} from './fleet-figures';

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

export function FleetTables({ fleet }: { fleet: FleetSnapshot }) {
  return (
    <>
      <p className="muted" data-testid="fleet-sharing">
        {fleet.sharedVia
          ? `Quota, breakers and work shared via Redis (${fleet.redis}) · ${fleet.instances.length} live instance${fleet.instances.length === 1 ? '' : 's'}`
          : 'Not shared: this instance alone owns its quota (set REDIS_URL to share it with other instances)'}
      </p>
      <ErrorAlert message={fleet.error} />
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
      <CompactTable label="Live instances" columns={instanceColumns(fleet)} rows={fleet.instances} rowKey={(i) => i.id} rowTestId="instance-row" />
    </>
  );
}
