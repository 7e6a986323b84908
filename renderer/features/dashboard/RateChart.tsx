// Actual rate against the effective limit over the chosen range, with 429 markers and audit/breaker annotations
// (docs/console.md §3): ticks on whole steps, units on the axis and in the tooltip, a value axis scaled to the traffic.
import { useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { ProviderId } from '../../../shared/provider';
import { PROVIDER_LABEL, fmtClock, fmtDuration, fmtInt, fmtShortClock } from '../../components/format';
import { useLive } from '../../stores';
import { type RatePoint } from '../../stores/live';
import { labelClusters, type Note } from './annotations';
import { thin, timeTicks, valueAxis } from './chart-scale';
import { selectAnnotations, selectMarkers, selectSeries, selectSnapshotAt } from '../../stores/selectors';

const MARKER_BUCKET_MS = 5_000;
/** Rows in the data table: the last minutes at one point a second. */
const TABLE_ROWS = 120;
/** Points drawn per chart: a long range is thinned to its peaks. */
const DRAWN_POINTS = 400;
/** An annotation label takes about this share of the plot's width: closer ones share a label. */
const LABEL_SHARE = 0.15;

const UNIT = { rpm: 'requests/min', tpm: 'tokens/min' } as const;

export function RateChart({ id, metric, spanMs }: { id: ProviderId; metric: 'rpm' | 'tpm'; spanMs: number }) {
  const all = useLive(useMemo(() => selectSeries(id), [id]));
  const markers = useLive(selectMarkers);
  const annotations = useLive(selectAnnotations);
  const end = useLive(selectSnapshotAt) ?? 0;
  const start = end - spanMs;
  const limitKey = metric === 'rpm' ? 'rpmLimit' : 'tpmLimit';
  const name = `${PROVIDER_LABEL[id] ?? id} ${metric.toUpperCase()}`;
  const series = useMemo(() => all.filter((p) => p.at >= start), [all, start]);
  const drawn = useMemo(() => thin(series, DRAWN_POINTS, (p) => p[metric]), [series, metric]);
  const last = series.at(-1);
  const peak = series.reduce((m, p) => Math.max(m, p[metric]), 0);
  const limit = last?.[limitKey] ?? 0;
  const axis = valueAxis(peak, limit);

  // One marker per 5 s bucket, placed at the top of the plot, so a 429 storm stays readable.
  const marks = useMemo(() => {
    if (metric !== 'rpm') return [];
    const buckets = new Map<number, number>();
    for (const m of markers)
      if (m.provider === id && m.at >= start)
        buckets.set(Math.floor(m.at / MARKER_BUCKET_MS), (buckets.get(Math.floor(m.at / MARKER_BUCKET_MS)) ?? 0) + 1);
    return [...buckets].map(([b, count]) => ({ at: b * MARKER_BUCKET_MS, y: axis.top, count }));
  }, [markers, id, start, metric, axis.top]);
  const notes = labelClusters(
    annotations.filter((a) => a.at >= start && (a.provider === null || a.provider === id)),
    spanMs * LABEL_SHARE,
  );
  const http429s = marks.reduce((n, m) => n + m.count, 0);
  const tickClock = spanMs > 10 * 60_000 ? fmtShortClock : fmtClock;

  return (
    <figure className="chart" aria-label={`${name} chart`} data-testid={`chart-${id}-${metric}`}>
      <figcaption>
        <strong>{name}</strong>{' '}
        <span className="muted" data-testid="chart-caption">
          {last ? `${fmtInt(last[metric])} now, limit ${fmtInt(limit)} ${UNIT[metric]}` : 'no data yet'}
          {last && !axis.limitShown && ' (above the plot)'}
          {metric === 'rpm' && ` · ${http429s} × 429 in window`} · last {fmtDuration(spanMs)}
        </span>
      </figcaption>
      <div className="chart-box" aria-hidden="true">
        <ResponsiveContainer width="100%" height={170}>
          <ComposedChart data={drawn} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
            <XAxis
              dataKey="at"
              type="number"
              domain={[start, end]}
              allowDataOverflow
              ticks={timeTicks(start, end)}
              tickFormatter={tickClock}
              tick={{ fontSize: 11, fill: 'var(--muted)' }}
            />
            <YAxis
              domain={[0, axis.top]}
              ticks={axis.ticks}
              allowDataOverflow
              tick={{ fontSize: 11, fill: 'var(--muted)' }}
              width={metric === 'tpm' ? 64 : 44}
              tickFormatter={(v: number) => fmtInt(v)}
              label={{ value: UNIT[metric], angle: -90, position: 'insideLeft', offset: 10, fontSize: 10, fill: 'var(--muted)' }}
            />
            <Tooltip
              labelFormatter={(v) => fmtClock(Number(v))}
              formatter={(v) => `${fmtInt(Number(v))} ${UNIT[metric]}`}
              isAnimationActive={false}
              contentStyle={{ background: 'var(--panel)', borderColor: 'var(--line)', color: 'var(--ink)' }}
            />
            {axis.limitShown && (
              <Line
                name="limit"
                dataKey={limitKey}
                type="stepAfter"
                stroke="var(--chart-limit)"
                strokeDasharray="5 4"
                dot={false}
                isAnimationActive={false}
              />
            )}
            <Line name="actual" dataKey={metric} type="monotone" stroke="var(--chart-actual)" strokeWidth={2} dot={false} isAnimationActive={false} />
            {marks.length > 0 && <Scatter name="429" data={marks} dataKey="y" fill="var(--chart-429)" shape="triangle" isAnimationActive={false} />}
            {notes.map((n, i) => (
              <ReferenceLine
                key={`${n.at}-${i}`}
                x={n.at}
                stroke="var(--chart-note)"
                strokeDasharray="2 3"
                label={
                  n.shown === null
                    ? undefined
                    : {
                        value: n.shown,
                        position: n.at > start + spanMs / 2 ? 'insideTopRight' : 'insideTopLeft',
                        fontSize: 10,
                        fill: 'var(--chart-note-ink)',
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
                <th scope="col">
                  {metric.toUpperCase()} ({UNIT[metric]})
                </th>
                <th scope="col">Limit ({UNIT[metric]})</th>
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
