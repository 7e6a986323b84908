// The home screen: a card per provider, the batch's progress, RPM/TPM charts over a chosen range, budget use, and the
// live beacon. Greys out when the stream stalls.
import { useState } from 'react';
import { fmtDuration } from '../../components/format';
import { useLive } from '../../stores';
import { selectBatch, selectProviderIds, selectReceivedAt, selectSnapshotAt, staleness } from '../../stores/selectors';
import { BatchProgress } from './BatchProgress';
import { useNow } from '../../components/useNow';
import { BreakerCard } from './BreakerCard';
import { BudgetView } from './BudgetView';
import { Instances } from './Instances';
import { RANGES, visibleSpan, type RangeId } from './chart-scale';
import { RateChart } from './RateChart';

const MAX_ZOOM = 8;

/** The charts' range (5 min, 30 min, the whole run) and zoom, shared by every chart. */
function ChartControls(props: { range: RangeId; zoom: number; spanMs: number; setRange(r: RangeId): void; setZoom(z: number): void }) {
  return (
    <div className="chart-controls" role="group" aria-label="Chart range">
      {RANGES.map((r) => (
        <button key={r.id} type="button" className="toggle" aria-pressed={props.range === r.id} onClick={() => props.setRange(r.id)}>
          {r.label}
        </button>
      ))}
      <button type="button" onClick={() => props.setZoom(Math.min(MAX_ZOOM, props.zoom * 2))} disabled={props.zoom >= MAX_ZOOM}>
        Zoom in
      </button>
      <button type="button" onClick={() => props.setZoom(Math.max(1, props.zoom / 2))} disabled={props.zoom <= 1}>
        Zoom out
      </button>
      <span className="muted" data-testid="chart-span">
        showing the last {fmtDuration(props.spanMs)}
      </span>
    </div>
  );
}

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
  const [range, setRange] = useState<RangeId>('5m');
  const [zoom, setZoom] = useState(1);
  const startedAt = useLive(selectBatch)?.startedAt ?? null;
  const spanMs = visibleSpan(range, zoom, startedAt, useLive(selectSnapshotAt) ?? 0);
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
        <BatchProgress />
        <ChartControls
          range={range}
          zoom={zoom}
          spanMs={spanMs}
          setRange={(r) => {
            setRange(r);
            setZoom(1);
          }}
          setZoom={setZoom}
        />
        <div className="charts">
          {ids.map((id) => (
            <RateChart key={`rpm-${id}`} id={id} metric="rpm" spanMs={spanMs} />
          ))}
          {ids.map((id) => (
            <RateChart key={`tpm-${id}`} id={id} metric="tpm" spanMs={spanMs} />
          ))}
        </div>
        <BudgetView />
        <Instances />
      </div>
    </section>
  );
}
