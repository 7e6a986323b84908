// The Dashboard's answer to "how is my run doing" (docs/console.md §13): the live batch's progress, ETA, calls,
// fallbacks and workers; nothing when no batch has run since the console opened.
import { fmtDuration, fmtInt } from '../../components/format';
import { useLive } from '../../stores';
import { selectBatch } from '../../stores/selectors';

export function BatchProgress() {
  const b = useLive(selectBatch);
  if (!b || b.state === 'idle') return null;
  const pct = b.total > 0 ? b.done / b.total : 0;
  const eta = b.state === 'running' && b.etaMs !== null ? `ETA ${fmtDuration(b.etaMs)}` : b.state === 'running' ? 'ETA after the first rows' : null;
  return (
    <section className="card batch-progress" aria-labelledby="dash-batch-h">
      <h2 id="dash-batch-h">Batch run {b.runId}</h2>
      <div className="progress-line">
        <progress max={1} value={pct} aria-label="Batch progress on the dashboard" />
        <span data-testid="dash-progress">
          {fmtInt(b.done)} / {fmtInt(b.total)} · <strong>{b.state}</strong>
          {eta && ` · ${eta}`} · {fmtInt(b.callsUsed)} calls · {fmtInt(b.fallbacks)} fallbacks · {fmtInt(b.workers)} workers
        </span>
      </div>
    </section>
  );
}
