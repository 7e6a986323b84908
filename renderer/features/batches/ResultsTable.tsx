// Virtualised results of the selected run, with status filters; pages are fetched as they scroll into view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useThrottled } from '../../components/useThrottled';
import { visibleControls } from '../../components/visible-controls';
import type { ResultRow } from '../../../shared/api';
import { STATUSES, type Status } from '../../../shared/domain';
import { PROVIDER_LABEL, fmtInt, fmtNum } from '../../components/format';
import { api } from '../../platform';
import { useLive } from '../../stores';
import { selectResultsVersion } from '../../stores/selectors';

const PAGE = 200;
const ROW_PX = 34;
/** Live results refetch at most this often while a batch runs. */
export const REFRESH_MS = 1000;

function useResultPages(runId: string, statuses: Status[]) {
  const version = useThrottled(useLive(selectResultsVersion), REFRESH_MS);
  const [total, setTotal] = useState(0);
  const [pages, setPages] = useState<Map<number, ResultRow[]>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(new Set<number>());
  /** Pages on screen, refreshed in place when submissions finish (no flash of "Loading…"). */
  const onScreen = useRef(new Set<number>([0]));
  const key = `${runId}|${statuses.join(',')}`;
  const query = useRef({ key, runId, statuses });
  query.current = { key, runId, statuses };

  const load = useCallback((page: number) => {
    if (inFlight.current.has(page)) return;
    inFlight.current.add(page);
    const q = query.current;
    api
      .getResults({ runId: q.runId, status: q.statuses.length ? q.statuses : undefined, offset: page * PAGE, limit: PAGE })
      .then(
        (r) => {
          if (query.current.key !== q.key) return; // an answer for a filter no longer shown
          setTotal(r.total);
          setPages((old) => new Map(old).set(page, r.rows));
          setError(null);
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      )
      .finally(() => inFlight.current.delete(page));
  }, []);

  // Another run or filter: start over from the first page.
  useEffect(() => {
    setPages(new Map());
    setTotal(0);
    inFlight.current.clear();
    load(0);
  }, [key, load]);

  // Finished submissions: refetch what is on screen, keeping the old rows until the new ones arrive.
  const seenVersion = useRef(version);
  useEffect(() => {
    if (seenVersion.current === version) return;
    seenVersion.current = version;
    for (const page of onScreen.current) load(page);
  }, [version, load]);

  return { total, pages, load, error, onScreen };
}

/** A Reopen row's reason first (it has no failed rule when its inputs are missing), then the failed rules. */
const whyText = (row: ResultRow) => [row.reopenReason, ...row.failedRules].filter((x) => x).join('; ');

export function ResultsTable({ runId, onOpen }: { runId: string; onOpen(submissionId: string): void }) {
  const [statuses, setStatuses] = useState<Status[]>([]);
  const { total, pages, load, error, onScreen } = useResultPages(runId, statuses);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 12 });
  const items = virtual.getVirtualItems();

  useEffect(() => {
    onScreen.current = new Set(items.length ? items.map((i) => Math.floor(i.index / PAGE)) : [0]);
    for (const page of onScreen.current) if (!pages.has(page)) load(page);
  });

  const toggle = (s: Status) => setStatuses((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]));

  return (
    <section className="card results" aria-labelledby="results-h">
      <header className="card-head">
        <h2 id="results-h">Results ({fmtInt(total)})</h2>
        <div className="filters" role="group" aria-label="Filter by status">
          {STATUSES.map((s) => (
            <button key={s} type="button" aria-pressed={statuses.includes(s)} className="toggle" onClick={() => toggle(s)}>
              {s}
            </button>
          ))}
        </div>
      </header>
      <ErrorAlert message={error} />
      <div role="table" aria-label="Results" aria-rowcount={total + 1} className="vtable">
        <div role="row" className="vrow vhead">
          {['Id', 'Title', 'Score', 'Status', 'Reason', 'Provider'].map((h) => (
            <span key={h} role="columnheader">
              {h}
            </span>
          ))}
        </div>
        <div ref={scroller} className="vbody" data-testid="results-body">
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = pages.get(Math.floor(item.index / PAGE))?.[item.index % PAGE];
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className="vrow"
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_PX, transform: `translateY(${item.start}px)` }}
                >
                  {row ? (
                    <>
                      <span role="cell">
                        <button type="button" className="link" onClick={() => onOpen(row.submissionId)}>
                          {row.submissionId}
                        </button>
                      </span>
                      <span role="cell" className="clip" title={visibleControls(row.title ?? '')}>
                        {row.title === null ? '—' : visibleControls(row.title)}
                      </span>
                      <span role="cell">{fmtNum(row.score)}</span>
                      <span role="cell">
                        <span className={`status status-${row.status}`}>{row.status}</span>
                      </span>
                      <span role="cell" className="clip" title={whyText(row)}>
                        {whyText(row) || '—'}
                      </span>
                      <span role="cell">
                        {PROVIDER_LABEL[row.provider] ?? row.provider}
                        {row.simulated && <span className="tag">simulated</span>}
                      </span>
                    </>
                  ) : (
                    <span role="cell" className="muted">
                      Loading…
                    </span>
                  )}
                </div>
              );
            })}
          </div>
          {total === 0 && <p className="muted empty">No results{statuses.length ? ' with this filter' : ' yet'}.</p>}
        </div>
      </div>
    </section>
  );
}
