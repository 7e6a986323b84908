// The Plan panel on the batch preview (docs/planner.md): the planner's prediction for the current settings at once,
// a compare drawer with up to four variants, and the predicted RPM curve in the dashboard's chart style. After a run,
// RunPlanSummary draws the actual curve over the predicted one and says "predicted 14 min, took 15 min".
import { useEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FileRef } from '../../../shared/api';
import type { ConfigPrediction, PlanReport, PlanVariant, RpmPoint, RunPlanView } from '../../../shared/plan';
import { fmtInt } from '../../components/format';
import { api } from '../../platform';

const MAX_VARIANTS = 4;

const minutes = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.max(0.1, s / 60).toFixed(1)} min`);

interface Draft {
  name: string;
  workers: string;
  spillover: boolean;
  jitter: boolean;
  outageAt: string;
  outageFor: string;
}

const blank = (i: number): Draft => ({ name: `variant ${i + 1}`, workers: 'auto', spillover: false, jitter: false, outageAt: '', outageFor: '' });

function toVariant(d: Draft): PlanVariant {
  const workers = d.workers.trim() === '' || d.workers.trim() === 'auto' ? 'auto' : Number(d.workers);
  const jitter = { enabled: d.jitter };
  const v: PlanVariant = {
    name: d.name.trim() || 'variant',
    patch: { maxWorkers: workers, spillover: d.spillover, providers: { gemini: { jitter }, groq: { jitter } } },
  };
  if (d.outageAt !== '' && d.outageFor !== '') v.outage = { provider: 'gemini', atMinute: Number(d.outageAt), minutes: Number(d.outageFor) };
  return v;
}

let planSeq = 0;

export function PlanPanel({ file, attachments }: { file: FileRef; attachments: FileRef | null }) {
  const [report, setReport] = useState<PlanReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [drawer, setDrawer] = useState(false);
  const [drafts, setDrafts] = useState<Draft[]>([blank(0)]);
  const edit = (i: number, patch: Partial<Draft>) => setDrafts((ds) => ds.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const current = useRef<string | null>(null);

  const plan = async (variants: PlanVariant[]) => {
    const planId = `plan-${Date.now()}-${++planSeq}`;
    if (current.current) void api.cancelPlan({ planId: current.current });
    current.current = planId;
    setRunning(planId);
    setError(null);
    try {
      const r = await api.planBatch({ planId, file, attachments, variants });
      if (current.current === planId) setReport(r);
    } catch (e) {
      if (current.current === planId) setError((e as Error).message);
    } finally {
      if (current.current === planId) {
        current.current = null;
        setRunning(null);
      }
    }
  };

  useEffect(() => {
    void plan([]);
    return () => {
      if (current.current) void api.cancelPlan({ planId: current.current });
    };
  }, [file, attachments]); // a new file or folder is a new plan

  const cancel = () => {
    if (current.current) void api.cancelPlan({ planId: current.current });
  };
  const best = report?.predictions.find((p) => p.best) ?? null;
  const head = report?.predictions[0] ?? null;

  return (
    <div className="plan" data-testid="plan-panel" aria-labelledby="plan-h">
      <h3 id="plan-h">Plan</h3>
      {running && (
        <p role="status">
          Predicting on the virtual clock…{' '}
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </p>
      )}
      {error && <p role="alert">{error}</p>}
      {report && head && (
        <>
          <p data-testid="plan-headline">
            Current settings: about <strong>{minutes(head.makespan_s)}</strong> ({minutes(head.p10_s)}–{minutes(head.p90_s)}), {fmtInt(head.calls)}{' '}
            calls, {head.quota_ok ? "today's quota suffices" : `the daily quota runs out after ${minutes(head.quota_runs_out_s ?? 0)}`}.
            {best && best !== head && ` Fastest: ${best.config} (${minutes(best.makespan_s)}).`}
          </p>
          <p className="muted">
            {fmtInt(report.workload.submissions)} submissions, {fmtInt(report.workload.cacheHits)} cache hits, {fmtInt(report.workload.prescoreSkips)}{' '}
            calls skipped by pre-scoring; provider model from {fmtInt(report.model.learnedFromCalls)} stored calls
            {report.model.latency.some((l) => l.source === 'default') ? ' (documented defaults where history is thin)' : ''}.
          </p>
          <PlanTable predictions={report.predictions} />
          <RpmChart predicted={head.rpm} actual={null} />
        </>
      )}
      <button type="button" aria-expanded={drawer} onClick={() => setDrawer(!drawer)}>
        Compare…
      </button>
      {drawer && (
        <div className="plan-drawer" data-testid="plan-drawer">
          {drafts.map((d, i) => (
            <fieldset key={i} aria-label={`variant ${i + 1}`}>
              <input aria-label="name" value={d.name} onChange={(e) => edit(i, { name: e.target.value })} />
              <label>
                workers <input aria-label="workers" size={5} value={d.workers} onChange={(e) => edit(i, { workers: e.target.value })} />
              </label>
              <label>
                <input type="checkbox" checked={d.spillover} onChange={(e) => edit(i, { spillover: e.target.checked })} /> spill-over
              </label>
              <label>
                <input type="checkbox" checked={d.jitter} onChange={(e) => edit(i, { jitter: e.target.checked })} /> jitter
              </label>
              <label>
                Gemini outage at minute{' '}
                <input aria-label="outage at" size={4} value={d.outageAt} onChange={(e) => edit(i, { outageAt: e.target.value })} />
              </label>
              <label>
                for <input aria-label="outage minutes" size={4} value={d.outageFor} onChange={(e) => edit(i, { outageFor: e.target.value })} /> min
              </label>
            </fieldset>
          ))}
          <div className="row-buttons">
            <button type="button" disabled={drafts.length >= MAX_VARIANTS} onClick={() => setDrafts([...drafts, blank(drafts.length)])}>
              Add variant
            </button>
            <button type="button" className="primary" disabled={running !== null} onClick={() => void plan(drafts.map(toVariant))}>
              Compare {drafts.length} variant{drafts.length === 1 ? '' : 's'}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function PlanTable({ predictions }: { predictions: ConfigPrediction[] }) {
  return (
    <table className="plan-table">
      <thead>
        <tr>
          <th>Configuration</th>
          <th>Makespan</th>
          <th>P10–P90</th>
          <th>Calls (Gemini / Groq)</th>
          <th>Fallbacks</th>
          <th>429s</th>
          <th>Undetermined</th>
          <th>Quota</th>
        </tr>
      </thead>
      <tbody>
        {predictions.map((p) => (
          <tr key={p.config} data-best={p.best || undefined}>
            <td>
              {p.config}
              {p.best && ' ★'}
            </td>
            <td>{minutes(p.makespan_s)}</td>
            <td>
              {minutes(p.p10_s)}–{minutes(p.p90_s)}
            </td>
            <td>
              {fmtInt(p.callsByProvider.gemini)} / {fmtInt(p.callsByProvider.groq)}
            </td>
            <td>{fmtInt(p.fallbacks)}</td>
            <td>{fmtInt(p.http_429)}</td>
            <td>{fmtInt(p.undetermined)}</td>
            <td>{p.quota_ok ? 'ok' : `runs out at ${minutes(p.quota_runs_out_s ?? 0)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Calls per minute, predicted (dashed) and, after the run, actual (solid), in the dashboard's chart style. */
export function RpmChart({ predicted, actual }: { predicted: RpmPoint[]; actual: RpmPoint[] | null }) {
  const data = useMemo(() => {
    const n = Math.max(predicted.length, actual?.length ?? 0);
    return Array.from({ length: n }, (_, m) => ({
      minute: m,
      predicted: predicted[m] ? predicted[m].gemini + predicted[m].groq : null,
      actual: actual ? (actual[m] ? actual[m].gemini + actual[m].groq : null) : undefined,
    }));
  }, [predicted, actual]);
  return (
    <figure className="chart" aria-label="predicted RPM chart">
      <figcaption>
        <strong>Calls per minute</strong> <span className="muted">{actual ? 'actual over predicted' : 'predicted'}</span>
      </figcaption>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height={170}>
          <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
            <XAxis dataKey="minute" type="number" tick={{ fontSize: 11 }} tickFormatter={(m: number) => `${m} min`} minTickGap={40} />
            <YAxis tick={{ fontSize: 11 }} width={40} tickFormatter={(v: number) => fmtInt(v)} allowDecimals={false} />
            <Tooltip isAnimationActive={false} />
            <Legend />
            <Line
              name="predicted"
              dataKey="predicted"
              type="monotone"
              stroke="var(--chart-predicted)"
              strokeDasharray="5 4"
              dot={false}
              isAnimationActive={false}
            />
            {actual && (
              <Line
                name="actual"
                dataKey="actual"
                type="monotone"
                stroke="var(--chart-actual)"
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** On the run's page: "predicted 14 min, took 15 min", both curves, and the planner's recent accuracy. */
export function RunPlanSummary({ runId }: { runId: string }) {
  const [view, setView] = useState<RunPlanView | null>(null);
  useEffect(() => {
    let live = true;
    api.getRunPlan({ runId }).then(
      (v) => live && setView(v),
      () => live && setView(null),
    );
    return () => {
      live = false;
    };
  }, [runId]);
  if (!view?.prediction) return null;
  const acc = view.accuracy;
  return (
    <div className="plan" data-testid="run-plan">
      <p>
        Predicted {minutes(view.prediction.makespan_s)}
        {view.actual ? `, took ${minutes(view.actual.makespan_s)}` : ''}.{' '}
        {acc.runs > 0 && (
          <span className="muted">
            Planner, last {acc.runs} runs: within ±{acc.withinPct} %.
          </span>
        )}
      </p>
      <RpmChart predicted={view.prediction.rpm} actual={view.actual?.rpm ?? null} />
    </div>
  );
}
