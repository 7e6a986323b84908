// The selected run: progress with ETA and calls used, pause/resume/cancel, export, and re-run undetermined.
import { useEffect, useState } from 'react';
import { STATUSES } from '../../../shared/domain';
import type { CommandOutput, RunSummary } from '../../../shared/api';
import type { BatchSnapshot } from '../../../shared/telemetry';
import { ConfirmAction } from '../../components/ConfirmAction';
import { fmtDateTime, fmtDuration, fmtInt } from '../../components/format';
import { RunPlanSummary } from './PlanPanel';
import { api } from '../../platform';
import { useLive } from '../../stores';
import { selectBatch } from '../../stores/selectors';
import { useSession } from '../../stores/session';

type Progress = Pick<BatchSnapshot, 'runId' | 'state' | 'total' | 'done' | 'byStatus' | 'callsUsed'> & Partial<BatchSnapshot>;

function useRuns(): RunSummary[] {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const state = useLive((s) => `${s.batch?.runId}:${s.batch?.state}`);
  useEffect(() => {
    api.listRuns({}).then(setRuns, () => undefined);
  }, [state]);
  return runs;
}

export function RunPanel() {
  const runId = useSession((s) => s.runId);
  const selectRun = useSession((s) => s.selectRun);
  const runs = useRuns();
  const liveBatch = useLive(selectBatch);
  const [exported, setExported] = useState<CommandOutput<'exportResults'> | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    if (runId === null && runs[0]) selectRun(runs[0].runId);
  }, [runId, runs, selectRun]);
  useEffect(() => setExported(null), [runId]);

  const summary = runs.find((r) => r.runId === runId);
  const progress: Progress | undefined = liveBatch?.runId === runId ? liveBatch : summary;
  if (!runId || !progress) return null;

  const act = async (what: string, fn: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await fn();
      setMessage({ ok: true, text: what });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };
  const active = progress.state === 'running' || progress.state === 'paused';
  // Driven by another process (a CLI run, say): this console shows it but must not pause, resume or cancel it.
  const elsewhere = summary?.runningElsewhere;
  const pct = progress.total > 0 ? progress.done / progress.total : 0;

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
          {fmtInt(progress.done)} / {fmtInt(progress.total)} · <strong>{progress.state}</strong>
          {progress.etaMs != null && progress.state === 'running' && ` · ETA ${fmtDuration(progress.etaMs)}`} · {fmtInt(progress.callsUsed)} calls used
          {progress.workers != null && ` · ${progress.workers} workers`}
        </span>
      </div>
      <p className="status-counts">
        {STATUSES.map((s) => (
          <span key={s} className={`count status-${s}`}>
            {s} {fmtInt(progress.byStatus[s])}
          </span>
        ))}
      </p>
      {elsewhere && (
        <p role="note" className="inline-result" data-testid="run-elsewhere">
          Running in another process (pid {elsewhere.pid} on {elsewhere.host}); it can be controlled only from there.
        </p>
      )}
      <RunPlanSummary key={`${runId}:${progress.state}`} runId={runId} />
      <div className="row-buttons">
        {!elsewhere && progress.state === 'running' && (
          <button type="button" onClick={() => act('Paused', () => api.pauseBatch({ runId }))}>
            Pause
          </button>
        )}
        {!elsewhere && progress.state === 'paused' && (
          <button type="button" onClick={() => act('Resumed', () => api.resumeBatch({ runId }))}>
            Resume
          </button>
        )}
        {!elsewhere && active && (
          <ConfirmAction
            label="Cancel batch"
            danger
            title="Cancel this batch?"
            description={<p>Calls in flight are aborted; finished submissions keep their results. You can resume it later.</p>}
            run={async () => `Batch ${(await api.cancelBatch({ runId })).state}`}
          />
        )}
        <button type="button" disabled={active} onClick={() => act('Re-running undetermined submissions', () => api.rerunUndetermined({ runId }))}>
          Re-run undetermined
        </button>
        <button type="button" onClick={() => act('Exported CSV', async () => setExported(await api.exportResults({ runId, format: 'csv' })))}>
          Export CSV
        </button>
        <button type="button" onClick={() => act('Exported XLSX', async () => setExported(await api.exportResults({ runId, format: 'xlsx' })))}>
          Export XLSX
        </button>
      </div>
      {message && (
        <p role="status" className={message.ok ? 'inline-result ok' : 'inline-result error'}>
          {message.text}
        </p>
      )}
      {exported && (
        <p className="export-result" data-testid="export-result">
          {fmtInt(exported.rows)} rows, {fmtInt(exported.bytes)} bytes, saved to <code>{exported.path}</code>
          {exported.downloadUrl && (
            <>
              {' '}
              · <a href={exported.downloadUrl} download={exported.fileName}>Download {exported.fileName}</a>
            </>
          )}
        </p>
      )}
    </section>
  );
}
