// Each model's own limiter on a provider's card (docs/console.md §15): the card's RPM, TPM and daily figures are these
// rows' sums, so a provider with a text and a vision model shows both instead of a bare total.
import type { ProviderId } from '../../../shared/provider';
import type { ModelLimits as Limits } from '../../../shared/telemetry';
import { fmtInt } from '../../components/format';

export function ModelLimits({ id, models }: { id: ProviderId; models: readonly Limits[] }) {
  if (models.length === 0) return null;
  return (
    <table className="compact model-limits" data-testid={`model-limits-${id}`}>
      <caption>{models.length > 1 ? 'Limits per model (the figures above are their sum)' : 'Limits of its one model'}</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Serves</th>
          <th scope="col">RPM</th>
          <th scope="col">TPM</th>
          <th scope="col">Daily requests</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.model} data-model={m.model}>
            <th scope="row">{m.model}</th>
            <td>{m.roles.length ? m.roles.join(', ') : 'earlier settings'}</td>
            <td>{`${fmtInt(m.rpm)} / ${fmtInt(m.rpmLimit)}`}</td>
            <td>{`${fmtInt(m.tpm)} / ${fmtInt(m.tpmLimit)}`}</td>
            <td>{`${fmtInt(m.rpdUsed)} / ${fmtInt(m.rpdLimit)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
