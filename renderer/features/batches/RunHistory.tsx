// The run history (docs/console.md §12): every stored run with its file, start, duration, totals per status, calls,
// fallback calls and outcome; Open selects it for the run panel and the results, Resume continues it when it can.
import { useEffect, useState } from 'react';
import type { RunHistoryEntry } from '../../../shared/api';
import { STATUSES } from '../../../shared/domain';
import { CompactTable, type Column } from '../../components/CompactTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fmtDateTime, fmtDuration, fmtInt } from '../../components/format';
import { useThrottled } from '../../components/useThrottled';
import { api } from '../../platform';
import { useLive } from '../../stores';
import { selectResultsVersion } from '../../stores/selectors';
import { useSession } from '../../stores/session';
import { REFRESH_MS } from './ResultsTable';

const PAGE = 20;
/** The contract caps a page at 200 runs. */
const MAX_PAGE = 200;

function useHistory(limit: number) {
  const [page, setPage] = useState<{ total: number; runs: RunHistoryEntry[] }>({ total: 0, runs: [] });
  const [error, setError] = useState<string | null>(null);
  const state = useLive((s) => `${s.batch?.runId}:${s.batch?.state}`);
  const version = useThrottled(useLive(selectResultsVersion), REFRESH_MS);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    api.getRunHistory({ offset: 0, limit }).then(
      (p) => {
        setPage(p);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [state, version, limit, asked]);
  return { ...page, error, refresh: () => setAsked((n) => n + 1) };
}

export function RunHistory() {
  const [limit, setLimit] = useState(PAGE);
  const { total, runs, error, refresh } = useHistory(limit);
  const runId = useSession((s) => s.runId);
  const selectRun = useSession((s) => s.selectRun);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (total === 0 && !error) return null;

  const resume = async (r: RunHistoryEntry) => {
    setMessage(null);
    try {
      await api.resumeBatch({ runId: r.runId });
      selectRun(r.runId);
      setMessage({ ok: true, text: `Resumed ${r.fileName} (run ${r.runId})` });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
    refresh();
  };

  const columns: Column<RunHistoryEntry>[] = [
    {
      header: 'File',
      cell: (r) => (
        <>
          {r.fileName}
          {r.simulated && <span className="tag">simulated</span>}
        </>
      ),
    },
    { header: 'Started', cell: (r) => fmtDateTime(r.createdAt) },
    { header: 'Duration', cell: (r) => (r.durationMs === null ? '—' : fmtDuration(r.durationMs)) },
    { header: 'Rows', cell: (r) => `${fmtInt(r.done)} / ${fmtInt(r.total)}` },
    ...STATUSES.map((s): Column<RunHistoryEntry> => ({ header: s, cell: (r) => fmtInt(r.byStatus[s]) })),
    { header: 'Calls', cell: (r) => fmtInt(r.callsUsed) },
    { header: 'Fallback calls', cell: (r) => fmtInt(r.fallbackCalls) },
    { header: 'Outcome', cell: (r) => r.outcome, testId: 'run-outcome' },
    {
      header: 'Actions',
      className: () => 'row-actions',
      cell: (r) => (
        <>
          <button type="button" onClick={() => selectRun(r.runId)} disabled={r.runId === runId} aria-label={`Open run ${r.runId} (${r.fileName})`}>
            Open
          </button>
          {r.resumable && (
            <button type="button" onClick={() => void resume(r)} aria-label={`Resume run ${r.runId} (${r.fileName})`}>
              Resume
            </button>
          )}
        </>
      ),
    },
  ];

  return (
    <section className="card run-history" aria-labelledby="history-h">
      <header className="card-head">
        <h2 id="history-h">Run history ({fmtInt(total)})</h2>
      </header>
      <ErrorAlert message={error} />
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Run history table (scrolls)">
        <CompactTable
          columns={columns}
          rows={runs}
          rowKey={(r) => r.runId}
          testId="run-history"
          rowAttrs={(r) => ({ 'aria-current': r.runId === runId ? 'true' : undefined, 'data-run': r.runId })}
        />
      </div>
      {runs.length < total && limit < MAX_PAGE && (
        <button type="button" onClick={() => setLimit((n) => Math.min(MAX_PAGE, n + PAGE))}>
          Show {fmtInt(Math.min(PAGE, total - runs.length))} more
        </button>
      )}
      {message && (
        <p role="status" data-testid="history-message" className={message.ok ? 'inline-result ok' : 'inline-result error'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
