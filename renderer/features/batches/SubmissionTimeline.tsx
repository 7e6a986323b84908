// The drawer's timeline (docs/console.md §16): one small Gantt row per call of the submission, its phases on one
// time axis, and the same phases as a table. The Gantt is one labelled image (no tab stop of its own); the table
// behind its summary is the keyboard's and the screen reader's way in.
import { useState } from 'react';
import type { TimelineStep } from '../../../shared/domain';
import { CompactTable, type Column } from '../../components/CompactTable';
import { PROVIDER_LABEL, fmtDuration } from '../../components/format';
import { PHASE_LABEL, timelineRows, type Phase, type PhaseSpan, type TimelineRow } from './timeline-rows';

interface TableRow {
  kind: TimelineRow['kind'];
  p: PhaseSpan;
  /** Since the submission's first step. */
  at: number;
}

const COLUMNS: readonly Column<TableRow>[] = [
  { header: 'Call', cell: (r) => r.kind },
  { header: 'Phase', cell: (r) => PHASE_LABEL[r.p.phase] },
  { header: 'Provider', cell: (r) => (r.p.provider ? (PROVIDER_LABEL[r.p.provider] ?? r.p.provider) : '–') },
  { header: 'At', cell: (r) => `+${fmtDuration(r.at)}` },
  { header: 'Took', cell: (r) => (r.p.from === r.p.to ? '–' : fmtDuration(r.p.to - r.p.from)) },
  { header: 'Detail', cell: (r) => r.p.detail, className: (r) => (r.p.failed ? 'error-text' : undefined) },
];

const LEGEND: readonly Phase[] = ['stagger', 'limiter', 'slot', 'call', 'backoff', 'park', 'fallback'];

function spanText(p: PhaseSpan): string {
  const who = p.provider ? `${PROVIDER_LABEL[p.provider] ?? p.provider} ` : '';
  const instant = p.from === p.to && (p.phase === 'fallback' || p.phase === 'stop');
  return `${who}${PHASE_LABEL[p.phase].toLowerCase()}${instant ? '' : ` ${fmtDuration(p.to - p.from)}`}${p.detail ? ` (${p.detail})` : ''}`;
}

/** The whole picture in one sentence: the image's accessible name. */
function summary(rows: readonly TimelineRow[], spanMs: number): string {
  const parts = rows.map((r) => `${r.kind}: ${r.spans.map(spanText).join(', ')}`);
  return `Timeline over ${fmtDuration(spanMs)}. ${parts.join('. ')}.`;
}

export function SubmissionTimeline({ steps }: { steps: readonly TimelineStep[] }) {
  const [open, setOpen] = useState(false);
  const { rows, start, end } = timelineRows(steps);
  if (rows.length === 0) return null;
  const span = end - start;
  const pct = (t: number) => `${((100 * (t - start)) / span).toFixed(2)}%`;
  return (
    <section className="timeline" aria-labelledby="timeline-h" data-testid="timeline">
      <h3 id="timeline-h">Timeline</h3>
      <div className="gantt" role="img" aria-label={summary(rows, span)} data-testid="timeline-gantt">
        {rows.map((r) => (
          <div key={r.kind} className="gantt-row" data-testid="timeline-row" data-kind={r.kind} data-phases={r.spans.length}>
            <span className="gantt-label">{r.kind}</span>
            <span className="gantt-track">
              {r.spans.map((p, i) => (
                <span
                  key={i}
                  className={`gantt-span phase-${p.phase}${p.failed ? ' failed' : ''}`}
                  data-phase={p.phase}
                  style={{ left: pct(p.from), width: `${((100 * (p.to - p.from)) / span).toFixed(2)}%` }}
                  title={spanText(p)}
                />
              ))}
            </span>
          </div>
        ))}
        <span className="gantt-axis muted">
          <span>0 s</span>
          <span>{fmtDuration(span)}</span>
        </span>
      </div>
      <ul className="gantt-legend" aria-label="Phases">
        {LEGEND.map((p) => (
          <li key={p}>
            <span className={`gantt-swatch phase-${p}`} aria-hidden="true" />
            {PHASE_LABEL[p]}
          </li>
        ))}
      </ul>
      <details className="chart-table" onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary data-testid="timeline-table-summary">Timeline as a table: {rows.reduce((n, r) => n + r.spans.length, 0)} phases</summary>
        {open && (
          <CompactTable
            columns={COLUMNS}
            rows={rows.flatMap((r) => r.spans.map((p) => ({ kind: r.kind, p, at: p.from - start })))}
            rowKey={(_, i) => i}
            label="Phases of each call, from the submission's first step"
            testId="timeline-table"
          />
        )}
      </details>
    </section>
  );
}
