// Actual rate against the effective limit over a fixed window, with 429 markers and audit/breaker annotations.
import { useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { ProviderId } from '../../../shared/provider';
import { PROVIDER_LABEL, fmtClock, fmtInt } from '../../components/format';
import { useLive } from '../../stores';
import { CHART_WINDOW_MS, type RatePoint } from '../../stores/live';
import { labelClusters, type Note } from './annotations';
import { selectAnnotations, selectMarkers, selectSeries, selectSnapshotAt } from '../../stores/selectors';

const MARKER_BUCKET_MS = 5_000;
/** Rows in the data table: the last minutes at one point a second. */
const TABLE_ROWS = 120;

export function RateChart({ id, metric }: { id: ProviderId; metric: 'rpm' | 'tpm' }) {
  const series = useLive(useMemo(() => selectSeries(id), [id]));
  const markers = useLive(selectMarkers);
  const annotations = useLive(selectAnnotations);
  const end = useLive(selectSnapshotAt) ?? 0;
  const start = end - CHART_WINDOW_MS;
  const limitKey = metric === 'rpm' ? 'rpmLimit' : 'tpmLimit';
  const name = `${PROVIDER_LABEL[id] ?? id} ${metric.toUpperCase()}`;

  // One marker per 5 s bucket, placed at the top of the limit line, so a 429 storm stays readable.
  const marks = useMemo(() => {
    if (metric !== 'rpm') return [];
    const top = Math.max(1, ...series.map((p) => p.rpmLimit));
    const buckets = new Map<number, number>();
    for (const m of markers)
      if (m.provider === id && m.at >= start)
        buckets.set(Math.floor(m.at / MARKER_BUCKET_MS), (buckets.get(Math.floor(m.at / MARKER_BUCKET_MS)) ?? 0) + 1);
    return [...buckets].map(([b, count]) => ({ at: b * MARKER_BUCKET_MS, y: top, count }));
  }, [markers, series, id, start, metric]);
  const notes = labelClusters(annotations.filter((a) => a.at >= start && (a.provider === null || a.provider === id)));
  const last = series.at(-1);
  const http429s = marks.reduce((n, m) => n + m.count, 0);

  return (
    <figure className="chart" aria-label={`${name} chart`}>
      <figcaption>
        <strong>{name}</strong>{' '}
        <span className="muted">
          {last ? `${fmtInt(last[metric])} now, limit ${fmtInt(last[limitKey])}` : 'no data yet'}
          {metric === 'rpm' && ` · ${http429s} × 429 in window`} · last {CHART_WINDOW_MS / 60_000} min
        </span>
      </figcaption>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height={170}>
          <ComposedChart data={series} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e5e7eb" vertical={false} />
            <XAxis
              dataKey="at"
              type="number"
              domain={[start, end]}
              allowDataOverflow
              tickFormatter={fmtClock}
              tick={{ fontSize: 11 }}
              minTickGap={40}
            />
            <YAxis tick={{ fontSize: 11 }} width={metric === 'tpm' ? 64 : 40} tickFormatter={(v: number) => fmtInt(v)} allowDecimals={false} />
            <Tooltip labelFormatter={(v) => fmtClock(Number(v))} isAnimationActive={false} />
            <Line name="limit" dataKey={limitKey} type="stepAfter" stroke="#9ca3af" strokeDasharray="5 4" dot={false} isAnimationActive={false} />
            <Line name="actual" dataKey={metric} type="monotone" stroke="#2563eb" strokeWidth={2} dot={false} isAnimationActive={false} />
            {marks.length > 0 && <Scatter name="429" data={marks} dataKey="y" fill="#dc2626" shape="triangle" isAnimationActive={false} />}
            {notes.map((n, i) => (
              <ReferenceLine
                key={`${n.at}-${i}`}
                x={n.at}
                stroke="#a16207"
                strokeDasharray="2 3"
                label={
                  n.shown === null
                    ? undefined
                    : {
                        value: n.shown,
                        position: n.at > start + CHART_WINDOW_MS / 2 ? 'insideTopRight' : 'insideTopLeft',
                        fontSize: 10,
                        fill: '#713f12',
                      }
                }
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <ChartTable name={name} metric={metric} points={series} notes={notes} />
    </figure>
  );
}

/** The chart as text: a data-table alternative for screen readers and for reading exact values (docs/console.md §3). */
function ChartTable({ name, metric, points, notes }: { name: string; metric: 'rpm' | 'tpm'; points: RatePoint[]; notes: Note[] }) {
  const [open, setOpen] = useState(false);
  const limitKey = metric === 'rpm' ? 'rpmLimit' : 'tpmLimit';
  return (
    <details className="chart-table" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary data-testid="chart-table-summary">
        {name} as a table: {fmtInt(points.length)} points, {fmtInt(notes.length)} events
      </summary>
      {open && (
        <>
          {notes.length > 0 && (
            <ul className="chart-events">
              {notes.map((n, i) => (
                <li key={`${n.at}-${i}`}>
                  {fmtClock(n.at)} {n.label}
                </li>
              ))}
            </ul>
          )}
          <table className="compact">
            <caption>{name}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">{metric.toUpperCase()}</th>
                <th scope="col">Limit</th>
              </tr>
            </thead>
            <tbody>
              {points
                .slice(-TABLE_ROWS)
                .reverse()
                .map((p) => (
                  <tr key={p.at}>
                    <td>{fmtClock(p.at)}</td>
                    <td>{fmtInt(p[metric])}</td>
                    <td>{fmtInt(p[limitKey])}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      )}
    </details>
  );
}
