// The home screen: a card per provider, RPM/TPM charts, budget use, and the live beacon. Greys out when the stream stalls.
import { useLive } from '../../stores';
import { selectProviderIds, selectReceivedAt, staleness } from '../../stores/selectors';
import { useNow } from '../../components/useNow';
import { BreakerCard } from './BreakerCard';
import { BudgetView } from './BudgetView';
import { Instances } from './Instances';
import { RateChart } from './RateChart';

function LiveBeacon({ ageS, stalled }: { ageS: number | null; stalled: boolean }) {
  return (
    <p className={stalled ? 'beacon stalled' : 'beacon live'} role="status" data-testid="live-beacon">
      <span className="beacon-dot" aria-hidden="true" />
      {ageS === null ? 'Waiting for the engine…' : stalled ? `Stalled: updated ${ageS}s ago` : `Live · updated ${ageS}s ago`}
    </p>
  );
}

export function Dashboard() {
  const ids = useLive(selectProviderIds);
  const receivedAt = useLive(selectReceivedAt);
  const { ageS, stalled } = staleness(receivedAt, useNow(1000));
  return (
    <section aria-labelledby="dash-h" className="screen">
      <header className="screen-head">
        <h1 id="dash-h">Dashboard</h1>
        <LiveBeacon ageS={ageS} stalled={stalled} />
      </header>
      {stalled && receivedAt !== null && (
        <p className="stall-message" role="alert">
          No update from the engine for {ageS}s. The figures below are stale until the stream resumes.
        </p>
      )}
      <div className={stalled ? 'dashboard stale' : 'dashboard'} aria-busy={stalled}>
        <div className="cards">
          {ids.map((id) => (
            <BreakerCard key={id} id={id} />
          ))}
        </div>
        <div className="charts">
          {ids.map((id) => (
            <RateChart key={`rpm-${id}`} id={id} metric="rpm" />
          ))}
          {ids.map((id) => (
            <RateChart key={`tpm-${id}`} id={id} metric="tpm" />
          ))}
        </div>
        <BudgetView />
        <Instances />
      </div>
    </section>
  );
}
