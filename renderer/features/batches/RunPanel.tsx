// The selected run: progress with ETA and calls used, pause/resume/cancel, export, and re-run undetermined.
// Totals and status chips come from the stored run (every pass: first, resumed, re-run), the same source as the
// results table's filters, so the two always agree; the live batch adds the current pass (docs/console.md §4).
import { useEffect, useId, useState } from 'react';
import { STATUSES } from '../../../shared/domain';
import type { CommandOutput, RunSummary } from '../../../shared/api';
import type { BatchSnapshot } from '../../../shared/telemetry';
import { ConfirmAction } from '../../components/ConfirmAction';
import { fmtDateTime, fmtInt } from '../../components/format';
import { RunPlanSummary } from './PlanPanel';
import { api } from '../../platform';
import { useThrottled } from '../../components/useThrottled';
import { useLive } from '../../stores';
import { selectBatch, selectResultsVersion } from '../../stores/selectors';
import { useSession } from '../../stores/session';
import { useEngineNow } from '../../components/useEngineNow';
import { etaText, pausingText } from './progress-text';
import { REFRESH_MS } from './ResultsTable';

type Totals = Pick<BatchSnapshot, 'runId' | 'state' | 'total' | 'done' | 'byStatus' | 'callsUsed'>;

/** The stored runs, refetched when a batch changes state and (throttled) as submissions finish. */
function useRuns(): RunSummary[] {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const state = useLive((s) => `${s.batch?.runId}:${s.batch?.state}`);
  const version = useThrottled(useLive(selectResultsVersion), REFRESH_MS);
  useEffect(() => {
    api.listRuns({}).then(setRuns, () => undefined);
  }, [state, version]);
  return runs;
}

export function RunPanel() {
  const runId = useSession((s) => s.runId);
  const selectRun = useSession((s) => s.selectRun);
  const runs = useRuns();
  const liveBatch = useLive(selectBatch);
  const providers = useLive((s) => s.snapshot?.providers);
  const now = useEngineNow();
  const [exported, setExported] = useState<CommandOutput<'exportResults'> | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    if (runId === null && runs[0]) selectRun(runs[0].runId);
  }, [runId, runs, selectRun]);
  useEffect(() => setExported(null), [runId]);

  const rerunReasonId = useId();
  const summary = runs.find((r) => r.runId === runId);
  /** The pass running now (first, resumed or re-run), when it belongs to this run. */
  const pass = liveBatch?.runId === runId ? liveBatch : null;
  const totals: Totals | undefined = summary ? { ...summary, state: pass?.state ?? summary.state } : (pass ?? undefined);
  if (!runId || !totals) return null;

  const act = async (what: string, fn: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await fn();
      setMessage({ ok: true, text: what });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };
  const active = totals.state === 'running' || totals.state === 'paused' || totals.state === 'cancelling';
  const pct = totals.total > 0 ? totals.done / totals.total : 0;
  const partPass = pass !== null && pass.total !== totals.total;
  const eta = pass && providers && now !== null ? etaText(pass, providers, now) : null;
  const pausing = pass ? pausingText(pass) : null;
  const resumable = totals.state === 'cancelled' && totals.done < totals.total;
  const review = totals.byStatus.Review;
  const rerunBlocked = active ? 'Available once this run stops.' : review === 0 ? 'Nothing to re-run: no row is in Review.' : null;
  // Driven by another process (a CLI run, say): this console shows it but must not pause, resume or cancel it.
  const elsewhere = summary?.runningElsewhere;

  return (
    <section className="card run" aria-labelledby="run-h">
      <header className="card-head">
        <h2 id="run-h">
          Run {summary ? summary.fileName : runId}
          {summary?.simulated && <span className="tag">simulated</span>}
        </h2>
        <label className="inline-field">
          <span>Run</span>
          <select value={runId} onChange={(e) => selectRun(e.currentTarget.value)}>
            {runs.map((r) => (
              <option key={r.runId} value={r.runId}>
                {r.fileName} · {fmtDateTime(r.createdAt)} · {r.state}
              </option>
            ))}
            {!summary && <option value={runId}>{runId}</option>}
          </select>
        </label>
      </header>
      <div className="progress-line">
        <progress max={1} value={pct} aria-label="Batch progress" />
        <span data-testid="progress-text">
          {fmtInt(totals.done)} / {fmtInt(totals.total)} · <strong>{totals.state}</strong>
          {eta && <span data-testid="eta-text"> · {eta}</span>} · {fmtInt(totals.callsUsed)} calls used
          {pass && ` · ${pass.workers} workers`}
        </span>
      </div>
      {pausing && (
        <p role="status" className="inline-result" data-testid="pausing-text">
          {pausing}
        </p>
      )}
      {partPass && (
        <p className="muted" data-testid="pass-text">
          This pass (a resume, or a re-run of Review rows): {fmtInt(pass.done)} / {fmtInt(pass.total)} rows
        </p>
      )}
      <p className="status-counts" aria-label="Rows per status in this run">
        {STATUSES.map((s) => (
          <span key={s} className={`count status-${s}`}>
            {s} {fmtInt(totals.byStatus[s])}
          </span>
        ))}
      </p>
      {elsewhere && (
        <p role="note" className="inline-result" data-testid="run-elsewhere">
          Running in another process (pid {elsewhere.pid} on {elsewhere.host}); it can be controlled only from there.
        </p>
      )}
      <RunPlanSummary key={`${runId}:${totals.state}`} runId={runId} />
      <div className="row-buttons">
        {!elsewhere && totals.state === 'running' && (
          <button type="button" onClick={() => act('Paused', () => api.pauseBatch({ runId }))}>
            Pause
          </button>
        )}
        {!elsewhere && (totals.state === 'paused' || resumable) && (
          <button type="button" onClick={() => act('Resumed', () => api.resumeBatch({ runId }))}>
            Resume
          </button>
        )}
        {!elsewhere && active && (
          <ConfirmAction
            label="Cancel batch"
            danger
            title="Cancel this batch?"
            description={
              <p>
                Calls in flight are aborted; finished submissions keep their results. <strong>Resume</strong> later continues with the rows not yet
                done.
              </p>
            }
            run={async () => `Batch ${(await api.cancelBatch({ runId })).state}`}
          />
        )}
        <button
          type="button"
          disabled={rerunBlocked !== null}
          aria-describedby={rerunBlocked ? rerunReasonId : undefined}
          onClick={() => act('Re-running undetermined submissions', () => api.rerunUndetermined({ runId }))}
        >
          Re-run undetermined
        </button>
        <button type="button" onClick={() => act('Exported CSV', async () => setExported(await api.exportResults({ runId, format: 'csv' })))}>
          Export CSV
        </button>
        <button type="button" onClick={() => act('Exported XLSX', async () => setExported(await api.exportResults({ runId, format: 'xlsx' })))}>
          Export XLSX
        </button>
      </div>
      {rerunBlocked && (
        <p id={rerunReasonId} className="muted" data-testid="rerun-reason">
          {rerunBlocked}
        </p>
      )}
      {message && (
        <p role="status" data-testid="run-message" className={message.ok ? 'inline-result ok' : 'inline-result error'}>
          {message.text}
        </p>
      )}
      {exported && (
        <p className="export-result" data-testid="export-result">
          {fmtInt(exported.rows)} rows, {fmtInt(exported.bytes)} bytes, saved to <code>{exported.path}</code>
          {exported.downloadUrl && (
            <>
              {' '}
              ·{' '}
              <a href={exported.downloadUrl} download={exported.fileName}>
                Download {exported.fileName}
              </a>
            </>
          )}
        </p>
      )}
    </section>
  );
}
