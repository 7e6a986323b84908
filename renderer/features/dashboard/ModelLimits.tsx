// Each model's own limiter on a provider's card (docs/console.md §15): the card's RPM, TPM and daily figures are these
// rows' sums, so a provider with a text and a vision model shows both instead of a bare total.
import type { ProviderId } from '../../../shared/provider';
import type { ModelLimits as Limits } from '../../../shared/telemetry';
import { CompactTable, type Column } from '../../components/CompactTable';
import { fmtInt } from '../../components/format';

const used = (n: number, limit: number) => `${fmtInt(n)} / ${fmtInt(limit)}`;

const COLUMNS: Column<Limits>[] = [
  { header: 'Model', cell: (m) => m.model },
  { header: 'Serves', cell: (m) => (m.roles.length ? m.roles.join(', ') : 'earlier settings') },
  { header: 'RPM', cell: (m) => used(m.rpm, m.rpmLimit) },
  { header: 'TPM', cell: (m) => used(m.tpm, m.tpmLimit) },
  { header: 'Daily requests', cell: (m) => used(m.rpdUsed, m.rpdLimit) },
];

export function ModelLimits({ id, models }: { id: ProviderId; models: readonly Limits[] }) {
  if (models.length === 0) return null;
  const label = models.length > 1 ? 'Limits per model (the figures above are their sum)' : 'Limits of its one model';
  return (
    <div className="model-limits">
      <p className="model-limits-label">{label}</p>
      <CompactTable
        label={label}
        columns={COLUMNS}
        rows={models}
        rowKey={(m) => m.model}
        testId={`model-limits-${id}`}
        rowAttrs={(m) => ({ 'data-model': m.model })}
      />
    </div>
  );
}
